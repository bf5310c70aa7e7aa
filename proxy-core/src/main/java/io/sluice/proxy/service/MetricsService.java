package io.sluice.proxy.service;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.metrics.SluiceMetrics;

/** {@code GET /metrics}: the Prometheus scrape. */
public final class MetricsService {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final SluiceMetrics metrics;
    private final boolean enabled;
    private final String path;

    public MetricsService(SluiceMetrics metrics) {
        this(metrics, true, "/metrics");
    }

    /** @param enabled {@code metrics.enabled} ({@code METRICS_ENABLED}); {@code path} is {@code metrics.path} */
    public MetricsService(SluiceMetrics metrics, boolean enabled, String path) {
        this.metrics = metrics;
        this.enabled = enabled;
        this.path = path;
    }

    /** Whether {@code requestPath} is the metrics endpoint: enabled, at its configured path. */
    boolean serves(String requestPath) {
        return enabled && path.equals(requestPath);
    }

    RequestHandler open(InboundRequest request) {
        return new SimpleHandler(request, RouteFamily.METRICS, metrics) {
            @Override
            void answer(ResponseSink sink) {
                if (!request.method().equals(HttpMethod.GET)) {
                    methodNotAllowed(sink, route, request, "GET");
                    return;
                }
                full(sink, HttpResponses.full(HttpResponseStatus.OK,
                        HttpResponses.utf8(sink.alloc(), metrics.scrape()), CONTENT_TYPE));
            }
        };
    }
}
