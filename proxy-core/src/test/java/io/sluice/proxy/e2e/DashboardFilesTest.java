package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Grafana dashboard in conf/ charts only series a running Sluice exports. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DashboardFilesTest {

    private static Path conf() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("conf/grafana/sluice-dashboard.json"))) {
                return dir.resolve("conf");
            }
        }
        throw new IllegalStateException("conf/grafana/sluice-dashboard.json not found");
    }

    @Test
    void everyDashboardSeriesIsExported() throws Exception {
        JsonNode dash = HttpWire.JSON.readTree(Files.readString(conf().resolve("grafana/sluice-dashboard.json")));
        TreeSet<String> wanted = new TreeSet<>();
        Pattern series = Pattern.compile("([a-z_]+)\\{job=");
        for (JsonNode panel : dash.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                Matcher m = series.matcher(t.path("expr").asText());
                while (m.find()) {
                    wanted.add(m.group(1));
                }
            }
        }
        assertThat(wanted).hasSizeGreaterThan(10);
        assertThat(Files.readString(conf().resolve("prometheus/prometheus.yml"))).contains("job_name: sluice")
                .contains("metrics_path: /metrics");

        // Exercise what makes the lazily registered series appear: a 429 and a retry, usage, a refused request.
        try (TestUpstream up = new TestUpstream(r -> r.header("authorization").endsWith("aaaa")
                ? Reply.json(429, "{\"error\":{\"message\":\"slow\"}}")
                : Reply.json(200, OpenAiSdkTest.COMPLETION));
             SluiceServer s = TestConfig.startYaml("""
                     server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}
                     providersFromEnv: false
                     rateLimits: {perProvider: 1}
                     concurrency: {maxConcurrent: 2}
                     providers:
                       mock: {}
                       p:
                         type: openai-compatible
                         baseUrl: http://127.0.0.1:%d/v1
                         apiKeys: [sk-key-aaaa, sk-key-bbbb]
                         strategy: priority
                     """.replace("%d", Integer.toString(up.port())))) {
            assertThat(Http.chat(s, Bodies.chat("p/m", false, "x")).statusCode()).isEqualTo(200);
            assertThat(Http.chat(s, Bodies.chat("p/m", false, "x")).statusCode()).isEqualTo(429);
            assertThat(Http.chat(s, Bodies.chat("mock/echo", true, "x")).body()).contains("[DONE]");
            String metrics = Http.get(s, "/metrics").body();
            for (String name : wanted) {
                assertThat(metrics).as(name).containsPattern("(?m)^" + name + "[{ ]");
            }
        }
    }
}
