package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.Prometheus.gauge;
import static io.sluice.proxy.testing.Prometheus.sample;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The non-chat endpoints: health, model list, Prometheus metrics. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EndpointsTest {

    private TestUpstream upstream;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws InterruptedException {
        upstream = new TestUpstream(r -> Reply.json(200, "{\"id\":\"x\"}"));
        sluice = config().mock().openAiCompatible("up", upstream, "gpt-4o-mini", "gpt-4o").start();
    }

    @AfterEach
    void close() {
        sluice.close();
        upstream.close();
    }

    @Test
    void health() throws Exception {
        HttpResponse<String> res = Http.get(sluice, "/health");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(json(res.body()).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void modelsInOpenAiListShape() throws Exception {
        HttpResponse<String> res = Http.get(sluice, "/v1/models");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode list = json(res.body());
        assertThat(list.get("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        for (JsonNode m : list.get("data")) {
            assertThat(m.get("object").asText()).isEqualTo("model");
            assertThat(m.has("created")).isTrue();
            String id = m.get("id").asText();
            ids.add(id);
            assertThat(m.get("owned_by").asText()).isEqualTo(id.startsWith("ext-up-") ? "up"
                    : id.substring(0, id.indexOf('/')));
        }
        assertThat(ids).containsExactly("mock/echo", "mock/lorem", "ext-up-gpt-4o-mini", "ext-up-gpt-4o");
        // Every listed id routes.
        for (String id : ids) {
            assertThat(Http.chat(sluice, Bodies.chat(id, false, "hi")).statusCode()).as(id).isEqualTo(200);
        }
    }

    @Test
    void metricsCountTheRequestsJustMade() throws Exception {
        assertThat(Http.get(sluice, "/health").statusCode()).isEqualTo(200);
        assertThat(Http.chat(sluice, Bodies.chat("mock/echo", true, "count me")).statusCode()).isEqualTo(200);
        assertThat(Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", true, "and me")).statusCode()).isEqualTo(200);
        assertThat(Http.get(sluice, "/nope").statusCode()).isEqualTo(404);

        HttpResponse<String> res = Http.get(sluice, "/metrics");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/plain"));
        String text = res.body();
        assertThat(text).contains("# TYPE http_requests_total counter", "# TYPE http_errors_total counter",
                "http_request_duration_seconds_bucket", "http_request_duration_seconds_count",
                "upstream_active_current", "process_");
        assertThat(sample(text, "http_requests_total", "GET", "/health", "200")).contains(1.0);
        assertThat(sample(text, "http_requests_total", "POST", "/v1/chat/completions", "200")).contains(2.0);
        assertThat(sample(text, "http_requests_total", "GET", "other", "404")).contains(1.0);
        // The seed's http_errors_total counts 5xx; 4xx go to a family of their own.
        assertThat(sample(text, "http_errors_total", "GET", "other", "404")).isEmpty();
        assertThat(sample(text, "http_client_errors_total", "GET", "other", "404")).contains(1.0);
        assertThat(sample(text, "http_errors_total", "GET", "/health", "200")).isEmpty();
        assertThat(gauge(text, "upstream_active_current")).contains(0.0);
    }

    /** The seed's METRICS_PATH moves the endpoint; METRICS_ENABLED=0 turns it off (404, as any unknown path). */
    @Test
    void metricsPathAndSwitchWork() throws Exception {
        String base = "server: {host: 127.0.0.1, port: 0}\nprovidersFromEnv: false\n";
        SluiceServer moved = TestConfig.startYaml(base + "metrics: {path: /prom}\n");
        try {
            HttpResponse<String> prom = Http.get(moved, "/prom");
            assertThat(prom.statusCode()).isEqualTo(200);
            assertThat(prom.body()).contains("http_requests_total");
            assertThat(Http.get(moved, "/metrics").statusCode()).isEqualTo(404);
        } finally {
            moved.close();
        }
        SluiceServer off = TestConfig.startYaml(base + "metrics: {enabled: false}\n");
        try {
            assertThat(Http.get(off, "/metrics").statusCode()).isEqualTo(404);
            assertThat(Http.get(off, "/health").statusCode()).isEqualTo(200);
        } finally {
            off.close();
        }
    }

    /** The seed's nine metric names are there on a fresh proxy's first scrape, and no gauge reads NaN, ever. */
    @Test
    void theSeedsNineMetricsAreOnTheFirstScrapeAndNoGaugeIsNaN() throws Exception {
        SluiceServer fresh = config().openAiCompatible("up", upstream, "gpt-4o-mini").start();
        try {
            for (int i = 0; i < 3; i++) {
                System.gc(); // a gauge whose supplier was only weakly held would read NaN after this
            }
            String text = Http.get(fresh, "/metrics").body();
            for (String name : List.of("http_requests_total", "http_errors_total", "rate_limit_exceeded_total",
                    "upstream_active_current", "upstream_queue_length", "http_request_duration_seconds",
                    "process_resident_memory_bytes", "process_uptime_seconds", "nodejs_active_handles")) {
                assertThat(text).as(name).containsPattern("(?m)^" + name + "(_bucket|_count|_sum)?[{ ]");
            }
            assertThat(sample(text, "http_errors_total", "POST", "/v1/chat/completions", "500")).contains(0.0);
            assertThat(text).as("no NaN").doesNotContainPattern("(?m)^[a-z_]+(\\{[^}]*\\})? NaN$");
            assertThat(gauge(text, "nodejs_active_handles")).hasValueSatisfying(v -> assertThat(v).isPositive());
        } finally {
            fresh.close();
        }
    }

    @Test
    void tokenUsageReportedUpstreamIsCounted() throws Exception {
        upstream.script(r -> r.body().contains("\"stream\":true")
                ? Reply.sse(OpenAiSdkTest.TEXT_EVENTS.toArray(new String[0]))
                : Reply.json(200, OpenAiSdkTest.COMPLETION.replace("\"cached_tokens\": 0", "\"cached_tokens\": 7")
                        .replace("\"reasoning_tokens\": 0", "\"reasoning_tokens\": 3")));

        assertThat(Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", true, "stream")).statusCode()).isEqualTo(200);
        assertThat(Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", false, "json")).statusCode()).isEqualTo(200);

        String text = Http.get(sluice, "/metrics").body();
        // Stream usage 12 + 4, completion usage 19 + 10.
        assertThat(sample(text, "llm_tokens_total", "provider", "up", "model", "gpt-4o-mini", "kind", "prompt"))
                .contains(31.0);
        assertThat(sample(text, "llm_tokens_total", "provider", "up", "model", "gpt-4o-mini", "kind", "completion"))
                .contains(14.0);
        // Cached and reasoning tokens are counted under their own kinds; zero counts make no series.
        assertThat(sample(text, "llm_tokens_total", "provider", "up", "model", "gpt-4o-mini", "kind", "cached"))
                .contains(7.0);
        assertThat(sample(text, "llm_tokens_total", "provider", "up", "model", "gpt-4o-mini", "kind", "reasoning"))
                .contains(3.0);
    }
}
