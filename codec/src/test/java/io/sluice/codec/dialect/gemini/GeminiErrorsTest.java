package io.sluice.codec.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiErrorsTest {

    private static HubError decode(int status, String body) {
        ByteBuf b = PooledChunks.of(body);
        try {
            return GeminiDialect.INSTANCE.decodeError(status, b);
        } finally {
            b.release();
        }
    }

    private static String encode(HubError e) {
        ByteBuf b = GeminiDialect.INSTANCE.encodeError(e, ByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void quotaErrorIsARateLimit() {
        HubError e = decode(429, Golden.read("dialect/gemini/error-429.json"));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.type()).isEqualTo(HubError.RATE_LIMIT);
        assertThat(e.message()).startsWith("You exceeded your current quota");
    }

    @Test
    void invalidApiKeyIsAKeyProblemNotTheRequests() {
        HubError e = decode(400, Golden.read("dialect/gemini/error-bad-key.json"));
        assertThat(e).isEqualTo(new HubError(401, HubError.AUTHENTICATION,
                "API key not valid. Please pass a valid API key."));
    }

    @ParameterizedTest
    @CsvSource({
        "400, INVALID_ARGUMENT, invalid_request_error",
        "400, FAILED_PRECONDITION, invalid_request_error",
        "401, UNAUTHENTICATED, authentication_error",
        "403, PERMISSION_DENIED, permission_error",
        "404, NOT_FOUND, not_found_error",
        "429, RESOURCE_EXHAUSTED, rate_limit_error",
        "500, INTERNAL, api_error",
        "503, UNAVAILABLE, overloaded_error",
        "504, DEADLINE_EXCEEDED, timeout_error"})
    void statusStringsMapToHubTypes(int code, String status, String type) {
        HubError e = decode(code, "{\"error\": {\"code\": " + code + ",\"message\": \"m\",\"status\": \"" + status
                + "\"}}");
        assertThat(e).isEqualTo(new HubError(code, type, "m"));
    }

    @Test
    void anyBodyGivesAUsableError() {
        assertThat(decode(502, "<html><head><title>502 Bad Gateway</title></head></html>"))
                .isEqualTo(new HubError(502, HubError.API_ERROR,
                        "upstream returned HTTP 502 without a Gemini error body"));
        assertThat(decode(503, "")).isEqualTo(new HubError(503, HubError.OVERLOADED,
                "upstream returned HTTP 503 without a Gemini error body"));
        assertThat(decode(500, "{\"error\": \"plain\"}").type()).isEqualTo(HubError.API_ERROR);
        assertThat(decode(429, "{\"error\": {\"code\": 429,\"message\": \"slow down\"").status()).isEqualTo(429);
        assertThat(decode(500, "[{\"error\": {\"code\": 500,\"message\": \"boom\",\"status\": \"INTERNAL\"}}]"))
                .isEqualTo(new HubError(500, HubError.API_ERROR, "boom"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "400|invalid_request_error"
                + "|{\"error\":{\"code\":400,\"message\":\"bad \\\"x\\\"\",\"status\":\"INVALID_ARGUMENT\"}}",
        "401|authentication_error"
                + "|{\"error\":{\"code\":401,\"message\":\"bad \\\"x\\\"\",\"status\":\"UNAUTHENTICATED\"}}",
        "403|permission_error"
                + "|{\"error\":{\"code\":403,\"message\":\"bad \\\"x\\\"\",\"status\":\"PERMISSION_DENIED\"}}",
        "404|not_found_error|{\"error\":{\"code\":404,\"message\":\"bad \\\"x\\\"\",\"status\":\"NOT_FOUND\"}}",
        "429|rate_limit_error"
                + "|{\"error\":{\"code\":429,\"message\":\"bad \\\"x\\\"\",\"status\":\"RESOURCE_EXHAUSTED\"}}",
        "500|api_error|{\"error\":{\"code\":500,\"message\":\"bad \\\"x\\\"\",\"status\":\"INTERNAL\"}}",
        "503|overloaded_error|{\"error\":{\"code\":503,\"message\":\"bad \\\"x\\\"\",\"status\":\"UNAVAILABLE\"}}",
        "529|overloaded_error|{\"error\":{\"code\":503,\"message\":\"bad \\\"x\\\"\",\"status\":\"UNAVAILABLE\"}}",
        "504|timeout_error|{\"error\":{\"code\":504,\"message\":\"bad \\\"x\\\"\",\"status\":\"DEADLINE_EXCEEDED\"}}"})
    void encodesGoogleErrorEnvelope(int status, String type, String expected) {
        assertThat(encode(new HubError(status, type, "bad \"x\""))).isEqualTo(expected);
    }

    @Test
    void encodedErrorsDecodeBack() {
        HubError e = new HubError(429, HubError.RATE_LIMIT, "quota");
        ByteBuf b = GeminiDialect.INSTANCE.encodeError(e, ByteBufAllocator.DEFAULT);
        try {
            assertThat(GeminiDialect.INSTANCE.decodeError(429, b)).isEqualTo(e);
        } finally {
            b.release();
        }
    }
}
