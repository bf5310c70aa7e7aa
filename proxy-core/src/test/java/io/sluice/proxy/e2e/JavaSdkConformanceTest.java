package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlock;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import io.sluice.proxy.testing.ScriptedLlm;
import io.sluice.proxy.testing.ScriptedProviders;
import io.sluice.proxy.testing.Sdks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java SDKs in the build ({@code openai-java}: Chat Completions and Responses; {@code anthropic-java}: Messages)
 * through Sluice against every provider dialect ({@link ScriptedProviders}), streaming and not, multi-turn with a
 * system text, and a whole tool loop: the Java half of the client × provider matrix {@link SdkConformanceTest}
 * drives with the JS SDKs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaSdkConformanceTest {

    static final String TEXT = "Echo: ping (turns=2, system=be brief)";
    static final String WEATHER = "Weather: sunny 21C";
    static final Map<String, Object> SCHEMA = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"));

    private static ScriptedProviders providers;
    private static OpenAIClient openAi;
    private static AnthropicClient anthropic;

    @BeforeAll
    static void start() throws Exception {
        providers = new ScriptedProviders();
        openAi = Sdks.openAi(providers.sluice(), Sdks.CLIENT_KEY);
        anthropic = Sdks.anthropic(providers.sluice(), Sdks.CLIENT_KEY);
    }

    @AfterAll
    static void stop() {
        if (openAi != null) {
            openAi.close();
            anthropic.close();
        }
        if (providers != null) {
            providers.close();
        }
    }

    static Stream<String> providerDialects() {
        return Stream.of("openai", "anthropic", "gemini", "responses");
    }

    private static String model(String dialect) {
        return providers.models().get(dialect);
    }

    // ---- openai-java: Chat Completions ----

    private static ChatCompletionCreateParams.Builder chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("be brief")
                .addUserMessage("hello").addAssistantMessage("hi").addUserMessage("ping");
    }

    @ParameterizedTest(name = "openai-java chat > {0}")
    @MethodSource("providerDialects")
    void openAiChat(String dialect) {
        ChatCompletion c = openAi.chat().completions().create(chat(model(dialect)).build());
        assertThat(c.choices().get(0).message().content()).hasValue(TEXT);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(ScriptedLlm.INPUT_TOKENS);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(ScriptedLlm.OUTPUT_TOKENS);
    }

    @ParameterizedTest(name = "openai-java chat stream > {0}")
    @MethodSource("providerDialects")
    void openAiChatStream(String dialect) {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (var s = openAi.chat().completions().createStreaming(chat(model(dialect))
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().get(0).message().content()).hasValue(TEXT);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(ScriptedLlm.OUTPUT_TOKENS);
    }

    @ParameterizedTest(name = "openai-java chat tools, stream={1} > {0}")
    @MethodSource("withStream")
    void openAiChatToolLoop(String dialect, boolean stream) {
        ChatCompletionFunctionTool tool = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name(ScriptedLlm.TOOL).description("Current weather in a city")
                .parameters(FunctionParameters.builder()
                        .putAllAdditionalProperties(Map.of("type", JsonValue.from("object"),
                                "properties", JsonValue.from(SCHEMA.get("properties")))).build()).build()).build();
        ChatCompletionCreateParams.Builder p = ChatCompletionCreateParams.builder().model(model(dialect))
                .addSystemMessage("be brief").addUserMessage("weather in Paris?").addTool(tool);
        ChatCompletionMessage first = chatOnce(p, stream);
        List<ChatCompletionMessageFunctionToolCall> calls = new ArrayList<>();
        first.toolCalls().orElseThrow().forEach(c -> calls.add(c.asFunction()));
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).function().name()).isEqualTo(ScriptedLlm.TOOL);
        assertThat(calls.get(0).function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
        p.addMessage(first).addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(0).id())
                .content("sunny 21C").build());
        assertThat(chatOnce(p, stream).content()).hasValue(WEATHER);
    }

    private static ChatCompletionMessage chatOnce(ChatCompletionCreateParams.Builder p, boolean stream) {
        if (!stream) {
            return openAi.chat().completions().create(p.build()).choices().get(0).message();
        }
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (var s = openAi.chat().completions().createStreaming(p.build())) {
            s.stream().forEach(acc::accumulate);
        }
        return acc.chatCompletion().choices().get(0).message();
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> withStream() {
        return providerDialects().flatMap(d -> Stream.of(org.junit.jupiter.params.provider.Arguments.of(d, false),
                org.junit.jupiter.params.provider.Arguments.of(d, true)));
    }

    // ---- openai-java: Responses ----

    private static ResponseInputItem said(EasyInputMessage.Role role, String text) {
        return ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(role).content(text).build());
    }

    private static Response respond(ResponseCreateParams.Builder p, boolean stream) {
        if (!stream) {
            return openAi.responses().create(p.build());
        }
        ResponseAccumulator acc = ResponseAccumulator.create();
        try (var s = openAi.responses().createStreaming(p.build())) {
            s.stream().forEach(acc::accumulate);
        }
        return acc.response();
    }

    private static String outputText(Response r) {
        StringBuilder s = new StringBuilder();
        r.output().forEach(item -> item.message().ifPresent(m -> m.content().forEach(c ->
                c.outputText().ifPresent(t -> s.append(t.text())))));
        return s.toString();
    }

    @ParameterizedTest(name = "openai-java responses, stream={1} > {0}")
    @MethodSource("withStream")
    void openAiResponses(String dialect, boolean stream) {
        Response r = respond(ResponseCreateParams.builder().model(model(dialect)).instructions("be brief")
                .store(false).inputOfResponse(List.of(said(EasyInputMessage.Role.USER, "hello"),
                        said(EasyInputMessage.Role.ASSISTANT, "hi"), said(EasyInputMessage.Role.USER, "ping"))),
                stream);
        assertThat(outputText(r)).isEqualTo(TEXT);
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(ScriptedLlm.OUTPUT_TOKENS);
    }

    @ParameterizedTest(name = "openai-java responses tools, stream={1} > {0}")
    @MethodSource("withStream")
    void openAiResponsesToolLoop(String dialect, boolean stream) {
        FunctionTool tool = FunctionTool.builder().name(ScriptedLlm.TOOL).strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAllAdditionalProperties(Map.of("type", JsonValue.from("object"),
                                "properties", JsonValue.from(SCHEMA.get("properties")))).build()).build();
        List<ResponseInputItem> input = new ArrayList<>(List.of(said(EasyInputMessage.Role.USER,
                "weather in Paris?")));
        ResponseCreateParams.Builder p = ResponseCreateParams.builder().model(model(dialect)).store(false)
                .addTool(tool);
        Response first = respond(p.inputOfResponse(input), stream);
        List<ResponseFunctionToolCall> calls = first.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).name()).isEqualTo(ScriptedLlm.TOOL);
        assertThat(calls.get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
        input.add(ResponseInputItem.ofFunctionCall(calls.get(0)));
        input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(calls.get(0).callId()).output("sunny 21C").build()));
        assertThat(outputText(respond(p.inputOfResponse(input), stream))).isEqualTo(WEATHER);
    }

    // ---- anthropic-java: Messages ----

    private static MessageCreateParams.Builder messages(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(256).system("be brief")
                .addUserMessage("hello").addAssistantMessage("hi").addUserMessage("ping");
    }

    private static Message send(MessageCreateParams.Builder p, boolean stream) {
        if (!stream) {
            return anthropic.messages().create(p.build());
        }
        MessageAccumulator acc = MessageAccumulator.create();
        try (var s = anthropic.messages().createStreaming(p.build())) {
            s.stream().forEach(acc::accumulate);
        }
        return acc.message();
    }

    private static String text(Message m) {
        StringBuilder s = new StringBuilder();
        m.content().forEach(b -> b.text().map(TextBlock::text).ifPresent(s::append));
        return s.toString();
    }

    @ParameterizedTest(name = "anthropic-java messages, stream={1} > {0}")
    @MethodSource("withStream")
    void anthropicMessages(String dialect, boolean stream) {
        Message m = send(messages(model(dialect)), stream);
        assertThat(text(m)).isEqualTo(TEXT);
        assertThat(m.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(m.usage().outputTokens()).isEqualTo(ScriptedLlm.OUTPUT_TOKENS);
        assertThat(m.usage().inputTokens()).isPositive();
    }

    @ParameterizedTest(name = "anthropic-java tools, stream={1} > {0}")
    @MethodSource("withStream")
    void anthropicToolLoop(String dialect, boolean stream) {
        Tool tool = Tool.builder().name(ScriptedLlm.TOOL).description("Current weather in a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(com.anthropic.core.JsonValue.from(SCHEMA.get("properties"))).build()).build();
        MessageCreateParams.Builder p = MessageCreateParams.builder().model(model(dialect)).maxTokens(256)
                .system("be brief").addUserMessage("weather in Paris?").addTool(tool);
        Message first = send(p, stream);
        assertThat(first.stopReason()).hasValue(StopReason.TOOL_USE);
        List<ToolUseBlock> uses = first.content().stream().filter(ContentBlock::isToolUse)
                .map(ContentBlock::asToolUse).toList();
        assertThat(uses).hasSize(1);
        assertThat(uses.get(0).name()).isEqualTo(ScriptedLlm.TOOL);
        assertThat(uses.get(0)._input()).isEqualTo(com.anthropic.core.JsonValue.from(Map.of("city", "Paris")));
        p.addMessage(first).addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                ToolResultBlockParam.builder().toolUseId(uses.get(0).id()).content("sunny 21C").build())));
        assertThat(text(send(p, stream))).isEqualTo(WEATHER);
    }
}
