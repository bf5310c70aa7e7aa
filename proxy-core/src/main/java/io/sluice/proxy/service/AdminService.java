package io.sluice.proxy.service;

import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.proxy.admin.MonitoringApi;
import io.sluice.proxy.admin.StaticAssets;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.metrics.SluiceMetrics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The operator's side: the monitoring API under {@code /api/}, {@code /v1/stats} and the {@code /monitor} dashboard,
 * all behind the admin key ({@code server.adminKey}), open without one only on a loopback bind.
 */
public final class AdminService {

    static final String PREFIX = MonitoringApi.PREFIX;
    static final String STATS_PATH = MonitoringApi.STATS_PATH;
    /** A provider edit is a few hundred bytes: a larger body is refused before it is decoded. */
    static final int MAX_EDIT_BYTES = 64 * 1024;

    private final SluiceConfig config;
    private final MonitoringApi monitoring;
    private final SluiceMetrics metrics;

    public AdminService(SluiceConfig config, MonitoringApi monitoring, SluiceMetrics metrics) {
        this.config = config;
        this.monitoring = monitoring;
        this.metrics = metrics;
    }

    RequestHandler open(InboundRequest request, RouteFamily route) {
        boolean allowed = MonitoringApi.allowed(config, request.headers().get(HttpHeaderNames.AUTHORIZATION),
                request.headers().get("x-admin-key"));
        if (allowed && route != RouteFamily.MONITOR && MonitoringApi.readsBody(request.method(), request.uri())) {
            return new RouteHandler(request, route, metrics) { // a provider edit: its body is the change
                @Override
                public boolean readsBody() {
                    return true;
                }

                @Override
                public void respond(CompositeByteBuf body, ResponseSink sink) {
                    String text = null;
                    if (body != null) {
                        try {
                            if (body.readableBytes() > MAX_EDIT_BYTES) {
                                SimpleHandler.json(sink, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                                        MonitoringApi.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body: over "
                                                + MAX_EDIT_BYTES + " bytes (expected: a provider edit)").json());
                                return;
                            }
                            text = body.toString(StandardCharsets.UTF_8);
                        } finally {
                            body.release();
                        }
                    }
                    api(request, text, sink);
                }
            };
        }
        return new SimpleHandler(request, route, metrics) {
            @Override
            void answer(ResponseSink sink) {
                if (!allowed) {
                    refuse(sink);
                } else if (route == RouteFamily.MONITOR) {
                    StaticPages.answer(StaticAssets.monitor(), request, route, sink);
                } else {
                    api(request, null, sink);
                }
            }
        };
    }

    private void api(InboundRequest request, String body, ResponseSink sink) {
        CompletableFuture<MonitoringApi.Answer> answer = monitoring.handle(request.method(), request.uri(), body,
                sink.eventLoop());
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            MonitoringApi.Answer a = answer.getNow(null);
            SimpleHandler.json(sink, a.status(), a.json());
            return;
        }
        // A live provider test or an edit: answer when it is done, unless the client has gone or timed out by then.
        answer.whenComplete((a, err) -> sink.eventLoop().execute(() -> {
            if (sink.isDone()) {
                return;
            }
            MonitoringApi.Answer out = err == null ? a : MonitoringApi.error(
                    HttpResponseStatus.INTERNAL_SERVER_ERROR, "the test failed: " + err);
            SimpleHandler.json(sink, out.status(), out.json());
        }));
    }

    /**
     * 403 on a non-loopback bind without an admin key; 401 with a Basic challenge when a key is set, so that a
     * browser asks for it (any user name, the key as password) and sends it with the dashboard's own calls too.
     */
    private void refuse(ResponseSink sink) {
        boolean keyed = config.server().adminKey() != null;
        MonitoringApi.Answer no = MonitoringApi.error(
                keyed ? HttpResponseStatus.UNAUTHORIZED : HttpResponseStatus.FORBIDDEN,
                keyed ? "the admin API needs server.adminKey as Authorization: Bearer, x-admin-key or Basic"
                        + " (any user name, the key as password)"
                        : "the admin API is closed on a non-loopback bind until server.adminKey is set");
        FullHttpResponse res = HttpResponses.json(no.status(), HttpResponses.utf8(sink.alloc(), no.json()));
        if (keyed) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"sluice\"");
        }
        SimpleHandler.full(sink, res);
    }
}
