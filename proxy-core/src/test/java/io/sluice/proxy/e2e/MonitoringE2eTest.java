package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The monitoring API over the scheduler's live state, and who may call it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MonitoringE2eTest {

    private static final String KEY_A = "sk-monitor-aaaa-0000001";
    private static final String KEY_B = "sk-monitor-bbbb-0000002";

    private static SluiceServer start(String server, TestUpstream up) throws Exception {
        return TestConfig.startYaml("server: {" + server + ", port: 0, ioThreads: 1, "
                + "shutdownGrace: 100ms}\nprovidersFromEnv: false\naccess: {requireClientKey:"
                + " false}\nrateLimits: {perProvider: 1000}\n"
                + "concurrency: {maxConcurrent: 3}\nproviders:\n  mock: {}\n  p:\n    type: openai-compatible\n"
                + "    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n    apiKeys: [" + KEY_A + ", " + KEY_B + "]\n"
                + "    models: [m1, m2]\n  off:\n    type: openai\n    enabled: false\n");
    }

    @Test
    void providersTokensRotationAndLimits() throws Exception {
        try (TestUpstream up = new TestUpstream(r -> r.header("authorization").endsWith(KEY_A)
                ? Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}").header("retry-after", "40")
                : Reply.json(200, OpenAiSdkTest.COMPLETION));
             SluiceServer s = start("host: 127.0.0.1", up)) {
            assertThat(Http.chat(s, Bodies.chat("p/m1", false, "x")).statusCode()).isEqualTo(200);

            JsonNode providers = json(Http.get(s, "/api/monitoring/providers").body());
            assertThat(providers.path("success").asBoolean()).isTrue();
            assertThat(providers.path("total").asInt()).isEqualTo(3);
            JsonNode p = providers.path("providers").get(1);
            assertThat(p.path("name").asText()).isEqualTo("p");
            assertThat(p.path("enabled").asBoolean()).isTrue();
            assertThat(p.path("configured").asBoolean()).isTrue();
            assertThat(p.path("healthy").asBoolean()).isTrue();
            assertThat(p.path("modelCount").asInt()).isEqualTo(2);
            JsonNode off = providers.path("providers").get(2);
            assertThat(off.path("enabled").asBoolean()).isFalse();
            assertThat(off.path("configured").asBoolean()).isFalse(); // openai without a key
            // The seed's counts and types: every type Sluice knows, and the ones nobody configured here.
            assertThat(providers.path("enabled").asInt()).isEqualTo(2);
            assertThat(providers.path("configured").asInt()).isEqualTo(2);
            List<String> types = new java.util.ArrayList<>();
            providers.path("available_types").forEach(t -> types.add(t.path("type").asText()));
            assertThat(types).contains("openai", "anthropic", "gemini", "ollama", "github-models", "github-copilot")
                    .doesNotContain("mock");
            List<String> unconfigured = new java.util.ArrayList<>();
            providers.path("unconfigured_types").forEach(t -> unconfigured.add(t.asText()));
            assertThat(unconfigured).contains("openai", "anthropic").doesNotContain("openai-compatible");

            HttpResponse<String> tokensRes = Http.get(s, "/api/monitoring/providers/p/tokens");
            assertThat(tokensRes.body()).doesNotContain(KEY_A).doesNotContain(KEY_B);
            JsonNode tokens = json(tokensRes.body());
            assertThat(tokens.path("total").asInt()).isEqualTo(2);
            assertThat(tokens.path("blocked").asInt()).isEqualTo(1);
            assertThat(tokens.path("current_token").asText()).isEqualTo("apiKeys[1]"); // the one that answered
            JsonNode a = tokens.path("tokens").get(0);
            assertThat(a.path("key").asText()).isEqualTo("apiKeys[0]");
            assertThat(a.path("masked").asText()).isEqualTo("sk-...0001");
            assertThat(a.path("blocked").asBoolean()).isTrue();
            assertThat(a.path("blockedUntil").asLong()).isGreaterThan(System.currentTimeMillis() + 30_000);
            assertThat(a.path("failures").asInt()).isEqualTo(1);
            JsonNode b = tokens.path("tokens").get(1);
            assertThat(b.path("active").asBoolean()).isTrue();
            assertThat(b.path("requests").asLong()).isEqualTo(1);
            assertThat(b.path("tokensUsed").asLong()).isPositive();

            // GET .../{name}/models: the ids clients use and what each sends upstream.
            JsonNode models = json(Http.get(s, "/api/monitoring/providers/p/models").body());
            assertThat(models.path("count").asInt()).isEqualTo(2);
            assertThat(models.path("models").get(0).path("id").asText()).isEqualTo("ext-p-m1");
            assertThat(models.path("models").get(0).path("upstream").asText()).isEqualTo("m1");
            JsonNode offModels = json(Http.get(s, "/api/monitoring/providers/off/models").body());
            assertThat(offModels.path("enabled").asBoolean()).isFalse();
            assertThat(offModels.path("count").asInt()).isPositive(); // its catalog, though off
            assertThat(Http.post(s, "/api/monitoring/providers/p/models", "").statusCode()).isEqualTo(405);
            JsonNode all = json(Http.get(s, "/api/monitoring/providers/tokens/all").body());
            assertThat(all.path("providers").size()).isEqualTo(1);
            assertThat(all.path("total_providers").asInt()).isEqualTo(1);
            assertThat(all.path("tokens").path("p").path("total").asInt()).isEqualTo(2); // keyed by provider
            HttpResponse<String> rotate = Http.post(s, "/api/monitoring/providers/p/rotate-token", "");
            assertThat(rotate.statusCode()).isEqualTo(200);
            assertThat(Http.get(s, "/api/monitoring/providers/p/rotate-token").statusCode()).isEqualTo(405);
            assertThat(Http.post(s, "/api/monitoring/providers/mock/rotate-token", "").statusCode()).isEqualTo(409);
            assertThat(Http.get(s, "/api/monitoring/providers/nope/tokens").statusCode()).isEqualTo(404);

            JsonNode limits = json(Http.get(s, "/api/rate-limits").body());
            assertThat(limits.path("enabled").asBoolean()).isTrue();
            assertThat(limits.path("perMinute").path("perProvider").asInt()).isEqualTo(1000);
            assertThat(limits.path("providers").get(0).path("gate").path("maxConcurrent").asInt()).isEqualTo(3);
        }
    }

    @Test
    void anExposedInstanceClosesTheAdminApiUnlessKeyed() throws Exception {
        try (TestUpstream up = new TestUpstream(r -> Reply.json(200, OpenAiSdkTest.COMPLETION))) {
            try (SluiceServer open = start("host: 0.0.0.0", up)) {
                HttpResponse<String> res = Http.get(open, "/api/monitoring/providers");
                assertThat(res.statusCode()).isEqualTo(403);
                assertThat(json(res.body()).path("error").asText()).contains("server.adminKey");
            }
            try (SluiceServer keyed = start("host: 0.0.0.0, adminKey: admin-secret-0001", up)) {
                assertThat(Http.get(keyed, "/api/monitoring/providers").statusCode()).isEqualTo(401);
                HttpResponse<String> ok = Http.get(keyed, "/api/monitoring/providers",
                        "authorization", "Bearer admin-secret-0001");
                assertThat(ok.statusCode()).isEqualTo(200);
                HttpResponse<String> wrong = Http.get(keyed, "/api/rate-limits", "x-admin-key", "admin-secret-0002");
                assertThat(wrong.statusCode()).isEqualTo(401);
                assertThat(wrong.body()).doesNotContain("admin-secret");
            }
        }
    }
}
