package io.sluice.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Reasoning;
import io.sluice.codec.json.Edit;
import io.sluice.codec.json.ModelSplice;
import io.sluice.codec.rewrite.HubRewriter;
import io.sluice.providers.CapabilityRules;
import io.sluice.providers.ModelCapabilities;
import io.sluice.providers.Operation;
import io.sluice.proxy.config.ProviderConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The one place that decides splice-or-translate: for each provider a client request is tried on, either the
 * client's own bytes with only the model value spliced (same dialect: no re-serialization), or the request read once
 * into the hub and written in the provider's dialect. Owns the client's body; each planned request holds its own
 * reference, so attempts and fallbacks release independently.
 */
public final class RequestPlanner {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(RequestPlanner.class);

    private final ClientRequest client;
    /** The client's request as the hub reads it; read on the first translation. */
    private HubRequest hub;
    /** The last translation, kept for further attempts on the same provider and model (key rotation). */
    private ByteBuf written;
    private ProviderConfig writtenFor;
    private String writtenModel;
    private boolean released;

    /** What is known of a provider's model: its catalog entry and what the provider's own model list reported. */
    private final BiFunction<ProviderConfig, String, ModelCapabilities> capabilities;

    /** A planner that knows models by the built-in catalog only. */
    public RequestPlanner(ClientRequest client) {
        this(client, (p, model) -> p.descriptor().modelCapabilities(model));
    }

    /** @param capabilities what is known of a provider's model, for {@link CapabilityRules} */
    public RequestPlanner(ClientRequest client, BiFunction<ProviderConfig, String, ModelCapabilities> capabilities) {
        this.client = client;
        this.capabilities = capabilities;
    }

    public ClientRequest client() {
        return client;
    }

    /**
     * The request as {@code p} takes it for {@code upstreamModel}.
     *
     * @throws RequestException when the client's body is not a valid request of its dialect (a 400)
     * @throws RuntimeException when the request cannot be written for {@code p}'s dialect
     */
    public UpstreamRequest plan(ProviderConfig p, String upstreamModel, ByteBufAllocator alloc)
            throws RequestException {
        Dialect pd = Dialects.byName(p.dialect());
        ClientRequest c = client;
        if (c.operation() == Operation.EMBEDDINGS && pd == Dialects.GEMINI) {
            // Gemini's embeddings API: written for this attempt's model (each request names it)
            return new UpstreamRequest(c.model(), p, upstreamModel, false, false, -1, -1,
                    GeminiEmbedBridge.request(c.body(), upstreamModel, alloc), c.dialect(), null, null, null,
                    c.operation(), c.trace());
        }
        if (c.operation() != Operation.CHAT || pd == c.dialect()) {
            boolean anthropic = pd == Dialects.ANTHROPIC;
            // Accounting needs the provider's usage: a stream that did not ask for it does now, in place (the
            // client's bytes as retained slices around the edits); the relay drops the usage chunk it did not ask
            // for. The system prompt and thinking budget are edits of the same bytes.
            List<Edit> edits = c.edits();
            if (askUsage(c, pd)) {
                edits = new ArrayList<>(edits);
                edits.add(c.usageEdit());
            }
            int shift = 0;
            for (Edit e : edits) {
                if (c.modelStart() >= 0 && e.end() <= c.modelStart()) {
                    shift += e.delta();
                }
            }
            ByteBuf body = edits.isEmpty() ? reference(c) : ModelSplice.apply(alloc, c.body(), edits);
            return new UpstreamRequest(c.model(), p, upstreamModel, c.stream(), c.includeUsage(),
                    c.modelStart() + shift, c.modelEnd() + shift, body, c.dialect(), null,
                    anthropic ? c.anthropicBeta() : null, anthropic ? c.anthropicVersion() : null, c.operation(),
                    c.trace());
        }
        if (hub == null) {
            hub = c.dialect().readRequest(c.body());
            hub.stream = c.stream();
            HubRewriter.apply(hub, c.rewrite()); // system prompt and thinking budget, once for every provider
        }
        if (written == null || writtenFor != p || !writtenModel.equals(upstreamModel)) {
            if (written != null) {
                written.release();
                written = null;
            }
            String clientModel = hub.model;
            Reasoning reasoning = hub.reasoning;
            Integer maxTokens = hub.maxTokens;
            hub.model = upstreamModel;
            hub.maxTokensParam = null; // set by the quirks of the provider tried before, if any
            try {
                p.descriptor().quirks().apply(hub);
                List<String> changed = CapabilityRules.apply(hub, capabilities.apply(p, upstreamModel));
                if (!changed.isEmpty() && LOG.isDebugEnabled()) {
                    LOG.debug("{} -> {} {}/{}: {}", c.dialect().name(), pd.name(), p.name(), upstreamModel, changed);
                }
                written = pd.writeRequest(hub, alloc);
            } finally {
                hub.model = clientModel == null ? c.model() : clientModel;
                hub.reasoning = reasoning; // the next provider's model may take what this one could not
                hub.maxTokens = maxTokens;
            }
            writtenFor = p;
            writtenModel = upstreamModel;
            if (!hub.dropped().isEmpty() && LOG.isDebugEnabled()) {
                LOG.debug("{} -> {}: dropped {}", c.dialect().name(), pd.name(), hub.dropped());
            }
        }
        // The upstream request always asks for usage (accounting); what the client asked is in hub.includeUsage.
        return new UpstreamRequest(c.model(), p, upstreamModel, c.stream(), true, -1, -1,
                written.retainedDuplicate(), c.dialect(), hub, null, null, c.operation(), c.trace());
    }

    /** Whether the passthrough of {@code c} to a provider of dialect {@code pd} gets usage asked for. */
    private static boolean askUsage(ClientRequest c, Dialect pd) {
        return c.usageEdit() != null && c.stream() && !c.includeUsage() && c.operation() == Operation.CHAT
                && pd == Dialects.OPENAI && c.dialect() == Dialects.OPENAI && c.modelStart() >= 0;
    }

    /**
     * Another reference to the client's bytes for one attempt: the same buffer when the relay only slices it (model
     * splice leaves its indexes alone), else a duplicate, since sending a body as it is consumes it.
     */
    private static ByteBuf reference(ClientRequest c) {
        return c.modelStart() >= 0 ? c.body().retain() : c.body().retainedDuplicate();
    }

    /** The sink an attempt at {@code r} writes to: {@code out} itself, or a translator into the client's dialect. */
    public static ResponseSink sinkFor(UpstreamRequest r, ResponseSink out) {
        return sinkFor(r, out, null);
    }

    /** {@link #sinkFor(UpstreamRequest, ResponseSink)} giving a translated answer the client request's own id. */
    public ResponseSink sink(UpstreamRequest r, ResponseSink out) {
        return sinkFor(r, out, client.responseId());
    }

    private static ResponseSink sinkFor(UpstreamRequest r, ResponseSink out, String responseId) {
        if (r.operation() == Operation.EMBEDDINGS && Dialects.byName(r.provider().dialect()) == Dialects.GEMINI) {
            return GeminiEmbedBridge.answer(out, r.model());
        }
        return r.translated()
                ? new TranslatingSink(out, Dialects.byName(r.provider().dialect()), r.client(), r.hub(), r.trace(),
                        r.provider().apiKeys(), responseId)
                : out;
    }

    /** Releases the client's body and the kept translation; planned requests keep their own references. */
    public void release() {
        if (!released) {
            released = true;
            client.body().release();
            if (written != null) {
                written.release();
                written = null;
            }
        }
    }
}
