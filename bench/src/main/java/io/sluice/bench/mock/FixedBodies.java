package io.sluice.bench.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The bodies that are not answers: injected errors and refusals in each provider's own error shape, health, model
 * lists. Constant ones are encoded once; callers write {@code duplicate()}s and never release them.
 */
final class FixedBodies {

    static final String NOTE = " (injected by the Sluice mock upstream)";

    private static final ByteBuf OPENAI_429 = Bytes.constant("{\"error\":{\"message\":\"Rate limit reached for "
            + "requests" + NOTE + "\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}");
    private static final ByteBuf OPENAI_500 = Bytes.constant("{\"error\":{\"message\":\"The server had an error "
            + "while processing your request" + NOTE + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
    private static final ByteBuf ANTHROPIC_429 = Bytes.constant("{\"type\":\"error\",\"error\":{\"type\":"
            + "\"rate_limit_error\",\"message\":\"Number of requests has exceeded your rate limit" + NOTE + "\"}}");
    private static final ByteBuf ANTHROPIC_500 = Bytes.constant("{\"type\":\"error\",\"error\":{\"type\":"
            + "\"api_error\",\"message\":\"Internal server error" + NOTE + "\"}}");
    private static final ByteBuf GEMINI_429 = Bytes.constant("{\"error\":{\"code\":429,\"message\":\"Resource has "
            + "been exhausted (e.g. check quota)." + NOTE + "\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
    private static final ByteBuf GEMINI_500 = Bytes.constant("{\"error\":{\"code\":500,\"message\":\"An internal "
            + "error has occurred." + NOTE + "\",\"status\":\"INTERNAL\"}}");

    static final ByteBuf HEALTH = Bytes.constant("{\"status\":\"ok\"}");
    static final ByteBuf OPENAI_MODELS = Bytes.constant("{\"object\":\"list\",\"data\":[{\"id\":\""
            + MockUpstreamHandler.DEFAULT_MODEL + "\",\"object\":\"model\",\"created\":1700000000,"
            + "\"owned_by\":\"sluice-mock\"}]}");
    static final ByteBuf ANTHROPIC_MODELS = Bytes.constant("{\"data\":[{\"type\":\"model\",\"id\":\""
            + MockUpstreamHandler.DEFAULT_MODEL + "\",\"display_name\":\"Sluice mock\","
            + "\"created_at\":\"2023-11-14T22:13:20Z\"}],\"has_more\":false,\"first_id\":\""
            + MockUpstreamHandler.DEFAULT_MODEL + "\",\"last_id\":\"" + MockUpstreamHandler.DEFAULT_MODEL + "\"}");
    static final ByteBuf GEMINI_MODELS = Bytes.constant("{\"models\":[{\"name\":\"models/"
            + MockUpstreamHandler.DEFAULT_MODEL + "\",\"displayName\":\"Sluice mock\","
            + "\"supportedGenerationMethods\":[\"generateContent\",\"streamGenerateContent\"]}]}");

    private FixedBodies() {
    }

    static ByteBuf rateLimited(Dialect dialect) {
        return switch (dialect) {
            case OPENAI -> OPENAI_429;
            case ANTHROPIC -> ANTHROPIC_429;
            case GEMINI -> GEMINI_429;
        };
    }

    static ByteBuf serverError(Dialect dialect) {
        return switch (dialect) {
            case OPENAI -> OPENAI_500;
            case ANTHROPIC -> ANTHROPIC_500;
            case GEMINI -> GEMINI_500;
        };
    }

    /** A 400 body in the dialect's shape; rare, so built per request. */
    /** {@code GET /mock/stats}: model requests and all HTTP requests so far. */
    static ByteBuf stats(long modelRequests, long requests) {
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(("{\"modelRequests\":" + modelRequests
                + ",\"requests\":" + requests + "}").getBytes(StandardCharsets.US_ASCII)));
    }

    static ByteBuf badRequest(Dialect dialect, String message) {
        return clientError(dialect, 400, message);
    }

    /** A 4xx body in the dialect's shape; rare, so built per request. */
    static ByteBuf clientError(Dialect dialect, int status, String message) {
        String m = Bytes.jsonString(message);
        String json = switch (dialect) {
            case OPENAI -> "{\"error\":{\"message\":" + m + ",\"type\":\"invalid_request_error\",\"param\":null,"
                    + "\"code\":null}}";
            case ANTHROPIC -> "{\"type\":\"error\",\"error\":{\"type\":\"" + anthropicType(status) + "\",\"message\":"
                    + m + "}}";
            case GEMINI -> "{\"error\":{\"code\":" + status + ",\"message\":" + m + ",\"status\":\""
                    + geminiStatus(status) + "\"}}";
        };
        // Heap and unreleasable like the constants: whoever writes it writes a duplicate.
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String anthropicType(int status) {
        return status == 404 ? "not_found_error" : "invalid_request_error";
    }

    private static String geminiStatus(int status) {
        return switch (status) {
            case 404 -> "NOT_FOUND";
            case 405 -> "FAILED_PRECONDITION";
            default -> "INVALID_ARGUMENT";
        };
    }
}
