package io.sluice.proxy.service;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.state.SharedState;

/**
 * {@code /health} and {@code /healthz}: the process serves. With shared state configured the answer also says whether
 * Redis is reachable ({@code "status":"degraded"} while it is not; still 200, since this instance serves from local
 * state meanwhile).
 */
public final class HealthService {

    private final SluiceMetrics metrics;
    private final SharedState state;

    public HealthService(SluiceMetrics metrics) {
        this(metrics, SharedState.embedded());
    }

    public HealthService(SluiceMetrics metrics, SharedState state) {
        this.metrics = metrics;
        this.state = state;
    }

    RequestHandler open(InboundRequest request) {
        return new SimpleHandler(request, RouteFamily.HEALTH, metrics) {
            @Override
            void answer(ResponseSink sink) {
                json(sink, HttpResponseStatus.OK, state.healthJson());
            }
        };
    }
}
