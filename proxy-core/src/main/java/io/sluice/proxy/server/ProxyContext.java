package io.sluice.proxy.server;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.mock.MockExchange;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.upstream.Origin;
import io.sluice.proxy.upstream.UpstreamPools;
import io.sluice.proxy.upstream.UpstreamRelay;
import io.sluice.providers.ProviderCatalog;
import io.sluice.proxy.upstream.CopilotTokens;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** What every connection of one server shares: config, router, pools, metrics. Built once at start. */
public final class ProxyContext {

    public static final String USER_AGENT = "sluice/0.1";

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance("io.sluice.proxy");

    private final SluiceConfig config;
    private volatile ModelRouter router;
    private final SluiceMetrics metrics;
    private final UpstreamPools pools;
    private volatile String modelsJson;
    private final Map<String, Origin> origins = new HashMap<>();
    private final Map<String, AtomicInteger> keyCursor = new HashMap<>();
    private final CopilotTokens copilotTokens = new CopilotTokens(
            ProviderCatalog.get().byType("github-copilot").headers(), System::currentTimeMillis);

    public ProxyContext(SluiceConfig config, SluiceMetrics metrics, UpstreamPools pools) {
        this.config = config;
        this.router = new ModelRouter(config);
        this.metrics = metrics;
        this.pools = pools;
        for (ProviderConfig p : config.providers()) {
            if (p.baseUrl() != null) {
                origins.put(p.name(), Origin.of(p.baseUrl()));
            }
            keyCursor.put(p.name(), new AtomicInteger());
        }
        this.modelsJson = buildModelsJson(router);
    }

    /** The exchange that answers {@code request}: the in-process mock or an upstream relay. */
    Exchange newExchange(ChatRequest request, ResponseSink sink) {
        ProviderConfig p = request.route().provider();
        if (!request.translated()) {
            return answer(p, request, sink);
        }
        TranslatingSink translating = new TranslatingSink(sink, dialect(p), request.client(), request.hub());
        Exchange inner = answer(p, request, translating);
        return new Exchange() {
            @Override
            public void start() {
                inner.start();
            }

            @Override
            public void clientWritable() {
                inner.clientWritable();
            }

            @Override
            public void abort() {
                inner.abort();
                translating.abort();
            }
        };
    }

    private Exchange answer(ProviderConfig p, ChatRequest request, ResponseSink sink) {
        if (p.isMock()) {
            return new MockExchange(request, sink, p.mock());
        }
        return new UpstreamRelay(this, request, sink);
    }

    /** The dialect {@code p} speaks; the built-in mock answers in OpenAI's. */
    public Dialect dialect(ProviderConfig p) {
        return Dialects.byName(p.dialect());
    }

    /** Round-robin over the provider's keys; null when it has none. (Rotation on failure: the scheduler issue.) */
    public String nextKey(ProviderConfig p) {
        int i = nextKeyIndex(p);
        return i < 0 ? null : p.apiKeys().get(i);
    }

    /** Round-robin index into the provider's keys; -1 when it has none. */
    public int nextKeyIndex(ProviderConfig p) {
        List<String> keys = p.apiKeys();
        if (keys.isEmpty()) {
            return -1;
        }
        return Math.floorMod(keyCursor.get(p.name()).getAndIncrement(), keys.size());
    }

    public Origin origin(ProviderConfig p) {
        return origins.get(p.name());
    }

    /** The origin of {@code target}: the provider's own when it is its base URL, else one for that URI. */
    public Origin origin(ProviderConfig p, URI target) {
        if (target.equals(p.baseUrl())) {
            return origins.get(p.name());
        }
        return Origin.of(target);
    }

    /** The Copilot token cache every github-copilot provider of this server shares. */
    public CopilotTokens copilotTokens() {
        return copilotTokens;
    }

    public SluiceConfig config() {
        return config;
    }

    public ModelRouter router() {
        return router;
    }

    public SluiceMetrics metrics() {
        return metrics;
    }

    public UpstreamPools pools() {
        return pools;
    }

    public InternalLogger log() {
        return LOG;
    }

    /**
     * Serves newly discovered model lists: the router and the {@code /v1/models} body are rebuilt and swapped in;
     * requests already routed keep the route they have.
     */
    public synchronized void discovered(Map<String, List<String>> models) {
        ModelRouter r = new ModelRouter(config, models);
        router = r;
        modelsJson = buildModelsJson(r);
    }

    /** {@code GET /v1/models} body, OpenAI list shape; computed at start and when discovered lists change. */
    public String modelsJson() {
        return modelsJson;
    }

    private static String buildModelsJson(ModelRouter router) {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
        boolean first = true;
        for (ModelRouter.ModelEntry e : router.entries()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"id\":");
            Json.quote(sb, e.id());
            sb.append(",\"object\":\"model\",\"created\":0,\"owned_by\":");
            Json.quote(sb, e.ownedBy());
            sb.append('}');
        }
        return sb.append("]}").toString();
    }
}
