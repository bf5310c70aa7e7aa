package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7 on real sockets: per-provider logs and their API, usage in {@code /v1/stats} (real and estimated),
 * sessions, live stats, the live provider test, TTFT in Prometheus, usage surviving a restart, the request log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OperationsE2eTest {

    private static final String KEY_A = "sk-ops-aaaa-0000000001";
    private static final String KEY_B = "sk-ops-bbbb-0000000002";
    private static final String NO_USAGE = "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"0123456789abcdef\"},"
            + "\"finish_reason\":\"stop\"}]}";

    private static SluiceServer start(TestUpstream up, String extra) throws Exception {
        return TestConfig.startYaml("server: {host: 127.0.0.1, port: 0, ioThreads: 1, "
                + "shutdownGrace: 2s}\nprovidersFromEnv: false\n" + extra
                + "providers:\n  mock:\n    mock: {chunkDelay: 0ms}\n  p:\n    type: openai-compatible\n"
                + "    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n    apiKeys: [" + KEY_A + ", " + KEY_B + "]\n"
                + "    models: [m1, bare]\n");
    }

    /** Key A is rate limited; model "bare" answers without usage; the rest answer OpenAI's sample completion. */
    private static Reply script(TestUpstream.Received r) {
        if (r.header("authorization").endsWith(KEY_A)) {
            return Reply.json(429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}")
                    .header("retry-after", "60");
        }
        return Reply.json(200, r.body().contains("\"bare\"") ? NO_USAGE : OpenAiSdkTest.COMPLETION);
    }

    @Test
    void logsStatsSessionsLiveAndProviderTest() throws Exception {
        try (TestUpstream up = new TestUpstream(OperationsE2eTest::script);
             SluiceServer s = start(up, "")) {
            assertThat(Http.chat(s, Bodies.chat("p/m1", false, "hi")).statusCode()).isEqualTo(200);
            assertThat(Http.chat(s, Bodies.chat("p/m1", false, "hi")).statusCode()).isEqualTo(200);
            assertThat(Http.chat(s, Bodies.chat("p/bare", false, "hi")).statusCode())
                    .isEqualTo(200);
            HttpResponse<String> streamed = Http.chat(s, Bodies.chat("mock/echo", true, "a b c"));
            assertThat(streamed.body()).contains("[DONE]");

            // Logs: the cooldown of key A and each response, newest first, filterable by level.
            JsonNode logs = json(Http.get(s, "/api/monitoring/providers/p/logs?count=50").body());
            assertThat(logs.path("success").asBoolean()).isTrue();
            List<String> events = new ArrayList<>();
            logs.path("logs").forEach(e -> events.add(e.path("event").asText()));
            assertThat(events).contains("cooldown", "response");
            JsonNode cooldown = first(logs, "cooldown");
            assertThat(cooldown.path("level").asText()).isEqualTo("WARN"); // the seed's spelling
            assertThat(cooldown.path("key").asText()).isEqualTo("apiKeys[0]");
            assertThat(cooldown.path("status").asInt()).isEqualTo(429);
            JsonNode response = first(logs, "response");
            assertThat(response.path("level").asText()).isEqualTo("INFO");
            assertThat(response.path("status").asInt()).isEqualTo(200);
            assertThat(response.path("model").asText()).isIn("m1", "bare");
            assertThat(response.path("latencyMs").isNumber()).isTrue();
            assertThat(response.path("timestampMs").asLong()).isGreaterThan(System.currentTimeMillis() - 60_000);
            // The seed's ISO-8601 time, to the millisecond.
            assertThat(java.time.Instant.parse(response.path("timestamp").asText()).toEpochMilli())
                    .isEqualTo(response.path("timestampMs").asLong());
            assertThat(response.path("timestamp").asText())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            String allLogs = Http.get(s, "/api/monitoring/providers/logs/all?count=100").body();
            assertThat(allLogs).doesNotContain(KEY_A).doesNotContain(KEY_B);
            JsonNode warnOnly = json(Http.get(s, "/api/monitoring/providers/p/logs?level=warn").body());
            warnOnly.path("logs").forEach(e -> assertThat(e.path("level").asText()).isIn("WARN", "ERROR"));
            assertThat(warnOnly.path("count").asInt()).isEqualTo(warnOnly.path("logs").size());
            assertThat(warnOnly.path("logs").size()).isGreaterThan(0);
            assertThat(json(Http.get(s, "/api/monitoring/providers/logs/all?count=1").body()).path("logs").size())
                    .isEqualTo(1);
            assertThat(Http.get(s, "/api/monitoring/providers/p/logs?level=loud").statusCode()).isEqualTo(400);
            assertThat(Http.get(s, "/api/monitoring/providers/p/logs?count=-1").statusCode()).isEqualTo(400);
            JsonNode stats = json(Http.get(s, "/api/monitoring/providers/logs/stats").body());
            JsonNode pStats = row(stats.path("providers"), "provider", "p");
            assertThat(pStats.path("warn").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(pStats.path("info").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(row(stats.path("providers"), "provider", "mock").path("info").asLong()).isEqualTo(1);

            // Usage: the provider's own numbers, per key; "bare" reported none and is estimated, and says so.
            JsonNode usage = json(Http.get(s, "/v1/stats").body());
            assertThat(usage.path("object").asText()).isEqualTo("stats");
            JsonNode m1 = row2(usage.path("models"), "p", "m1");
            assertThat(m1.path("requests").asLong()).isEqualTo(2);
            assertThat(m1.path("promptTokens").asLong()).isEqualTo(38);
            assertThat(m1.path("completionTokens").asLong()).isEqualTo(20);
            assertThat(m1.path("estimatedRequests").asLong()).isZero();
            JsonNode bare = row2(usage.path("models"), "p", "bare");
            assertThat(bare.path("estimatedRequests").asLong()).isEqualTo(1);
            assertThat(bare.path("completionTokens").asLong()).isPositive();
            JsonNode keyB = row(usage.path("keys"), "key", "apiKeys[1]");
            assertThat(keyB.path("requests").asLong()).isEqualTo(3);
            assertThat(row(usage.path("providers"), "provider", "mock").path("completionTokens").asLong())
                    .isPositive();
            assertThat(usage.toString()).doesNotContain(KEY_A).doesNotContain(KEY_B);

            // Sessions: the anonymous client's totals.
            JsonNode sessions = json(Http.get(s, "/api/sessions").body());
            JsonNode anon = row(sessions.path("clients"), "client", "anonymous");
            assertThat(anon.path("requests").asLong()).isEqualTo(4);
            assertThat(sessions.path("active").size()).isZero();

            // Live: the last minute's rate counts whole seconds, so wait for this one to end.
            Await.until("live stats show the requests", Duration.ofSeconds(5),
                    () -> json(Http.get(s, "/api/stats/live").body()).path("requestsPerSecond").asDouble() > 0);
            JsonNode live = json(Http.get(s, "/api/stats/live").body());
            assertThat(live.path("perSecond").size()).isEqualTo(60);
            assertThat(live.path("latencyMs").path("p99").asDouble()).isPositive();

            // TTFT in Prometheus for the streamed request.
            assertThat(Http.get(s, "/metrics").body())
                    .contains("llm_time_to_first_token_seconds_count{provider=\"mock\"}");

            // The live test: key A is refused by the provider, key B answers; both logged as "test".
            HttpResponse<String> tested = Http.post(s, "/api/monitoring/providers/p/test", "");
            assertThat(tested.statusCode()).isEqualTo(200);
            JsonNode t = json(tested.body());
            assertThat(t.path("success").asBoolean()).isFalse();
            assertThat(t.path("model").asText()).isEqualTo("m1");
            JsonNode ra = row(t.path("results"), "key", "apiKeys[0]");
            assertThat(ra.path("ok").asBoolean()).isFalse();
            assertThat(ra.path("status").asInt()).isEqualTo(429);
            assertThat(ra.path("error").asText()).contains("slow down");
            JsonNode rb = row(t.path("results"), "key", "apiKeys[1]");
            assertThat(rb.path("ok").asBoolean()).isTrue();
            assertThat(rb.path("reply").asText()).isEqualTo("Hello! How can I assist you today?");
            assertThat(tested.body()).doesNotContain(KEY_A).doesNotContain(KEY_B);
            JsonNode onlyB = json(Http.post(s, "/api/monitoring/providers/p/test?key=apiKeys[1]", "").body());
            assertThat(onlyB.path("success").asBoolean()).isTrue();
            assertThat(onlyB.path("results").size()).isEqualTo(1);
            assertThat(Http.post(s, "/api/monitoring/providers/p/test?key=nope", "").statusCode()).isEqualTo(404);
            assertThat(Http.get(s, "/api/monitoring/providers/p/test").statusCode()).isEqualTo(405);
            JsonNode mockTest = json(Http.post(s, "/api/monitoring/providers/mock/test?model=echo", "").body());
            assertThat(mockTest.path("success").asBoolean()).isTrue();
            assertThat(first(json(Http.get(s, "/api/monitoring/providers/p/logs?count=5").body()), "test")
                    .path("event").asText()).isEqualTo("test");

            // Rotation is logged; clearing empties the ring.
            assertThat(Http.post(s, "/api/monitoring/providers/p/rotate-token", "").statusCode()).isEqualTo(200);
            assertThat(first(json(Http.get(s, "/api/monitoring/providers/p/logs").body()), "rotation").isMissingNode())
                    .isFalse();
            JsonNode cleared = json(Http.post(s, "/api/monitoring/providers/p/logs/clear", "").body());
            assertThat(cleared.path("cleared").asInt()).isPositive();
            assertThat(json(Http.get(s, "/api/monitoring/providers/p/logs").body()).path("logs").size()).isZero();
            assertThat(Http.get(s, "/api/monitoring/providers/p/logs/clear").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void inFlightStreamIsASession() throws Exception {
        try (TestUpstream up = new TestUpstream(OperationsE2eTest::script);
             SluiceServer s = TestConfig.startYaml("server: {host: 127.0.0.1, port: 0, ioThreads: 1,"
                     + " shutdownGrace: 100ms}\nprovidersFromEnv: false\nproviders:\n  mock:\n"
                     + "    mock: {chunkDelay: 200ms, chunkWords: 1}\n")) {
            HttpRequest req = Http.request(s, "POST", "/v1/chat/completions", Bodies.chat("mock/echo", true,
                    "one two three four five six seven eight nine ten"));
            HttpResponse<InputStream> res = Http.client(s).send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                in.read(new byte[16]);
                JsonNode sessions = json(Http.get(s, "/api/sessions").body());
                assertThat(sessions.path("active").size()).isEqualTo(1);
                JsonNode a = sessions.path("active").get(0);
                assertThat(a.path("model").asText()).isEqualTo("mock/echo");
                assertThat(a.path("provider").asText()).isEqualTo("mock");
                assertThat(a.path("stream").asBoolean()).isTrue();
                assertThat(a.path("firstByteMs").isNumber()).isTrue();
                assertThat(json(Http.get(s, "/api/stats/live").body()).path("inFlight").asInt()).isEqualTo(1);
            }
        }
    }

    @Test
    void usageSurvivesARestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("usage.jsonl");
        String usage = "usage: {file: " + file + "}\n";
        JsonNode before;
        try (TestUpstream up = new TestUpstream(OperationsE2eTest::script)) {
            try (SluiceServer s = start(up, usage)) {
                for (int i = 0; i < 3; i++) {
                    assertThat(Http.chat(s, Bodies.chat("p/m1", false, "hi")).statusCode())
                            .isEqualTo(200);
                }
                before = json(Http.get(s, "/v1/stats").body());
            }
            assertThat(Files.readAllLines(file)).isNotEmpty();
            try (SluiceServer s = start(up, usage)) {
                JsonNode after = json(Http.get(s, "/v1/stats").body());
                assertThat(after.path("requests").asLong()).isEqualTo(3);
                assertThat(after.path("tokens")).isEqualTo(before.path("tokens"));
                assertThat(after.path("models")).isEqualTo(before.path("models"));
                assertThat(after.path("keys")).isEqualTo(before.path("keys"));
                assertThat(after.path("since").asLong()).isEqualTo(before.path("since").asLong());
                assertThat(Http.chat(s, Bodies.chat("p/m1", false, "hi")).statusCode())
                        .isEqualTo(200);
                assertThat(json(Http.get(s, "/v1/stats").body()).path("requests").asLong()).isEqualTo(4);
            }
        }
    }

    @Test
    void requestLogKeepsTheFourPartsWithSecretsMasked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requests.jsonl");
        String clientSecret = "sk-client-secret-99999999";
        try (TestUpstream up = new TestUpstream(OperationsE2eTest::script);
             SluiceServer s = start(up, "logs: {requests: {enabled: true, file: " + file + "}}\n")) {
            HttpResponse<String> r = Http.chat(s, Bodies.chat("p/m1", false, "log me"),
                    "authorization", "Bearer " + clientSecret);
            assertThat(r.statusCode()).isEqualTo(200);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(KEY_A).doesNotContain(KEY_B).doesNotContain(clientSecret);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        JsonNode line = json(lines.get(0));
        assertThat(line.path("status").asInt()).isEqualTo(200);
        assertThat(line.path("provider").asText()).isEqualTo("p");
        assertThat(line.toString()).contains("log me");
        assertThat(line.path("upstreamRequest").toString()).contains("m1");
        assertThat(line.path("upstreamResponse").toString()).contains("Hello! How can I assist you today?");
        assertThat(line.path("clientResponse").toString()).contains("Hello! How can I assist you today?");
    }

    private static JsonNode first(JsonNode logs, String event) {
        for (JsonNode e : logs.path("logs")) {
            if (e.path("event").asText().equals(event)) {
                return e;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static JsonNode row(JsonNode rows, String field, String value) {
        for (JsonNode r : rows) {
            if (r.path(field).asText().equals(value)) {
                return r;
            }
        }
        throw new AssertionError("no row with " + field + "=" + value + " in " + rows);
    }

    private static JsonNode row2(JsonNode rows, String provider, String model) {
        for (JsonNode r : rows) {
            if (r.path("provider").asText().equals(provider) && r.path("model").asText().equals(model)) {
                return r;
            }
        }
        throw new AssertionError("no row " + provider + "/" + model + " in " + rows);
    }
}
