package io.sluice.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.dialect.anthropic.AnthropicDialect;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.codec.sse.SseWriter;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.ops.RequestTrace;
import io.sluice.proxy.logs.RequestLogger;
import io.sluice.proxy.admin.MonitoringApi;
import java.util.concurrent.CompletableFuture;
import io.sluice.proxy.admin.StaticAssets;
import io.sluice.proxy.access.Access;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.providers.Operation;
import io.sluice.providers.ProviderDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client connection: reads requests one at a time, feeds chat bodies to an incremental scanner while keeping the
 * bytes in a {@link CompositeByteBuf} (no aggregation, no copy), then hands the request to an {@link Exchange} and
 * acts as its {@link ResponseSink}.
 *
 * <p>Requests pipelined behind an active exchange are held (auto-read off) and replayed when it completes.
 */
public final class ClientHandler extends ChannelDuplexHandler implements ResponseSink {

    private enum State { IDLE, READING_BODY, DISCARDING_BODY, RESPONDING, CLOSING }

    private static final int MAX_PIPELINED = 16;

    private final ProxyContext proxy;

    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private Route route;
    private HttpMethod method;
    private String uri;
    private HttpVersion version;
    private boolean keepAlive;
    /** Anthropic clients' feature headers, kept for a passthrough to an Anthropic provider. */
    private String anthropicBeta;
    /** Whether this admin or dashboard request carried what the admin API wants (or needs nothing). */
    private boolean adminAllowed;
    /** The dashboard request's If-None-Match, else null. */
    private String ifNoneMatch;
    /** The client's credential when per-client limits are on, else null. */
    private String clientKey;
    /** The client key this request authenticated with, when keys are required; else null. */
    private ClientKeys.Key client;
    /** Why this request is refused (IP rules, client key), answered once its body has been read past; else null. */
    private Access.Denial denial;
    /** The provider named by {@code /v1/providers/{provider}/…}, or null for model-based routing. */
    private String forcedProvider;
    private String anthropicVersion;
    private long startNanos;
    private CompositeByteBuf body;
    private ChatRequestScanner scanner;
    private ScheduledFuture<?> readTimeout;
    /** Keep-alive idle check; one task per connection, re-armed only when it fires (no per-write work). */
    private ScheduledFuture<?> idleTimer;
    /**
     * This response's chunked framing is written here rather than by HttpServerCodec's encoder, which allocates a
     * promise combiner, a hex String and buffer duplicates for every chunk: the size line and the closing CRLF go
     * out as small pooled buffers straight to the transport, the data as it came. The CRLF is never deferred to the
     * next chunk: some clients finish a chunk (and so an SSE event) only when they have read it.
     */
    private boolean framing;
    /** The HTTP codec's context: writing there skips its encoder. */
    private ChannelHandlerContext wire;
    /** When the connection last became idle (no request in flight), on the event loop's ticker. */
    private long idleSince;
    private Exchange exchange;
    private int status;
    private boolean headSent;
    /** The head was a complete response (FullHttpResponse): no body or last chunk may follow. */
    private boolean fullSent;
    /** The response is an event stream: a late failure can still be told as an event. */
    private boolean sse;
    private ArrayDeque<Object> pipelined;
    /** What the current model request learned for accounting; null for other routes. */
    private RequestTrace trace;
    /** The request log's capture of the current exchange, or null when the request logger is off. */
    private RequestLogger.Capture capture;

    public ClientHandler(ProxyContext proxy) {
        this.proxy = proxy;
    }

    /** Low-cardinality route labels for metrics; the raw path never becomes a label. */
    enum Route {
        CHAT("/v1/chat/completions", Dialects.OPENAI),
        MESSAGES("/v1/messages", Dialects.ANTHROPIC),
        COUNT_TOKENS("/v1/messages/count_tokens", Dialects.ANTHROPIC),
        RESPONSES("/v1/responses", Dialects.RESPONSES),
        GEMINI("/v1beta/models/{model}:generateContent", Dialects.GEMINI),
        EMBEDDINGS("/v1/embeddings", Dialects.OPENAI),
        IMAGES("/v1/images/generations", Dialects.OPENAI),
        MODELS("/v1/models", Dialects.OPENAI),
        HEALTH("/health", Dialects.OPENAI),
        METRICS("/metrics", Dialects.OPENAI),
        ADMIN("/api", Dialects.OPENAI),
        STATS(MonitoringApi.STATS_PATH, Dialects.OPENAI),
        /** The operator dashboard's page and files; protected like {@link #ADMIN}. */
        MONITOR("/monitor", Dialects.OPENAI),
        OTHER("other", Dialects.OPENAI);

        final String label;
        /** The dialect requests and errors on this route speak. */
        final Dialect dialect;

        Route(String label, Dialect dialect) {
            this.label = label;
            this.dialect = dialect;
        }

        /**
         * {@code /v1/providers/{provider}/chat/completions} (also {@code /messages}, {@code /responses},
         * {@code /embeddings}, {@code /images/generations}).
         */
        static final String PROVIDER_ROUTE = "/v1/providers/";

        /** The provider a {@link #PROVIDER_ROUTE} path names, else null. */
        static String forcedProvider(String uri) {
            if (!uri.startsWith(PROVIDER_ROUTE)) {
                return null;
            }
            int slash = uri.indexOf('/', PROVIDER_ROUTE.length());
            return slash < 0 ? null : uri.substring(PROVIDER_ROUTE.length(), slash);
        }

        /** Routes whose POST body is a chat request in the route's dialect. */
        boolean chat() {
            return this == CHAT || this == MESSAGES || this == RESPONSES || this == GEMINI;
        }

        /** What the request asks a provider to do; {@link Operation#CHAT} for routes that are not a passthrough. */
        Operation operation() {
            return this == EMBEDDINGS ? Operation.EMBEDDINGS : this == IMAGES ? Operation.IMAGES : Operation.CHAT;
        }

        /** Routes whose POST body is read and scanned: chat, count_tokens, embeddings and images. */
        boolean readsBody() {
            return chat() || this == COUNT_TOKENS || this == EMBEDDINGS || this == IMAGES;
        }

        static Route of(String uri) {
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            if (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            if (path.startsWith(PROVIDER_ROUTE)) {
                int slash = path.indexOf('/', PROVIDER_ROUTE.length());
                if (slash <= PROVIDER_ROUTE.length()) {
                    return OTHER;
                }
                Route r = of("/v1" + path.substring(slash));
                return (r.chat() && r != GEMINI) || r == EMBEDDINGS || r == IMAGES ? r : OTHER;
            }
            switch (path) {
                case "/v1/chat/completions": case "/chat/completions": return CHAT;
                case "/v1/messages": return MESSAGES;
                case "/v1/messages/count_tokens": return COUNT_TOKENS;
                case "/v1/responses": case "/responses": return RESPONSES;
                case "/v1/models": case "/models": return MODELS;
                case "/v1/embeddings": case "/embeddings": return EMBEDDINGS;
                case "/v1/images/generations": case "/images/generations": return IMAGES;
                case "/health": case "/healthz": return HEALTH;
                case "/metrics": return METRICS;
                case MonitoringApi.STATS_PATH: return STATS;
                case "/monitor": case "/monitor/monitor.js": case "/monitor/monitor.css": return MONITOR;
                default:
                    if (path.startsWith(MonitoringApi.PREFIX)) {
                        return ADMIN;
                    }
                    return GeminiPath.parse(path) != null ? GEMINI : OTHER;
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startIdleTimer();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startIdleTimer();
        ctx.fireChannelActive();
    }

    private void startIdleTimer() {
        if (idleTimer == null) {
            idleSince = ctx.executor().ticker().nanoTime();
            armIdleTimer(proxy.config().server().idleTimeout().toNanos());
        }
    }

    private void armIdleTimer(long delayNanos) {
        idleTimer = ctx.executor().schedule(this::onIdleCheck, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Closes a keep-alive connection idle for {@code server.idleTimeout} since its last response ended. A request in
     * flight (being read, or being answered however long a stream runs) is never cut by it.
     */
    private void onIdleCheck() {
        if (!ctx.channel().isActive() || state == State.CLOSING) {
            return;
        }
        long timeout = proxy.config().server().idleTimeout().toNanos();
        if (state == State.IDLE) {
            long idle = ctx.executor().ticker().nanoTime() - idleSince;
            if (idle >= timeout) {
                closeNow();
                return;
            }
            armIdleTimer(timeout - idle);
        } else {
            armIdleTimer(timeout);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.RESPONDING || (pipelined != null && !pipelined.isEmpty() && state == State.IDLE)) {
            holdPipelined(msg);
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (state == State.CLOSING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            onRequest((HttpRequest) msg);
        }
        if (msg instanceof HttpContent) {
            onContent((HttpContent) msg);
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void holdPipelined(Object msg) {
        if (pipelined == null) {
            pipelined = new ArrayDeque<>();
        }
        if (pipelined.size() >= MAX_PIPELINED * 4) {
            ReferenceCountUtil.release(msg);
            closeNow();
            return;
        }
        pipelined.add(msg);
        ctx.channel().config().setAutoRead(false);
    }

    private void onRequest(HttpRequest req) {
        startNanos = System.nanoTime();
        method = req.method();
        uri = req.uri();
        version = req.protocolVersion();
        route = Route.of(uri);
        forcedProvider = route == Route.OTHER ? null : Route.forcedProvider(uri);
        keepAlive = HttpUtil.isKeepAlive(req);
        anthropicBeta = route == Route.MESSAGES ? req.headers().get("anthropic-beta") : null;
        clientKey = proxy.config().rateLimits().perClientKey() > 0 ? clientKey(req.headers()) : null;
        checkAccess(req);
        adminAllowed = (route == Route.ADMIN || route == Route.STATS || route == Route.MONITOR)
                && MonitoringApi.allowed(proxy.config(),
                req.headers().get(HttpHeaderNames.AUTHORIZATION), req.headers().get("x-admin-key"));
        ifNoneMatch = route == Route.MONITOR ? req.headers().get(HttpHeaderNames.IF_NONE_MATCH) : null;
        anthropicVersion = route == Route.MESSAGES ? req.headers().get("anthropic-version") : null;
        status = 0;
        headSent = false;
        fullSent = false;
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            state = State.CLOSING;
            keepAlive = false;
            route = Route.OTHER;
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongHttpLineException
                    || cause instanceof TooLongFrameException) {
                sendError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "request line or headers too large", "request_too_large");
            } else {
                sendError(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", "bad_request");
            }
            return;
        }
        if (denial != null) {
            proxy.metrics().accessDenied(denial.reason());
            if (denial.reason().equals("ip")) {
                keepAlive = false; // a refused address gets one answer per connection
            }
        }
        if (denial == null && route.readsBody() && method.equals(HttpMethod.POST)) {
            capture = proxy.ops().capture(method.name(), uri, req.headers());
            long declared = HttpUtil.getContentLength(req, -1L);
            if (declared > proxy.config().server().maxBodyBytes()) {
                rejectTooLarge(declared);
                return;
            }
            state = State.READING_BODY;
            body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
            scanner = new ChatRequestScanner();
        } else {
            state = State.DISCARDING_BODY;
        }
        // Every request must arrive whole within readTimeout, whatever its route (slow-body clients).
        readTimeout = ctx.executor().schedule(this::onReadTimeout,
                proxy.config().server().readTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Sets {@link #denial} when the IP rules refuse the client, or when this route needs a client key (model requests
     * and {@code /v1/models}) and the request has no valid one; sets {@link #client} to the key it has.
     */
    private void checkAccess(HttpRequest req) {
        Access access = proxy.access();
        client = null;
        denial = access.checkAddress(ctx.channel().remoteAddress(),
                access.ipFilter().readsForwardedFor() ? req.headers().get("x-forwarded-for") : null);
        if (denial == null && access.keys().required() && (route.readsBody() || route == Route.MODELS)) {
            String presented = clientKey(req.headers());
            if (presented == null && route == Route.GEMINI) {
                presented = queryKey(uri);
            }
            Access.Verdict v = access.authenticate(presented);
            client = v.key();
            denial = v.denial();
        }
    }

    /** Gemini clients' {@code ?key=}, else null. */
    static String queryKey(String uri) {
        int q = uri.indexOf('?');
        if (q < 0) {
            return null;
        }
        java.util.List<String> keys = new io.netty.handler.codec.http.QueryStringDecoder(uri).parameters().get("key");
        return keys == null || keys.isEmpty() ? null : keys.get(0);
    }

    private void sendDenial() {
        HttpResponseStatus st = HttpResponseStatus.valueOf(denial.status());
        FullHttpResponse res = errorResponse(st, denial.message(), OpenAiErrors.typeFor(st.code()), denial.code());
        if (st.code() == 401) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"sluice\"");
        }
        denial = null;
        sendFull(res);
    }

    private void onContent(HttpContent content) {
        try {
            if (state == State.READING_BODY) {
                ByteBuf chunk = content.content();
                if (chunk.isReadable()) {
                    if (body.readableBytes() + (long) chunk.readableBytes() > proxy.config().server().maxBodyBytes()) {
                        rejectTooLarge(-1);
                        return;
                    }
                    scanner.feed(chunk);
                    body.addComponent(true, chunk.retain());
                }
                if (content instanceof LastHttpContent) {
                    cancelReadTimeout();
                    onBodyComplete();
                }
            } else if (state == State.DISCARDING_BODY && content instanceof LastHttpContent) {
                cancelReadTimeout();
                state = State.RESPONDING;
                serveSimple();
            }
        } finally {
            content.release();
        }
    }

    private void rejectTooLarge(long declared) {
        cancelReadTimeout();
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        releaseBody();
        keepAlive = false;
        state = State.CLOSING;
        long max = proxy.config().server().maxBodyBytes();
        sendError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                (declared >= 0 ? "request body of " + declared + " bytes" : "request body")
                        + " exceeds the limit of " + max + " bytes",
                "request_too_large");
    }

    private void onReadTimeout() {
        readTimeout = null;
        if (state == State.READING_BODY || state == State.DISCARDING_BODY) {
            releaseBody();
            keepAlive = false;
            state = State.CLOSING;
            sendError(HttpResponseStatus.REQUEST_TIMEOUT, "request body not received within "
                    + proxy.config().server().readTimeout().toMillis() + " ms", "request_timeout");
        }
    }

    private void onBodyComplete() {
        state = State.RESPONDING;
        if (capture != null) {
            capture.clientRequest(body);
        }
        ChatRequestScanner.Result result = scanner.end();
        if (result != ChatRequestScanner.Result.OK) {
            String error = scanner.error();
            releaseBody();
            sendError(HttpResponseStatus.BAD_REQUEST, error, "invalid_json");
            return;
        }
        if (route == Route.COUNT_TOKENS) {
            countTokens();
            return;
        }
        ProxyContext.Refusal refused = proxy.admit(client, clientKey);
        if (refused != null) {
            releaseBody();
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(refused.retryNanos() + 999_999_999L));
            FullHttpResponse res = errorResponse(HttpResponseStatus.TOO_MANY_REQUESTS, refused.message(),
                    OpenAiErrors.typeFor(429), "rate_limit_exceeded");
            res.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
            sendFull(res);
            return;
        }
        GeminiPath gemini = route == Route.GEMINI ? GeminiPath.parse(pathOnly()) : null;
        String model = gemini != null ? gemini.model() : scanner.model();
        boolean stream = gemini != null ? gemini.stream() : scanner.stream();
        if (model == null || model.isEmpty()) {
            releaseBody();
            sendError(HttpResponseStatus.BAD_REQUEST, "you must provide a model parameter", "missing_model");
            return;
        }
        ModelRouter.Route target = route(model);
        if (target == null) {
            return;
        }
        Access.Denial notAllowed = Access.checkModel(client, model, target.provider().name(), target.upstreamModel());
        if (notAllowed != null) {
            releaseBody();
            proxy.metrics().accessDenied(notAllowed.reason());
            denial = notAllowed;
            sendDenial();
            return;
        }
        trace = proxy.ops().begin(startNanos, route.label, model, stream, client == null ? null : client.name(),
                target.provider().name(), target.upstreamModel(), body.readableBytes());
        trace.capture(capture);
        if (route.operation() != Operation.CHAT) {
            passthrough(route.operation(), model, target);
            return;
        }
        Dialect client = route.dialect;
        Dialect provider = proxy.dialect(target.provider());
        ChatRequest request;
        if (client == provider) {
            boolean inBody = gemini == null;
            request = new ChatRequest(method, model, target, stream, scanner.includeUsage(),
                    inBody ? scanner.modelStart() : -1, inBody ? scanner.modelEnd() : -1, body, client, null,
                    anthropicBeta, anthropicVersion);
        } else {
            request = translate(client, provider, target, model, stream);
            if (request == null) {
                return;
            }
        }
        body = null;
        scanner = null;
        exchange = proxy.newExchange(request, this);
        exchange.start();
    }

    /**
     * The route for {@code model}, or null after answering the client: 400 for a model id that is not acceptable
     * (control characters, {@code ..}, one that cannot go into the provider's URL path), 404 for an unknown model or
     * provider, naming close matches or why an alias is unavailable. Releases the body on every error.
     */
    private ModelRouter.Route route(String model) {
        ModelRouter router = proxy.router();
        String bad = ModelRouter.invalid(model);
        if (bad != null) {
            releaseBody();
            sendError(HttpResponseStatus.BAD_REQUEST, bad + ": `" + Json.printable(model) + "`", "invalid_model");
            return null;
        }
        ModelRouter.Route target;
        if (forcedProvider != null) {
            target = router.resolveIn(forcedProvider, model);
            if (target == null) {
                releaseBody();
                sendError(HttpResponseStatus.NOT_FOUND, "The provider `" + Json.printable(forcedProvider)
                        + "` is not configured or not enabled; enabled providers: "
                        + String.join(", ", router.providers().keySet()), "provider_not_found");
                return null;
            }
        } else {
            target = router.resolve(model);
            if (target == null) {
                releaseBody();
                String why = router.unavailable(model);
                List<String> close = router.closeMatches(model, 5);
                sendError(HttpResponseStatus.NOT_FOUND, why != null ? "The model `" + Json.printable(model)
                        + "` is unavailable: " + why : "The model `" + Json.printable(model) + "` does not exist"
                        + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?"),
                        "model_not_found");
                return null;
            }
        }
        if (target.provider().descriptor().modelInPath(route.operation())
                && !ProviderDescriptor.pathSafe(target.upstreamModel())) {
            releaseBody();
            sendError(HttpResponseStatus.BAD_REQUEST, "model `" + Json.printable(target.upstreamModel())
                    + "` cannot be sent to provider " + target.provider().name()
                    + ", which takes the model in its URL path (expected: letters, digits, '.', '_', '-')",
                    "invalid_model");
            return null;
        }
        return target;
    }

    /**
     * Embeddings and image generation: OpenAI's request goes to the provider as it is, only the model value spliced,
     * and the answer comes back untouched. Only a provider that speaks OpenAI's chat API and has the capability can
     * take it; the others get 400 {@code unsupported_operation} (no translation exists for these operations).
     */
    private void passthrough(Operation op, String model, ModelRouter.Route target) {
        ProviderConfig p = target.provider();
        String what = op == Operation.EMBEDDINGS ? "embeddings" : "image generation";
        String refusal = null;
        if (!p.descriptor().supports(op)) {
            refusal = "provider " + p.name() + " does not support " + what;
        } else if (!ProviderConfig.DIALECT_OPENAI.equals(p.dialect())) {
            refusal = "provider " + p.name() + " speaks the " + p.dialect() + " API, which has no OpenAI-compatible "
                    + what + " endpoint";
        }
        if (refusal != null) {
            releaseBody();
            sendFull(OpenAiErrors.response(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, refusal,
                    "invalid_request_error", "unsupported_operation", "model"));
            return;
        }
        ChatRequest request = new ChatRequest(method, model, target, false, false, scanner.modelStart(),
                scanner.modelEnd(), body, Dialects.OPENAI, null, null, null, op);
        body = null;
        scanner = null;
        exchange = proxy.newExchange(request, this);
        exchange.start();
    }

    /**
     * Reads the client's body in its dialect and writes it in the provider's; null (after answering 400) when the
     * body is not a valid request. The client's body is released here on every path but success, where the
     * translated body replaces it.
     */
    private ChatRequest translate(Dialect client, Dialect provider, ModelRouter.Route target, String model,
                                  boolean stream) {
        HubRequest hub;
        ByteBuf out;
        try {
            hub = client.readRequest(body);
            hub.stream = stream;
            String clientModel = hub.model;
            hub.model = target.upstreamModel();
            target.provider().descriptor().quirks().apply(hub);
            out = provider.writeRequest(hub, ctx.alloc());
            hub.model = clientModel == null ? model : clientModel;
        } catch (RequestException e) {
            releaseBody();
            sendError(HttpResponseStatus.BAD_REQUEST, e.getMessage(), "invalid_request");
            return null;
        } catch (RuntimeException e) {
            releaseBody();
            proxy.log().warn("cannot translate a {} request for {}: {}", client.name(), provider.name(), e.toString());
            sendError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "request could not be translated from "
                    + client.name() + " to " + provider.name(), "translation_error");
            return null;
        }
        if (!hub.dropped().isEmpty() && proxy.log().isDebugEnabled()) {
            proxy.log().debug("{} -> {}: dropped {}", client.name(), provider.name(), hub.dropped());
        }
        body.release();
        CompositeByteBuf translated = ctx.alloc().compositeBuffer(1).addComponent(true, out);
        body = translated;
        // The upstream request always asks for usage (accounting); what the client asked is in hub.includeUsage.
        return new ChatRequest(method, model, target, stream, true, -1, -1, translated, client, hub, null, null);
    }

    /**
     * {@code /v1/messages/count_tokens}: an estimate from the translated request's text, marked as such by name only
     * in README (Anthropic's response has one field). Roughly 4 characters per token for English text and code.
     */
    private void countTokens() {
        HubRequest hub;
        try {
            hub = AnthropicDialect.INSTANCE.readCountTokensRequest(body);
        } catch (RequestException e) {
            releaseBody();
            sendError(HttpResponseStatus.BAD_REQUEST, e.getMessage(), "invalid_request");
            return;
        } finally {
            releaseBody();
        }
        sendJson(HttpResponseStatus.OK, "{\"input_tokens\":" + TokenEstimate.of(hub) + "}");
    }

    /** GET endpoints and errors for unknown routes; all answered in one response. */
    private void serveSimple() {
        if (denial != null) {
            sendDenial();
            return;
        }
        switch (route) {
            case HEALTH:
                sendJson(HttpResponseStatus.OK, "{\"status\":\"ok\"}");
                return;
            case METRICS:
                if (!method.equals(HttpMethod.GET)) {
                    methodNotAllowed("GET");
                    return;
                }
                sendText(HttpResponseStatus.OK, proxy.metrics().scrape(), "text/plain; version=0.0.4; charset=utf-8");
                return;
            case ADMIN: case STATS: {
                if (!adminAllowed) {
                    refuseAdmin();
                    return;
                }
                CompletableFuture<MonitoringApi.Answer> answer = proxy.monitoring().handle(method, uri,
                        ctx.channel().eventLoop());
                if (answer.isDone()) {
                    MonitoringApi.Answer a = answer.join();
                    sendJson(a.status(), a.json());
                    return;
                }
                // A live provider test: answer when it is done, unless the client has gone or timed out by then.
                Exchange waiting = new Exchange() {
                    @Override
                    public void start() {
                    }

                    @Override
                    public void clientWritable() {
                    }

                    @Override
                    public void abort() {
                    }
                };
                exchange = waiting;
                answer.whenComplete((a, err) -> ctx.executor().execute(() -> {
                    if (exchange != waiting || state != State.RESPONDING) {
                        return;
                    }
                    MonitoringApi.Answer out = err == null ? a : MonitoringApi.error(
                            HttpResponseStatus.INTERNAL_SERVER_ERROR, "the test failed: " + err);
                    sendJson(out.status(), out.json());
                }));
                return;
            }
            case MONITOR:
                if (!adminAllowed) {
                    refuseAdmin();
                    return;
                }
                if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
                    methodNotAllowed("GET, HEAD");
                    return;
                }
                sendFull(StaticAssets.monitor().respond(method, pathOnly(), ifNoneMatch));
                return;
            case MODELS:
                if (!method.equals(HttpMethod.GET)) {
                    methodNotAllowed("GET");
                    return;
                }
                sendJson(HttpResponseStatus.OK, proxy.modelsJson(client));
                return;
            case CHAT: case MESSAGES: case COUNT_TOKENS: case RESPONSES: case GEMINI: case EMBEDDINGS: case IMAGES:
                methodNotAllowed("POST");
                return;
            default:
                sendError(HttpResponseStatus.NOT_FOUND, "Unknown route: " + method + ' ' + Json.printable(pathOnly()),
                        "unknown_route");
        }
    }

    /**
     * 403 on a non-loopback bind without an admin key; 401 with a Basic challenge when a key is set, so that a browser
     * asks for it (any user name, the key as password) and sends it with the dashboard's own calls too.
     */
    private void refuseAdmin() {
        boolean keyed = proxy.config().server().adminKey() != null;
        MonitoringApi.Answer no = MonitoringApi.error(
                keyed ? HttpResponseStatus.UNAUTHORIZED : HttpResponseStatus.FORBIDDEN,
                keyed ? "the admin API needs server.adminKey as Authorization: Bearer, x-admin-key or Basic"
                        + " (any user name, the key as password)"
                        : "the admin API is closed on a non-loopback bind until server.adminKey is set");
        ByteBuf buf = ctx.alloc().buffer(no.json().length() + 16);
        buf.writeCharSequence(no.json(), StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, no.status(), buf);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
        if (keyed) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"sluice\"");
        }
        sendFull(res);
    }

    private String pathOnly() {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private void methodNotAllowed(String allowed) {
        FullHttpResponse res = errorResponse(HttpResponseStatus.METHOD_NOT_ALLOWED,
                "Method " + method + " not allowed; use " + allowed, "invalid_request_error", "method_not_allowed");
        res.headers().set(HttpHeaderNames.ALLOW, allowed);
        sendFull(res);
    }

    private void sendJson(HttpResponseStatus st, String json) {
        sendText(st, json, "application/json");
    }

    private void sendText(HttpResponseStatus st, String text, String contentType) {
        ByteBuf buf = ctx.alloc().buffer(text.length() + 16);
        buf.writeCharSequence(text, StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st, buf);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
        sendFull(res);
    }

    private void sendError(HttpResponseStatus st, String message, String code) {
        sendFull(errorResponse(st, message, OpenAiErrors.typeFor(st.code()), code));
    }

    /** An error response in the route's dialect; OpenAI's shape (with its type and code) for OpenAI routes. */
    private FullHttpResponse errorResponse(HttpResponseStatus st, String message, String type, String code) {
        Dialect d = route.dialect;
        if (d == Dialects.OPENAI || d == Dialects.RESPONSES) {
            return OpenAiErrors.response(ctx.alloc(), st, message, type, code);
        }
        return Json.response(st, d.encodeError(new HubError(st.code(), HubError.typeFor(st.code()), message),
                ctx.alloc()));
    }

    private void sendFull(FullHttpResponse res) {
        head(res);
        complete();
    }

    // ---- ResponseSink ----

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public void head(HttpResponse head) {
        status = head.status().code();
        headSent = true;
        sse = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "").regionMatches(true, 0, "text/event-stream", 0, 17);
        fullSent = head instanceof FullHttpResponse;
        // The request's version decides: our heads are always HTTP/1.1.
        boolean http10 = HttpVersion.HTTP_1_0.equals(version);
        if (http10 && HttpUtil.isTransferEncodingChunked(head)) {
            // HTTP/1.0 has no chunked coding (RFC 9112 §6.1): the body ends with the connection instead.
            HttpUtil.setTransferEncodingChunked(head, false);
            keepAlive = false;
        }
        if (keepAlive) {
            if (http10) {
                head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (fullSent && trace != null) {
            ByteBuf content = ((FullHttpResponse) head).content();
            trace.sent(content.readableBytes(), System.nanoTime());
            if (capture != null) {
                capture.clientResponse(content);
            }
        }
        ctx.write(head, ctx.voidPromise());
        framing = !fullSent && !HttpMethod.HEAD.equals(method) && HttpUtil.isTransferEncodingChunked(head);
        if (framing && wire == null) {
            wire = ctx.pipeline().context(HttpServerCodec.class);
            framing = wire != null;
        }
    }

    @Override
    public void content(ByteBuf chunk) {
        if (state != State.RESPONDING || !ctx.channel().isActive()) {
            chunk.release();
            return;
        }
        int n = chunk.readableBytes();
        if (trace != null && n > 0) {
            trace.sent(n, System.nanoTime());
            if (capture != null) {
                capture.clientResponse(chunk);
            }
        }
        if (!framing) {
            ctx.write(new DefaultHttpContent(chunk), ctx.voidPromise());
            return;
        }
        if (n == 0) {
            chunk.release(); // an empty chunk would end the body
            return;
        }
        ByteBuf size = ctx.alloc().directBuffer(10);
        writeHex(size, n);
        size.writeShort(CRLF);
        wire.write(size, ctx.voidPromise());
        wire.write(chunk, ctx.voidPromise());
        wire.write(ctx.alloc().directBuffer(2).writeShort(CRLF), ctx.voidPromise());
    }

    private static final int CRLF = ('\r' << 8) | '\n';

    static void writeHex(ByteBuf out, int n) {
        int shift = (31 - Integer.numberOfLeadingZeros(n)) & ~3;
        for (; shift >= 0; shift -= 4) {
            int d = (n >>> shift) & 0xF;
            out.writeByte(d < 10 ? '0' + d : 'a' + d - 10);
        }
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void end(ByteBuf lastOrNull) {
        if (state != State.RESPONDING || !ctx.channel().isActive()) {
            if (lastOrNull != null) {
                lastOrNull.release();
            }
            return;
        }
        if (fullSent) {
            if (lastOrNull != null) {
                lastOrNull.release();
            }
        } else if (framing) {
            if (lastOrNull != null) {
                content(lastOrNull);
            }
            // Through the encoder: it writes the terminating "0\r\n\r\n" and is ready for the next response.
            ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
        } else {
            ctx.write(lastOrNull == null ? LastHttpContent.EMPTY_LAST_CONTENT
                    : new DefaultLastHttpContent(lastOrNull), ctx.voidPromise());
        }
        framing = false;
        complete();
    }

    @Override
    public void fail(HttpResponseStatus st, String message, String type, String code) {
        if (state != State.RESPONDING || !ctx.channel().isActive()) {
            return;
        }
        if (!headSent) {
            head(errorResponse(st, message, type, code));
            complete();
        } else {
            status = status == 0 ? st.code() : status;
            keepAlive = false;
            complete();
        }
    }

    @Override
    public void failRetryAfter(HttpResponseStatus st, String message, String type, String code,
                               long retryAfterSeconds) {
        if (state != State.RESPONDING || !ctx.channel().isActive()) {
            return;
        }
        if (headSent) {
            fail(st, message, type, code);
            return;
        }
        FullHttpResponse res = errorResponse(st, message, type, code);
        res.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, retryAfterSeconds)));
        head(res);
        complete();
    }

    @Override
    public void endWithError(HubError error, String code) {
        if (state != State.RESPONDING || !ctx.channel().isActive()) {
            return;
        }
        HttpResponseStatus st = HttpResponseStatus.valueOf(error.status());
        if (!headSent || !sse) {
            fail(st, error.message(), OpenAiErrors.typeFor(error.status()), code);
            return;
        }
        ByteBuf event;
        if (route.dialect == Dialects.OPENAI) {
            ByteBuf json = OpenAiErrors.body(ctx.alloc(), error.message(), error.type(), code);
            try {
                event = SseWriter.event(ctx.alloc(), null, json);
            } finally {
                json.release();
            }
        } else {
            StreamEncoder enc = route.dialect.streamEncoder(ctx.alloc(), new HubRequest());
            enc.onError(error);
            event = enc.take();
            enc.release();
        }
        end(event);
    }

    @Override
    public boolean headSent() {
        return headSent;
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public boolean isDone() {
        return state != State.RESPONDING || !ctx.channel().isActive();
    }

    /** Ends the current exchange: flush, account, then close or go back to reading. */
    private void complete() {
        exchange = null;
        proxy.metrics().request(method.name(), route.label, status, System.nanoTime() - startNanos);
        if (!keepAlive || state == State.CLOSING) {
            state = State.CLOSING;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            account(status);
            return;
        }
        ctx.flush();
        account(status); // after the flush: the client does not wait for the bookkeeping
        state = State.IDLE;
        idleSince = ctx.executor().ticker().nanoTime();
        replayPipelined();
    }

    private void replayPipelined() {
        while (pipelined != null && !pipelined.isEmpty() && state != State.RESPONDING && state != State.CLOSING) {
            dispatch(pipelined.poll());
        }
        if (state == State.IDLE || state == State.READING_BODY || state == State.DISCARDING_BODY) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    // ---- lifecycle ----

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null && ctx.channel().isWritable()) {
            exchange.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cleanup();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: nothing to tell a client that is gone.
        proxy.log().debug("client connection error: {}", cause.toString());
        closeNow();
    }

    private void closeNow() {
        state = State.CLOSING;
        ctx.close();
    }

    private void cleanup() {
        State was = state;
        state = State.CLOSING;
        cancelReadTimeout();
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        releaseBody();
        Exchange ex = exchange;
        exchange = null;
        if (ex != null) {
            ex.abort();
            if (was == State.RESPONDING) {
                // Client went away mid-response: count it as 499 like nginx does.
                proxy.metrics().request(method.name(), route.label, headSent ? status : 499,
                        System.nanoTime() - startNanos);
            }
        }
        account(headSent ? status : 499);
        if (pipelined != null) {
            Object m;
            while ((m = pipelined.poll()) != null) {
                ReferenceCountUtil.release(m);
            }
        }
    }

    /** Hands the finished model request to accounting (usage, logs, sessions); nothing for other routes. */
    private void account(int finalStatus) {
        RequestTrace t = trace;
        RequestLogger.Capture c = capture;
        trace = null;
        capture = null;
        try {
            if (t != null) {
                proxy.ops().end(t, finalStatus, c);
            } else if (c != null) {
                c.finish(finalStatus, null, null, (System.nanoTime() - startNanos) / 1_000_000);
            }
        } catch (RuntimeException e) {
            // Accounting must never cost the client its answer.
            proxy.log().warn("accounting of a {} request failed", route.label, e);
        }
    }

    /** What accounting learns of this request, or null outside a model request. */
    @Override
    public RequestTrace trace() {
        return trace;
    }

    private void cancelReadTimeout() {
        if (readTimeout != null) {
            readTimeout.cancel(false);
            readTimeout = null;
        }
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
        if (scanner != null) {
            scanner.release();
            scanner = null;
        }
    }

    /** Strips control characters and bounds length before echoing client input in an error. */
    /** What identifies a client for per-client limits: its Bearer token, x-api-key or x-goog-api-key. */
    static String clientKey(io.netty.handler.codec.http.HttpHeaders h) {
        String auth = h.get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).strip();
        }
        String k = h.get("x-api-key");
        return k != null ? k : h.get("x-goog-api-key");
    }

}
