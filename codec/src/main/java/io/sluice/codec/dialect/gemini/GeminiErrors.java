package io.sluice.codec.dialect.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.hub.HubError;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Gemini's error body, Google's standard {@code {"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED",
 * "details":[…]}}}, both ways.
 *
 * <pre>
 * HTTP  status string        hub type
 * 400   INVALID_ARGUMENT     invalid_request_error (FAILED_PRECONDITION, OUT_OF_RANGE too)
 * 401   UNAUTHENTICATED      authentication_error
 * 403   PERMISSION_DENIED    permission_error
 * 404   NOT_FOUND            not_found_error
 * 429   RESOURCE_EXHAUSTED   rate_limit_error
 * 500   INTERNAL             api_error (UNKNOWN too)
 * 503   UNAVAILABLE          overloaded_error (hub 529 is written as 503 UNAVAILABLE: Gemini clients retry on 503)
 * 504   DEADLINE_EXCEEDED    timeout_error
 * </pre>
 * Google answers a bad API key with {@code 400 INVALID_ARGUMENT} and an {@code ErrorInfo} reason
 * {@code API_KEY_INVALID}; that is a key problem, not the request's, so it decodes as 401 authentication_error (the
 * scheduler must rotate the key rather than blame the client).
 */
final class GeminiErrors {

    private GeminiErrors() {
    }

    static HubError decode(int status, ByteBuf body) {
        if (body != null && body.isReadable()) {
            try (JsonParser p = JsonIo.parser(body)) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY) { // streamGenerateContent without alt=sse wraps it in an array
                    t = p.nextToken();
                }
                if (t == JsonToken.START_OBJECT) {
                    HubError e = readEnvelope(p, status);
                    if (e != null) {
                        return e;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not JSON (an HTML page from a proxy, a truncated body): fall through
            }
        }
        return HubError.of(status, "upstream returned HTTP " + status + " without a Gemini error body");
    }

    /** Reads {@code {"error":{…}}}; the parser sits on the outer START_OBJECT. Null when there is no error object. */
    private static HubError readEnvelope(JsonParser p, int httpStatus) throws IOException {
        HubError found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            if (k.equals("error") && v == JsonToken.START_OBJECT) {
                found = readError(p, httpStatus);
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    static HubError readError(JsonParser p, int httpStatus) throws IOException {
        int code = 0;
        String message = null;
        String status = null;
        boolean badKey = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            switch (k) {
                case "code" -> code = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
                case "message" -> message = JsonIo.text(p);
                case "status" -> status = JsonIo.text(p);
                case "details" -> badKey = detailsSayBadKey(p);
                default -> p.skipChildren();
            }
        }
        int s = httpStatus >= 400 ? httpStatus : code >= 400 ? code : statusFor(status);
        String msg = message != null ? message : "upstream error " + (status != null ? status : s);
        if (badKey) {
            return new HubError(401, HubError.AUTHENTICATION, msg);
        }
        return new HubError(s, typeFor(status, s), msg);
    }

    private static boolean detailsSayBadKey(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return false;
        }
        boolean bad = false;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                p.nextToken();
                if (k.equals("reason") && "API_KEY_INVALID".equals(JsonIo.text(p))) {
                    bad = true;
                } else {
                    p.skipChildren();
                }
            }
        }
        return bad;
    }

    /** The hub error for an error object inside a stream or a 200 body. */
    static HubError fromChunk(GeminiChunk c) {
        int s = c.errorCode >= 400 ? c.errorCode : statusFor(c.errorStatus);
        String msg = c.errorMessage != null ? c.errorMessage : "upstream error " + s;
        return new HubError(s, typeFor(c.errorStatus, s), msg);
    }

    static String typeFor(String status, int httpStatus) {
        if (status == null) {
            return HubError.typeFor(httpStatus);
        }
        return switch (status) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> HubError.INVALID_REQUEST;
            case "UNAUTHENTICATED" -> HubError.AUTHENTICATION;
            case "PERMISSION_DENIED" -> HubError.PERMISSION;
            case "NOT_FOUND" -> HubError.NOT_FOUND;
            case "RESOURCE_EXHAUSTED" -> HubError.RATE_LIMIT;
            case "UNAVAILABLE" -> HubError.OVERLOADED;
            case "DEADLINE_EXCEEDED" -> HubError.TIMEOUT;
            default -> HubError.typeFor(httpStatus);
        };
    }

    private static int statusFor(String status) {
        if (status == null) {
            return 500;
        }
        return switch (status) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> 400;
            case "UNAUTHENTICATED" -> 401;
            case "PERMISSION_DENIED" -> 403;
            case "NOT_FOUND" -> 404;
            case "ABORTED", "ALREADY_EXISTS" -> 409;
            case "RESOURCE_EXHAUSTED" -> 429;
            case "CANCELLED" -> 499;
            case "UNIMPLEMENTED" -> 501;
            case "UNAVAILABLE" -> 503;
            case "DEADLINE_EXCEEDED" -> 504;
            default -> 500;
        };
    }

    /** The code Gemini clients see: Anthropic's 529 (overloaded) is Google's 503. */
    static int codeFor(HubError e) {
        return e.status() == 529 ? 503 : e.status();
    }

    static String statusString(int code) {
        return switch (code) {
            case 400, 413, 422 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 501 -> "UNIMPLEMENTED";
            case 503, 529 -> "UNAVAILABLE";
            case 408, 504 -> "DEADLINE_EXCEEDED";
            default -> code >= 400 && code < 500 ? "INVALID_ARGUMENT" : "INTERNAL";
        };
    }

    /** Writes {@code {"error":{"code":…,"message":…,"status":…}}}. */
    static void write(JsonGenerator g, HubError e) throws IOException {
        int code = codeFor(e);
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeNumberField("code", code);
        g.writeStringField("message", e.message() == null ? "" : e.message());
        g.writeStringField("status", statusString(code));
        g.writeEndObject();
        g.writeEndObject();
    }

    static ByteBuf encode(HubError e, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer(128);
        try (JsonGenerator g = JsonIo.FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
            write(g, e);
        } catch (IOException ex) {
            buf.release();
            throw new UncheckedIOException(ex);
        }
        return buf;
    }
}
