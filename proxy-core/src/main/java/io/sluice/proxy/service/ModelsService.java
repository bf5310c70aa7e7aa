package io.sluice.proxy.service;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.route.Routing;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The model list and one model, in the caller's dialect: {@code GET /v1/models} and {@code /v1/models/{id}} in
 * OpenAI's shape, in Anthropic's when the request carries {@code anthropic-version} or {@code x-api-key} (paged by
 * {@code limit}, {@code after_id}, {@code before_id}), in Gemini's under {@code /v1beta/models} or with
 * {@code x-goog-api-key} / {@code ?key=} (paged by {@code pageSize}, {@code pageToken}). Every id the router serves,
 * or for a client key with an allow-list only what it may use; one model is found if it is listed or routes.
 */
public final class ModelsService {

    /** Anthropic's page size when {@code limit} is absent, and its largest. */
    static final int ANTHROPIC_LIMIT = 20;
    static final int ANTHROPIC_MAX_LIMIT = 1000;
    /** Gemini's page size when {@code pageSize} is absent; larger values are lowered to the maximum, as Gemini does. */
    static final int GEMINI_PAGE_SIZE = 50;
    static final int GEMINI_MAX_PAGE_SIZE = 1000;

    private record Cached(ModelRouter router, List<ModelShapes> models, String openAi) {
    }

    private final Routing routing;
    private final SluiceMetrics metrics;
    private volatile Cached cached;

    public ModelsService(Routing routing, SluiceMetrics metrics) {
        this.routing = routing;
        this.metrics = metrics;
    }

    /** The dialect a model-list request speaks: by its path, else by the SDK's own headers. */
    static Dialect dialectOf(InboundRequest request, RouteFamily route) {
        if (route == RouteFamily.GEMINI_MODELS) {
            return Dialects.GEMINI;
        }
        HttpHeaders h = request.headers();
        if (h.contains("x-goog-api-key") || request.query("key") != null) {
            return Dialects.GEMINI;
        }
        if (h.contains("anthropic-version") || h.contains("x-api-key")) {
            return Dialects.ANTHROPIC;
        }
        return Dialects.OPENAI;
    }

    RequestHandler open(InboundRequest request, RouteFamily route, ClientKeys.Key key) {
        Dialect dialect = dialectOf(request, route);
        return new SimpleHandler(request, route, metrics) {
            @Override
            public Dialect dialect() {
                return dialect;
            }

            @Override
            void answer(ResponseSink sink) {
                if (!request.method().equals(HttpMethod.GET)) {
                    methodNotAllowed(sink, dialect, request, "GET");
                    return;
                }
                String id = id(request.path());
                try {
                    String body = id == null ? list(dialect, key, request) : one(dialect, key, id);
                    if (body == null) {
                        sink.fail(HttpResponseStatus.NOT_FOUND, dialect == Dialects.GEMINI
                                ? "models/" + Text.printable(id) + " is not found"
                                : "The model `" + Text.printable(id) + "` does not exist", "model_not_found");
                        return;
                    }
                    json(sink, HttpResponseStatus.OK, body);
                } catch (IllegalArgumentException e) {
                    sink.fail(HttpResponseStatus.BAD_REQUEST, e.getMessage(), "invalid_request");
                }
            }
        };
    }

    /** The model id a path names ({@code /v1/models/openai/gpt-4.1}), or null for the list. */
    static String id(String path) {
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        for (String list : GeminiPath.LISTS) {
            if (path.equals(list)) {
                return null;
            }
        }
        if (path.equals("/models")) {
            return null;
        }
        GeminiPath g = GeminiPath.parseAny(path);
        if (g != null) {
            return g.model();
        }
        if (!path.startsWith("/models/")) {
            return null;
        }
        try {
            return URLDecoder.decode(path.substring("/models/".length()).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return path.substring("/models/".length()); // malformed percent-encoding: not found as it is
        }
    }

    /** The OpenAI list for {@code key} (null: everything). */
    public String json(ClientKeys.Key key) {
        return key != null && !key.models().isEmpty() ? openAiList(visible(key)) : cached().openAi();
    }

    private Cached cached() {
        ModelRouter router = routing.router();
        Cached c = cached;
        if (c == null || c.router() != router) {
            List<ModelShapes> all = build(router, null);
            c = new Cached(router, all, openAiList(all));
            cached = c;
        }
        return c;
    }

    /** What {@code key} may see; a key with an allow-list gets its own list (built per call: rare). */
    private List<ModelShapes> visible(ClientKeys.Key key) {
        return key != null && !key.models().isEmpty() ? build(routing.router(), key) : cached().models();
    }

    private static List<ModelShapes> build(ModelRouter router, ClientKeys.Key key) {
        List<ModelShapes> out = new ArrayList<>();
        for (ModelRouter.ModelEntry e : router.entries()) {
            ModelRouter.Route r = router.resolve(e.id());
            if (key != null && !allows(key, e.id(), r)) {
                continue;
            }
            out.add(new ModelShapes(e.id(), e.ownedBy(), r));
        }
        return List.copyOf(out);
    }

    private static boolean allows(ClientKeys.Key key, String id, ModelRouter.Route r) {
        return key == null || key.allows(id, r == null ? null : r.provider().name(), r == null ? null
                : r.upstreamModel());
    }

    private static String openAiList(List<ModelShapes> models) {
        JsonText out = new JsonText().begin().field("object", "list").array("data");
        models.forEach(m -> m.openAi(out));
        return out.endArray().end().toString();
    }

    /** One model: listed, or any id the router resolves that the key may use; null when there is none. */
    private String one(Dialect dialect, ClientKeys.Key key, String id) {
        ModelShapes found = null;
        for (ModelShapes m : visible(key)) {
            if (m.id().equals(id)) {
                found = m;
                break;
            }
        }
        if (found == null && ModelRouter.invalid(id) == null) {
            ModelRouter.Route r = routing.router().resolve(id);
            if (r != null && allows(key, id, r)) {
                found = new ModelShapes(id, r.provider().name(), r);
            }
        }
        if (found == null) {
            return null;
        }
        JsonText out = new JsonText();
        if (dialect == Dialects.GEMINI) {
            found.gemini(out);
        } else if (dialect == Dialects.ANTHROPIC) {
            found.anthropic(out);
        } else {
            found.openAi(out);
        }
        return out.toString();
    }

    private String list(Dialect dialect, ClientKeys.Key key, InboundRequest request) {
        if (dialect == Dialects.GEMINI) {
            return geminiPage(visible(key), request);
        }
        if (dialect == Dialects.ANTHROPIC) {
            return anthropicPage(visible(key), request);
        }
        return json(key);
    }

    /** Anthropic's page: {@code limit} models after {@code after_id} or before {@code before_id}. */
    static String anthropicPage(List<ModelShapes> models, InboundRequest request) {
        int limit = number(request.query("limit"), "limit", ANTHROPIC_LIMIT, ANTHROPIC_MAX_LIMIT, false);
        String after = request.query("after_id");
        String before = request.query("before_id");
        int from = 0;
        int to = models.size();
        if (after != null) {
            from = indexOf(models, after, "after_id") + 1;
            to = Math.min(models.size(), from + limit);
        } else if (before != null) {
            to = indexOf(models, before, "before_id");
            from = Math.max(0, to - limit);
        } else {
            to = Math.min(models.size(), limit);
        }
        List<ModelShapes> page = models.subList(from, to);
        JsonText out = new JsonText().begin().array("data");
        page.forEach(m -> m.anthropic(out));
        out.endArray().field("has_more", before != null ? from > 0 : to < models.size())
                .field("first_id", page.isEmpty() ? null : page.get(0).id())
                .field("last_id", page.isEmpty() ? null : page.get(page.size() - 1).id());
        return out.end().toString();
    }

    /** Gemini's page: {@code pageSize} models from the position {@code pageToken} names. */
    static String geminiPage(List<ModelShapes> models, InboundRequest request) {
        int size = number(request.query("pageSize"), "pageSize", GEMINI_PAGE_SIZE, GEMINI_MAX_PAGE_SIZE, true);
        String token = request.query("pageToken");
        int from = 0;
        if (token != null && !token.isEmpty()) {
            from = token(token, models.size());
        }
        int to = Math.min(models.size(), from + size);
        JsonText out = new JsonText().begin().array("models");
        models.subList(from, to).forEach(m -> m.gemini(out));
        out.endArray();
        if (to < models.size()) {
            out.field("nextPageToken", "p" + to);
        }
        return out.end().toString();
    }

    private static int token(String token, int size) {
        try {
            if (token.startsWith("p")) {
                int at = Integer.parseInt(token.substring(1));
                if (at >= 0 && at <= size) {
                    return at;
                }
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("pageToken `" + Text.printable(token)
                + "` is not one this server issued (expected: a nextPageToken of an earlier page)");
    }

    private static int indexOf(List<ModelShapes> models, String id, String param) {
        for (int i = 0; i < models.size(); i++) {
            if (models.get(i).id().equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException(param + ": no model `" + Text.printable(id) + "` in the list");
    }

    /** A paging number: {@code fallback} when absent, 1 to {@code max} (larger lowered to it when {@code clamp}). */
    private static int number(String v, String name, int fallback, int max, boolean clamp) {
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": `" + Text.printable(v) + "` (expected: an integer from 1 to "
                    + max + ")");
        }
        if (n > max && clamp) {
            return max;
        }
        if (n == 0 && clamp) {
            return fallback; // Gemini: 0 means the default
        }
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(name + ": " + n + " (expected: 1 to " + max + ")");
        }
        return (int) n;
    }
}
