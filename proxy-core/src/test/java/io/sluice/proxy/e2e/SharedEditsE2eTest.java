package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.RedisServer;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 19 item 4 on a real {@code redis-server} and three instances: a runtime setting changed on one instance is in
 * force on the others; a provider key added on one serves on the others, sealed in Redis with {@code state.secret};
 * without the secret, key edits stay where they were made and the answer says so; an instance started later loads
 * the changes from Redis.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedEditsE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OLD_KEY = "sk-old-key-00000000000000001";
    private static final String NEW_KEY = "sk-new-key-00000000000000002";
    private static final String SECRET = "state-secret-0123456789abcdef";
    private static final String NS = "edits-e2e";
    private static final String CHAT = "{\"model\":\"p/m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<TestUpstream.Received> hits = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T c) {
        open.add(c);
        return c;
    }

    /** Accepts only {@link #NEW_KEY}. */
    private TestUpstream upstream() throws InterruptedException {
        return closing(new TestUpstream(r -> {
            hits.add(r);
            return r.header("authorization") != null && r.header("authorization").endsWith(NEW_KEY)
                    ? Reply.json(200, OpenAiSdkTest.COMPLETION)
                    : Reply.json(401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}");
        }));
    }

    private SluiceServer instance(RedisServer redis, TestUpstream up, String id, String secret) throws Exception {
        return closing(TestConfig.startYaml(TestConfig.config().providersYaml("  p:\n    type: openai-compatible\n"
                + "    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n    apiKeys: [" + OLD_KEY + "]\n"
                + "    models: [m1]\n").yaml() + "state:\n  namespace: " + NS + "\n  instanceId: " + id
                + (secret == null ? "" : "\n  secret: " + secret) + "\n  redis:\n    url: " + redis.url()
                + "\n    maxBackoff: 200ms\n"));
    }

    private List<SluiceServer> cluster(RedisServer redis, TestUpstream up, String secret) throws Exception {
        List<SluiceServer> all = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            all.add(instance(redis, up, id, secret));
        }
        Await.until("three subscribers", Duration.ofSeconds(20), () -> redis.command(null, "PUBSUB", "NUMSUB",
                NS + ":config").endsWith(":3\r\n"));
        return all;
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void aSettingChangedOnOneInstanceIsInForceOnTheOthers() throws Exception {
        RedisServer redis = closing(RedisServer.start());
        TestUpstream up = upstream();
        List<SluiceServer> s = cluster(redis, up, SECRET);
        HttpResponse<String> put = Http.send(s.get(0), "PUT", "/api/settings/system-prompt",
                "{\"enabled\":true,\"prompt\":\"Answer in French.\",\"mode\":\"prepend\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(put).path("shared").asBoolean()).isTrue();
        for (SluiceServer other : List.of(s.get(1), s.get(2))) {
            Await.until("setting on the other instance", Duration.ofSeconds(5), () -> json(Http.get(other,
                    "/api/settings/system-prompt")).path("value").path("prompt").asText().equals("Answer in French."));
        }
        // Reset on B: back to the file's value everywhere
        assertThat(Http.send(s.get(1), "DELETE", "/api/settings/system-prompt", null).statusCode()).isEqualTo(200);
        for (SluiceServer other : List.of(s.get(0), s.get(2))) {
            Await.until("reset on the other instance", Duration.ofSeconds(5), () -> !json(Http.get(other,
                    "/api/settings/system-prompt")).path("value").path("enabled").asBoolean());
        }
    }

    @Test
    void aProviderKeyAddedOnOneInstanceServesOnTheOthersAndIsSealedInRedis() throws Exception {
        RedisServer redis = closing(RedisServer.start());
        TestUpstream up = upstream();
        List<SluiceServer> s = cluster(redis, up, SECRET);
        assertThat(Http.chat(s.get(1), CHAT).statusCode()).isEqualTo(401); // the old key is refused upstream
        HttpResponse<String> edit = Http.post(s.get(0), "/api/monitoring/providers/p/config",
                "{\"api_keys\":[\"" + NEW_KEY + "\"]}");
        assertThat(edit.statusCode()).as(edit.body()).isEqualTo(200);
        assertThat(json(edit).path("shared").asBoolean()).isTrue();
        assertThat(edit.body()).doesNotContain(NEW_KEY);
        for (SluiceServer other : List.of(s.get(1), s.get(2))) {
            Await.until("new key in force", Duration.ofSeconds(5),
                    () -> other.config().provider("p").orElseThrow().apiKeys().contains(NEW_KEY));
            hits.clear();
            assertThat(Http.chat(other, CHAT).statusCode()).isEqualTo(200);
            assertThat(hits).extracting(r -> r.header("authorization")).containsOnly("Bearer " + NEW_KEY);
        }
        String stored = redis.command(null, "HGETALL", NS + ":config");
        assertThat(stored).contains("provider:p:api_keys").doesNotContain(NEW_KEY).doesNotContain("sk-new");

        // An instance started later loads the edit from Redis.
        SluiceServer late = instance(redis, up, "d", SECRET);
        Await.until("late instance has the key", Duration.ofSeconds(10),
                () -> late.config().provider("p").orElseThrow().apiKeys().contains(NEW_KEY));
        assertThat(Http.chat(late, CHAT).statusCode()).isEqualTo(200);
    }

    @Test
    void withoutASecretKeyEditsStayLocalAndOtherFieldsAreShared() throws Exception {
        RedisServer redis = closing(RedisServer.start());
        TestUpstream up = upstream();
        List<SluiceServer> s = cluster(redis, up, null);
        HttpResponse<String> edit = Http.post(s.get(0), "/api/monitoring/providers/p/config",
                "{\"api_keys\":[\"" + NEW_KEY + "\"],\"models\":[\"m1\",\"m2\"]}");
        assertThat(edit.statusCode()).as(edit.body()).isEqualTo(200);
        assertThat(json(edit).path("shared").asBoolean()).isFalse();
        assertThat(json(edit).path("note").asText()).contains("state.secret");
        Await.until("models shared", Duration.ofSeconds(5),
                () -> s.get(1).config().provider("p").orElseThrow().models().contains("m2"));
        assertThat(s.get(1).config().provider("p").orElseThrow().apiKeys()).containsExactly(OLD_KEY);
        assertThat(redis.command(null, "HGETALL", NS + ":config")).doesNotContain(NEW_KEY);
    }

    @Test
    void aChangeMadeWhileRedisIsDownIsSharedWhenItIsBack() throws Exception {
        RedisServer redis = closing(RedisServer.start());
        TestUpstream up = upstream();
        List<SluiceServer> s = cluster(redis, up, SECRET);
        redis.kill();
        Await.until("degraded", Duration.ofSeconds(10), () -> Http.get(s.get(0), "/health").body()
                .contains("\"status\":\"degraded\""));
        HttpResponse<String> put = Http.send(s.get(0), "PUT", "/api/settings/system-prompt",
                "{\"enabled\":true,\"prompt\":\"Be brief.\",\"mode\":\"prepend\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200); // in force here at once
        assertThat(json(Http.get(s.get(1), "/api/settings/system-prompt")).path("value").path("prompt").asText())
                .isNotEqualTo("Be brief.");
        redis.restart();
        for (SluiceServer other : List.of(s.get(1), s.get(2))) {
            Await.until("setting shared after reconnection", Duration.ofSeconds(20), () -> json(Http.get(other,
                    "/api/settings/system-prompt")).path("value").path("prompt").asText().equals("Be brief."));
        }
    }
}
