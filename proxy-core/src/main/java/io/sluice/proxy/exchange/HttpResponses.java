package io.sluice.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.hub.HubError;
import java.nio.charset.StandardCharsets;

/** Whole responses Sluice composes itself, and its errors in each client dialect. */
public final class HttpResponses {

    private HttpResponses() {
    }

    /** A complete {@code application/json} response carrying {@code body} (ownership moves to the response). */
    public static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        return full(status, body, HttpHeaderValues.APPLICATION_JSON.toString());
    }

    /** A complete response of {@code contentType} carrying {@code body} (ownership moves to the response). */
    public static FullHttpResponse full(HttpResponseStatus status, ByteBuf body, String contentType) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return res;
    }

    /** {@code text} as UTF-8 bytes, owned by the caller. */
    public static ByteBuf utf8(ByteBufAllocator alloc, CharSequence text) {
        ByteBuf buf = alloc.buffer(text.length() + 16);
        buf.writeCharSequence(text, StandardCharsets.UTF_8);
        return buf;
    }

    /** A hub error for a status of Sluice's own, with its machine-readable code. */
    public static HubError error(HttpResponseStatus status, String message, String code) {
        return HubError.of(status.code(), message).withCode(code, null);
    }

    /** An error response in {@code dialect}'s shape: the one writer of Sluice's errors ({@link Dialect#encodeError}).
     */
    public static FullHttpResponse error(Dialect dialect, ByteBufAllocator alloc, HubError error) {
        return json(HttpResponseStatus.valueOf(error.status()), dialect.encodeError(error, alloc));
    }

    /** As {@link #error(Dialect, ByteBufAllocator, HubError)} for a status of Sluice's own. */
    public static FullHttpResponse error(Dialect dialect, ByteBufAllocator alloc, HttpResponseStatus status,
                                         String message, String code) {
        return error(dialect, alloc, error(status, message, code));
    }

    /** {@link #error(Dialect, ByteBufAllocator, HttpResponseStatus, String, String)} with {@code Retry-After}. */
    public static FullHttpResponse retryAfter(FullHttpResponse res, long seconds) {
        res.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, seconds)));
        return res;
    }
}
