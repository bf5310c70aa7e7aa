package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.UPSTREAM_KEY;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Official SDKs as clients of one dialect, Sluice in front of a loopback upstream of another: the SDK's own
 * accumulators must yield the content the upstream sent, tools and usage included, and the upstream must receive a
 * request of its own dialect with the provider's auth.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TranslationSdkTest {

    /** Claude Sonnet answering with some text and two parallel tool calls, as api.anthropic.com streams it. */
    static final String ANTHROPIC_TOOLS_SSE = ""
            + "event: message_start\n"
            + "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":"
            + "\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],"
            + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":472,"
            + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":2,"
            + "\"service_tier\":\"standard\"}}}\n\n"
            + "event: content_block_start\n"
            + "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
            + "\"text\":\"\"}}\n\n"
            + "event: ping\n"
            + "data: {\"type\": \"ping\"}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
            + "\"Checking \"}}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
            + "\"both.\"}}\n\n"
            + "event: content_block_stop\n"
            + "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: content_block_start\n"
            + "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
            + "\"id\":\"toolu_01A09q90qw90lq917835lq9\",\"name\":\"get_weather\",\"input\":{}}}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
            + "\"partial_json\":\"\"}}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
            + "\"partial_json\":\"{\\\"location\\\": \\\"Par\"}}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
            + "\"partial_json\":\"is\\\"}\"}}\n\n"
            + "event: content_block_stop\n"
            + "data: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
            + "event: content_block_start\n"
            + "data: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\","
            + "\"id\":\"toolu_01B77rr33tt55yy11uu22ii\",\"name\":\"get_time\",\"input\":{}}}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\","
            + "\"partial_json\":\"{\\\"tz\\\": \\\"Europe/Paris\\\"}\"}}\n\n"
            + "event: content_block_stop\n"
            + "data: {\"type\":\"content_block_stop\",\"index\":2}\n\n"
            + "event: message_delta\n"
            + "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
            + "\"usage\":{\"output_tokens\":89}}\n\n"
            + "event: message_stop\n"
            + "data: {\"type\":\"message_stop\"}\n\n";

    static final String ANTHROPIC_MESSAGE = "{\"id\":\"msg_013Zva2CMHLNnXjNJJKqJ2EF\",\"type\":\"message\","
            + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\","
            + "\"text\":\"Hi! My name is Claude.\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":2095,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":2048,"
            + "\"output_tokens\":503,\"service_tier\":\"standard\"}}";

    /** Gemini 2.5 Flash: text, then two whole function calls in one chunk, as alt=sse streams it (CRLF framing). */
    static final String GEMINI_TOOLS_SSE = ""
            + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Checking both.\"}],\"role\": \"model\"},"
            + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 61,\"candidatesTokenCount\": 4,"
            + "\"totalTokenCount\": 65,\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 61}]},"
            + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"mKVHaJ7tJ4W1nvgPsLfY0Qo\"}\r\n\r\n"
            + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"name\": \"get_weather\","
            + "\"args\": {\"location\": \"Paris\"}}},{\"functionCall\": {\"name\": \"get_time\",\"args\": {\"tz\": "
            + "\"Europe/Paris\"}}}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],"
            + "\"usageMetadata\": {\"promptTokenCount\": 61,\"candidatesTokenCount\": 30,\"totalTokenCount\": 91,"
            + "\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 61}]},"
            + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"mKVHaJ7tJ4W1nvgPsLfY0Qo\"}\r\n\r\n";

    static final String GEMINI_RESPONSE = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
            + "\"Hello from Gemini.\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"avgLogprobs\": -0.12,"
            + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,\"candidatesTokenCount\": 5,"
            + "\"totalTokenCount\": 40,\"thoughtsTokenCount\": 27},\"modelVersion\": \"gemini-2.5-flash\","
            + "\"responseId\": \"n6VHaO2qBs2nvgPz9_LQCQ\"}";

    private TestUpstream openAi;
    private TestUpstream anthropic;
    private TestUpstream gemini;
    private SluiceServer sluice;
    private OpenAIClient openAiSdk;
    private AnthropicClient anthropicSdk;

    @BeforeEach
    void start() throws InterruptedException {
        openAi = new TestUpstream(r -> Reply.json(200, OpenAiSdkTest.COMPLETION));
        anthropic = new TestUpstream(r -> Reply.json(200, ANTHROPIC_MESSAGE));
        gemini = new TestUpstream(r -> Reply.json(200, GEMINI_RESPONSE));
        sluice = config()
                .openAiCompatible("oa", openAi, "gpt-4o-mini")
                .provider("an", "anthropic", anthropic, "/v1", "claude-sonnet-4-5")
                .provider("gm", "gemini", gemini, "/v1beta", "gemini-2.5-flash")
                .mock()
                .start();
        openAiSdk = Sdks.openAi(sluice, Sdks.CLIENT_KEY);
        anthropicSdk = Sdks.anthropic(sluice, "sk-ant-client-never-forwarded");
    }

    @AfterEach
    void close() {
        openAiSdk.close();
        anthropicSdk.close();
        sluice.close();
        openAi.close();
        anthropic.close();
        gemini.close();
    }

    // ---- Anthropic SDK (Claude Code's dialect) in front of an OpenAI-compatible upstream ----

    /** Claude Code's request shape: cached system prompt, tools, streaming. */
    private static MessageCreateParams claudeCodeParams(String model) {
        return MessageCreateParams.builder()
                .model(model)
                .maxTokens(1024)
                .systemOfTextBlockParams(List.of(TextBlockParam.builder()
                        .text("You are Claude Code, Anthropic's official CLI for Claude.")
                        .cacheControl(CacheControlEphemeral.builder().build())
                        .build()))
                .addTool(anthropicTool("get_weather", "location"))
                .addTool(anthropicTool("get_time", "tz"))
                .addUserMessage("Weather and time in Paris?")
                .build();
    }

    private static Tool anthropicTool(String name, String param) {
        return Tool.builder()
                .name(name)
                .description("Look up " + name.substring(4))
                .inputSchema(Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(Map.of(param, Map.of("type", "string"))))
                        .required(List.of(param))
                        .build())
                .build();
    }

    @Test
    void anthropicSdkStreamsParallelToolCallsFromAnOpenAiUpstream() throws Exception {
        openAi.script(r -> OpenAiSdkTest.sse(OpenAiSdkTest.TOOL_EVENTS));

        MessageAccumulator acc = MessageAccumulator.create();
        try (var stream = anthropicSdk.messages().createStreaming(claudeCodeParams("oa/gpt-4o-mini"))) {
            stream.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();

        List<ToolUseBlock> tools = m.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse)
                .toList();
        assertThat(tools).hasSize(2);
        assertThat(tools.get(0).id()).isEqualTo("call_weather_1");
        assertThat(tools.get(0).name()).isEqualTo("get_weather");
        assertThat(tools.get(0)._input()).isEqualTo(com.anthropic.core.JsonValue.from(Map.of("location", "Paris")));
        assertThat(tools.get(1).id()).isEqualTo("call_time_2");
        assertThat(tools.get(1)._input()).isEqualTo(com.anthropic.core.JsonValue.from(Map.of("tz", "Europe/Paris")));
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.usage().inputTokens()).isEqualTo(12);
        assertThat(m.usage().outputTokens()).isEqualTo(4);

        TestUpstream.Received got = openAi.take();
        assertThat(got.uri()).isEqualTo("/v1/chat/completions");
        assertThat(got.header("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        assertThat(got.header("x-api-key")).isNull();
        assertThat(got.body()).doesNotContain("never-forwarded");
        JsonNode sent = json(got.body());
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/1/role").asText()).isEqualTo("user");
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(sent.at("/tools/1/function/parameters/required/0").asText()).isEqualTo("tz");
        assertThat(sent.has("max_completion_tokens") || sent.has("max_tokens")).isTrue();
    }

    @Test
    void anthropicSdkStreamsTextFromAnOpenAiUpstream() throws Exception {
        openAi.script(r -> OpenAiSdkTest.sse(OpenAiSdkTest.TEXT_EVENTS));

        MessageAccumulator acc = MessageAccumulator.create();
        try (var stream = anthropicSdk.messages().createStreaming(claudeCodeParams("oa/gpt-4o-mini"))) {
            stream.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();

        assertThat(text(m)).isEqualTo("Sluice relays every byte.");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.model().asString()).isEqualTo("gpt-4o-mini-2024-07-18");
    }

    @Test
    void anthropicSdkGetsAWholeMessageFromAnOpenAiUpstream() throws Exception {
        Message m = anthropicSdk.messages().create(claudeCodeParams("oa/gpt-4o-mini"));

        assertThat(text(m)).isEqualTo("Hello! How can I assist you today?");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isEqualTo(19);
        assertThat(m.usage().outputTokens()).isEqualTo(10);
        assertThat(json(openAi.take().body()).has("stream_options")).isFalse();
    }

    @Test
    void anthropicSdkSeesUpstreamErrorsInItsOwnShape() throws Exception {
        openAi.script(r -> Reply.json(400, "{\"error\":{\"message\":\"Invalid 'messages': empty.\","
                + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":null}}"));

        assertThatThrownBy(() -> anthropicSdk.messages().create(claudeCodeParams("oa/gpt-4o-mini")))
                .isInstanceOf(com.anthropic.errors.BadRequestException.class)
                .hasMessageContaining("Invalid 'messages': empty.");
    }

    @Test
    void anthropicClientsGetAnthropicShapedErrorsFromSluice() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/messages", Bodies.messages("no-such-model", 5, "x"));

        assertThat(res.statusCode()).isEqualTo(404);
        JsonNode body = json(res.body());
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo("not_found_error");
        assertThat(body.at("/error/message").asText()).contains("no-such-model");

        assertThatThrownBy(() -> anthropicSdk.messages().create(claudeCodeParams("no-such-model")))
                .isInstanceOf(com.anthropic.errors.NotFoundException.class);
    }

    @Test
    void countTokensGivesAnEstimate() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/messages/count_tokens",
                "{\"model\":\"oa/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + "x".repeat(400) + "\"}]}");

        assertThat(res.statusCode()).isEqualTo(200);
        long n = json(res.body()).get("input_tokens").asLong();
        assertThat(n).isBetween(100L, 110L);
    }

    @Test
    void anthropicBetaHeadersReachAnAnthropicUpstreamButNoOther() throws Exception {
        String[] headers = {"anthropic-version", "2024-01-01",
            "anthropic-beta", "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14"};

        assertThat(Http.post(sluice, "/v1/messages", Bodies.messages("an/claude-sonnet-4-5", 16, "hi"), headers)
                .statusCode()).isEqualTo(200);
        TestUpstream.Received got = anthropic.take();
        assertThat(got.header("anthropic-beta"))
                .isEqualTo("interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14");
        assertThat(got.header("anthropic-version")).isEqualTo("2024-01-01");

        assertThat(Http.post(sluice, "/v1/messages", Bodies.messages("oa/gpt-4o-mini", 16, "hi"), headers)
                .statusCode()).isEqualTo(200);
        assertThat(openAi.take().header("anthropic-beta")).isNull();
    }

    @Test
    void theBuiltInMockAnswersAnthropicClientsToo() throws Exception {
        MessageCreateParams params = MessageCreateParams.builder().model("mock/echo").maxTokens(64)
                .addUserMessage("hello through the hub").build();

        Message whole = anthropicSdk.messages().create(params);
        MessageAccumulator acc = MessageAccumulator.create();
        try (var stream = anthropicSdk.messages().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }

        assertThat(text(whole)).contains("hello through the hub");
        assertThat(text(acc.message())).isEqualTo(text(whole));
        assertThat(acc.message().stopReason()).contains(StopReason.END_TURN);
        assertThat(acc.message().usage().outputTokens()).isPositive();
    }

    // ---- OpenAI SDK in front of Anthropic and Gemini upstreams ----

    private static ChatCompletionCreateParams openAiParams(String model, boolean stream) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder()
                .model(model)
                .addSystemMessage("You are terse.")
                .addUserMessage("Weather and time in Paris?")
                .maxCompletionTokens(256)
                .addTool(openAiTool("get_weather", "location"))
                .addTool(openAiTool("get_time", "tz"));
        if (stream) {
            b.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        return b.build();
    }

    private static ChatCompletionFunctionTool openAiTool(String name, String param) {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name(name)
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties",
                                        JsonValue.from(Map.of(param, Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of(param)))
                                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                                .build())
                        .build())
                .build();
    }

    private ChatCompletion streamed(String model) {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (var stream = openAiSdk.chat().completions().createStreaming(openAiParams(model, true))) {
            stream.stream().forEach(acc::accumulate);
        }
        return acc.chatCompletion();
    }

    private static void assertParallelCalls(ChatCompletion cc) {
        ChatCompletion.Choice choice = cc.choices().get(0);
        assertThat(choice.message().content()).contains("Checking both.");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(2);
        ChatCompletionMessageFunctionToolCall weather = calls.get(0).asFunction();
        ChatCompletionMessageFunctionToolCall time = calls.get(1).asFunction();
        assertThat(weather.function().name()).isEqualTo("get_weather");
        assertThat(json(weather.function().arguments())).isEqualTo(json("{\"location\":\"Paris\"}"));
        assertThat(time.function().name()).isEqualTo("get_time");
        assertThat(json(time.function().arguments())).isEqualTo(json("{\"tz\":\"Europe/Paris\"}"));
        assertThat(weather.id()).isNotBlank().isNotEqualTo(time.id());
    }

    @Test
    void openAiSdkStreamsParallelToolCallsFromAnAnthropicUpstream() throws Exception {
        anthropic.script(r -> Reply.sse(ANTHROPIC_TOOLS_SSE));

        ChatCompletion cc = streamed("an/claude-sonnet-4-5");

        assertParallelCalls(cc);
        ChatCompletionMessageToolCall first = cc.choices().get(0).message().toolCalls().orElseThrow().get(0);
        assertThat(first.asFunction().id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        CompletionUsage usage = cc.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(472);
        assertThat(usage.completionTokens()).isEqualTo(89);
        assertThat(usage.totalTokens()).isEqualTo(561);

        TestUpstream.Received got = anthropic.take();
        assertThat(got.uri()).isEqualTo("/v1/messages");
        assertThat(got.header("x-api-key")).isEqualTo(UPSTREAM_KEY);
        assertThat(got.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(got.header("authorization")).isNull();
        JsonNode sent = json(got.body());
        assertThat(sent.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(256);
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.has("stream_options")).isFalse();
        assertThat(sent.at("/system/0/text").asText(sent.path("system").asText())).isEqualTo("You are terse.");
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(sent.at("/tools/0/name").asText()).isEqualTo("get_weather");
        assertThat(sent.at("/tools/0/input_schema/required/0").asText()).isEqualTo("location");
    }

    @Test
    void openAiSdkGetsAWholeCompletionFromAnAnthropicUpstream() throws Exception {
        ChatCompletion cc = openAiSdk.chat().completions().create(openAiParams("an/claude-sonnet-4-5", false));

        assertThat(cc.choices().get(0).message().content()).contains("Hi! My name is Claude.");
        assertThat(cc.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = cc.usage().orElseThrow();
        // OpenAI counts cached prompt tokens inside prompt_tokens; Anthropic reports them apart.
        assertThat(usage.promptTokens()).isEqualTo(2095 + 2048);
        assertThat(usage.completionTokens()).isEqualTo(503);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).contains(2048L);
    }

    @Test
    void openAiSdkSeesAnthropicRateLimitsAsItsOwn() throws Exception {
        anthropic.script(r -> Reply.json(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                + "\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}"));

        assertThatThrownBy(() -> openAiSdk.chat().completions().create(openAiParams("an/claude-sonnet-4-5", false)))
                .isInstanceOf(RateLimitException.class)
                .hasMessageContaining("per-minute rate limit");
    }

    @Test
    void openAiSdkStreamsParallelToolCallsFromAGeminiUpstream() throws Exception {
        gemini.script(r -> Reply.sse(GEMINI_TOOLS_SSE));

        ChatCompletion cc = streamed("gm/gemini-2.5-flash");

        assertParallelCalls(cc);
        CompletionUsage usage = cc.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(61);
        assertThat(usage.completionTokens()).isEqualTo(30);
        assertThat(usage.totalTokens()).isEqualTo(91);

        TestUpstream.Received got = gemini.take();
        assertThat(got.uri()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(got.header("x-goog-api-key")).isEqualTo(UPSTREAM_KEY);
        assertThat(got.header("authorization")).isNull();
        JsonNode sent = json(got.body());
        assertThat(sent.has("model")).isFalse();
        assertThat(sent.at("/systemInstruction/parts/0/text").asText()).isEqualTo("You are terse.");
        assertThat(sent.at("/contents/0/role").asText()).isEqualTo("user");
        JsonNode decl = sent.at("/tools/0/functionDeclarations/0");
        assertThat(decl.get("name").asText()).isEqualTo("get_weather");
        // Gemini rejects JSON-schema keys outside its OpenAPI subset: cleaned on the way.
        assertThat(decl.at("/parameters/additionalProperties").isMissingNode()).isTrue();
        assertThat(sent.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(256);
    }

    @Test
    void openAiSdkGetsAWholeCompletionFromAGeminiUpstream() throws Exception {
        ChatCompletion cc = openAiSdk.chat().completions().create(openAiParams("gm/gemini-2.5-flash", false));

        assertThat(cc.choices().get(0).message().content()).contains("Hello from Gemini.");
        assertThat(cc.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = cc.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(8);
        assertThat(usage.completionTokens()).isEqualTo(32); // candidates 5 + thoughts 27
        assertThat(usage.completionTokensDetails().orElseThrow().reasoningTokens()).contains(27L);
        assertThat(gemini.take().uri()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    }

    // ---- OpenAI SDK speaking the Responses API ----

    private static com.openai.models.responses.ResponseCreateParams responsesParams(String model) {
        return com.openai.models.responses.ResponseCreateParams.builder()
                .model(model)
                .instructions("You are terse.")
                .input("Weather and time in Paris?")
                .maxOutputTokens(256)
                .addTool(responsesTool("get_weather", "location"))
                .addTool(responsesTool("get_time", "tz"))
                .build();
    }

    private static com.openai.models.responses.FunctionTool responsesTool(String name, String param) {
        return com.openai.models.responses.FunctionTool.builder()
                .name(name)
                .strict(false)
                .parameters(com.openai.models.responses.FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of(param, Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of(param)))
                        .build())
                .build();
    }

    private static void assertResponsesCalls(com.openai.models.responses.Response r) {
        StringBuilder text = new StringBuilder();
        List<com.openai.models.responses.ResponseFunctionToolCall> calls = new java.util.ArrayList<>();
        for (com.openai.models.responses.ResponseOutputItem item : r.output()) {
            if (item.isMessage()) {
                item.asMessage().content().forEach(c -> c.outputText().ifPresent(t -> text.append(t.text())));
            } else if (item.isFunctionCall()) {
                calls.add(item.asFunctionCall());
            }
        }
        assertThat(text.toString()).isEqualTo("Checking both.");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).name()).isEqualTo("get_weather");
        assertThat(calls.get(0).callId()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(json(calls.get(0).arguments())).isEqualTo(json("{\"location\":\"Paris\"}"));
        assertThat(calls.get(1).name()).isEqualTo("get_time");
        assertThat(json(calls.get(1).arguments())).isEqualTo(json("{\"tz\":\"Europe/Paris\"}"));
        assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(472);
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(89);
    }

    @Test
    void responsesSdkStreamsToolCallsFromAnAnthropicUpstream() throws Exception {
        anthropic.script(r -> Reply.sse(ANTHROPIC_TOOLS_SSE));

        com.openai.helpers.ResponseAccumulator acc = com.openai.helpers.ResponseAccumulator.create();
        try (var stream = openAiSdk.responses().createStreaming(responsesParams("an/claude-sonnet-4-5"))) {
            stream.stream().forEach(acc::accumulate);
        }

        assertResponsesCalls(acc.response());
        JsonNode sent = json(anthropic.take().body());
        assertThat(sent.at("/system/0/text").asText(sent.path("system").asText())).isEqualTo("You are terse.");
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(256);
        assertThat(sent.at("/tools/1/name").asText()).isEqualTo("get_time");
    }

    @Test
    void responsesSdkGetsAWholeResponseFromAnOpenAiUpstream() throws Exception {
        com.openai.models.responses.Response r = openAiSdk.responses().create(responsesParams("oa/gpt-4o-mini"));

        StringBuilder text = new StringBuilder();
        r.output().stream().filter(com.openai.models.responses.ResponseOutputItem::isMessage)
                .forEach(i -> i.asMessage().content()
                        .forEach(c -> c.outputText().ifPresent(t -> text.append(t.text()))));
        assertThat(text.toString()).isEqualTo("Hello! How can I assist you today?");
        assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(19);
        JsonNode sent = json(openAi.take().body());
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("You are terse.");
        assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
    }

    // ---- Gemini clients ----

    @Test
    void geminiClientStreamsFromAnAnthropicUpstream() throws Exception {
        anthropic.script(r -> Reply.sse(ANTHROPIC_TOOLS_SSE));

        HttpResponse<String> res = Http.post(sluice,
                "/v1beta/models/an/claude-sonnet-4-5:streamGenerateContent?alt=sse",
                Bodies.gemini("Weather and time in Paris?"));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> chunks = Stream.of(res.body().split("\r?\n\r?\n"))
                .filter(s -> s.startsWith("data: ")).map(s -> json(s.substring(6))).toList();
        StringBuilder text = new StringBuilder();
        List<JsonNode> calls = new java.util.ArrayList<>();
        for (JsonNode c : chunks) {
            for (JsonNode p : c.at("/candidates/0/content/parts")) {
                if (p.has("text")) {
                    text.append(p.get("text").asText());
                }
                if (p.has("functionCall")) {
                    calls.add(p.get("functionCall"));
                }
            }
        }
        assertThat(text.toString()).isEqualTo("Checking both.");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).get("name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(0).get("args")).isEqualTo(json("{\"location\":\"Paris\"}"));
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        assertThat(last.at("/usageMetadata/promptTokenCount").asInt()).isEqualTo(472);

        JsonNode sent = json(anthropic.take().body());
        assertThat(sent.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(sent.at("/messages/0/content/0/text").asText(sent.at("/messages/0/content").asText()))
                .isEqualTo("Weather and time in Paris?");
    }

    @Test
    void geminiClientGetsGeminiShapedErrors() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1beta/models/nope:generateContent", Bodies.gemini("x"));

        assertThat(res.statusCode()).isEqualTo(404);
        JsonNode body = json(res.body());
        assertThat(body.at("/error/code").asInt()).isEqualTo(404);
        assertThat(body.at("/error/status").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void sameDialectAnthropicIsPassedThroughWithItsUsageCounted() throws Exception {
        anthropic.script(r -> Reply.sse(ANTHROPIC_TOOLS_SSE));

        MessageAccumulator acc = MessageAccumulator.create();
        try (var stream = anthropicSdk.messages().createStreaming(claudeCodeParams("an/claude-sonnet-4-5"))) {
            stream.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();

        assertThat(m.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(m.content()).hasSize(3);
        assertThat(m.usage().outputTokens()).isEqualTo(89);
        TestUpstream.Received got = anthropic.take();
        assertThat(got.header("x-api-key")).isEqualTo(UPSTREAM_KEY);
        // The SDK's own version (3.12 sends a newer one than the 2023-06-01 Sluice pins for translated requests).
        assertThat(got.header("anthropic-version")).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(json(got.body()).get("model").asText()).isEqualTo("claude-sonnet-4-5");
        Await.until("completion tokens counted", Duration.ofSeconds(5), () -> Prometheus.sample(
                sluice.metrics().scrape(), "llm_tokens_total", "provider", "an", "model", "claude-sonnet-4-5", "kind",
                "completion").orElse(0.0) == 89.0);
    }

    private static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        for (ContentBlock b : m.content()) {
            if (b.isText()) {
                sb.append(b.asText().text());
            }
        }
        return sb.toString();
    }
}
