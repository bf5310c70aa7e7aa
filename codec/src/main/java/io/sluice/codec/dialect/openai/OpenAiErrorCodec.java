package io.sluice.codec.dialect.openai;

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
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Errors in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, both ways. Reads the variants
 * OpenAI-compatible servers really send: a string {@code error} (Ollama), a numeric {@code code} (OpenRouter), a
 * top-level {@code "object":"error"} (vLLM, Mistral), Google's {@code status} words, a one-element array (Gemini's
 * OpenAI endpoint); any other body (HTML, empty) still gives a usable error.
 */
final class OpenAiErrorCodec {

    /** The longest excerpt of a non-JSON error body quoted in the message. */
    static final int MAX_EXCERPT = 160;
    /** The longest upstream message passed on. */
    static final int MAX_MESSAGE = 2000;

    /** API keys that providers sometimes echo back (OpenAI masks them; others may not). */
    private static final Pattern KEY = Pattern.compile("\\b(sk|rk|pk)-[A-Za-z0-9_*\\-]{6,}");

    private OpenAiErrorCodec() {
    }

    // ---- reading ----

    /** What an error object said; any field may be null. */
    static final class Fields {
        String message;
        String type;
        String code;
        int numericCode;

        boolean empty() {
            return message == null && type == null && code == null && numericCode == 0;
        }
    }

    /**
     * Reads the value of an {@code error} field (object or string) into {@code f}; the parser sits on the value's
     * first token and ends on its last.
     */
    static void readErrorValue(JsonParser p, Fields f) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            f.message = p.getText();
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            readField(p, name, f);
        }
    }

    /** One field of an error object (or of a vLLM-style top-level error); unknown fields are skipped. */
    static void readField(JsonParser p, String name, Fields f) throws IOException {
        JsonToken t = p.currentToken();
        switch (name) {
            case "message" -> f.message = t == JsonToken.VALUE_STRING ? p.getText() : f.message;
            case "type" -> f.type = t == JsonToken.VALUE_STRING ? p.getText() : f.type;
            case "code", "status" -> {
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    f.numericCode = p.getIntValue();
                } else if (t == JsonToken.VALUE_STRING) {
                    if (f.code == null || name.equals("code")) {
                        f.code = p.getText();
                    }
                } else {
                    p.skipChildren();
                }
            }
            default -> p.skipChildren();
        }
    }

    /**
     * The hub error for what an upstream said.
     *
     * @param httpStatus the response status; a 2xx status (an error inside a 200 body or stream) means the status comes
     *                   from the error itself
     */
    static HubError toHub(int httpStatus, Fields f) {
        int status = httpStatus >= 400 ? httpStatus
                : f.numericCode >= 400 && f.numericCode <= 599 ? f.numericCode : 0;
        String type = hubTypeForCode(f.code);
        if (type == null) {
            type = hubTypeForType(f.type, status);
        }
        if (type == null) {
            type = status == 0 ? HubError.API_ERROR : HubError.typeFor(status);
        }
        if (status == 0) {
            status = type.equals(HubError.API_ERROR) && f.type == null && f.code == null
                    ? 502 : HubError.statusFor(type);
        }
        String message = f.message == null || f.message.isBlank() ? "upstream returned " + status : clean(f.message);
        return new HubError(status, type, message);
    }

    private static String hubTypeForCode(String code) {
        if (code == null) {
            return null;
        }
        return switch (code.toLowerCase(Locale.ROOT)) {
            case "invalid_api_key", "invalid_authentication", "unauthenticated", "authentication_error" ->
                    HubError.AUTHENTICATION;
            case "permission_denied", "permission_error", "unsupported_country_region_territory" -> HubError.PERMISSION;
            case "model_not_found", "not_found", "not_found_error" -> HubError.NOT_FOUND;
            case "rate_limit_exceeded", "rate_limit_error", "insufficient_quota", "resource_exhausted" ->
                    HubError.RATE_LIMIT;
            case "context_length_exceeded", "invalid_argument", "content_filter", "invalid_request_error" ->
                    HubError.INVALID_REQUEST;
            case "request_too_large" -> HubError.REQUEST_TOO_LARGE;
            case "overloaded", "overloaded_error", "engine_overloaded", "unavailable" -> HubError.OVERLOADED;
            case "timeout", "timeout_error", "upstream_timeout", "deadline_exceeded" -> HubError.TIMEOUT;
            default -> null;
        };
    }

    private static String hubTypeForType(String type, int status) {
        if (type == null) {
            return null;
        }
        return switch (type.toLowerCase(Locale.ROOT)) {
            // OpenAI says invalid_request_error for a bad key (401) or an unknown model (404) too: the status is finer.
            case "invalid_request_error" -> status >= 400 && status < 500 ? HubError.typeFor(status)
                    : HubError.INVALID_REQUEST;
            case "authentication_error" -> HubError.AUTHENTICATION;
            case "permission_error" -> HubError.PERMISSION;
            case "not_found_error" -> HubError.NOT_FOUND;
            case "rate_limit_error", "requests", "tokens", "insufficient_quota" -> HubError.RATE_LIMIT;
            case "request_too_large" -> HubError.REQUEST_TOO_LARGE;
            case "timeout_error" -> HubError.TIMEOUT;
            case "overloaded_error" -> HubError.OVERLOADED;
            case "server_error", "api_error", "internal_error" -> status >= 500 ? HubError.typeFor(status)
                    : HubError.API_ERROR;
            default -> null;
        };
    }

    /** {@link io.sluice.codec.dialect.Dialect#decodeError}: any body gives a usable error for {@code status}. */
    static HubError decode(int status, ByteBuf body) {
        Fields f = new Fields();
        boolean json = false;
        if (body != null && body.isReadable()) {
            try (JsonParser p = JsonIo.parser(body)) {
                json = readBody(p, f);
            } catch (IOException | RuntimeException e) {
                json = false;
            }
        }
        if (json && !f.empty()) {
            return toHub(status, f);
        }
        String excerpt = body == null ? "" : excerpt(body);
        int s = status >= 400 ? status : 502;
        return new HubError(s, HubError.typeFor(s), excerpt.isEmpty() ? "upstream returned " + status
                : "upstream returned " + status + ": " + excerpt);
    }

    /** Reads a whole error body; false when it is not JSON of a known error shape. */
    private static boolean readBody(JsonParser p, Fields f) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.START_ARRAY) {
            // Gemini's OpenAI endpoint: [{"error":{…}}]
            t = p.nextToken();
        }
        if (t != JsonToken.START_OBJECT) {
            return false;
        }
        boolean errorObject = false;
        Fields top = new Fields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("error")) {
                readErrorValue(p, f);
                errorObject = true;
            } else {
                readField(p, name, top);
            }
        }
        if (!errorObject || f.empty()) {
            // {"object":"error","message":…} (vLLM, Mistral) or a bare {"message":…}
            f.message = top.message;
            f.type = top.type;
            f.code = top.code;
            f.numericCode = top.numericCode;
        }
        return true;
    }

    /** A short single-line excerpt of a non-JSON body: tags stripped, whitespace collapsed, keys masked. */
    static String excerpt(ByteBuf body) {
        int n = Math.min(body.readableBytes(), 4096);
        String s = body.toString(body.readerIndex(), n, StandardCharsets.UTF_8);
        s = s.replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ")
                .replaceAll("<[^>]*>", " ")
                .replaceAll("[\\p{Cntrl}\\s]+", " ")
                .strip();
        s = KEY.matcher(s).replaceAll("$1-***");
        return s.length() <= MAX_EXCERPT ? s : s.substring(0, MAX_EXCERPT) + "…";
    }

    private static String clean(String message) {
        String s = KEY.matcher(message).replaceAll("$1-***");
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "…";
    }

    // ---- writing ----

    /** The OpenAI {@code type} for a hub error; the same table as proxy-core's {@code OpenAiErrors.typeFor}. */
    static String openAiType(HubError e) {
        return switch (e.type() == null ? "" : e.type()) {
            case HubError.INVALID_REQUEST, HubError.REQUEST_TOO_LARGE -> "invalid_request_error";
            case HubError.AUTHENTICATION, HubError.PERMISSION -> "authentication_error";
            case HubError.NOT_FOUND -> "not_found_error";
            case HubError.RATE_LIMIT -> "rate_limit_error";
            case HubError.TIMEOUT -> "timeout_error";
            case HubError.API_ERROR, HubError.OVERLOADED -> "api_error";
            default -> typeForStatus(e.status());
        };
    }

    /** OpenAI's type for a bare status (proxy-core {@code OpenAiErrors.typeFor}). */
    static String typeForStatus(int status) {
        return switch (status) {
            case 404 -> "not_found_error";
            case 400, 405, 409, 413, 415, 422, 431 -> "invalid_request_error";
            case 401, 403 -> "authentication_error";
            case 408, 504 -> "timeout_error";
            case 429 -> "rate_limit_error";
            default -> "api_error";
        };
    }

    /** The {@code code}: OpenAI's word for a rate limit, else the hub type where the OpenAI type loses it. */
    static String openAiCode(HubError e) {
        return switch (e.type() == null ? "" : e.type()) {
            case HubError.RATE_LIMIT -> "rate_limit_exceeded";
            case HubError.PERMISSION, HubError.REQUEST_TOO_LARGE, HubError.OVERLOADED -> e.type();
            default -> null;
        };
    }

    /** Writes {@code {"error":{…}}} as one root value. */
    static void write(JsonGenerator g, HubError e) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("message", e.message() == null ? "" : e.message());
        g.writeStringField("type", openAiType(e));
        if (e.param() == null) {
            g.writeNullField("param");
        } else {
            g.writeStringField("param", e.param());
        }
        String code = e.code() != null ? e.code() : openAiCode(e);
        if (code == null) {
            g.writeNullField("code");
        } else {
            g.writeStringField("code", code);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** {@link io.sluice.codec.dialect.Dialect#encodeError}. */
    static ByteBuf encode(HubError e, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(128 + (e.message() == null ? 0 : e.message().length()));
        try (JsonOut json = new JsonOut()) {
            write(json.begin(out), e);
            json.end();
        } catch (IOException | RuntimeException ex) {
            out.release();
            throw ex instanceof RuntimeException r ? r : new java.io.UncheckedIOException((IOException) ex);
        }
        return out;
    }
}
