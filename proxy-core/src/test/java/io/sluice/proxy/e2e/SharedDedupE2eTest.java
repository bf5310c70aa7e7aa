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
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dedup's answer cache shared through a real {@code redis-server}: an answer cached by instance A is a hit on
 * instance B, answered from B's memory with A's very bytes, without a second upstream call; a different request is
 * still a miss.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedDedupE2eTest {

    private static SluiceServer start(RedisServer redis, TestUpstream up, String instance)
            throws InterruptedException {
        return TestConfig.startYaml(TestConfig.config().openAiCompatible("up", up, "gpt-4o-mini").yaml()
                + "dedup:\n  enabled: true\n  window: 30s\n"
                + "state:\n  namespace: dedup-e2e\n  instanceId: " + instance + "\n  redis:\n    url: " + redis.url()
                + "\n    maxBackoff: 200ms\n");
    }

    private static String chat(String text) {
        return "{\"model\":\"up/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    @Test
    void anAnswerCachedByOneInstanceIsAHitOnTheOther() throws Exception {
        try (RedisServer redis = RedisServer.start();
             TestUpstream up = new TestUpstream(r -> Reply.json(200, OpenAiSdkTest.COMPLETION));
             SluiceServer a = start(redis, up, "a"); SluiceServer b = start(redis, up, "b")) {
            for (SluiceServer s : new SluiceServer[] {a, b}) {
                Await.until("connected", () -> Http.get(s, "/health").body().contains("\"redis\":\"up\""));
            }
            HttpResponse<String> first = Http.chat(a, chat("same question"));
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("x-sluice-cache")).hasValue("miss");
            up.take();

            Await.until("B caches A's answer", () -> Prometheus.gauge(Prometheus.scrape(b), "sluice_dedup_entries")
                    .orElse(0.0) == 1.0);
            HttpResponse<String> second = Http.chat(b, chat("same question"));
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(second.headers().firstValue("x-sluice-cache")).hasValue("hit");
            assertThat(second.body()).isEqualTo(first.body());
            assertThat(up.requestsWaiting()).isZero();

            HttpResponse<String> other = Http.chat(b, chat("another question"));
            assertThat(other.headers().firstValue("x-sluice-cache")).hasValue("miss");
            up.take();
            // and back: B's answer is a hit on A
            Await.until("A caches B's answer", () -> Prometheus.gauge(Prometheus.scrape(a), "sluice_dedup_entries")
                    .orElse(0.0) == 2.0);
            assertThat(Http.chat(a, chat("another question")).headers().firstValue("x-sluice-cache"))
                    .hasValue("hit");
            assertThat(up.requestsWaiting()).isZero();
        }
    }
}
