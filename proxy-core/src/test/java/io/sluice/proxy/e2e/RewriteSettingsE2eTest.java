package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.codec.rewrite.RequestSize;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.rewrite.RequestRewrites;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 items 1 and 2 at runtime: {@code GET/PUT/DELETE /api/settings/system-prompt} and
 * {@code /api/settings/thinking-budget} change the next request, a bad body is a 400 naming the field and changes
 * nothing; rules pick the prompt by client key and model glob (first match wins); what acted shows in the provider
 * log and the request log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RewriteSettingsE2eTest {

    private static final String ADMIN = "admin-rewrite-secret-0001";
    private static final String TEAM = "sk-team-a-0123456789abcdef";
    private static final String CI = "sk-ci-key-0123456789abcdef";

    @TempDir
    Path dir;
    private TestUpstream openAi;
    private TestUpstream anthropic;
    private SluiceServer sluice;

    @BeforeEach
    void up() throws InterruptedException {
        openAi = new TestUpstream(r -> Reply.json(200, OpenAiSdkTest.COMPLETION));
        anthropic = new TestUpstream(r -> Reply.json(200, TranslationSdkTest.ANTHROPIC_MESSAGE));
    }

    private SluiceServer start(String sections) throws InterruptedException {
        sluice = TestConfig.startYaml("server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms,"
                + " adminKey: " + ADMIN + "}\n"
                + "dataDir: \"" + dir + "\"\n"
                + "providersFromEnv: false\n"
                + "access:\n  clientKeys:\n    team-a: " + TEAM + "\n    ci: " + CI + "\n"
                + "logs: {requests: {enabled: true, file: \"" + dir.resolve("requests.jsonl") + "\"}}\n"
                + "providers:\n"
                + "  oa: {type: openai-compatible, baseUrl: 'http://127.0.0.1:" + openAi.port() + "/v1', apiKey: k,"
                + " models: [gpt-4o, o3]}\n"
                + "  an: {type: anthropic, baseUrl: 'http://127.0.0.1:" + anthropic.port() + "/v1', apiKey: k,"
                + " models: [claude-sonnet-4-5]}\n"
                + sections);
        return sluice;
    }

    @AfterEach
    void down() {
        if (sluice != null) {
            sluice.close();
        }
        openAi.close();
        anthropic.close();
    }

    private HttpResponse<String> settings(String method, String name, String body) throws Exception {
        return Http.send(sluice, method, "/api/settings/" + name, body, "x-admin-key", ADMIN,
                "content-type", "application/json");
    }

    private static final String CHAT = "{\"model\":\"oa/o3\",\"messages\":[{\"role\":\"system\",\"content\":\"Mine.\"},"
            + "{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"low\"}";

    /** Sends {@link #CHAT} with {@code key} and returns what the OpenAI upstream received. */
    private JsonNode chat(String key, String body) throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/chat/completions", body, "authorization", "Bearer " + key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return json(openAi.take().body());
    }

    private JsonNode messages(String key, String model) throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/messages", "{\"model\":\"" + model + "\",\"max_tokens\":"
                + "100,\"system\":\"Mine.\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", key);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return json((model.startsWith("oa/") ? openAi : anthropic).take().body());
    }

    /** The contents of the system messages an OpenAI upstream received, in order. */
    private static List<String> systems(JsonNode openAiBody) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode m : openAiBody.path("messages")) {
            if (m.path("role").asText().equals("system")) {
                out.add(m.path("content").asText());
            }
        }
        return out;
    }

    @Test
    void aPutChangesTheNextRequestAndADeleteGoesBack() throws Exception {
        start("");
        JsonNode before = chat(TEAM, CHAT);
        assertThat(systems(before)).containsExactly("Mine.");
        assertThat(before.path("reasoning_effort").asText()).isEqualTo("low");
        JsonNode listed = json(Http.get(sluice, "/api/settings", "x-admin-key", ADMIN).body());
        assertThat(listed.at("/settings/system-prompt/value/enabled").asBoolean()).isFalse();
        assertThat(listed.at("/settings/thinking-budget/value/mode").asText()).isEqualTo("passthrough");

        HttpResponse<String> put = settings("PUT", "system-prompt", "{\"prompt\":\"Be brief.\",\"mode\":\"prepend\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(put.body()).at("/value/enabled").asBoolean()).isTrue();
        assertThat(systems(chat(TEAM, CHAT))).containsExactly("Be brief.", "Mine.");

        assertThat(settings("PUT", "thinking-budget", "{\"mode\":\"auto\"}").statusCode()).isEqualTo(200);
        assertThat(chat(TEAM, CHAT).has("reasoning_effort")).isFalse();

        assertThat(settings("PUT", "thinking-budget", "{\"mode\":\"custom\",\"customBudget\":1000}").statusCode())
                .isEqualTo(200);
        assertThat(chat(TEAM, CHAT).path("reasoning_effort").asText()).isEqualTo("low");

        // Adaptive, injected even where the client asked for nothing; Anthropic gets the budget itself.
        assertThat(settings("PUT", "thinking-budget", "{\"mode\":\"adaptive\",\"inject\":true,\"minBudget\":1024,"
                + "\"maxBudget\":8192,\"models\":[\"claude-*\"]}").statusCode()).isEqualTo(200);
        String body = "{\"model\":\"an/claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"yo\"},{\"role\":\"user\",\"content\":"
                + "\"more\"}],\"tools\":[{\"name\":\"t\",\"input_schema\":{\"type\":\"object\"}}]}";
        assertThat(Http.post(sluice, "/v1/messages", body, "x-api-key", CI).statusCode()).isEqualTo(200);
        JsonNode sent = json(anthropic.take().body());
        int expected = RequestRewrites.adaptive(new RequestSize(3, 1, RequestSize.estimateTokens(body.length())),
                1024, 8192);
        assertThat(expected).isEqualTo(1024 + 3 * 256 + 512 + (body.length() + 3) / 4 / 4);
        assertThat(sent.at("/thinking/budget_tokens").asInt()).isEqualTo(expected);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(expected + 100);
        assertThat(chat(TEAM, CHAT).path("reasoning_effort").asText()).as("o3 is not claude-*").isEqualTo("low");

        Path kept = dir.resolve("settings").resolve("system-prompt.json");
        assertThat(Files.readString(kept, StandardCharsets.UTF_8)).contains("Be brief.");
        assertThat(settings("DELETE", "system-prompt", null).statusCode()).isEqualTo(200);
        assertThat(settings("DELETE", "thinking-budget", null).statusCode()).isEqualTo(200);
        assertThat(Files.exists(kept)).isFalse();
        JsonNode after = chat(TEAM, CHAT);
        assertThat(systems(after)).containsExactly("Mine.");
        assertThat(after.path("reasoning_effort").asText()).isEqualTo("low");
    }

    @Test
    void badSettingsAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
        start("systemPrompt: {prompt: Kept., mode: append}\n");
        assertRefused(settings("PUT", "system-prompt", "{\"rules\":[{\"prompt\":\"x\",\"mode\":\"middle\"}]}"),
                "rules[0].mode: \\\"middle\\\" (expected: prepend, append or replace)");
        assertRefused(settings("PUT", "system-prompt", "{\"rules\":[{\"mode\":\"append\"}]}"),
                "rules[0].prompt: missing");
        assertRefused(settings("PUT", "system-prompt", "{\"prompt\":\"  \"}"), "prompt: ");
        assertRefused(settings("PUT", "system-prompt", "{\"enabled\":true}"), "prompt: missing");
        assertRefused(settings("PUT", "system-prompt", "{\"promt\":\"x\"}"), "did you mean prompt?");
        assertRefused(settings("PUT", "system-prompt", "{\"rules\":[{\"prompt\":\"x\",\"models\":\"gpt-*\"}]}"),
                "rules[0].models: \\\"gpt-*\\\" (expected: a list of strings)");
        assertRefused(settings("PUT", "thinking-budget", "{\"mode\":\"sometimes\"}"),
                "mode: \\\"sometimes\\\" (expected: passthrough, auto, custom or adaptive)");
        assertRefused(settings("PUT", "thinking-budget", "{\"mode\":\"custom\",\"budget\":-1}"), "budget: -1");
        assertRefused(settings("PUT", "thinking-budget", "{\"mode\":\"custom\",\"customBudget\":999999}"),
                "customBudget: 999999");
        assertRefused(settings("PUT", "thinking-budget", "{\"mode\":\"adaptive\",\"minBudget\":5000,"
                + "\"maxBudget\":1000}"), "maxBudget: 1000 (expected: >= minBudget (5000))");
        assertRefused(settings("PUT", "thinking-budget", "[]"), "body: not a JSON object");
        assertThat(systems(chat(TEAM, CHAT))).containsExactly("Mine.", "Kept.");
        assertThat(Files.exists(dir.resolve("settings").resolve("system-prompt.json"))).isFalse();
    }

    private static void assertRefused(HttpResponse<String> res, String message) throws Exception {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(400);
        assertThat(json(res.body()).path("success").asBoolean()).isFalse();
        assertThat(res.body()).contains(message);
    }

    @Test
    void rulesPickThePromptByClientKeyAndModelFirstMatchWinning() throws Exception {
        start("systemPrompt:\n"
                + "  rules:\n"
                + "    - {clientKeys: [team-a], prompt: Team A., mode: replace}\n"
                + "    - {models: [\"claude-*\"], prompt: Claude., mode: prepend}\n"
                + "  prompt: Everyone.\n"
                + "  mode: append\n");
        assertThat(systems(chat(TEAM, CHAT))).containsExactly("Team A.");
        assertThat(systems(chat(CI, CHAT))).containsExactly("Mine.", "Everyone.");
        assertThat(messages(CI, "an/claude-sonnet-4-5").path("system").asText()).isEqualTo("Claude.\n\nMine.");
        assertThat(messages(TEAM, "an/claude-sonnet-4-5").path("system").asText()).isEqualTo("Team A.");
        // Translated to the OpenAI provider: the rule for claude-* does not match gpt-4o.
        JsonNode translated = messages(CI, "oa/gpt-4o");
        assertThat(systems(translated)).containsExactly("Mine.", "Everyone.");
    }

    @Test
    void whatActedShowsInTheProviderLogAndTheRequestLog() throws Exception {
        start("systemPrompt: {prompt: Logged., mode: append}\nthinkingBudget: {mode: custom, budget: 2048}\n");
        chat(CI, CHAT);
        JsonNode logs = json(Http.get(sluice, "/api/monitoring/providers/oa/logs?count=10", "x-admin-key", ADMIN)
                .body());
        List<String> messages = logs.path("logs").findValuesAsText("message");
        assertThat(messages).anyMatch(m -> m.contains("system prompt append, thinking custom 2048"));
        sluice.close(); // writes out the request log
        sluice = null;
        Path file = dir.resolve("requests.jsonl");
        Await.until("the request log is written", () -> Files.exists(file) && Files.size(file) > 0);
        JsonNode line = json(Files.readAllLines(file, StandardCharsets.UTF_8).get(0));
        assertThat(line.path("rewrites").asText()).isEqualTo("system prompt append, thinking custom 2048");
        assertThat(line.at("/upstreamRequest/body").asText()).contains("Logged.").contains("\"medium\"");
        assertThat(line.at("/clientRequest/body").asText()).doesNotContain("Logged.");
    }
}
