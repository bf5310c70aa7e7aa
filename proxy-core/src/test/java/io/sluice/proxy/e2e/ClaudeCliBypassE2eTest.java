package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17 item 4: Claude Code's warm-up, quota check and (when switched on) title requests are answered by Sluice in
 * Anthropic's form, streamed or not, with no provider call; everything else, and the same bodies from any other
 * client, go to the provider as usual.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClaudeCliBypassE2eTest {

    private static final String UA = "claude-cli/2.1.3 (external, cli)";
    private static final String WARMUP = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":512,\"messages\":[{\"role\":"
            + "\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Warmup\"}]}],\"system\":[{\"type\":\"text\","
            + "\"text\":\"You are Claude Code.\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"tools\":[{\"name\":"
            + "\"Bash\",\"description\":\"run\",\"input_schema\":{\"type\":\"object\",\"properties\":{}}}]";
    private static final String TITLE = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":512,\"stream\":false,"
            + "\"system\":[{\"type\":\"text\",\"text\":\"Summarize this coding conversation in under 50 characters.\\n"
            + "Capture the main task, key files, problems addressed, and current status.\"}],\"messages\":[{\"role\":"
            + "\"user\",\"content\":\"Please write a 5-10 word title the following conversation:\\n\\nUser: Fix the"
            + " flaky retry test in   ResilienceE2eTest and make the breaker reset after half-open\\n\\nClaude: On"
            + " it.\\n\\nRespond with the title for the conversation and nothing else.\"}]}";

    private TestUpstream anthropic;
    private SluiceServer sluice;

    private void start(String extraYaml, Map<String, String> env) throws InterruptedException {
        anthropic = new TestUpstream(r -> Reply.json(200, "{\"id\":\"msg_up\",\"type\":\"message\",\"role\":"
                + "\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":"
                + "\"from upstream\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":3,"
                + "\"output_tokens\":2}}"));
        sluice = SluiceServer.start(ConfigLoader.parse("server: {host: 127.0.0.1, port: 0, ioThreads: 1,"
                + " shutdownGrace: 100ms}\nproviders:\n  anthropic:\n    baseUrl: " + anthropic.baseUrl()
                + "/v1\n    apiKey: sk-ant-bypass-test-0001\n    models: [claude-sonnet-4-5]\n" + extraYaml, env));
    }

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
        if (anthropic != null) {
            anthropic.close();
        }
    }

    private HttpResponse<String> messages(String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 4];
        all[0] = "anthropic-version";
        all[1] = "2023-06-01";
        all[2] = "content-type";
        all[3] = "application/json";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return Http.send(sluice, "POST", "/v1/messages", body, all);
    }

    @Test
    void warmUpAndQuotaAreAnsweredLocallyStreamedOrNot() throws Exception {
        start("", Map.of());
        HttpResponse<String> plain = messages(WARMUP + "}", "user-agent", UA);
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        JsonNode m = json(plain.body());
        assertThat(m.path("type").asText()).isEqualTo("message");
        assertThat(m.at("/content/0/text").asText()).isEqualTo("OK");
        assertThat(m.path("model").asText()).isEqualTo("claude-haiku-4-5"); // not even configured: never routed
        assertThat(m.path("stop_reason").asText()).isEqualTo("end_turn");

        HttpResponse<String> streamed = messages(WARMUP + ",\"stream\":true}", "user-agent", UA);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(streamed.body()).contains("event: message_start").contains("\"text\":\"OK\"")
                .contains("event: message_stop");

        HttpResponse<String> quota = messages("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":1,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"quota\"}]}", "x-app", "cli");
        assertThat(quota.statusCode()).isEqualTo(200);
        assertThat(json(quota.body()).at("/content/0/text").asText()).isEqualTo("OK");

        assertThat(anthropic.requestsWaiting()).isZero();
        String metrics = Http.get(sluice, "/metrics").body();
        assertThat(metrics).contains("sluice_bypass_total{kind=\"warmup\"} 2.0")
                .contains("sluice_bypass_total{kind=\"quota\"} 1.0");
        String logs = Http.get(sluice, "/api/monitoring/providers/logs/all").body();
        assertThat(logs).contains("claude-cli-bypass").contains("warmup request answered by Sluice");
    }

    @Test
    void theAnthropicSdkReadsTheLocalStream() throws Exception {
        start("", Map.of());
        AnthropicClient sdk = AnthropicOkHttpClient.builder().baseUrl(Http.base(sluice)).apiKey("unused")
                .maxRetries(0).putHeader("x-app", "cli").build();
        try {
            MessageAccumulator acc = MessageAccumulator.create();
            try (var stream = sdk.messages().createStreaming(MessageCreateParams.builder()
                    .model("claude-haiku-4-5").maxTokens(512).addUserMessage("Warmup").build())) {
                stream.stream().forEach(acc::accumulate);
            }
            Message msg = acc.message();
            assertThat(msg.content().get(0).asText().text()).isEqualTo("OK");
            assertThat(msg.stopReason()).contains(StopReason.END_TURN);
            Message whole = sdk.messages().create(MessageCreateParams.builder()
                    .model("claude-haiku-4-5").maxTokens(512).addUserMessage("Warmup").build());
            assertThat(whole.content().get(0).asText().text()).isEqualTo("OK");
        } finally {
            sdk.close();
        }
        assertThat(anthropic.requestsWaiting()).isZero();
    }

    @Test
    void otherRequestsAndOtherClientsGoToTheProvider() throws Exception {
        start("", Map.of());
        // The same warm-up from another client: not Claude Code's, not ours to answer.
        HttpResponse<String> other = messages(WARMUP.replace("claude-haiku-4-5", "claude-sonnet-4-5") + "}",
                "user-agent", "my-app/1.0");
        assertThat(json(other.body()).at("/content/0/text").asText()).isEqualTo("from upstream");
        anthropic.take();
        // Claude Code's real work.
        HttpResponse<String> work = messages("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"Warmup the oven\"}]}", "user-agent", UA);
        assertThat(json(work.body()).at("/content/0/text").asText()).isEqualTo("from upstream");
        anthropic.take();
        // A title request: off by default.
        HttpResponse<String> title = messages(TITLE.replace("claude-haiku-4-5", "claude-sonnet-4-5"),
                "user-agent", UA);
        assertThat(json(title.body()).at("/content/0/text").asText()).isEqualTo("from upstream");
        anthropic.take();
    }

    @Test
    void titlesWhenSwitchedOnAndNothingWhenSwitchedOff() throws Exception {
        start("claudeCliBypass: {title: true}\n", Map.of());
        HttpResponse<String> title = messages(TITLE, "user-agent", UA);
        assertThat(title.statusCode()).as(title.body()).isEqualTo(200);
        String text = json(title.body()).at("/content/0/text").asText();
        assertThat(text).startsWith("Fix the flaky retry test in ResilienceE2eTest").hasSizeLessThanOrEqualTo(50);
        HttpResponse<String> topic = messages("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":128,\"system\":"
                + "\"Analyze if this message indicates a new conversation topic. If it does, extract a 2-3 word"
                + " title\",\"messages\":[{\"role\":\"user\",\"content\":\"now the docs\"}]}", "user-agent", UA);
        assertThat(json(json(topic.body()).at("/content/0/text").asText()).path("isNewTopic").asBoolean(true))
                .isFalse();
        assertThat(anthropic.requestsWaiting()).isZero();
        sluice.close();
        anthropic.close();

        start("", Map.of("SLUICE_CLAUDE_BYPASS", "0"));
        HttpResponse<String> off = messages(WARMUP.replace("claude-haiku-4-5", "claude-sonnet-4-5") + "}",
                "user-agent", UA);
        assertThat(json(off.body()).at("/content/0/text").asText()).isEqualTo("from upstream");
        anthropic.take();
    }
}
