package io.sluice.proxy.service;

import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.providers.Operation;

/** The route families Sluice serves, with low-cardinality labels for metrics; the raw path never becomes a label. */
public enum RouteFamily {
    CHAT("/v1/chat/completions", Dialects.OPENAI),
    MESSAGES("/v1/messages", Dialects.ANTHROPIC),
    COUNT_TOKENS("/v1/messages/count_tokens", Dialects.ANTHROPIC),
    RESPONSES("/v1/responses", Dialects.RESPONSES),
    /** Stored Responses answers: {@code GET}/{@code DELETE /v1/responses/{id}}, {@code …/{id}/input_items}. */
    RESPONSE_OBJECTS("/v1/responses/{id}", Dialects.RESPONSES),
    GEMINI("/v1beta/models/{model}:generateContent", Dialects.GEMINI),
    GEMINI_COUNT_TOKENS("/v1beta/models/{model}:countTokens", Dialects.GEMINI),
    /** {@code :embedContent} and {@code :batchEmbedContents}. */
    GEMINI_EMBED("/v1beta/models/{model}:embedContent", Dialects.GEMINI),
    /** Gemini's model list and {@code GET /v1beta/models/{model}}. */
    GEMINI_MODELS("/v1beta/models", Dialects.GEMINI),
    EMBEDDINGS("/v1/embeddings", Dialects.OPENAI),
    IMAGES("/v1/images/generations", Dialects.OPENAI),
    /** {@code /v1/models} and {@code /v1/models/{id}}, answered in the caller's dialect ({@link ModelsService}). */
    MODELS("/v1/models", Dialects.OPENAI),
    HEALTH("/health", Dialects.OPENAI),
    METRICS("/metrics", Dialects.OPENAI),
    ADMIN("/api", Dialects.OPENAI),
    STATS(AdminService.STATS_PATH, Dialects.OPENAI),
    /** The operator dashboard's page and files; protected like {@link #ADMIN}. */
    MONITOR("/monitor", Dialects.OPENAI),
    /** The playground's page and files: open to anyone who reaches the port; its API calls are client calls. */
    UI("/ui", Dialects.OPENAI),
    // The GitHub-Models seed's helper endpoints (issue 17 items 7 and 9).
    SIMPLE_CHAT("/v1/simple-chat", Dialects.OPENAI),
    PROXY("/v1/proxy", Dialects.OPENAI),
    TEST_MODEL("/v1/test-model", Dialects.OPENAI),
    RECOMMEND_MODEL("/v1/recommend-model", Dialects.OPENAI),
    CHECK_CONTEXT("/v1/check-context", Dialects.OPENAI),
    /** Recent requests of every client: protected like {@link #ADMIN}. */
    HISTORY("/v1/history", Dialects.OPENAI),
    TTS("/tts", Dialects.OPENAI),
    /** A CORS preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}), answered at the head. */
    PREFLIGHT("preflight", Dialects.OPENAI),
    OTHER("other", Dialects.OPENAI);

    /**
     * {@code /v1/providers/{provider}/chat/completions} (also {@code /messages}, {@code /responses},
     * {@code /embeddings}, {@code /images/generations}).
     */
    static final String PROVIDER_ROUTE = "/v1/providers/";

    final String label;
    /** The dialect requests and errors on this route speak. */
    final Dialect dialect;

    RouteFamily(String label, Dialect dialect) {
        this.label = label;
        this.dialect = dialect;
    }

    public String label() {
        return label;
    }

    /** The provider a {@link #PROVIDER_ROUTE} path names, else null. */
    static String forcedProvider(String path) {
        if (!path.startsWith(PROVIDER_ROUTE)) {
            return null;
        }
        int slash = path.indexOf('/', PROVIDER_ROUTE.length());
        return slash < 0 ? null : path.substring(PROVIDER_ROUTE.length(), slash);
    }

    /** Routes whose POST body is a chat request in the route's dialect. */
    boolean chat() {
        return this == CHAT || this == MESSAGES || this == RESPONSES || this == GEMINI;
    }

    /** What the request asks a provider to do; {@link Operation#CHAT} for routes that are not a passthrough. */
    Operation operation() {
        return this == EMBEDDINGS || this == GEMINI_EMBED ? Operation.EMBEDDINGS
                : this == IMAGES ? Operation.IMAGES : Operation.CHAT;
    }

    /** Routes whose POST body is a model request: chat, embeddings and images. */
    boolean model() {
        return chat() || this == EMBEDDINGS || this == IMAGES || this == GEMINI_EMBED;
    }

    /** Routes whose POST body is read and scanned: model requests and count_tokens. */
    boolean readsBody() {
        return model() || this == COUNT_TOKENS || this == GEMINI_COUNT_TOKENS;
    }

    /** The seed's helper routes that take a JSON body and answer for a model. */
    boolean helper() {
        return this == SIMPLE_CHAT || this == PROXY || this == TEST_MODEL || this == RECOMMEND_MODEL
                || this == CHECK_CONTEXT;
    }

    /** Routes a client key opens (when keys are configured): model routes, the model list, the helpers, speech. */
    boolean needsClientKey() {
        return readsBody() || this == MODELS || this == GEMINI_MODELS || helper() || this == TTS
                || this == RESPONSE_OBJECTS;
    }

    /** The route of a path (query already removed). */
    static RouteFamily of(String path) {
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.startsWith(PROVIDER_ROUTE)) {
            int slash = path.indexOf('/', PROVIDER_ROUTE.length());
            if (slash <= PROVIDER_ROUTE.length()) {
                return OTHER;
            }
            RouteFamily r = of("/v1" + path.substring(slash));
            return (r.chat() && r != GEMINI) || r == EMBEDDINGS || r == IMAGES ? r : OTHER;
        }
        switch (path) {
            case "/v1/chat/completions": case "/chat/completions": return CHAT;
            case "/v1/messages": return MESSAGES;
            case "/v1/messages/count_tokens": return COUNT_TOKENS;
            case "/v1/responses": case "/responses": return RESPONSES;
            case "/v1/models": case "/models": return MODELS;
            case "/v1beta/models": return GEMINI_MODELS;
            case "/v1/embeddings": case "/embeddings": return EMBEDDINGS;
            case "/v1/images/generations": case "/images/generations": return IMAGES;
            case "/health": case "/healthz": return HEALTH;
            case "/metrics": return METRICS;
            case AdminService.STATS_PATH: return STATS;
            case "/monitor": case "/monitor/monitor.js": case "/monitor/monitor.css": return MONITOR;
            case "/ui": case "/ui/ui.js": case "/ui/ui.css": return UI;
            case "/v1/simple-chat": return SIMPLE_CHAT;
            case "/v1/proxy": return PROXY;
            case "/v1/test-model": return TEST_MODEL;
            case "/v1/recommend-model": return RECOMMEND_MODEL;
            case "/v1/check-context": return CHECK_CONTEXT;
            case "/v1/history": return HISTORY;
            case "/tts": return TTS;
            default:
                if (path.startsWith(AdminService.PREFIX)) {
                    return ADMIN;
                }
                if (path.startsWith("/v1/responses/") || path.startsWith("/responses/")) {
                    return RESPONSE_OBJECTS;
                }
                return gemini(path);
        }
    }

    /** A Gemini model path ({@link GeminiPath}), or {@code /v1/models/{id}} (OpenAI's and Anthropic's). */
    private static RouteFamily gemini(String path) {
        GeminiPath g = GeminiPath.parseAny(path);
        if (g == null) {
            return path.startsWith("/v1/models/") || path.startsWith("/models/") ? MODELS : OTHER;
        }
        return switch (g.method()) {
            case GENERATE, STREAM -> GEMINI;
            case COUNT_TOKENS -> GEMINI_COUNT_TOKENS;
            case EMBED, BATCH_EMBED -> GEMINI_EMBED;
            case GET -> path.startsWith(GeminiPath.V1BETA) ? GEMINI_MODELS : MODELS;
        };
    }
}
