package io.sluice.codec.dialect.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.dialect.JsonOut;
import io.sluice.codec.hub.HubError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Errors in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, and the error vocabulary of the
 * Responses stream ({@code error} events, {@code response.failed}'s {@code response.error}).
 *
 * <p>Mapping, OpenAI → hub: an error body's {@code code} when known (table in {@link #known}), else the HTTP status
 * ({@link HubError#typeFor}); mid-stream, where there is no status, the {@code code}, then the {@code type}, else
 * {@code api_error}, with the status derived from the type. Hub → OpenAI: {@code type} by status as proxy-core's
 * {@code OpenAiErrors}; {@code code} is {@code rate_limit_exceeded} / {@code server_error} for those two, else the hub
 * type itself, so a Sluice-to-Sluice hop keeps the type. {@code response.failed} codes are an enum in OpenAI's SDKs, so
 * there only {@code rate_limit_exceeded}, {@code invalid_prompt} and {@code server_error} are used.
 */
final class ResponsesErrors {

    private static final int MAX_SNIPPET = 200;

    private ResponsesErrors() {
    }

    /** The hub type for an OpenAI error {@code code} and {@code type}; null when neither is known. */
    static String hubType(String type, String code) {
        String t = known(code);
        return t != null ? t : known(type);
    }

    private static String known(String word) {
        if (word == null) {
            return null;
        }
        switch (word) {
            case "rate_limit_exceeded", "rate_limit_error", "too_many_requests", "insufficient_quota", "requests",
                 "tokens" -> {
                return HubError.RATE_LIMIT;
            }
            case "server_is_overloaded", "overloaded_error", "service_unavailable_error", "engine_overloaded",
                 "slow_down" -> {
                return HubError.OVERLOADED;
            }
            case "invalid_request_error", "invalid_prompt", "context_length_exceeded", "invalid_value",
                 "invalid_type", "missing_required_parameter", "unsupported_parameter", "unsupported_value",
                 "empty_image_file", "unsupported_image_media_type", "failed_to_download_image",
                 "invalid_base64_image" -> {
                return HubError.INVALID_REQUEST;
            }
            case "authentication_error", "invalid_api_key", "invalid_authentication" -> {
                return HubError.AUTHENTICATION;
            }
            case "permission_error", "permission_denied", "insufficient_permissions",
                 "unsupported_country_region_territory" -> {
                return HubError.PERMISSION;
            }
            case "not_found_error", "not_found", "model_not_found" -> {
                return HubError.NOT_FOUND;
            }
            case "timeout_error", "timeout", "vector_store_timeout" -> {
                return HubError.TIMEOUT;
            }
            case "request_too_large" -> {
                return HubError.REQUEST_TOO_LARGE;
            }
            case "server_error", "api_error", "internal_error" -> {
                return HubError.API_ERROR;
            }
            default -> {
                return word.startsWith("invalid_image") || word.startsWith("image_") ? HubError.INVALID_REQUEST : null;
            }
        }
    }

    /** A mid-stream error (no HTTP status of its own): status from the hub type. */
    static HubError streamError(String type, String code, String message) {
        String t = hubType(type, code);
        if (t == null) {
            t = HubError.API_ERROR;
        }
        return new HubError(HubError.statusFor(t), t, message == null || message.isEmpty()
                ? "upstream error" + (code == null ? "" : " " + code) : message);
    }

    /** The OpenAI {@code error.type} for a status, as proxy-core's {@code OpenAiErrors.typeFor}. */
    static String openAiType(int status) {
        return switch (status) {
            case 400, 405, 409, 413, 415, 422, 431 -> "invalid_request_error";
            case 404 -> "not_found_error";
            case 401, 403 -> "authentication_error";
            case 408, 504 -> "timeout_error";
            case 429 -> "rate_limit_error";
            default -> "api_error";
        };
    }

    /** The free-form {@code code} written in error bodies and {@code error} events. */
    static String code(HubError error) {
        String type = error.type() == null ? HubError.typeFor(error.status()) : error.type();
        return switch (type) {
            case HubError.RATE_LIMIT -> "rate_limit_exceeded";
            case HubError.API_ERROR -> "server_error";
            default -> type;
        };
    }

    /** The {@code response.error.code} of a failed response: one of the values OpenAI's SDKs accept. */
    static String failedCode(HubError error) {
        String type = error.type() == null ? "" : error.type();
        return switch (type) {
            case HubError.RATE_LIMIT -> "rate_limit_exceeded";
            case HubError.INVALID_REQUEST, HubError.REQUEST_TOO_LARGE -> "invalid_prompt";
            default -> "server_error";
        };
    }

    static ByteBuf encode(HubError error, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer(128 + error.message().length());
        try (JsonOut out = new JsonOut()) {
            JsonGenerator g = out.begin(buf);
            g.writeStartObject();
            g.writeFieldName("error");
            g.writeStartObject();
            g.writeStringField("message", error.message());
            g.writeStringField("type", openAiType(error.status()));
            if (error.param() == null) {
                g.writeNullField("param");
            } else {
                g.writeStringField("param", error.param());
            }
            g.writeStringField("code", error.code() != null ? error.code() : code(error));
            g.writeEndObject();
            g.writeEndObject();
            out.end();
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** Any body (OpenAI JSON, HTML, empty) into a usable error for {@code status}. */
    static HubError decode(int status, ByteBuf body) {
        String code = null;
        String message = null;
        try (JsonParser p = JsonIo.parser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken t = p.nextToken();
                    if (f.equals("error") && t == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String g = p.currentName();
                            p.nextToken();
                            switch (g) {
                                case "message" -> message = JsonIo.text(p);
                                case "code" -> code = JsonIo.text(p);
                                default -> p.skipChildren();
                            }
                        }
                    } else if (f.equals("error") && t == JsonToken.VALUE_STRING) {
                        message = p.getText();
                    } else if (f.equals("message") && t == JsonToken.VALUE_STRING && message == null) {
                        message = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the snippet below
        }
        if (message == null || message.isEmpty()) {
            message = "upstream returned HTTP " + status + snippet(body);
        }
        // The HTTP status says more than OpenAI's broad error.type words (a 503 "server_error" is an overload).
        String t = known(code);
        return new HubError(status, t != null ? t : HubError.typeFor(status), message);
    }

    /** A short plain-text excerpt of a non-JSON body; nothing for HTML or empty bodies. */
    private static String snippet(ByteBuf body) {
        int n = Math.min(body.readableBytes(), MAX_SNIPPET);
        if (n == 0) {
            return "";
        }
        String s = body.toString(body.readerIndex(), n, StandardCharsets.UTF_8).strip();
        if (s.isEmpty() || s.startsWith("<") || s.startsWith("{") || s.startsWith("[")) {
            return "";
        }
        return ": " + s.replaceAll("\\s+", " ");
    }
}
