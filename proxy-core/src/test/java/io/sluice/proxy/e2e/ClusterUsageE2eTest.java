package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.RedisServer;
import io.sluice.proxy.testing.TestConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The usage ledger across instances on a real {@code redis-server}: every instance's {@code /v1/stats} shows the
 * cluster's figures, each request once, and a line per instance; Redis killed mid-load and started again empty, the
 * figures come back whole: nothing lost, nothing counted twice, and no client request failed meanwhile.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterUsageE2eTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"count me once\"}]}";

    static SluiceServer start(RedisServer redis, String instance) throws InterruptedException {
        return TestConfig.startYaml(TestConfig.config().mock().yaml()
                + "state:\n  namespace: usage-e2e\n  instanceId: " + instance + "\n  redis:\n    url: " + redis.url()
                + "\n    maxBackoff: 200ms\n");
    }

    static JsonNode stats(SluiceServer s) throws IOException, InterruptedException {
        return JSON.readTree(Http.get(s, "/v1/stats").body());
    }

    private static void chat(SluiceServer s, int n) throws IOException, InterruptedException {
        for (int i = 0; i < n; i++) {
            assertThat(Http.chat(s, CHAT).statusCode()).isEqualTo(200);
        }
    }

    private static long instanceRequests(JsonNode stats, String instance) {
        for (JsonNode i : stats.path("instances")) {
            if (i.path("instance").asText().equals(instance)) {
                return i.path("requests").asLong();
            }
        }
        return -1;
    }

    @Test
    void everyInstanceShowsTheClusterOnceAndEachInstance() throws Exception {
        try (RedisServer redis = RedisServer.start(); SluiceServer a = start(redis, "a");
             SluiceServer b = start(redis, "b"); SluiceServer c = start(redis, "c")) {
            List<SluiceServer> all = List.of(a, b, c);
            for (SluiceServer s : all) {
                Await.until("connected", () -> Http.get(s, "/health").body().contains("\"redis\":\"up\""));
            }
            chat(a, 3);
            chat(b, 5);
            chat(c, 7);
            long tokens = 0;
            for (SluiceServer s : all) {
                JsonNode local = stats(s).path("local");
                tokens += local.path("tokens").path("total").asLong();
            }
            assertThat(tokens).isPositive();
            for (SluiceServer s : all) {
                Await.until("the cluster's 15 requests on every instance", Duration.ofSeconds(20),
                        () -> stats(s).path("requests").asLong() == 15 && stats(s).path("instances").size() == 3);
            }
            // a few sync rounds later, still each request once
            Thread.sleep(2 * 1000 + 500);
            for (SluiceServer s : all) {
                JsonNode st = stats(s);
                assertThat(st.path("scope").asText()).isEqualTo("cluster");
                assertThat(st.path("requests").asLong()).isEqualTo(15);
                assertThat(st.path("tokens").path("total").asLong()).isEqualTo(tokens);
                assertThat(instanceRequests(st, "a")).isEqualTo(3);
                assertThat(instanceRequests(st, "b")).isEqualTo(5);
                assertThat(instanceRequests(st, "c")).isEqualTo(7);
                assertThat(st.path("models").get(0).path("model").asText()).isEqualTo("echo");
                assertThat(st.path("models").get(0).path("requests").asLong()).isEqualTo(15);
                for (JsonNode i : st.path("instances")) {
                    assertThat(i.path("live").asBoolean()).isTrue();
                }
            }
            assertThat(stats(b).path("local").path("requests").asLong()).isEqualTo(5);
            assertThat(stats(b).path("instance").asText()).isEqualTo("b");
            // namespaced keys, and no secret in them
            String keys = redis.command(null, "KEYS", "*");
            assertThat(keys).contains("usage-e2e:usage:runs", "usage-e2e:usage:run:a@")
                    .doesNotContain(TestConfig.UPSTREAM_KEY);
            // Redis loses everything behind the instances' backs (a failover, FLUSHALL): each writes its run again
            redis.command(null, "FLUSHALL");
            for (SluiceServer s : all) {
                Await.until("the cluster's figures back after FLUSHALL", Duration.ofSeconds(20),
                        () -> redis.command(null, "SCARD", "usage-e2e:usage:runs").contains(":3")
                                && stats(s).path("requests").asLong() == 15
                                && instanceRequests(stats(s), "c") == 7);
            }
        }
    }

    @Test
    void redisKilledMidLoadAndRestartedEmptyLosesAndDoublesNothing() throws Exception {
        try (RedisServer redis = RedisServer.start(); SluiceServer a = start(redis, "a");
             SluiceServer b = start(redis, "b")) {
            for (SluiceServer s : List.of(a, b)) {
                Await.until("connected", () -> Http.get(s, "/health").body().contains("\"redis\":\"up\""));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            ExecutorService load = Executors.newFixedThreadPool(2);
            List<Future<?>> clients = new ArrayList<>();
            for (SluiceServer s : List.of(a, b)) {
                clients.add(load.submit(() -> {
                    while (!stop.get()) {
                        try {
                            if (Http.chat(s, CHAT).statusCode() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (IOException | InterruptedException e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            try {
                Thread.sleep(1500); // some batches reach Redis
                redis.kill();
                Await.until("degraded", () -> Http.get(a, "/health").body().contains("\"status\":\"degraded\""));
                Thread.sleep(1500); // load while Redis is gone
                redis.restart(); // empty: no persistence
                Await.until("reconnected", Duration.ofSeconds(20),
                        () -> Http.get(a, "/health").body().contains("\"redis\":\"up\"")
                                && Http.get(b, "/health").body().contains("\"redis\":\"up\""));
                Thread.sleep(1500); // load after the restart
            } finally {
                stop.set(true);
                for (Future<?> f : clients) {
                    f.get(30, TimeUnit.SECONDS);
                }
                load.shutdown();
            }
            assertThat(failed.get()).isZero();
            int sent = ok.get();
            assertThat(sent).isGreaterThan(20);
            Await.until("every answered request counted locally", () -> stats(a).path("local").path("requests")
                    .asLong() + stats(b).path("local").path("requests").asLong() == sent);
            long localA = stats(a).path("local").path("requests").asLong();
            long localB = stats(b).path("local").path("requests").asLong();
            for (SluiceServer s : List.of(a, b)) {
                Await.until("the cluster's " + sent + " requests", Duration.ofSeconds(20),
                        () -> stats(s).path("requests").asLong() == sent);
            }
            Thread.sleep(2500);
            for (SluiceServer s : List.of(a, b)) {
                JsonNode st = stats(s);
                assertThat(st.path("requests").asLong()).isEqualTo(sent);
                assertThat(instanceRequests(st, "a")).isEqualTo(localA);
                assertThat(instanceRequests(st, "b")).isEqualTo(localB);
            }
        }
    }

    @Test
    void withoutSharedStateStatsAreUnchanged() throws Exception {
        try (SluiceServer s = TestConfig.config().mock().start()) {
            chat(s, 2);
            JsonNode st = stats(s);
            assertThat(st.path("requests").asLong()).isEqualTo(2);
            assertThat(st.has("scope")).isFalse();
            assertThat(st.has("instances")).isFalse();
        }
    }
}
