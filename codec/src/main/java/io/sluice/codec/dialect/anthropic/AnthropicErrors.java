package io.sluice.codec.dialect.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.dialect.JsonOut;
import io.sluice.codec.hub.HubError;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Anthropic error bodies: {@code {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},
 * "request_id":"req_…"}}, the same object a stream's {@code event: error} carries.
 *
 * <p>Types ↔ statuses: invalid_request_error 400, authentication_error 401, billing_error 402, permission_error 403,
 * not_found_error 404, request_too_large 413, rate_limit_error 429, api_error 500, timeout_error 504,
 * overloaded_error 529. A type outside the hub's vocabulary (billing_error, future ones) becomes the hub type of its
 * status.
 */
final class AnthropicErrors {

    private AnthropicErrors() {
    }

    /** The status an error type stands for when no HTTP status came with it (stream events, 200 bodies). */
    static int statusFor(String type) {
        return "billing_error".equals(type) ? 402 : HubError.statusFor(type);
    }

    /** The hub type: {@code type} when the hub knows it, else the type of {@code status}. */
    static String hubType(String type, int status) {
        if (type != null) {
            switch (type) {
                case HubError.INVALID_REQUEST, HubError.AUTHENTICATION, HubError.PERMISSION, HubError.NOT_FOUND,
                        HubError.REQUEST_TOO_LARGE, HubError.RATE_LIMIT, HubError.API_ERROR, HubError.OVERLOADED,
                        HubError.TIMEOUT -> {
                    return type;
                }
                default -> {
                }
            }
        }
        return HubError.typeFor(status);
    }

    /** A hub error from an error event or a 200 body (no HTTP status of its own). */
    static HubError fromEvent(String type, String message) {
        int status = statusFor(type);
        return new HubError(status, hubType(type, status), message == null ? "upstream error: " + type : message);
    }

    static HubError decode(int status, ByteBuf body) {
        if (body != null && body.isReadable()) {
            try (JsonParser p = JsonIo.parser(body)) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    String[] typeAndMessage = readBody(p);
                    if (typeAndMessage != null) {
                        String message = typeAndMessage[1] != null ? typeAndMessage[1]
                                : "upstream returned HTTP " + status;
                        return new HubError(status, hubType(typeAndMessage[0], status), message);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not JSON (an HTML page from a load balancer, a truncated body): fall through
            }
            return HubError.of(status, "upstream returned HTTP " + status + " with a body that is not an error object");
        }
        return HubError.of(status, "upstream returned HTTP " + status + " with an empty body");
    }

    /**
     * Reads {@code {"error":{"type","message"}}} (OpenAI-shaped bodies from Anthropic-compatible upstreams have the
     * same members); the parser sits on the root START_OBJECT. Returns null when there is no {@code error} object.
     */
    static String[] readBody(JsonParser p) throws IOException {
        String[] out = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("error") && t == JsonToken.START_OBJECT) {
                out = readError(p);
            } else if (name.equals("error") && t == JsonToken.VALUE_STRING) {
                out = new String[] {null, p.getText()};
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    /** Reads the inner error object; the parser sits on its START_OBJECT. */
    static String[] readError(JsonParser p) throws IOException {
        String type = null;
        String message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "type" -> type = JsonIo.text(p);
                case "message" -> message = JsonIo.text(p);
                default -> p.skipChildren();
            }
        }
        return new String[] {type, message};
    }

    static ByteBuf encode(HubError error, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(96 + error.message().length());
        JsonOut json = new JsonOut();
        try {
            write(json.begin(out), error);
            json.end();
            return out;
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        } finally {
            json.close();
        }
    }

    /** Writes the error object (also the data of a stream's {@code event: error}). */
    static void write(JsonGenerator g, HubError error) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "error");
        g.writeObjectFieldStart("error");
        g.writeStringField("type", error.type() == null ? HubError.typeFor(error.status()) : error.type());
        g.writeStringField("message", error.message() == null ? "" : error.message());
        g.writeEndObject();
        g.writeEndObject();
    }
}
