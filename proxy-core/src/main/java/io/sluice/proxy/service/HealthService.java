package io.sluice.proxy.service;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.metrics.SluiceMetrics;

/** {@code /health} and {@code /healthz}: the process serves. */
public final class HealthService {

    private static final String OK = "{\"status\":\"ok\"}";

    private final SluiceMetrics metrics;

    public HealthService(SluiceMetrics metrics) {
        this.metrics = metrics;
    }

    RequestHandler open(InboundRequest request) {
        return new SimpleHandler(request, RouteFamily.HEALTH, metrics) {
            @Override
            void answer(ResponseSink sink) {
                json(sink, HttpResponseStatus.OK, OK);
            }
        };
    }
}
