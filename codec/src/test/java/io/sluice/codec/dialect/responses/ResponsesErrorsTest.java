package io.sluice.codec.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponsesErrorsTest {

    static HubError decode(int status, String body) {
        ByteBuf b = PooledChunks.direct(body);
        try {
            return ResponsesDialect.INSTANCE.decodeError(status, b);
        } finally {
            b.release();
        }
    }

    static String encode(HubError e) {
        ByteBuf b = ResponsesDialect.INSTANCE.encodeError(e, ByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void openAiErrorBodies() {
        assertThat(decode(429, """
                {
                  "error": {
                    "message": "Rate limit reached for gpt-4.1 in organization org-abc on tokens per min (TPM): \
                Limit 30000.",
                    "type": "tokens",
                    "param": null,
                    "code": "rate_limit_exceeded"
                  }
                }
                """)).isEqualTo(new HubError(429, HubError.RATE_LIMIT,
                "Rate limit reached for gpt-4.1 in organization org-abc on tokens per min (TPM): Limit 30000."));
        assertThat(decode(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-****abcd.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"))
                .extracting(HubError::status, HubError::type).containsExactly(401, HubError.AUTHENTICATION);
        assertThat(decode(400, "{\"error\":{\"message\":\"Previous response with id 'resp_1' not found.\","
                + "\"type\":\"invalid_request_error\",\"param\":\"previous_response_id\","
                + "\"code\":\"previous_response_not_found\"}}"))
                .extracting(HubError::status, HubError::type).containsExactly(400, HubError.INVALID_REQUEST);
        assertThat(decode(503, "{\"error\":{\"message\":\"The server is overloaded or not ready yet.\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}"))
                .extracting(HubError::status, HubError::type).containsExactly(503, HubError.OVERLOADED);
        assertThat(decode(404, "{\"error\":{\"message\":"
                + "\"The model `o9` does not exist or you do not have access to it.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}"))
                .extracting(HubError::status, HubError::type).containsExactly(404, HubError.NOT_FOUND);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "502|<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"
                + "|api_error|upstream returned HTTP 502",
        "500|''|api_error|upstream returned HTTP 500",
        "503|upstream connect error or disconnect/reset before headers|overloaded_error"
                + "|upstream returned HTTP 503: upstream connect error or disconnect/reset before headers",
        "429|{\"detail\":\"slow down\"}|rate_limit_error|upstream returned HTTP 429",
        "400|{\"error\":\"bad model\"}|invalid_request_error|bad model",
    })
    void anyBodyGivesAUsableError(int status, String body, String type, String message) {
        assertThat(decode(status, body)).isEqualTo(new HubError(status, type, message));
    }

    @Test
    void encodeInOpenAiShape() {
        assertThat(encode(new HubError(429, HubError.RATE_LIMIT, "slow \"down\"")))
                .isEqualTo("{\"error\":{\"message\":\"slow \\\"down\\\"\",\"type\":\"rate_limit_error\",\"param\":null,"
                        + "\"code\":\"rate_limit_exceeded\"}}");
        assertThat(encode(new HubError(529, HubError.OVERLOADED, "Overloaded")))
                .isEqualTo("{\"error\":{\"message\":\"Overloaded\",\"type\":\"api_error\",\"param\":null,"
                        + "\"code\":\"overloaded_error\"}}");
        assertThat(encode(new HubError(400, HubError.INVALID_REQUEST, "input: missing")))
                .isEqualTo("{\"error\":{\"message\":\"input: missing\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_request_error\"}}");
    }

    @ParameterizedTest
    @CsvSource({
        "400,invalid_request_error", "401,authentication_error", "403,permission_error", "404,not_found_error",
        "413,request_too_large", "429,rate_limit_error", "500,api_error", "504,timeout_error", "529,overloaded_error"
    })
    void encodeThenDecodeKeepsStatusAndType(int status, String type) {
        HubError e = new HubError(status, type, "m");
        assertThat(decode(status, encode(e))).isEqualTo(e);
    }
}
