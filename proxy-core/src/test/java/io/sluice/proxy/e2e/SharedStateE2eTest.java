package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.RedisServer;
import io.sluice.proxy.testing.TestConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared-state link on a real {@code redis-server}: {@code /health} and {@code /metrics} say whether Redis is
 * reachable; Redis killed, requests are still served and the instance says it is degraded; Redis back, it reconnects
 * by itself. The Redis password never shows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedStateE2eTest {

    private static final String PASSWORD = "redis-secret-0123456789";

    private static SluiceServer start(RedisServer redis) throws InterruptedException {
        return TestConfig.startYaml(TestConfig.config().mock().yaml()
                + "state:\n  namespace: e2e\n  instanceId: a-1\n  redis:\n    url: " + redis.url()
                + "\n    maxBackoff: 200ms\n");
    }

    @Test
    void healthSaysDegradedWhileRedisIsDownAndRequestsAreStillServed() throws Exception {
        try (RedisServer redis = RedisServer.start(PASSWORD); SluiceServer sluice = start(redis)) {
            Await.until("connected to Redis", () -> Http.get(sluice, "/health").body().contains("\"redis\":\"up\""));
            HttpResponse<String> health = Http.get(sluice, "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"ok\"", "\"instance\":\"a-1\"")
                    .doesNotContain(PASSWORD);
            assertThat(Prometheus.gauge(Prometheus.scrape(sluice), "sluice_state_redis_up")).hasValue(1.0);

            redis.kill();
            Await.until("degraded", () -> Http.get(sluice, "/health").body().contains("\"status\":\"degraded\""));
            assertThat(Http.get(sluice, "/health").statusCode()).isEqualTo(200);
            assertThat(Prometheus.gauge(Prometheus.scrape(sluice), "sluice_state_degraded")).hasValue(1.0);
            // Redis down never fails a request
            for (int i = 0; i < 5; i++) {
                assertThat(Http.chat(sluice, "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"still here\"}]}").statusCode()).isEqualTo(200);
            }

            redis.restart();
            Await.until("reconnected", Duration.ofSeconds(20),
                    () -> Http.get(sluice, "/health").body().contains("\"status\":\"ok\""));
            assertThat(Prometheus.gauge(Prometheus.scrape(sluice), "sluice_state_degraded")).hasValue(0.0);
        }
    }

    @Test
    void startsWithoutRedisAndConnectsWhenItComes() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.kill();
            try (SluiceServer sluice = start(redis)) {
                assertThat(Http.get(sluice, "/health").body()).contains("\"status\":\"degraded\"");
                assertThat(Http.chat(sluice, "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
                redis.restart();
                Await.until("connected once Redis is up", Duration.ofSeconds(20),
                        () -> Http.get(sluice, "/health").body().contains("\"redis\":\"up\""));
            }
        }
    }

    @Test
    void tlsWithAPrivateCa() throws Exception {
        try (RedisServer redis = RedisServer.startTls();
             SluiceServer sluice = TestConfig.startYaml(TestConfig.config().mock().yaml()
                     + "state:\n  instanceId: tls-1\n  redis:\n    url: " + redis.url() + "\n    caFile: "
                     + redis.caFile() + "\n    maxBackoff: 200ms\n")) {
            assertThat(redis.url().getScheme()).isEqualTo("rediss");
            Await.until("connected over TLS", () -> Http.get(sluice, "/health").body().contains("\"redis\":\"up\""));
            for (int i = 0; i < 2; i++) {
                Http.chat(sluice, "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
            }
            Await.until("usage shared over TLS", () -> Http.get(sluice, "/v1/stats").body()
                    .contains("\"scope\":\"cluster\""));
        }
    }

    @Test
    void anAclUserLimitedToItsNamespace() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            // the user may touch only its namespace's keys and channels, and run scripts
            assertThat(redis.command(List.of(), "ACL", "SETUSER", "sluice", "on", ">acl-pass-0123456789",
                    "~acl:*", "&acl:*", "+@all", "-@dangerous", "+info")).contains("+OK");
            URI url = URI.create("redis://sluice:acl-pass-0123456789@127.0.0.1:" + redis.port());
            try (SluiceServer sluice = TestConfig.startYaml(TestConfig.config().mock().yaml()
                    + "state:\n  namespace: acl\n  instanceId: acl-1\n  redis:\n    url: " + url
                    + "\n    maxBackoff: 200ms\n")) {
                Await.until("connected as the ACL user",
                        () -> Http.get(sluice, "/health").body().contains("\"redis\":\"up\""));
                assertThat(Http.get(sluice, "/health").body()).doesNotContain("acl-pass-0123456789")
                        .contains("sluice:****@");
                Http.chat(sluice, "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]}");
                Await.until("usage written under the namespace", () -> redis.command(List.of(), "KEYS", "acl:usage:*")
                        .contains("acl:usage:"));
                assertThat(redis.command(List.of(), "KEYS", "*")).doesNotContain("sluice:usage");
            }
        }
    }

    @Test
    void embeddedStateHealthIsUnchanged() throws Exception {
        try (SluiceServer sluice = TestConfig.config().mock().start()) {
            assertThat(Http.get(sluice, "/health").body()).isEqualTo("{\"status\":\"ok\"}");
        }
    }
}
