package io.sluice.proxy.service;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.sluice.proxy.admin.StaticAssets;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.metrics.SluiceMetrics;

/**
 * Pages served from memory ({@link StaticAssets}): the {@code /monitor} dashboard once the admin key has let the
 * request in, and the {@code /ui} playground to anyone (it holds nothing secret; the API calls it makes are client
 * calls, checked like any other).
 */
final class StaticPages {

    private StaticPages() {
    }

    /** A handler answering {@code request} from {@code assets}. */
    static RequestHandler open(InboundRequest request, RouteFamily route, StaticAssets assets,
                               SluiceMetrics metrics) {
        return new SimpleHandler(request, route, metrics) {
            @Override
            void answer(ResponseSink sink) {
                StaticPages.answer(assets, request, route, sink);
            }
        };
    }

    /** GET or HEAD: the file (304 when the client's copy is current); other methods: 405 in the route's dialect. */
    static void answer(StaticAssets assets, InboundRequest request, RouteFamily route,
                       ResponseSink sink) {
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            SimpleHandler.methodNotAllowed(sink, route, request, "GET, HEAD");
            return;
        }
        SimpleHandler.full(sink, assets.respond(request.method(), request.path(),
                request.headers().get(HttpHeaderNames.IF_NONE_MATCH)));
    }
}
