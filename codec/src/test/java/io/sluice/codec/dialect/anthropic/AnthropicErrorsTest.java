package io.sluice.codec.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Upstream error bodies read into hub errors, hub errors written as Anthropic error bodies. */
class AnthropicErrorsTest {

    private static HubError decode(int status, String body) {
        ByteBuf b = PooledChunks.of(body);
        try {
            return AnthropicDialect.INSTANCE.decodeError(status, b);
        } finally {
            b.release();
        }
    }

    @Test
    void readsAnthropicErrorBody() {
        HubError e = decode(529, "{\"type\":\"error\","
                + "\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},"
                + "\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}");
        assertThat(e).isEqualTo(new HubError(529, HubError.OVERLOADED, "Overloaded"));
    }

    @Test
    void readsInvalidRequest() {
        HubError e = decode(400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"messages.1.content.0.thinking.signature: Field required\"}}");
        assertThat(e).isEqualTo(new HubError(400, HubError.INVALID_REQUEST,
                "messages.1.content.0.thinking.signature: Field required"));
    }

    @Test
    void unknownTypeFallsBackToTheStatus() {
        HubError e = decode(402, "{\"type\":\"error\",\"error\":{\"type\":\"billing_error\","
                + "\"message\":\"Your credit balance is too low to access the Anthropic API.\"}}");
        assertThat(e.status()).isEqualTo(402);
        assertThat(e.type()).isEqualTo(HubError.INVALID_REQUEST);
        assertThat(e.message()).startsWith("Your credit balance");
    }

    @Test
    void readsOpenAiShapedBodyFromCompatibleUpstreams() {
        HubError e = decode(401, "{\"error\":{\"message\":\"Incorrect API key provided\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
        assertThat(e).isEqualTo(new HubError(401, HubError.INVALID_REQUEST, "Incorrect API key provided"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "502|<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"
                + "|api_error|upstream returned HTTP 502 with a body that is not an error object",
        "503|upstream connect error or disconnect/reset before headers"
                + "|overloaded_error|upstream returned HTTP 503 with a body that is not an error object",
        "429|{\"message\":\"slow down\"}"
                + "|rate_limit_error|upstream returned HTTP 429 with a body that is not an error object",
        "504|''|timeout_error|upstream returned HTTP 504 with an empty body",
        "500|{\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}|api_error|upstream returned HTTP 500",
    })
    void anyBodyGivesAUsableError(int status, String body, String type, String message) {
        HubError e = decode(status, body);
        assertThat(e).isEqualTo(new HubError(status, type, message));
    }

    @Test
    void nullBodyIsEmpty() {
        assertThat(AnthropicDialect.INSTANCE.decodeError(404, null))
                .isEqualTo(new HubError(404, HubError.NOT_FOUND, "upstream returned HTTP 404 with an empty body"));
    }

    @Test
    void writesAnthropicErrorBody() {
        assertThat(encode(new HubError(529, HubError.OVERLOADED, "Overloaded")))
                .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        assertThat(encode(new HubError(400, HubError.INVALID_REQUEST, "max_tokens: Field required \"quoted\"\n")))
                .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                        + "\"message\":\"max_tokens: Field required \\\"quoted\\\"\\n\"}}");
        assertThat(encode(new HubError(503, null, "x")))
                .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"x\"}}");
    }

    @Test
    void writtenErrorReadsBack() {
        HubError e = new HubError(429, HubError.RATE_LIMIT, "Number of requests has exceeded your rate limit");
        assertThat(decode(429, encode(e))).isEqualTo(e);
    }

    private static String encode(HubError e) {
        ByteBuf b = AnthropicDialect.INSTANCE.encodeError(e, ByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }
}
