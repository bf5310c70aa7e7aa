package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client keys and IP rules on real sockets, with the official SDKs as clients: an exposed Sluice refuses requests
 * without a valid client key in each client's own error shape, keys limit models and rates, usage is told per key,
 * the key never reaches a provider, a log, a metric or the admin API, and the IP rules hold behind a proxy.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessE2eTest {

    private static final String TEAM = "sk-team-0123456789abcdef";
    private static final String CI = "sk-ci-aaaaaaaaaaaaaaaa01";
    private static final String LIMITED = "sk-limited-000000000007";
    private static final String ADMIN = "admin-key-0000000000000001";
    private static final String PROVIDER_KEY = "sk-provider-000000000099";

    /** Sluice bound to every address (so keys are required), with the mock and an OpenAI-compatible upstream. */
    private static SluiceServer exposed(TestUpstream up, String access) throws Exception {
        return TestConfig.startYaml("server: {host: 0.0.0.0, port: 0, ioThreads: 1, "
                + "shutdownGrace: 100ms, adminKey: " + ADMIN + "}\nprovidersFromEnv: false\n" + access
                + "providers:\n  mock:\n    mock: {chunkDelay: 0ms}\n  p:\n    type: openai-compatible\n"
                + "    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n    apiKeys: [" + PROVIDER_KEY + "]\n"
                + "    models: [m1, m2]\n");
    }

    private static final String KEYS = "access:\n  clientKeys:\n    team: " + TEAM + "\n"
            + "    ci: {key: " + CI + ", models: [\"mock/*\", m1]}\n"
            + "    limited: {key: " + LIMITED + ", rateLimit: 2}\n";

    private static ChatCompletionCreateParams params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("the quick brown fox").build();
    }

    /** What the upstream received, in order. */
    private final List<TestUpstream.Received> seen = new CopyOnWriteArrayList<>();

    private Reply completion(TestUpstream.Received r) {
        seen.add(r);
        return Reply.json(200, OpenAiSdkTest.COMPLETION);
    }

    @Test
    void anExposedSluiceRefusesRequestsWithoutAValidKeyInEachClientsShape() throws Exception {
        try (TestUpstream up = new TestUpstream(this::completion);
             SluiceServer s = exposed(up, KEYS)) {
            // OpenAI SDK: a wrong key is a 401 in OpenAI's shape, which the SDK turns into its own exception.
            assertThatThrownBy(() -> Sdks.openAi(s, "sk-wrong-00000000000000000").chat().completions()
                    .create(params("mock/echo")))
                    .isInstanceOfSatisfying(com.openai.errors.UnauthorizedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(401);
                        assertThat(e.body().toString()).contains("invalid_api_key").contains("sk-...0000");
                    });
            // Anthropic SDK: the same refusal in Anthropic's shape.
            assertThatThrownBy(() -> Sdks.anthropic(s, "sk-ant-wrong-000000000000").messages().create(
                    MessageCreateParams.builder().model("mock/echo").maxTokens(64).addUserMessage("hi").build()))
                    .isInstanceOfSatisfying(com.anthropic.errors.UnauthorizedException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(401));
            HttpResponse<String> raw = Http.post(s, "/v1/messages", Bodies.messages("mock/echo", 9, "hi"));
            assertThat(raw.statusCode()).isEqualTo(401);
            JsonNode anthropicError = json(raw.body());
            assertThat(anthropicError.path("type").asText()).isEqualTo("error");
            assertThat(anthropicError.path("error").path("type").asText()).isEqualTo("authentication_error");
            assertThat(raw.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"sluice\"");
            // No key at all, on each model route and on /v1/models.
            HttpResponse<String> none = Http.chat(s, Bodies.chat("mock/echo", false, "hi"));
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(json(none.body()).path("error").path("code").asText()).isEqualTo("missing_api_key");
            assertThat(Http.get(s, "/v1/models").statusCode()).isEqualTo(401);
            assertThat(Http.post(s, "/v1/embeddings", Bodies.embeddings("mock/echo", "x")).statusCode())
                    .isEqualTo(401);
            assertThat(Http.post(s, "/v1beta/models/mock/echo:generateContent", "{\"contents\":[]}")
                    .statusCode()).isEqualTo(401);
            // /health stays open for load balancers; the provider was never called.
            assertThat(Http.get(s, "/health").statusCode()).isEqualTo(200);
            assertThat(seen).isEmpty();

            // The right key works through both SDKs, streaming and not, and through each way of sending it.
            ChatCompletion cc = Sdks.openAi(s, TEAM).chat().completions().create(params("mock/echo"));
            assertThat(cc.choices().get(0).message().content()).hasValue("the quick brown fox");
            ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
            try (StreamResponse<ChatCompletionChunk> stream = Sdks.openAi(s, TEAM).chat().completions()
                    .createStreaming(params("mock/echo"))) {
                stream.stream().forEach(acc::accumulate);
            }
            assertThat(acc.chatCompletion().choices().get(0).message().content()).hasValue("the quick brown fox");
            Message m = Sdks.anthropic(s, TEAM).messages().create(MessageCreateParams.builder().model("mock/echo")
                    .maxTokens(64).addUserMessage("hello there").build());
            assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("hello there");
            assertThat(Http.post(s, "/v1beta/models/mock/echo:generateContent?key=" + TEAM,
                    Bodies.gemini("hi")).statusCode()).isEqualTo(200);
            assertThat(Http.post(s, "/v1beta/models/mock/echo:generateContent",
                    Bodies.gemini("hi"), "x-goog-api-key", TEAM)
                    .statusCode()).isEqualTo(200);

            // The client key is Sluice's, never the provider's: the upstream sees the provider key only.
            assertThat(Sdks.openAi(s, TEAM).chat().completions().create(params("p/m1")).choices()).isNotEmpty();
            TestUpstream.Received got = seen.get(0);
            assertThat(got.header("authorization")).isEqualTo("Bearer " + PROVIDER_KEY);
            assertThat(got.headers().toString()).doesNotContain(TEAM);

            // Refusals are counted by reason, with no key in any label.
            String metrics = Http.get(s, "/metrics").body();
            assertThat(metrics).contains("access_denied_total{reason=\"invalid_key\"}")
                    .contains("access_denied_total{reason=\"missing_key\"}").doesNotContain(TEAM)
                    .doesNotContain("sk-wrong");
        }
    }

    @Test
    void allowListsRateLimitsUsageAndTheAdminView() throws Exception {
        try (TestUpstream up = new TestUpstream(this::completion);
             SluiceServer s = exposed(up, KEYS)) {
            // ci may use the mock and m1 only: m2 is refused before any upstream call, in the client's shape.
            assertThat(Sdks.openAi(s, CI).chat().completions().create(params("p/m1")).choices()).isNotEmpty();
            assertThatThrownBy(() -> Sdks.openAi(s, CI).chat().completions().create(params("p/m2")))
                    .isInstanceOfSatisfying(com.openai.errors.PermissionDeniedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.body().toString()).contains("model_not_allowed")
                                .contains("model `p/m2` is not allowed for client key 'ci'");
                    });
            assertThatThrownBy(() -> Sdks.anthropic(s, CI).messages().create(MessageCreateParams.builder().model("p/m2")
                    .maxTokens(8).addUserMessage("hi").build()))
                    .isInstanceOf(com.anthropic.errors.PermissionDeniedException.class);
            assertThat(seen).hasSize(1);
            // Its model list shows what it may use; team sees everything.
            List<String> ciModels = ids(Http.get(s, "/v1/models", "authorization", "Bearer " + CI));
            List<String> allModels = ids(Http.get(s, "/v1/models", "authorization", "Bearer " + TEAM));
            assertThat(ciModels).isNotEmpty().allMatch(id -> id.startsWith("mock") || id.endsWith("m1"))
                    .noneMatch(id -> id.endsWith("m2"));
            assertThat(allModels).hasSizeGreaterThan(ciModels.size()).anyMatch(id -> id.endsWith("m2"));

            // limited has 2 requests a minute: the third is 429 with Retry-After, naming the key, not showing it.
            OpenAIClient limited = Sdks.openAi(s, LIMITED);
            limited.chat().completions().create(params("mock/echo"));
            limited.chat().completions().create(params("mock/echo"));
            HttpResponse<String> third = Http.chat(s, Bodies.chat("mock/echo", false, "x"),
                    "authorization", "Bearer " + LIMITED);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("retry-after")).isPresent();
            assertThat(json(third.body()).path("error").path("message").asText())
                    .isEqualTo("rate limit of 2 requests per minute for client key 'limited' reached");
            assertThat(Sdks.openAi(s, TEAM).chat().completions().create(params("mock/echo")).choices()).isNotEmpty();

            // The admin key is a client key too, unrestricted, counted as "admin".
            assertThat(Sdks.openAi(s, ADMIN).chat().completions().create(params("p/m2")).choices()).isNotEmpty();

            // Usage and sessions tell clients apart by key name; no key appears anywhere in the admin API.
            JsonNode stats = json(Http.get(s, "/v1/stats", "x-admin-key", ADMIN).body());
            Map<String, Long> byClient = new java.util.HashMap<>();
            stats.path("clientKeys").forEach(r -> byClient.put(r.path("client").asText(), r.path("requests").asLong()));
            assertThat(byClient).containsEntry("ci", 1L).containsEntry("limited", 2L).containsEntry("team", 1L)
                    .containsEntry("admin", 1L);
            JsonNode sessions = json(Http.get(s, "/api/sessions", "x-admin-key", ADMIN).body());
            List<String> clients = new ArrayList<>();
            sessions.path("clients").forEach(c -> clients.add(c.path("client").asText()));
            assertThat(clients).contains("ci", "limited", "team", "admin");
            JsonNode access = json(Http.get(s, "/api/access", "x-admin-key", ADMIN).body());
            assertThat(access.path("requireClientKey").asBoolean()).isTrue();
            assertThat(access.path("openRelay").asBoolean()).isFalse();
            assertThat(access.path("clientKeys").get(1).path("name").asText()).isEqualTo("ci");
            assertThat(access.path("clientKeys").get(1).path("key").asText()).isEqualTo("sk-...aa01");
            assertThat(access.path("clientKeys").get(2).path("rateLimit").asLong()).isEqualTo(2);
            String everything = stats + sessions.toString() + access
                    + Http.get(s, "/api/monitoring/providers/logs/all?count=500", "x-admin-key", ADMIN)
                    .body() + Http.get(s, "/metrics").body();
            for (String secret : List.of(TEAM, CI, LIMITED, ADMIN, PROVIDER_KEY)) {
                assertThat(everything).doesNotContain(secret);
            }
            // A client key is not an admin key.
            assertThat(Http.get(s, "/api/access", "authorization", "Bearer " + TEAM).statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void aRefusedBodyIsReadPastAndTheConnectionServesTheNextRequest() throws Exception {
        try (TestUpstream up = new TestUpstream(this::completion);
             SluiceServer s = exposed(up, KEYS);
             RawHttp c = RawHttp.connect(s)) {
            String big = Bodies.chat("mock/echo", false, "x".repeat(200_000));
            c.postJson("/v1/chat/completions", big);
            HttpWire.Message refused = c.readResponse();
            assertThat(refused.status()).isEqualTo(401);
            String body = Bodies.chat("mock/echo", false, "again");
            c.postJson("/v1/chat/completions", body, "Authorization", "Bearer " + TEAM);
            HttpWire.Message ok = c.readResponse();
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.text()).contains("again");
        }
    }

    @Test
    void exposedWithoutKeysDoesNotStartUnlessTheOperatorSaysSo() throws Exception {
        try (TestUpstream up = new TestUpstream(this::completion)) {
            assertThatThrownBy(() -> exposed(up, "")).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("no client keys are configured");
            try (SluiceServer open = exposed(up, "access: {requireClientKey: false}\n")) {
                assertThat(Http.chat(open, Bodies.chat("mock/echo", false, "hi"))
                        .statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void ipRulesRefuseInTheClientsShapeAndCloseTheConnection() throws Exception {
        try (TestUpstream up = new TestUpstream(this::completion);
             SluiceServer s = exposed(up, KEYS + "  ipDeny: [127.0.0.0/8]\n")) {
            HttpResponse<String> openAiShape = Http.chat(s,
                    Bodies.chat("mock/echo", false, "hi"), "authorization", "Bearer " + TEAM);
            assertThat(openAiShape.statusCode()).isEqualTo(403);
            assertThat(json(openAiShape.body()).path("error").path("code").asText()).isEqualTo("ip_not_allowed");
            assertThat(json(openAiShape.body()).path("error").path("message").asText())
                    .isEqualTo("requests from 127.0.0.1 are not allowed");
            HttpResponse<String> anthropicShape = Http.post(s, "/v1/messages",
                    Bodies.messages("mock/echo", 9, "hi"), "x-api-key", TEAM);
            assertThat(anthropicShape.statusCode()).isEqualTo(403);
            assertThat(json(anthropicShape.body()).path("error").path("type").asText()).isEqualTo("permission_error");
            // Every route, the admin API and /health included, and the connection is closed after the answer.
            assertThat(Http.get(s, "/health").statusCode()).isEqualTo(403);
            assertThat(openAiShape.headers().firstValue("connection")).hasValue("close");
            assertThat(Http.get(s, "/metrics").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void behindATrustedProxyTheForwardedAddressIsJudged() throws Exception {
        CopyOnWriteArrayList<Integer> statuses = new CopyOnWriteArrayList<>();
        try (TestUpstream up = new TestUpstream(this::completion);
             SluiceServer s = exposed(up, KEYS + "  ipAllow: [10.0.0.0/8]\n  ipDeny: [10.66.0.0/16]\n"
                     + "  trustedProxies: [127.0.0.1]\n")) {
            for (String xff : new String[] {"10.1.2.3", "203.0.113.9, 10.1.2.3", "10.1.2.3, 203.0.113.9",
                    "10.66.1.1", "garbage"}) {
                statuses.add(Http.chat(s, Bodies.chat("mock/echo", false, "hi"),
                        "authorization", "Bearer " + TEAM, "x-forwarded-for", xff).statusCode());
            }
            // Direct from 127.0.0.1 without the header: the peer itself is judged, and is not in 10/8.
            statuses.add(Http.chat(s, Bodies.chat("mock/echo", false, "hi"),
                    "authorization", "Bearer " + TEAM).statusCode());
            // The client cannot pick its address: a spoofed 10.x left of its real one changes nothing.
            assertThat(statuses).containsExactly(200, 200, 403, 403, 403, 403);
        }
    }

    private static List<String> ids(HttpResponse<String> res) {
        assertThat(res.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        json(res.body()).path("data").forEach(d -> ids.add(d.path("id").asText()));
        return ids;
    }
}
