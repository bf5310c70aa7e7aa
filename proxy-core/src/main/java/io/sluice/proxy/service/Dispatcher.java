package io.sluice.proxy.service;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.access.Access;
import io.sluice.proxy.access.Admission;
import io.sluice.proxy.access.Cors;
import io.sluice.proxy.admin.StaticAssets;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.RequestRouter;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.metrics.SluiceMetrics;

/**
 * Picks the service that answers a request from its path and method, after the admission steps a head decides (IP
 * rules, client key). The server edge calls it once per request head.
 */
public final class Dispatcher implements RequestRouter {

    private final Admission admission;
    private final Cors cors;
    private final SluiceMetrics metrics;
    private final ChatService chat;
    private final CountTokensService countTokens;
    private final ModelsService models;
    private final HealthService health;
    private final MetricsService metricsService;
    private final AdminService admin;
    private final SeedServices seed;

    public Dispatcher(Admission admission, Cors cors, SluiceMetrics metrics, ChatService chat,
                      CountTokensService countTokens, ModelsService models, HealthService health,
                      MetricsService metricsService, AdminService admin, SeedServices seed) {
        this.admission = admission;
        this.cors = cors;
        this.metrics = metrics;
        this.chat = chat;
        this.countTokens = countTokens;
        this.models = models;
        this.health = health;
        this.metricsService = metricsService;
        this.admin = admin;
        this.seed = seed;
    }

    @Override
    public RequestHandler malformed(InboundRequest request) {
        return new Refusal(request, RouteFamily.OTHER, Dispatcher.dialectOf(request, RouteFamily.OTHER), metrics,
                (String) null);
    }

    @Override
    public RequestHandler open(InboundRequest request) {
        if (cors.isPreflight(request.method(), request.headers())) {
            // Browsers send no credentials with a preflight: only the IP rules apply. Not a model request.
            Access.Verdict v = admission.atHead(request.remote(), request.headers(), null, false);
            return v.denial() != null ? new Refusal(request, RouteFamily.PREFLIGHT, RouteFamily.PREFLIGHT.dialect,
                    metrics, v.denial()) : new Preflight(request, metrics, cors);
        }
        RouteFamily route = RouteFamily.of(request.path());
        if (metricsService.serves(request.path())) {
            route = RouteFamily.METRICS; // metrics.path may be any free path
        } else if (route == RouteFamily.METRICS) {
            route = RouteFamily.OTHER; // metrics off, or moved elsewhere
        }
        String credential = request.credential();
        Dialect dialect = dialectOf(request, route);
        if (credential == null && (dialect == Dialects.GEMINI || route == RouteFamily.TTS)) {
            credential = request.query("key"); // Gemini clients' ?key=; an <audio src> cannot send headers
        }
        Access.Verdict v = admission.atHead(request.remote(), request.headers(), credential,
                route.needsClientKey());
        if (v.denial() != null) {
            return new Refusal(request, route, dialect, metrics, v.denial());
        }
        boolean post = request.method().equals(HttpMethod.POST);
        switch (route) {
            case CHAT: case MESSAGES: case RESPONSES: case GEMINI: case EMBEDDINGS: case IMAGES: case GEMINI_EMBED:
                return post ? chat.open(request, route, v.key(), credential)
                        : new Refusal(request, route, dialect, metrics, "POST");
            case RESPONSE_OBJECTS:
                return chat.storedResponses(request, v.key());
            case COUNT_TOKENS:
                return post ? countTokens.open(request) : new Refusal(request, route, dialect, metrics, "POST");
            case GEMINI_COUNT_TOKENS:
                return post ? countTokens.openGemini(request) : new Refusal(request, route, dialect, metrics, "POST");
            case MODELS: case GEMINI_MODELS:
                return models.open(request, route, v.key());
            case HEALTH:
                return health.open(request);
            case METRICS:
                return metricsService.open(request);
            case ADMIN: case STATS: case MONITOR: case HISTORY:
                return admin.open(request, route);
            case UI:
                return StaticPages.open(request, route, StaticAssets.ui(), metrics);
            case SIMPLE_CHAT: case PROXY: case TEST_MODEL:
                return seed.helpers().open(request, route, v.key(), credential);
            case RECOMMEND_MODEL: case CHECK_CONTEXT:
                return seed.advice().open(request, route, v.key());
            case TTS:
                return seed.tts().open(request, v.key(), credential);
            default:
                return new Refusal(request, RouteFamily.OTHER, dialect, metrics, (String) null);
        }
    }

    /** The dialect a request's answers and refusals speak: the route's, the caller's for the model list. */
    static Dialect dialectOf(InboundRequest request, RouteFamily route) {
        if (route == RouteFamily.MODELS || route == RouteFamily.GEMINI_MODELS) {
            return ModelsService.dialectOf(request, route);
        }
        if (route == RouteFamily.OTHER && request.path().startsWith(GeminiPath.V1BETA)) {
            return Dialects.GEMINI; // an unknown Gemini path: 404 in Gemini's shape
        }
        return route.dialect;
    }

    /** A CORS preflight: 204 with what the page may send to an allowed origin, 403 to any other. */
    private static final class Preflight extends SimpleHandler {
        private final Cors cors;

        Preflight(InboundRequest request, SluiceMetrics metrics, Cors cors) {
            super(request, RouteFamily.PREFLIGHT, metrics);
            this.cors = cors;
        }

        @Override
        void answer(ResponseSink sink) {
            if (!cors.allows(request.headers().get(HttpHeaderNames.ORIGIN))) {
                sink.fail(HttpResponseStatus.FORBIDDEN, "origin " + Text.printable(request.headers().get(
                        HttpHeaderNames.ORIGIN)) + " is not allowed to call this server (server.cors.origins)",
                        "origin_not_allowed");
                return;
            }
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
                    Unpooled.EMPTY_BUFFER);
            cors.preflight(request.headers(), res.headers());
            full(sink, res);
        }
    }

    /** A request refused at its head: an admission step said no, the method is wrong, or the route is unknown. */
    private static final class Refusal extends SimpleHandler {
        private final Dialect dialect;
        private final Access.Denial denial;
        /** The methods the route takes, for a 405; null for an unknown route's 404. */
        private final String allowed;

        Refusal(InboundRequest request, RouteFamily route, Dialect dialect, SluiceMetrics metrics,
                Access.Denial denial) {
            super(request, route, metrics);
            this.dialect = dialect;
            this.denial = denial;
            this.allowed = null;
        }

        Refusal(InboundRequest request, RouteFamily route, Dialect dialect, SluiceMetrics metrics, String allowed) {
            super(request, route, metrics);
            this.dialect = dialect;
            this.denial = null;
            this.allowed = allowed;
        }

        @Override
        public Dialect dialect() {
            return dialect;
        }

        @Override
        void answer(ResponseSink sink) {
            if (denial != null) {
                deny(sink, dialect, denial);
            } else if (allowed != null) {
                methodNotAllowed(sink, dialect, request, allowed);
            } else {
                sink.fail(HttpResponseStatus.NOT_FOUND, "Unknown route: " + request.method() + ' '
                        + Text.printable(request.path()), "unknown_route");
            }
        }
    }
}
