package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.SystemMessageParam;
import com.anthropic.models.messages.ThinkingConfigAdaptive;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Translation fidelity through the official Anthropic SDK: a mid-conversation system turn reaches OpenAI-dialect and
 * Gemini upstreams in their own best form, and reasoning and output caps follow what the catalog knows of the model.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FidelitySdkTest {

    private TestUpstream openAi;
    private TestUpstream gemini;
    private SluiceServer sluice;
    private AnthropicClient sdk;

    @BeforeEach
    void start() throws InterruptedException {
        openAi = new TestUpstream(r -> Reply.json(200, OpenAiSdkTest.COMPLETION));
        gemini = new TestUpstream(r -> Reply.json(200, TranslationSdkTest.GEMINI_RESPONSE));
        sluice = config()
                .openAiCompatible("oa", openAi, "gpt-4o-mini")
                .provider("oai", "openai", openAi, "/v1", "gpt-4o", "o3", "acme-tuned")
                .provider("gm", "gemini", gemini, "/v1beta", "gemini-2.5-flash")
                .start();
        sdk = Sdks.anthropic(sluice, "sk-ant-client-never-forwarded");
    }

    @AfterEach
    void close() {
        sdk.close();
        sluice.close();
        openAi.close();
        gemini.close();
    }

    /** Claude Code's shape since 2.1.197: a system turn between the turns of the conversation. */
    private static MessageCreateParams midConversationSystem(String model) {
        return MessageCreateParams.builder()
                .model(model)
                .maxTokens(256)
                .system("You are terse.")
                .addUserMessage("Hi")
                .addAssistantMessage("Hello.")
                .addMessage(SystemMessageParam.of("Answer in French from now on."))
                .addUserMessage("Bye")
                .build();
    }

    @Test
    void aMidConversationSystemTurnStaysInPlaceForAnOpenAiUpstream() throws Exception {
        Message m = sdk.messages().create(midConversationSystem("oa/gpt-4o-mini"));

        assertThat(m.content()).isNotEmpty();
        JsonNode messages = json(openAi.take().body()).get("messages");
        assertThat(messages).hasSize(5);
        assertThat(messages.get(0).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"You are terse.\"}");
        assertThat(messages.get(1).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(2).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(3).toString())
                .isEqualTo("{\"role\":\"system\",\"content\":\"Answer in French from now on.\"}");
        assertThat(messages.get(4).toString()).isEqualTo("{\"role\":\"user\",\"content\":\"Bye\"}");
    }

    @Test
    void aMidConversationSystemTurnBecomesAMarkedNoteInAGeminiUserTurn() throws Exception {
        Message m = sdk.messages().create(midConversationSystem("gm/gemini-2.5-flash"));

        assertThat(m.content()).isNotEmpty();
        JsonNode sent = json(gemini.take().body());
        assertThat(sent.at("/systemInstruction/parts").toString()).isEqualTo("[{\"text\":\"You are terse.\"}]");
        JsonNode contents = sent.get("contents");
        assertThat(contents).hasSize(3);
        assertThat(contents.get(1).get("role").asText()).isEqualTo("model");
        assertThat(contents.get(2).toString()).isEqualTo("{\"role\":\"user\",\"parts\":["
                + "{\"text\":\"<system>\\nAnswer in French from now on.\\n</system>\"},{\"text\":\"Bye\"}]}");
    }

    // ---- capability-aware translation (issue 18 item 6) ----

    /** Claude Code's thinking and output cap. */
    private static MessageCreateParams thinking(String model) {
        return MessageCreateParams.builder()
                .model(model)
                .maxTokens(32_000)
                .thinking(ThinkingConfigAdaptive.builder().build())
                .addUserMessage("Think about it.")
                .build();
    }

    @Test
    void aModelKnownNotToReasonGetsNoReasoningEffortAndItsOwnOutputCap() throws Exception {
        sdk.messages().create(thinking("oai/gpt-4o"));

        JsonNode sent = json(openAi.take().body());
        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(sent.has("reasoning_effort")).isFalse();
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(16_384);
    }

    @Test
    void aReasoningModelGetsReasoningEffortAndTheClientsCap() throws Exception {
        sdk.messages().create(thinking("oai/o3"));

        JsonNode sent = json(openAi.take().body());
        assertThat(sent.get("reasoning_effort").asText()).isEqualTo("medium");
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(32_000);
    }

    @Test
    void anUnknownModelGetsTheRequestAsTranslatedToday() throws Exception {
        sdk.messages().create(thinking("oai/acme-tuned"));

        JsonNode sent = json(openAi.take().body());
        assertThat(sent.get("reasoning_effort").asText()).isEqualTo("medium");
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(32_000);
    }

    @Test
    void aFallbackModelIsJudgedOnItsOwn() throws Exception {
        openAi.script(r -> r.body().contains("\"model\":\"gpt-4o\"")
                ? Reply.json(503, "{\"error\":{\"message\":\"overloaded\"}}")
                : Reply.json(200, OpenAiSdkTest.COMPLETION));
        SluiceServer s = TestConfig.startYaml(config().provider("oai", "openai", openAi, "/v1", "gpt-4o", "o3").yaml()
                + "routing:\n  combos:\n    think: [oai/gpt-4o, oai/o3]\n");
        AnthropicClient client = Sdks.anthropic(s, "sk-ant-client-never-forwarded");
        try {
            client.messages().create(thinking("think"));
        } finally {
            client.close();
            s.close();
        }

        JsonNode sent = json(openAi.take().body());
        while (sent.get("model").asText().equals("gpt-4o")) {
            assertThat(sent.has("reasoning_effort")).isFalse();
            assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(16_384);
            sent = json(openAi.take().body());
        }
        assertThat(sent.get("model").asText()).isEqualTo("o3");
        assertThat(sent.get("reasoning_effort").asText()).isEqualTo("medium");
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(32_000);
    }

    @Test
    void whatAProvidersModelListReportsDrivesTheRules() throws Exception {
        // An OpenRouter-shaped list: one model that takes no reasoning and writes at most 8,192 tokens.
        try (TestUpstream router = new TestUpstream(r -> r.method().equals("GET")
                ? Reply.json(200, "{\"data\":[{\"id\":\"acme/small\",\"context_length\":32768,"
                        + "\"architecture\":{\"input_modalities\":[\"text\"]},\"top_provider\":"
                        + "{\"max_completion_tokens\":8192},\"supported_parameters\":[\"max_tokens\",\"tools\"]},"
                        + "{\"id\":\"acme/thinker\",\"context_length\":131072,\"supported_parameters\":"
                        + "[\"reasoning\",\"include_reasoning\"]}]}")
                : Reply.json(200, OpenAiSdkTest.COMPLETION))) {
            SluiceServer s = TestConfig.startYaml(config().yaml() + "providersFromEnv: false\nproviders:\n"
                    + "  or:\n    type: openai-compatible\n    baseUrl: http://127.0.0.1:" + router.port() + "/v1\n"
                    + "    apiKey: sk-or-0123456789abcdef\n    discoverModels: true\n");
            AnthropicClient client = Sdks.anthropic(s, "sk-ant-client-never-forwarded");
            try {
                assertThat(router.take().uri()).isEqualTo("/v1/models");
                Await.until("the list is served", Duration.ofSeconds(10),
                        () -> Http.get(s, "/v1/models").body().contains("acme/thinker"));
                client.messages().create(thinking("or/acme/small"));
                client.messages().create(thinking("or/acme/thinker"));
            } finally {
                client.close();
                s.close();
            }
            JsonNode small = json(router.take().body());
            assertThat(small.has("reasoning_effort")).isFalse();
            assertThat(small.get("max_completion_tokens").asInt()).isEqualTo(8192);
            JsonNode thinker = json(router.take().body());
            assertThat(thinker.get("reasoning_effort").asText()).isEqualTo("medium");
            assertThat(thinker.get("max_completion_tokens").asInt()).isEqualTo(32_000);
        }
    }
}
