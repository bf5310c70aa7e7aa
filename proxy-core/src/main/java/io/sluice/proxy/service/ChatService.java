package io.sluice.proxy.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.providers.Operation;
import io.sluice.proxy.access.Access;
import io.sluice.proxy.access.Admission;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.config.BypassConfig;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.ResponseStoreConfig;
import io.sluice.proxy.dedup.Dedup;
import io.sluice.proxy.exchange.ClientRequest;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.RequestPlanner;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.ops.RequestTrace;
import io.sluice.proxy.rewrite.RequestRewrites;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.route.Routing;
import io.sluice.proxy.schedule.AttemptScheduler;

/**
 * Model requests in every client dialect (chat completions, messages, responses, Gemini generate, embeddings, image
 * generation): admission → route → plan → exchange. The body is scanned incrementally for the model and the stream
 * flag as it arrives; nothing else is parsed unless the provider speaks another dialect.
 */
public final class ChatService {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(ChatService.class);
    /** The log ring Claude CLI bypass answers are listed in ({@code /api/monitoring/providers/logs/all}). */
    static final String BYPASS_LOG = "claude-cli-bypass";

    private final Admission admission;
    private final Routing routing;
    private final AttemptScheduler scheduler;
    private final Operations ops;
    private final SluiceMetrics metrics;
    private final BypassConfig bypass;
    private final RequestRewrites rewrites;
    private final Dedup dedup;
    private final ResponseState responses;

    /** @param rewrites the global system prompt and the thinking budget in force */
    public ChatService(Admission admission, Routing routing, AttemptScheduler scheduler, Operations ops,
                       SluiceMetrics metrics, BypassConfig bypass, RequestRewrites rewrites) {
        this(admission, routing, scheduler, ops, metrics, bypass, rewrites,
                new Dedup(io.sluice.proxy.config.DedupConfig.off(), metrics, System::nanoTime),
                ResponseState.inMemory(ResponseStoreConfig.defaults()));
    }

    /**
     * @param dedup     request dedup and in-flight coalescing
     * @param responses the Responses API's stored answers
     */
    public ChatService(Admission admission, Routing routing, AttemptScheduler scheduler, Operations ops,
                       SluiceMetrics metrics, BypassConfig bypass, RequestRewrites rewrites, Dedup dedup,
                       ResponseState responses) {
        this.responses = responses;
        this.bypass = bypass;
        this.dedup = dedup;
        this.admission = admission;
        this.routing = routing;
        this.scheduler = scheduler;
        this.ops = ops;
        this.metrics = metrics;
        this.rewrites = rewrites;
    }

    /**
     * @param key        the client key the request authenticated with, or null when keys are not required
     * @param credential what the client presented, for per-client limits
     */
    RequestHandler open(InboundRequest request, RouteFamily route, ClientKeys.Key key, String credential) {
        return open(request, route, route.dialect, key, credential);
    }

    /**
     * A model request on {@code route} whose body speaks {@code dialect}: the seed's helper routes
     * ({@code /v1/simple-chat}, {@code /v1/proxy}, {@code /v1/test-model}) write a chat completions or Responses body
     * and run it here, so that it takes the path every model request takes, counted under their own route.
     */
    RequestHandler open(InboundRequest request, RouteFamily route, Dialect dialect, ClientKeys.Key key,
                        String credential) {
        return new ModelCall(request, route, dialect, key, admission.limitsPerCredential() ? credential : null);
    }

    /** {@code GET}/{@code DELETE /v1/responses/{id}}: the stored answers of {@code key}. */
    RequestHandler storedResponses(InboundRequest request, ClientKeys.Key key) {
        return StoredResponses.open(request, key, responses.store(), metrics);
    }

    /** One model request. */
    private final class ModelCall extends ScannedRequest implements Dedup.Call {
        private final ClientKeys.Key key;
        private final String credential;
        /** The dialect the body and the answer speak: the route's, or the one a helper route wrote. */
        private final Dialect dialect;
        private RequestTrace trace;
        private Exchange exchange;
        /** What answers this request (the exchange, or dedup's client of a shared answer), for accounting. */
        private Exchange answering;
        private RequestPlanner planner;
        private ModelRouter.Route target;
        private boolean over;
        /** Gemini embeddings: the answer being put back into Gemini's shape, released if the client leaves. */
        private GeminiEmbeddings.Answer embedAnswer;
        /** The id a translated Responses answer gets, when Sluice stores it. */
        private String responseId;

        ModelCall(InboundRequest request, RouteFamily route, Dialect dialect, ClientKeys.Key key,
                  String credential) {
            super(request, route, metrics, ops.capture(request.method().name(), request.uri(), request.headers()),
                    route.chat() ? rewrites.outline(dialect) : null);
            this.key = key;
            this.credential = credential;
            this.dialect = dialect;
        }

        @Override
        public Dialect dialect() {
            return dialect;
        }

        @Override
        void respond(CompositeByteBuf body, ChatRequestScanner scan, ResponseSink sink) {
            if (route == RouteFamily.MESSAGES
                    && ClaudeCliBypass.answered(bypass, request, body, scan, sink, metrics, ops)) {
                return;
            }
            Access.Denial limited = admission.limits(key, credential);
            if (limited != null) {
                body.release();
                SimpleHandler.deny(sink, dialect, limited);
                return;
            }
            GeminiPath gemini = route == RouteFamily.GEMINI || route == RouteFamily.GEMINI_EMBED
                    ? GeminiPath.parse(request.path()) : null;
            String model = gemini != null ? gemini.model() : scan.model();
            boolean stream = gemini != null ? gemini.stream() : scan.stream();
            if (model == null || model.isEmpty()) {
                body.release();
                sink.fail(HttpResponseStatus.BAD_REQUEST, "you must provide a model parameter", "missing_model");
                return;
            }
            ModelRouter.Route target = route(model, sink);
            if (target == null) {
                body.release();
                return;
            }
            ProviderConfig p = target.provider();
            Access.Denial notAllowed = admission.model(key, calledAs(model, target), p.name(),
                    target.upstreamModel());
            if (notAllowed != null) {
                body.release();
                SimpleHandler.deny(sink, dialect, notAllowed);
                return;
            }
            if (route != RouteFamily.RESPONSES) {
                call(body, scan, sink, model, stream, gemini, target);
            } else if (!responses.await(body, key, sink, rewrites.outline(dialect), (b, s) -> responses(b, s,
                    sink, model, stream, target))) { // answers another instance stored are read first
                responses(body, scan, sink, model, stream, target);
            }
        }

        /** A Responses request: references expanded from the store, its answer captured into it. */
        private void responses(CompositeByteBuf body, ChatRequestScanner scan, ResponseSink sink, String model,
                               boolean stream, ModelRouter.Route target) {
            ResponseState.Prepared prep = responses.prepare(body, key, target.provider(), sink);
            if (prep == null) {
                body.release();
                return;
            }
            ChatRequestScanner rescan = null;
            responseId = prep.responseId();
            if (prep.rewritten()) { // references expanded: the offsets the rest works from are the new body's
                body = prep.body();
                scan = rescan = ResponseState.scan(body, rewrites.outline(dialect));
            }
            try {
                call(body, scan, prep.sink(sink, responses), model, stream, null, target);
            } finally {
                if (rescan != null) {
                    rescan.release();
                }
            }
        }

        private void call(CompositeByteBuf body, ChatRequestScanner scan, ResponseSink sink, String model,
                          boolean stream, GeminiPath gemini, ModelRouter.Route target) {
            ProviderConfig p = target.provider();
            trace = ops.begin(request.startNanos(), route.label, model, stream, key == null ? null : key.name(),
                    p.name(), target.upstreamModel(), body.readableBytes());
            trace.capture(capture);
            Operation op = route.operation();
            if (op != Operation.CHAT && ModelTargets.refusedOperation(op, p, dialect, sink)) {
                body.release();
                return;
            }
            RequestRewrites.Applied rewrite = rewrite(body, scan, model, target, sink);
            if (rewrite == null) {
                body.release();
                return;
            }
            boolean inBody = gemini == null;
            boolean messages = route == RouteFamily.MESSAGES;
            int modelStart = inBody ? scan.modelStart() : -1;
            int modelEnd = inBody ? scan.modelEnd() : -1;
            Dialect bodyDialect = dialect;
            ByteBuf payload = body;
            if (route == RouteFamily.GEMINI_EMBED) {
                GeminiEmbeddings.Request e = GeminiEmbeddings.request(body, gemini, model, sink);
                body.release();
                if (e == null) {
                    return;
                }
                payload = e.body();
                modelStart = e.modelStart();
                modelEnd = e.modelEnd();
                bodyDialect = io.sluice.codec.dialect.Dialects.OPENAI;
            }
            planner = new RequestPlanner(new ClientRequest(model, bodyDialect, stream,
                    op == Operation.CHAT && scan.includeUsage(), modelStart, modelEnd, payload,
                    messages ? header("anthropic-beta") : null,
                    messages ? header("anthropic-version") : null, op, trace,
                    op == Operation.CHAT && inBody && stream ? scan.includeUsageEdit() : null,
                    rewrite.plan().edits(), rewrite.plan().effective(), responseId), routing::capabilities);
            this.target = target;
            if (!dedup.enabled()) {
                start(sink);
                return;
            }
            // Dedup answers from its cache, from an answer in flight, or through start() (issue 17 item 3). What
            // the system prompt and thinking budget make of the request is part of what it asks.
            Exchange ex = dedup.answer(new Dedup.Request(key == null ? null : key.name(), route.label,
                    request.path(), p.name(), target.upstreamModel(), model, stream, request.headers(), dialect,
                    rewrite.isEmpty() ? null : rewrite.plan().effective().toString()), payload, sink, trace, this);
            if (!over) { // a hit is answered (and accounted) by now
                exchange = ex;
                answering = ex;
            }
        }

        /** Plans the request and starts its exchange, answering into {@code out}; null when it answered already. */
        @Override
        public Exchange start(ResponseSink out) {
            if (route == RouteFamily.GEMINI_EMBED) {
                embedAnswer = GeminiEmbeddings.answer(out, GeminiPath.parse(request.path()).method()
                        == GeminiPath.Method.BATCH_EMBED);
                out = embedAnswer;
            }
            ProviderConfig p = target.provider();
            UpstreamRequest first;
            try {
                first = planner.plan(p, target.upstreamModel(), out.alloc());
            } catch (RequestException e) {
                planner.release();
                out.fail(HttpResponseStatus.BAD_REQUEST, e.getMessage(), "invalid_request");
                return null;
            } catch (WorkBudgetException e) {
                // More work than a request may cause (DESIGN.md 7): the request's fault, named with its limit.
                planner.release();
                SimpleHandler.tooComplex(out, dialect, e);
                return null;
            } catch (RuntimeException e) {
                planner.release();
                Dialect pd = io.sluice.codec.dialect.Dialects.byName(p.dialect());
                LOG.warn("cannot translate a {} request for {}: {}", dialect.name(), pd.name(), e.toString());
                out.fail(HttpResponseStatus.INTERNAL_SERVER_ERROR, "request could not be translated from "
                        + dialect.name() + " to " + pd.name(), "translation_error");
                return null;
            }
            Exchange ex = scheduler.exchange(planner, first, target, out);
            if (!dedup.enabled()) {
                exchange = ex;
            }
            ex.start();
            return ex;
        }

        /** Dedup answered without sending this request. */
        @Override
        public void release() {
            planner.release();
        }

        /**
         * The global system prompt and the thinking budget for this request (noted in its trace and request log), or
         * null after answering a request they cannot be applied to: 400 for a member they touch given twice or for
         * more work than their budget.
         */
        private RequestRewrites.Applied rewrite(CompositeByteBuf body, ChatRequestScanner scan, String model,
                                                ModelRouter.Route target, ResponseSink sink) {
            RequestRewrites.Applied applied;
            try {
                applied = rewrites.prepare(dialect, scan.outline(), body, key == null ? null : key.name(),
                        model, target.provider().name(), target.upstreamModel());
            } catch (RequestException e) {
                sink.fail(HttpResponseStatus.BAD_REQUEST, e.getMessage(), "invalid_request");
                return null;
            } catch (WorkBudgetException e) {
                SimpleHandler.tooComplex(sink, route.dialect, e);
                return null;
            }
            if (!applied.isEmpty()) {
                trace.rewrites(applied.describe());
                if (capture != null) {
                    capture.rewrites(applied.describe());
                }
            }
            return applied;
        }

        private String header(String name) {
            return request.headers().get(name);
        }

        private String calledAs(String model, ModelRouter.Route target) {
            return ModelTargets.calledAs(routing, request.path(), model, target);
        }

        private ModelRouter.Route route(String model, ResponseSink sink) {
            return ModelTargets.route(routing, request.path(), route, key, model, sink);
        }

        @Override
        public void clientWritable() {
            if (exchange != null) {
                exchange.clientWritable();
            }
        }

        @Override
        public void abort() {
            super.abort();
            if (embedAnswer != null) {
                embedAnswer.release();
            }
            Exchange ex = exchange;
            exchange = null;
            if (ex != null) {
                ex.abort();
            }
        }

        @Override
        public void sent(ByteBuf chunk) {
            RequestTrace t = trace;
            if (t != null && chunk.isReadable()) {
                t.sent(chunk.readableBytes(), System.nanoTime());
                if (capture != null) {
                    capture.clientResponse(chunk);
                }
            }
        }

        @Override
        void accounted(int status, long nanos) {
            over = true;
            exchange = null;
            releaseScanner();
            // The first client of a shared answer that left early is accounted when the upstream call is over, with
            // its usage; every other request now.
            Dedup.afterUpstream(answering, () -> account(status, nanos));
        }

        private void account(int status, long nanos) {
            try {
                if (trace != null) {
                    ops.end(trace, status, capture);
                } else if (capture != null) {
                    capture.finish(status, null, null, nanos / 1_000_000);
                }
            } catch (RuntimeException e) {
                // Accounting must never cost the client its answer.
                LOG.warn("accounting of a {} request failed", route.label, e);
            }
        }
    }
}
