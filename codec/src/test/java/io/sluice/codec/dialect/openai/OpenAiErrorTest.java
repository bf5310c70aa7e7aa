package io.sluice.codec.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiErrorTest {

    private static final OpenAiDialect D = OpenAiDialect.INSTANCE;

    static HubError decode(int status, String body) {
        ByteBuf buf = PooledChunks.direct(body);
        try {
            return D.decodeError(status, buf);
        } finally {
            buf.release();
        }
    }

    static String encode(HubError e) {
        ByteBuf out = D.encodeError(e, ByteBufAllocator.DEFAULT);
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    // CHECKSTYLE.OFF: LineLength (one row per real error body, verbatim)
    /** Real error bodies of OpenAI and OpenAI-compatible servers, with the status they came with. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            401 | ~{"error":{"message":"Incorrect API key provided: sk-proj-********************************************abcd. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}~ | 401 | authentication_error | Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.
            404 | ~{"error":{"message":"The model `gpt-5-turbo` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}~ | 404 | not_found_error | The model `gpt-5-turbo` does not exist or you do not have access to it.
            429 | ~{"error":{"message":"Rate limit reached for gpt-4o in organization org-AbCdEf on tokens per min (TPM): Limit 30000, Used 29684, Requested 1102. Please try again in 1.572s.","type":"tokens","param":null,"code":"rate_limit_exceeded"}}~ | 429 | rate_limit_error | Rate limit reached for gpt-4o in organization org-AbCdEf on tokens per min (TPM): Limit 30000, Used 29684, Requested 1102. Please try again in 1.572s.
            429 | ~{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}~ | 429 | rate_limit_error | You exceeded your current quota, please check your plan and billing details.
            400 | ~{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}~ | 400 | invalid_request_error | This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.
            500 | ~{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}~ | 500 | api_error | The server had an error while processing your request. Sorry about that!
            503 | ~{"error":{"message":"The engine is currently overloaded, please try again later.","type":"server_error","param":null,"code":null}}~ | 503 | overloaded_error | The engine is currently overloaded, please try again later.
            404 | ~{"error":"model \\"llama9\\" not found, try pulling it first"}~ | 404 | not_found_error | model "llama9" not found, try pulling it first
            402 | ~{"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits"}}~ | 402 | invalid_request_error | Insufficient credits. Add more using https://openrouter.ai/settings/credits
            400 | ~{"object":"error","message":"[{'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field required'}]","type":"BadRequestError","param":null,"code":400}~ | 400 | invalid_request_error | [{'type': 'missing', 'loc': ('body', 'messages'), 'msg': 'Field required'}]
            422 | ~{"object":"error","message":"Invalid model: mistral-huge","type":"invalid_model","param":null,"code":"1500"}~ | 422 | invalid_request_error | Invalid model: mistral-huge
            400 | ~[{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}]~ | 400 | invalid_request_error | API key not valid. Please pass a valid API key.
            429 | ~[{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}]~ | 429 | rate_limit_error | Resource has been exhausted (e.g. check quota).
            400 | ~{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation"}}}~ | 400 | invalid_request_error | The response was filtered due to the prompt triggering Azure OpenAI's content management policy.
            401 | ~{"message":"Unauthorized","request_id":"b2a1c3d4e5f6"}~ | 401 | authentication_error | Unauthorized
            500 | ~{"error":{}}~ | 500 | api_error | upstream returned 500: {"error":{}}
            """)
    // CHECKSTYLE.ON: LineLength
    void decodesProviderErrorBodies(int status, String body, int hubStatus, String type, String message) {
        assertThat(decode(status, body)).isEqualTo(new HubError(hubStatus, type, message));
    }

    @Test
    void htmlBodyGivesStatusAndAShortCleanExcerpt() {
        String nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway"
                + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        assertThat(decode(502, nginx)).isEqualTo(new HubError(502, HubError.API_ERROR,
                "upstream returned 502: 502 Bad Gateway 502 Bad Gateway nginx"));

        String cloudflare = "<!DOCTYPE html><html><head><style>body{color:red}</style><script>var k='x'</script>"
                + "<title>api.example.com | 524: A timeout occurred</title></head><body>" + "x".repeat(500)
                + "</body></html>";
        HubError e = decode(524, cloudflare);
        assertThat(e.status()).isEqualTo(524);
        assertThat(e.type()).isEqualTo(HubError.API_ERROR);
        assertThat(e.message()).startsWith("upstream returned 524: api.example.com | 524: A timeout occurred x")
                .doesNotContain("color").doesNotContain("var k").endsWith("…");
        assertThat(e.message().length()).isLessThan(200);
    }

    @Test
    void emptyAndPlainTextBodies() {
        assertThat(decode(503, "")).isEqualTo(new HubError(503, HubError.OVERLOADED, "upstream returned 503"));
        assertThat(D.decodeError(429, Unpooled.EMPTY_BUFFER))
                .isEqualTo(new HubError(429, HubError.RATE_LIMIT, "upstream returned 429"));
        assertThat(decode(401, "Invalid key sk-live-abcdef1234567890\n"))
                .isEqualTo(new HubError(401, HubError.AUTHENTICATION, "upstream returned 401: Invalid key sk-***"));
        assertThat(decode(500, "{\"detail\":\"Internal Server Error\"}"))
                .isEqualTo(new HubError(500, HubError.API_ERROR,
                        "upstream returned 500: {\"detail\":\"Internal Server Error\"}"));
        assertThat(decode(200, "<html>oops</html>"))
                .isEqualTo(new HubError(502, HubError.API_ERROR, "upstream returned 200: oops"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | invalid_request_error | invalid_request_error | null
            401 | authentication_error  | authentication_error  | null
            403 | permission_error      | authentication_error  | "permission_error"
            404 | not_found_error       | not_found_error       | null
            413 | request_too_large     | invalid_request_error | "request_too_large"
            429 | rate_limit_error      | rate_limit_error      | "rate_limit_exceeded"
            500 | api_error             | api_error             | null
            504 | timeout_error         | timeout_error         | null
            529 | overloaded_error      | api_error             | "overloaded_error"
            405 | something_new         | invalid_request_error | null
            """)
    void encodesEveryHubTypeAndDecodesItBack(int status, String hubType, String openAiType, String code) {
        HubError e = new HubError(status, hubType, "msg \"q\"");
        assertThat(encode(e)).isEqualTo("{\"error\":{\"message\":\"msg \\\"q\\\"\",\"type\":\"" + openAiType
                + "\",\"param\":null,\"code\":" + code + "}}");
        ByteBuf body = Unpooled.copiedBuffer(encode(e), StandardCharsets.UTF_8);
        HubError back = D.decodeError(status, body);
        body.release();
        assertThat(back.status()).isEqualTo(status);
        if (!hubType.equals("something_new")) {
            assertThat(back.type()).isEqualTo(hubType);
        }
        assertThat(back.message()).isEqualTo("msg \"q\"");
    }
}
