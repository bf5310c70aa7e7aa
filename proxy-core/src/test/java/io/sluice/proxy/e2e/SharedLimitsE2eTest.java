package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.RedisServer;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rate limits shared by three instances on a real {@code redis-server} (issue 19): the global limit, the client keys'
 * and a provider's each admit their figure ± 5 % across the cluster however the load is spread; Redis killed under
 * load, no request fails, each instance goes on limiting locally at its share and says it is degraded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedLimitsE2eTest {

    private static final String TEAM = "sk-team-limits-0000000000000001";
    private static final String CI = "sk-ci-limits-00000000000000000002";
    private static final String BULK = "sk-bulk-limits-000000000000000003";
    private static final String UPSTREAM_OK = "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}]}";

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    /** Three instances of {@code yaml} sharing {@code redis} under {@code namespace}, each once it has joined. */
    private static List<SluiceServer> cluster(RedisServer redis, String namespace, String yaml) throws Exception {
        List<SluiceServer> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            servers.add(TestConfig.startYaml(yaml + "state:\n  namespace: " + namespace + "\n  instanceId: i-" + i
                    + "\n  redis:\n    url: " + redis.url() + "\n    maxBackoff: 200ms\n"));
        }
        for (SluiceServer s : servers) {
            Await.until("connected to Redis", () -> Http.get(s, "/health").body().contains("\"redis\":\"up\""));
        }
        // Each counts the others before the load starts: the fallback divides by 3, blocks are sized for 3
        Await.until("3 live instances", Duration.ofSeconds(15),
                () -> redis.command(null, "ZCARD", namespace + ":instances").contains(":3"));
        for (SluiceServer s : servers) { // a heartbeat of each after the third joined
            Await.until("sees 3 instances", Duration.ofSeconds(15), () -> Prometheus.gauge(Prometheus.scrape(s),
                    "sluice_state_instances").orElse(0.0) == 3.0);
        }
        return servers;
    }

    private static void closeAll(List<SluiceServer> servers) {
        for (SluiceServer s : servers) {
            s.close();
        }
    }

    /** The answers of one {@link #hammer} by status (-1: no answer) and how long it took. */
    private record Run(String what, Map<Integer, Integer> byStatus, double seconds) {
        int count(int status) {
            return byStatus.getOrDefault(status, 0);
        }

        /** Only admitted (200) or refused by a limit (429): nothing failed. */
        void nothingFailed() {
            assertThat(byStatus.keySet()).as("%s: %s", what, byStatus).isSubsetOf(200, 429);
        }

        /**
         * Admitted what one bucket of {@code perMinute} admits in this run, across the cluster: its burst, plus what
         * it refilled meanwhile, within the 5 % of the limit.
         */
        void admitted(long perMinute) {
            double expected = perMinute + perMinute / 60.0 * seconds;
            assertThat((double) count(200)).as("%s: %s in %.2f s, expected %.0f", what, byStatus, seconds, expected)
                    .isBetween(expected - perMinute * 0.05, expected + perMinute * 0.05);
        }
    }

    /**
     * Sends {@code n} requests from 24 threads, request {@code i} to instance {@code i % 3}, and prints the figures
     * for the record of the run (the README quotes them).
     */
    private static Run hammer(String what, List<SluiceServer> servers, int n, IntFunction<String[]> headers,
                              String body) throws Exception {
        Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(24);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 24; t++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        SluiceServer s = servers.get(i % servers.size());
                        HttpRequest req = Http.request(s, "POST", "/v1/chat/completions", body, headers.apply(i));
                        int status;
                        try {
                            status = Http.client(s).send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
                        } catch (IOException e) {
                            status = -1;
                        }
                        byStatus.merge(status, 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Run r = new Run(what, byStatus, (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "shared limits: %s: %s in %.2f s%n", what, byStatus, r.seconds());
        return r;
    }

    @Test
    void globalLimitOf600IsSharedByThreeInstances() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            List<SluiceServer> servers = cluster(redis, "rl-global",
                    TestConfig.config().mock().yaml() + "rateLimits:\n  global: 600\n");
            try {
                Run r = hammer("global 600", servers, 1_000, i -> new String[0], chat("mock/echo"));
                r.nothingFailed();
                r.admitted(600); // each instance alone would admit up to 600
                assertThat(redis.command(null, "EXISTS", "rl-global:rl:global")).contains(":1");
            } finally {
                closeAll(servers);
            }
        }
    }

    @Test
    void clientKeyAndProviderLimitsAreShared() throws Exception {
        try (RedisServer redis = RedisServer.start();
             TestUpstream up = new TestUpstream(rq -> Reply.json(200, UPSTREAM_OK))) {
            String yaml = TestConfig.config().mock().openAiCompatible("p", up, "m").yaml()
                    + "    rateLimit: 300\n"
                    + "access:\n  clientKeys:\n    team: {key: " + TEAM + ", rateLimit: 240}\n"
                    + "    ci: {key: " + CI + ", rateLimit: 120}\n    bulk: {key: " + BULK + "}\n";
            List<SluiceServer> servers = cluster(redis, "rl-scopes", yaml);
            try {
                // Each key admits its own limit across the three instances, whichever instance a request reaches
                Run team = hammer("client key 240", servers, 400,
                        i -> new String[] {"authorization", "Bearer " + TEAM}, chat("mock/echo"));
                Run ci = hammer("client key 120", servers, 250,
                        i -> new String[] {"authorization", "Bearer " + CI}, chat("mock/echo"));
                team.nothingFailed();
                ci.nothingFailed();
                team.admitted(240);
                ci.admitted(120);

                // The provider's limit of 300, for a client without a limit of its own: what reaches the upstream
                Run p = hammer("provider 300", servers, 500,
                        i -> new String[] {"authorization", "Bearer " + BULK}, chat("p/m"));
                p.nothingFailed();
                p.admitted(300);
                assertThat(up.requestsWaiting()).isEqualTo(p.count(200));
                // Scopes are named by the key's name and the provider's, never by a secret
                String keys = redis.command(null, "KEYS", "*");
                assertThat(keys).contains("rl-scopes:rl:client:team", "rl-scopes:rl:client:ci",
                        "rl-scopes:rl:provider:p").doesNotContain(TEAM, CI, BULK, TestConfig.UPSTREAM_KEY);
            } finally {
                closeAll(servers);
            }
        }
    }

    @Test
    void redisKilledUnderLoadFailsNothingAndEachInstanceLimitsAtItsShare() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            List<SluiceServer> servers = cluster(redis, "rl-down",
                    TestConfig.config().mock().yaml() + "rateLimits:\n  global: 600\n");
            try {
                Run drain = hammer("global 600, drained", servers, 700, i -> new String[0], chat("mock/echo"));
                drain.nothingFailed();
                drain.admitted(600);

                redis.kill();
                for (SluiceServer s : servers) {
                    Await.until("degraded", () -> Http.get(s, "/health").body().contains("\"status\":\"degraded\""));
                }
                Run down = hammer("Redis down", servers, 600, i -> new String[0], chat("mock/echo"));
                // Nothing fails: admitted or refused by the local limit
                down.nothingFailed();
                assertThat(Prometheus.gauge(Prometheus.scrape(servers.get(0)), "sluice_state_limit_local_total"))
                        .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(200.0));
                // Each instance limits at 600 / 3 per minute from where its own pace left it (near empty after the
                // drain), not with a fresh burst of 600 each: a few left over, plus 10/s refilled across the three
                assertThat(down.count(200)).as("%s", down)
                        .isLessThanOrEqualTo(60 + (int) Math.ceil(down.seconds() * 10));
                assertThat(down.count(429)).as("%s", down).isGreaterThan(400);

                redis.restart();
                for (SluiceServer s : servers) {
                    Await.until("back", Duration.ofSeconds(20),
                            () -> Http.get(s, "/health").body().contains("\"status\":\"ok\""));
                }
                hammer("Redis back", servers, 60, i -> new String[0], chat("mock/echo")).nothingFailed();
            } finally {
                closeAll(servers);
            }
        }
    }
}
