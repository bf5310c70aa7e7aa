package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.Prometheus.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 7: the GitHub-Models seed's helper endpoints, started as its seed starts (GITHUB_TOKEN alone) against
 * a loopback GitHub Models, driven with the seed README's own curl bodies. Shapes are the seed's
 * ({@code server.js}, {@code model-limits-utils.mjs}); errors are OpenAI's, naming the field.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SeedHelpersE2eTest {

    private static final String SERVER = "server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n";
    private static final String TOKEN = "gho_seed0123456789abcd";

    private final AtomicReference<Function<TestUpstream.Received, Reply>> answer = new AtomicReference<>(
            r -> Reply.json(200, Bodies.completion("from github")));
    private TestUpstream github;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws InterruptedException {
        github = new TestUpstream(r -> answer.get().apply(r));
        sluice = start("");
    }

    private SluiceServer start(String yaml) throws InterruptedException {
        return SluiceServer.start(ConfigLoader.parse(SERVER + yaml, Map.of("GITHUB_TOKEN", TOKEN,
                "ATLAS_BASE_URL", "http://127.0.0.1:" + github.port() + "/inference")));
    }

    @AfterEach
    void stop() {
        sluice.close();
        github.close();
    }

    /** The seed README: {@code curl -X POST /v1/simple-chat -d '{"message": "Привіт!", "model": "gpt-4o-mini"}'}. */
    @Test
    void simpleChatAsTheSeedsCurl() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/simple-chat",
                "{\"message\": \"Привіт!\", \"model\": \"gpt-4o-mini\"}", "Content-Type", "application/json");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode body = json(res.body());
        assertThat(body.get("message").asText()).isEqualTo("from github"); // the seed's server.js
        assertThat(body.get("response").asText()).isEqualTo("from github"); // what the seed's page reads
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(2);
        assertThat(res.headers().firstValue("x-upstream-queue")).hasValue("0"); // the free tier's gate
        // Through the normal path: the seed's bare id reached today's catalog id, the seed's system message first.
        TestUpstream.Received got = github.take();
        assertThat(got.uri()).isEqualTo("/inference/chat/completions");
        assertThat(got.header("authorization")).isEqualTo("Bearer " + TOKEN);
        JsonNode sent = json(got.body());
        assertThat(sent.get("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("You are a helpful assistant.");
        assertThat(sent.at("/messages/1/content").asText()).isEqualTo("Привіт!");
        assertThat(sent.get("stream").asBoolean()).isFalse();
    }

    @Test
    void simpleChatErrorsNameTheField() throws Exception {
        HttpResponse<String> noMessage = Http.post(sluice, "/v1/simple-chat", "{\"model\": \"gpt-4o-mini\"}");
        assertThat(noMessage.statusCode()).isEqualTo(400);
        assertThat(json(noMessage.body()).at("/error/message").asText()).isEqualTo("message: required");
        assertThat(json(noMessage.body()).at("/error/param").asText()).isEqualTo("message");

        HttpResponse<String> noModel = Http.post(sluice, "/v1/simple-chat", "{\"message\": \"hi\"}");
        assertThat(json(noModel.body()).at("/error/param").asText()).isEqualTo("model");

        HttpResponse<String> notJson = Http.post(sluice, "/v1/simple-chat", "{\"message\": ");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson.body()).at("/error/code").asText()).isEqualTo("invalid_json");

        HttpResponse<String> badTemperature = Http.post(sluice, "/v1/simple-chat",
                "{\"message\": \"hi\", \"model\": \"gpt-4o-mini\", \"temperature\": \"hot\"}");
        assertThat(json(badTemperature.body()).at("/error/message").asText())
                .isEqualTo("temperature: expected a number, got a string");

        HttpResponse<String> unknown = Http.post(sluice, "/v1/simple-chat",
                "{\"message\": \"hi\", \"model\": \"gpt-4o-minni\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        assertThat(json(unknown.body()).at("/error/message").asText()).contains("did you mean");

        HttpResponse<String> get = Http.get(sluice, "/v1/simple-chat");
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("allow")).hasValue("POST");
        assertThat(github.requestsWaiting()).isZero();
    }

    @Test
    void aProviderErrorReachesTheSimpleChatClientInOpenAiShape() throws Exception {
        answer.set(r -> Reply.json(400, "{\"error\":{\"message\":\"bad things\",\"type\":\"invalid_request_error\","
                + "\"code\":\"bad\"}}"));
        HttpResponse<String> res = Http.post(sluice, "/v1/simple-chat",
                "{\"message\": \"hi\", \"model\": \"gpt-4o-mini\"}");
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(json(res.body()).at("/error/message").asText()).isEqualTo("bad things");
    }

    /** The seed README's recommend-model curl: fast, general, a large context. */
    @Test
    void recommendModelAsTheSeedsCurl() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/recommend-model", "{\n"
                + "    \"speed\": \"high\",\n    \"quality\": \"medium\", \n    \"contextSize\": \"large\",\n"
                + "    \"task\": \"general\"\n  }");

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode body = json(res.body());
        JsonNode recs = body.get("recommendations");
        assertThat(recs).hasSize(3); // the seed's top 3
        long last = Long.MAX_VALUE;
        for (JsonNode r : recs) {
            assertThat(r.get("score").asLong()).isLessThanOrEqualTo(last);
            last = r.get("score").asLong();
            assertThat(r.get("name").asText()).startsWith("atlas-"); // an id /v1/models lists: callable as is
            assertThat(r.get("provider").asText()).isEqualTo("github-models");
            assertThat(r.get("tasks").toString()).contains("general");
            assertThat(r.get("why").toString()).contains("context window").contains("suits task general");
            for (String scale : List.of("speed", "quality", "context", "cost")) {
                assertThat(r.get(scale).asInt()).isBetween(1, 5);
            }
        }
        // Fast and a large context: the 256K Jamba mini leads (small model, the largest window of the fast ones).
        assertThat(recs.get(0).get("name").asText()).isEqualTo("atlas-ai21-labs/ai21-jamba-1.5-mini");
        assertThat(recs.get(0).get("contextWindow").asInt()).isEqualTo(256_000);
        assertThat(body.at("/requirements/speed").asText()).isEqualTo("high");
        assertThat(body.at("/requirements/cost").asText()).isEqualTo("medium");
        assertThat(body.get("considered").asInt()).isEqualTo(54); // 58 less the four embedding models
        // Every recommendation is callable.
        assertThat(Http.chat(sluice, Bodies.chat(recs.get(0).get("name").asText(), false, "hi")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void recommendModelForATokenCountAndTaskAndItsErrors() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/recommend-model",
                "{\"contextSize\": 200000, \"task\": \"reasoning\", \"quality\": \"high\", \"limit\": 10}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode recs = json(res.body()).get("recommendations");
        assertThat(recs.size()).isBetween(1, 10);
        for (JsonNode r : recs) {
            assertThat(r.get("contextWindow").asInt()).isGreaterThanOrEqualTo(200_000);
        }
        assertThat(recs.get(0).get("tasks").toString()).contains("reasoning");

        HttpResponse<String> bad = Http.post(sluice, "/v1/recommend-model", "{\"speed\": \"ludicrous\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).at("/error/message").asText())
                .isEqualTo("speed: ludicrous (expected one of: low, medium, high)");
        assertThat(json(bad.body()).at("/error/param").asText()).isEqualTo("speed");
        HttpResponse<String> task = Http.post(sluice, "/v1/recommend-model", "{\"task\": \"poetry\"}");
        assertThat(json(task.body()).at("/error/param").asText()).isEqualTo("task");
        // An empty body is the seed's defaults.
        assertThat(Http.post(sluice, "/v1/recommend-model", "").statusCode()).isEqualTo(200);
    }

    @Test
    void checkContextAgainstTheCatalogsLimits() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/check-context",
                "{\"text\": \"" + "a".repeat(400) + "\", \"model\": \"gpt-4o-mini\"}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode body = json(res.body());
        assertThat(body.get("estimatedTokens").asLong()).isEqualTo(100); // the seed's 4 characters a token
        assertThat(body.get("limit").asInt()).isEqualTo(128_000);
        assertThat(body.get("fits").asBoolean()).isTrue();
        assertThat(body.get("usage").asDouble()).isEqualTo(0.1);
        assertThat(body.get("maxOutputTokens").asInt()).isEqualTo(16_384);
        assertThat(body.get("availableOutputTokens").asInt()).isEqualTo(16_384);
        assertThat(body.get("upstreamModel").asText()).isEqualTo("openai/gpt-4o-mini");

        // The seed's Phi-3-mini-4k with 20,000 characters: over the window.
        HttpResponse<String> over = Http.post(sluice, "/v1/check-context",
                "{\"text\": \"" + "b".repeat(20_000) + "\", \"model\": \"Phi-3-mini-4k-instruct\"}");
        JsonNode o = json(over.body());
        assertThat(o.get("fits").asBoolean()).isFalse();
        assertThat(o.get("limit").asInt()).isEqualTo(4_096);
        assertThat(o.get("problems").get(0).asText()).contains("5,000 tokens").contains("4,096");

        // A chat request's messages, with max_tokens over the model's output cap.
        HttpResponse<String> chat = Http.post(sluice, "/v1/check-context", "{\"model\": \"gpt-4o-mini\","
                + "\"messages\": [{\"role\": \"user\", \"content\": \"" + "c".repeat(40) + "\"}],"
                + "\"max_tokens\": 20000}");
        JsonNode c = json(chat.body());
        assertThat(c.get("estimatedTokens").asLong()).isEqualTo(13); // 10 + 3 for the message
        assertThat(c.get("fits").asBoolean()).isFalse();
        assertThat(c.get("problems").get(0).asText()).contains("output cap of 16,384");

        // Limits the catalog does not know: said, not invented.
        HttpResponse<String> unknown = Http.post(sluice, "/v1/check-context",
                "{\"text\": \"hi\", \"model\": \"openai/gpt-5\"}");
        JsonNode u = json(unknown.body());
        assertThat(u.get("limit").isNull()).isTrue();
        assertThat(u.get("fits").isNull()).isTrue();
        assertThat(u.get("note").asText()).contains("not in Sluice's catalog");
        assertThat(github.requestsWaiting()).isZero(); // no provider call
    }

    @Test
    void checkContextErrors() throws Exception {
        HttpResponse<String> noText = Http.post(sluice, "/v1/check-context", "{\"model\": \"gpt-4o-mini\"}");
        assertThat(noText.statusCode()).isEqualTo(400);
        assertThat(json(noText.body()).at("/error/param").asText()).isEqualTo("text");
        HttpResponse<String> unknown = Http.post(sluice, "/v1/check-context",
                "{\"model\": \"no-such-model\", \"text\": \"x\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        HttpResponse<String> badMessages = Http.post(sluice, "/v1/check-context",
                "{\"model\": \"gpt-4o-mini\", \"messages\": \"hello\"}");
        assertThat(badMessages.statusCode()).isEqualTo(400);
        assertThat(json(badMessages.body()).at("/error/param").asText()).isEqualTo("messages");
        HttpResponse<String> array = Http.post(sluice, "/v1/check-context", "[1, 2]");
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(json(array.body()).at("/error/code").asText()).isEqualTo("invalid_json");
    }

    /** README: {@code GET /v1/test-model}; the seed's server.js also takes {@code POST {model}}. */
    @Test
    void testModelByGetAndPost() throws Exception {
        HttpResponse<String> res = Http.get(sluice, "/v1/test-model?model=gpt-4o-mini");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode body = json(res.body());
        assertThat(body.get("working").asBoolean()).isTrue();
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("response").asText()).isEqualTo("from github");
        JsonNode sent = json(github.take().body());
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Hello"); // the seed's test call
        assertThat(sent.get("max_tokens").asInt()).isEqualTo(10);

        HttpResponse<String> post = Http.post(sluice, "/v1/test-model", "{\"model\": \"xai/grok-3\"}");
        assertThat(json(post.body()).get("working").asBoolean()).isTrue();
        assertThat(json(github.take().body()).get("model").asText()).isEqualTo("xai/grok-3");

        // The model exists but fails: a test result, not an error.
        answer.set(r -> Reply.json(400, "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens'\","
                + "\"type\":\"invalid_request_error\"}}"));
        HttpResponse<String> failing = Http.get(sluice, "/v1/test-model?model=o1");
        assertThat(failing.statusCode()).isEqualTo(200);
        JsonNode f = json(failing.body());
        assertThat(f.get("working").asBoolean()).isFalse();
        assertThat(f.get("error").asText()).contains("Unsupported parameter");
        assertThat(f.get("status").asInt()).isEqualTo(400);

        HttpResponse<String> unknown = Http.get(sluice, "/v1/test-model?model=nope-3");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        HttpResponse<String> none = Http.get(sluice, "/v1/test-model");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(json(none.body()).at("/error/message").asText()).isEqualTo("model: required");
    }

    /** The seed's page: {@code POST /v1/proxy {model, type, input, options}}. */
    @Test
    void proxyChatResponsesAndStream() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/proxy", "{\"model\": \"gpt-4o-mini\", \"type\": \"chat\","
                + " \"input\": \"Hi\", \"options\": {\"temperature\": 0.2}}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(json(res.body()).at("/choices/0/message/content").asText()).isEqualTo("from github");
        JsonNode sent = json(github.take().body());
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(sent.at("/messages/0/content").asText()).isEqualTo("Hi");
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);

        // An array of messages goes as it is.
        Http.post(sluice, "/v1/proxy", "{\"model\": \"gpt-4o-mini\", \"input\": [{\"role\": \"system\","
                + " \"content\": \"be brief\"}, {\"role\": \"user\", \"content\": \"Hi\"}]}");
        assertThat(json(github.take().body()).get("messages")).hasSize(2);

        // Any other type is the Responses API, translated for this chat-completions provider.
        HttpResponse<String> responses = Http.post(sluice, "/v1/proxy",
                "{\"model\": \"gpt-4o-mini\", \"type\": \"responses\", \"input\": \"Hi\"}");
        assertThat(responses.statusCode()).as(responses.body()).isEqualTo(200);
        assertThat(json(responses.body()).get("object").asText()).isEqualTo("response");
        assertThat(responses.body()).contains("from github");
        assertThat(github.take().uri()).isEqualTo("/inference/chat/completions");

        // options.stream: the answer streams as chat completion chunks.
        answer.set(r -> Reply.sse("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"streamed\"},"
                + "\"finish_reason\":null}]}\n\n", "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}\n\n",
                "data: [DONE]\n\n"));
        HttpResponse<String> stream = Http.post(sluice, "/v1/proxy",
                "{\"model\": \"gpt-4o-mini\", \"input\": \"Hi\", \"options\": {\"stream\": true}}");
        assertThat(stream.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(stream.body()).contains("streamed").contains("data: [DONE]");
    }

    @Test
    void proxyErrors() throws Exception {
        HttpResponse<String> noModel = Http.post(sluice, "/v1/proxy", "{\"input\": \"Hi\"}");
        assertThat(noModel.statusCode()).isEqualTo(400);
        assertThat(json(noModel.body()).at("/error/message").asText()).isEqualTo("model: required");
        HttpResponse<String> noInput = Http.post(sluice, "/v1/proxy", "{\"model\": \"gpt-4o-mini\"}");
        assertThat(json(noInput.body()).at("/error/param").asText()).isEqualTo("input");
        HttpResponse<String> type = Http.post(sluice, "/v1/proxy",
                "{\"model\": \"gpt-4o-mini\", \"input\": \"x\", \"type\": \"embeddings\"}");
        assertThat(json(type.body()).at("/error/param").asText()).isEqualTo("type");
        HttpResponse<String> options = Http.post(sluice, "/v1/proxy",
                "{\"model\": \"gpt-4o-mini\", \"input\": \"x\", \"options\": {\"model\": \"other\"}}");
        assertThat(json(options.body()).at("/error/param").asText()).isEqualTo("options.model");
        assertThat(github.requestsWaiting()).isZero();
    }

    /** {@code GET /v1/history}: recent requests of every route, names not keys, newest first. */
    @Test
    void historyListsRecentRequestsMasked() throws Exception {
        Http.post(sluice, "/v1/simple-chat", "{\"message\": \"one\", \"model\": \"gpt-4o-mini\"}");
        Http.chat(sluice, Bodies.chat("gpt-4o", false, "two"));
        Http.get(sluice, "/v1/test-model?model=gpt-4o-mini");

        HttpResponse<String> res = Http.get(sluice, "/v1/history");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode list = json(res.body());
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(3);
        List<String> routes = new ArrayList<>();
        list.forEach(e -> routes.add(e.get("route").asText()));
        assertThat(routes).containsExactly("/v1/test-model", "/v1/chat/completions", "/v1/simple-chat");
        JsonNode first = list.get(2);
        assertThat(first.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(first.get("provider").asText()).isEqualTo("github-models");
        assertThat(first.get("upstreamModel").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(first.get("status").asInt()).isEqualTo(200);
        assertThat(first.get("key").asText()).isEqualTo("GITHUB_TOKEN"); // its name, never the token
        assertThat(first.get("client").asText()).isEqualTo("anonymous");
        assertThat(first.at("/usage/total_tokens").asLong()).isEqualTo(2);
        assertThat(first.get("ts").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(res.body()).doesNotContain(TOKEN).doesNotContain("one"); // no secrets, no prompts

        assertThat(json(Http.get(sluice, "/v1/history?limit=1").body())).hasSize(1);
        assertThat(Http.get(sluice, "/v1/history?limit=0").statusCode()).isEqualTo(400);
        // The seed's page POSTs an entry and shows what comes back: the list, nothing stored.
        HttpResponse<String> post = Http.post(sluice, "/v1/history", "{\"ts\": \"x\", \"req\": {}}");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(json(post.body())).hasSize(3);
    }

    /** /v1/history shows every client's requests: the admin key guards it; the other helpers are client routes. */
    @Test
    void historyIsTheAdminsAndTheHelpersTheClients() throws Exception {
        sluice.close();
        sluice = SluiceServer.start(ConfigLoader.parse("server: {host: 127.0.0.1, port: 0, ioThreads: 1,"
                + " shutdownGrace: 100ms, adminKey: admin-0123456789abcdef}\n"
                + "access:\n  clientKeys:\n    team: sk-team-0123456789abcdef\n", Map.of("GITHUB_TOKEN", TOKEN,
                "ATLAS_BASE_URL", "http://127.0.0.1:" + github.port() + "/inference")));
        String chat = "{\"message\": \"hi\", \"model\": \"gpt-4o-mini\"}";
        assertThat(Http.post(sluice, "/v1/simple-chat", chat).statusCode()).isEqualTo(401);
        assertThat(Http.post(sluice, "/v1/recommend-model", "{}").statusCode()).isEqualTo(401);
        assertThat(Http.get(sluice, "/v1/test-model?model=gpt-4o-mini").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = Http.post(sluice, "/v1/simple-chat", chat,
                "Authorization", "Bearer sk-team-0123456789abcdef");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);

        assertThat(Http.get(sluice, "/v1/history", "Authorization", "Bearer sk-team-0123456789abcdef")
                .statusCode()).isEqualTo(401);
        HttpResponse<String> history = Http.get(sluice, "/v1/history", "x-admin-key", "admin-0123456789abcdef");
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(json(history.body()).get(0).get("client").asText()).isEqualTo("team");
        assertThat(history.body()).doesNotContain("sk-team-0123456789abcdef");
    }

    /** The opt-in request log has each helper call as the route it came in on, with what went upstream. */
    @Test
    void theRequestLogShowsTheHelpers(@TempDir Path dir) throws Exception {
        sluice.close();
        Path file = dir.resolve("requests.jsonl");
        sluice = start("logs: {requests: {enabled: true, file: " + file + "}}\n");
        Http.post(sluice, "/v1/simple-chat", "{\"message\": \"log me\", \"model\": \"gpt-4o-mini\"}");
        Http.post(sluice, "/v1/check-context", "{\"model\": \"gpt-4o-mini\", \"text\": \"x\"}");
        sluice.close();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode chat = json(lines.get(0));
        assertThat(chat.get("uri").asText()).isEqualTo("/v1/simple-chat");
        assertThat(chat.get("provider").asText()).isEqualTo("github-models");
        assertThat(chat.path("upstreamRequest").toString()).contains("log me").contains("openai/gpt-4o-mini");
        assertThat(chat.path("clientResponse").toString()).contains("from github");
        assertThat(json(lines.get(1)).get("uri").asText()).isEqualTo("/v1/check-context");
        assertThat(String.join("\n", lines)).doesNotContain(TOKEN);
    }

    /** Metrics and the request log see the helpers under their own routes. */
    @Test
    void metricsCountEachHelperUnderItsRoute() throws Exception {
        Http.post(sluice, "/v1/simple-chat", "{\"message\": \"hi\", \"model\": \"gpt-4o-mini\"}");
        Http.post(sluice, "/v1/recommend-model", "{}");
        Http.post(sluice, "/v1/check-context", "{\"model\": \"gpt-4o-mini\"}");
        String scrape = Prometheus.scrape(sluice);
        assertThat(sample(scrape, "http_requests_total", "POST", "/v1/simple-chat", "200")).hasValue(1.0);
        assertThat(sample(scrape, "http_requests_total", "POST", "/v1/recommend-model", "200")).hasValue(1.0);
        assertThat(sample(scrape, "http_requests_total", "POST", "/v1/check-context", "400")).hasValue(1.0);
        assertThat(sample(scrape, "llm_tokens_total", "provider", "github-models", "model", "openai/gpt-4o-mini",
                "kind", "prompt")).hasValue(1.0);
    }
}
