package io.sluice.proxy.service;

import io.sluice.codec.dialect.Dialect;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.metrics.SluiceMetrics;

/** A request on one route family: its label and dialect, and its count in {@code http_requests_total} at the end. */
abstract class RouteHandler implements RequestHandler {

    final InboundRequest request;
    final RouteFamily route;
    private final SluiceMetrics metrics;

    RouteHandler(InboundRequest request, RouteFamily route, SluiceMetrics metrics) {
        this.request = request;
        this.route = route;
        this.metrics = metrics;
    }

    @Override
    public String route() {
        return route.label;
    }

    @Override
    public Dialect dialect() {
        return route.dialect;
    }

    @Override
    public final void finished(int status, long nanos) {
        metrics.request(request.method().name(), route.label, status, nanos);
        accounted(status, nanos);
    }

    /** After the request was counted: the rest of its accounting, if any. */
    void accounted(int status, long nanos) {
    }
}
