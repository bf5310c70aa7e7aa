package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.TextBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17 items 1 and 2 with the official SDKs as clients: Claude Code's request shape (a cached system block,
 * thinking, temperature) through the Anthropic SDK, streamed, to an Anthropic upstream (the passthrough splices the
 * client's bytes) and to an OpenAI one (through the hub); the OpenAI SDK to a Gemini upstream and its Responses API to
 * a Responses upstream. The SDKs must still read a normal answer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RewriteSdkTest {

    private static final String GLOBAL = "Follow the company policy.";

    private TestUpstream openAi;
    private TestUpstream anthropic;
    private TestUpstream gemini;
    private TestUpstream responses;
    private SluiceServer sluice;
    private OpenAIClient openAiSdk;
    private AnthropicClient anthropicSdk;

    @BeforeEach
    void start() throws InterruptedException {
        openAi = new TestUpstream(r -> Reply.json(200, OpenAiSdkTest.COMPLETION));
        anthropic = new TestUpstream(r -> Reply.sse(TranslationSdkTest.ANTHROPIC_TOOLS_SSE));
        gemini = new TestUpstream(r -> Reply.sse(TranslationSdkTest.GEMINI_TOOLS_SSE));
        responses = new TestUpstream(r -> Reply.json(200, RewriteMatrixE2eTest.RESPONSES_ANSWER));
        sluice = SluiceServer.start(io.sluice.proxy.config.ConfigLoader.parse(config()
                .openAiCompatible("oa", openAi, "gpt-4o-mini")
                .provider("an", "anthropic", anthropic, "/v1", "claude-sonnet-4-5")
                .provider("gm", "gemini", gemini, "/v1beta", "gemini-2.5-flash")
                .providersYaml("  rs:\n    type: openai-compatible\n    dialect: responses\n    baseUrl: "
                        + responses.baseUrl() + "\n    apiKey: k\n    models: [o3]\n")
                .yaml()
                + "systemPrompt:\n"
                + "  rules:\n"
                + "    - {models: [\"oa/*\"], prompt: \"" + GLOBAL + "\", mode: replace}\n"
                + "  prompt: \"" + GLOBAL + "\"\n"
                + "  mode: prepend\n"
                + "thinkingBudget: {mode: custom, budget: 8000}\n", java.util.Map.of()));
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
        responses.close();
    }

    /** Claude Code's shape: a cached system block, thinking on, a temperature. */
    private static MessageCreateParams claudeCode(String model) {
        return MessageCreateParams.builder()
                .model(model)
                .maxTokens(4000)
                .putAdditionalBodyProperty("temperature", com.anthropic.core.JsonValue.from(0.3))
                .enabledThinking(1024)
                .systemOfTextBlockParams(List.of(TextBlockParam.builder()
                        .text("You are Claude Code, Anthropic's official CLI for Claude.")
                        .cacheControl(CacheControlEphemeral.builder().build())
                        .build()))
                .addUserMessage("Weather and time in Paris?")
                .build();
    }

    @Test
    void anthropicSdkStreamsThroughAPassthroughThatKeepsTheCachedBlock() throws Exception {
        MessageAccumulator acc = MessageAccumulator.create();
        try (var stream = anthropicSdk.messages().createStreaming(claudeCode("an/claude-sonnet-4-5"))) {
            stream.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(m.content().stream().filter(ContentBlock::isToolUse)).hasSize(2);

        TestUpstream.Received got = anthropic.take();
        JsonNode sent = json(got.body());
        assertThat(sent.at("/system/0/text").asText()).isEqualTo(GLOBAL);
        assertThat(sent.at("/system/0/cache_control").isMissingNode()).isTrue();
        assertThat(sent.at("/system/1/text").asText()).startsWith("You are Claude Code");
        assertThat(sent.at("/system/1/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(sent.at("/thinking/budget_tokens").asInt()).isEqualTo(8000);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(12000); // above the budget: 8000 + the client's 4000
        assertThat(sent.has("temperature")).isFalse(); // Anthropic refuses it with thinking on
        assertThat(sent.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(sent.path("stream").asBoolean()).isTrue();
    }

    @Test
    void anthropicSdkThroughTheHubToAnOpenAiUpstreamGetsTheReplacement() throws Exception {
        Message m = anthropicSdk.messages().create(claudeCode("oa/gpt-4o-mini"));
        assertThat(m.content().get(0).asText().text()).isEqualTo("Hello! How can I assist you today?");

        JsonNode sent = json(openAi.take().body());
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo(GLOBAL);
        assertThat(sent.at("/messages/1/role").asText()).isEqualTo("user");
        assertThat(sent.path("reasoning_effort").asText()).isEqualTo("high");
    }

    @Test
    void openAiSdkStreamsFromAGeminiUpstream() throws Exception {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("gm/gemini-2.5-flash")
                .addSystemMessage("Be terse.")
                .addUserMessage("Weather and time in Paris?")
                .reasoningEffort(ReasoningEffort.LOW)
                .build();
        try (var stream = openAiSdk.chat().completions().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(c.choices().get(0).message().toolCalls().orElseThrow()).hasSize(2);

        JsonNode sent = json(gemini.take().body());
        List<String> parts = sent.at("/systemInstruction/parts").findValuesAsText("text");
        assertThat(String.join("\n\n", parts)).isEqualTo(GLOBAL + "\n\nBe terse.");
        assertThat(sent.at("/generationConfig/thinkingConfig/thinkingBudget").asInt()).isEqualTo(8000);
    }

    @Test
    void responsesSdkThroughAPassthroughGetsInstructionsAndEffort() throws Exception {
        com.openai.models.responses.Response r = openAiSdk.responses().create(
                com.openai.models.responses.ResponseCreateParams.builder()
                        .model("rs/o3")
                        .instructions("You are terse.")
                        .input("hi")
                        .reasoning(com.openai.models.Reasoning.builder().effort(ReasoningEffort.LOW).build())
                        .build());
        assertThat(r.output()).isNotEmpty();

        JsonNode sent = json(responses.take().body());
        assertThat(sent.path("instructions").asText()).isEqualTo(GLOBAL + "\n\nYou are terse.");
        assertThat(sent.at("/reasoning/effort").asText()).isEqualTo("high");
        assertThat(sent.path("model").asText()).isEqualTo("o3");
    }
}
