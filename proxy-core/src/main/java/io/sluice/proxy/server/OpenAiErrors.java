package io.sluice.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Errors in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}.
 * Types follow OpenAI: invalid_request_error, authentication_error, not_found_error, rate_limit_error,
 * api_error (upstream/internal), timeout_error.
 */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    /** The error JSON bytes, owned by the caller. */
    public static ByteBuf body(ByteBufAllocator alloc, String message, String type, String code) {
        return body(alloc, message, type, code, null);
    }

    /** The error JSON bytes naming the request field at fault ({@code param}, null for none), owned by the caller. */
    public static ByteBuf body(ByteBufAllocator alloc, String message, String type, String code, String param) {
        StringBuilder sb = new StringBuilder(96 + message.length());
        sb.append("{\"error\":{\"message\":");
        Json.quote(sb, message);
        sb.append(",\"type\":");
        Json.quote(sb, type);
        sb.append(",\"param\":");
        if (param == null) {
            sb.append("null");
        } else {
            Json.quote(sb, param);
        }
        sb.append(",\"code\":");
        if (code == null) {
            sb.append("null");
        } else {
            Json.quote(sb, code);
        }
        sb.append("}}");
        ByteBuf buf = alloc.buffer(sb.length() + 8);
        buf.writeCharSequence(sb, StandardCharsets.UTF_8);
        return buf;
    }

    /** A complete JSON error response, owned by the caller (normally written straight away). */
    public static FullHttpResponse response(ByteBufAllocator alloc, HttpResponseStatus status, String message,
                                            String type, String code) {
        return Json.response(status, body(alloc, message, type, code));
    }

    /** As {@link #response(ByteBufAllocator, HttpResponseStatus, String, String, String)}, naming {@code param}. */
    public static FullHttpResponse response(ByteBufAllocator alloc, HttpResponseStatus status, String message,
                                            String type, String code, String param) {
        return Json.response(status, body(alloc, message, type, code, param));
    }

    /** The error type OpenAI uses for a status. */
    public static String typeFor(int status) {
        switch (status) {
            case 400: case 404: case 405: case 409: case 413: case 415: case 422: case 431:
                return status == 404 ? "not_found_error" : "invalid_request_error";
            case 401: case 403:
                return "authentication_error";
            case 408: case 504:
                return "timeout_error";
            case 429:
                return "rate_limit_error";
            default:
                return "api_error";
        }
    }
}
