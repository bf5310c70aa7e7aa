package io.sluice.proxy.service;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.route.Routing;

/**
 * {@code GET /v1/models} in OpenAI's list shape: every id the router serves, or for a client key with an allow-list
 * only what it may use. The full list is built once per router (at start and when discovered lists change).
 */
public final class ModelsService {

    private record Cached(ModelRouter router, String json) {
    }

    private final Routing routing;
    private final SluiceMetrics metrics;
    private volatile Cached cached;

    public ModelsService(Routing routing, SluiceMetrics metrics) {
        this.routing = routing;
        this.metrics = metrics;
    }

    RequestHandler open(InboundRequest request, ClientKeys.Key key) {
        return new SimpleHandler(request, RouteFamily.MODELS, metrics) {
            @Override
            void answer(ResponseSink sink) {
                if (!request.method().equals(HttpMethod.GET)) {
                    methodNotAllowed(sink, route, request, "GET");
                    return;
                }
                json(sink, HttpResponseStatus.OK, ModelsService.this.json(key));
            }
        };
    }

    /** The list for {@code key} (null: everything); a key with an allow-list gets its own (built per call: rare). */
    public String json(ClientKeys.Key key) {
        ModelRouter router = routing.router();
        if (key != null && !key.models().isEmpty()) {
            return build(router, key);
        }
        Cached c = cached;
        if (c == null || c.router() != router) {
            c = new Cached(router, build(router, null));
            cached = c;
        }
        return c.json();
    }

    private static String build(ModelRouter router, ClientKeys.Key key) {
        JsonText out = new JsonText().begin().field("object", "list").array("data");
        for (ModelRouter.ModelEntry e : router.entries()) {
            if (key != null) {
                ModelRouter.Route r = router.resolve(e.id());
                if (!key.allows(e.id(), r == null ? null : r.provider().name(), r == null ? null : r.upstreamModel())) {
                    continue;
                }
            }
            out.beginObject().field("id", e.id()).field("object", "model").field("created", 0)
                    .field("owned_by", e.ownedBy()).end();
        }
        return out.endArray().end().toString();
    }
}
