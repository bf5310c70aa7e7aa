package io.sluice.proxy.service;

import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.proxy.access.Access;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.metrics.SluiceMetrics;

/**
 * A request answered in one response once its (discarded) body is read: the health check, metrics, model lists,
 * admin calls, refusals and unknown routes. Counts itself in {@code http_requests_total}.
 */
abstract class SimpleHandler extends RouteHandler {

    SimpleHandler(InboundRequest request, RouteFamily route, SluiceMetrics metrics) {
        super(request, route, metrics);
    }

    @Override
    public boolean readsBody() {
        return false;
    }

    @Override
    public final void respond(CompositeByteBuf body, ResponseSink sink) {
        if (body != null) {
            body.release();
        }
        answer(sink);
    }

    /** Writes the one response. */
    abstract void answer(ResponseSink sink);

    // ---- answers shared by the services ----

    static void json(ResponseSink sink, HttpResponseStatus status, String json) {
        full(sink, HttpResponses.json(status, HttpResponses.utf8(sink.alloc(), json)));
    }

    static void full(ResponseSink sink, FullHttpResponse res) {
        sink.head(res);
        sink.end(null);
    }

    /** 400 {@code request_too_complex}: a request over a work budget (DESIGN.md 7), named with its limit. */
    static void tooComplex(ResponseSink sink, Dialect dialect, WorkBudgetException e) {
        full(sink, HttpResponses.error(dialect, sink.alloc(), HttpResponses.error(HttpResponseStatus.BAD_REQUEST,
                e.getMessage(), "request_too_complex").withCode("request_too_complex", e.param())));
    }

    /** An error naming the request field at fault ({@code param}), in {@code dialect}. */
    static void error(ResponseSink sink, Dialect dialect, HttpResponseStatus status, String message, String code,
                      String param) {
        full(sink, HttpResponses.error(dialect, sink.alloc(), HttpResponses.error(status, message, code)
                .withCode(code, param)));
    }

    /** 405 naming the methods the route takes, in the route's dialect. */
    static void methodNotAllowed(ResponseSink sink, RouteFamily route, InboundRequest request, String allowed) {
        methodNotAllowed(sink, route.dialect, request, allowed);
    }

    /** 405 naming the methods the route takes, in {@code dialect}. */
    static void methodNotAllowed(ResponseSink sink, Dialect dialect, InboundRequest request, String allowed) {
        FullHttpResponse res = HttpResponses.error(dialect, sink.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                "Method " + request.method() + " not allowed; use " + allowed, "method_not_allowed");
        res.headers().set(HttpHeaderNames.ALLOW, allowed);
        full(sink, res);
    }

    /** The refusal of an admission step, in {@code dialect}: a challenge with 401, {@code Retry-After} with 429. */
    static void deny(ResponseSink sink, Dialect dialect, Access.Denial denial) {
        HttpResponseStatus st = HttpResponseStatus.valueOf(denial.status());
        FullHttpResponse res = HttpResponses.error(dialect, sink.alloc(), st, denial.message(), denial.code());
        if (st.code() == 401) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"sluice\"");
        }
        if ("ip".equals(denial.reason())) {
            res.headers().set(HttpHeaderNames.CONNECTION, "close"); // a refused address gets one answer per connection
        }
        if (denial.retryNanos() >= 0) {
            HttpResponses.retryAfter(res, (denial.retryNanos() + 999_999_999L) / 1_000_000_000L);
        }
        full(sink, res);
    }
}
