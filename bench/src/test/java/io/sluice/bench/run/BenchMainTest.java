package io.sluice.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchMainTest {

    @Test
    void sluiceConfigIsValidAndSteersTheMockPerProvider() {
        SluiceConfig cfg = ConfigLoader.parse(BenchMain.sluiceConfig(18090, 20_000), Map.of());

        assertThat(cfg.server().ioThreads()).isEqualTo(1);
        assertThat(cfg.upstream().maxConnectionsPerOrigin()).isEqualTo(20_000);
        ProviderConfig bench = cfg.provider("bench").orElseThrow();
        assertThat(bench.baseUrl().toString()).isEqualTo("http://127.0.0.1:18090/v1");
        assertThat(bench.headers()).isEmpty();
        assertThat(cfg.provider("stream").orElseThrow().headers())
                .containsEntry("x-mock-chunks", "20").containsEntry("x-mock-chunk-delay-ms", "10");
        assertThat(cfg.provider("slow").orElseThrow().headers()).containsEntry("x-mock-chunk-delay-ms", "1000");
    }

    @Test
    void unknownScenarioIsAUsageError() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setErr(new java.io.PrintWriter(err));
        int code = cl.execute("--sluice-jar", "x.jar", "--bench-jar", "y.jar", "--only", "capacity,nope");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--only: unknown scenario nope");
    }

    @Test
    void chatBodiesHaveTheAskedPromptSize() {
        String body = Scenarios.chatBody("bench/gpt-4o-mini", true, 100 * 1024);
        assertThat(body.length()).isBetween(100 * 1024, 100 * 1024 + 300);
        assertThat(body).startsWith("{\"model\":\"bench/gpt-4o-mini\"").contains("\"stream\":true")
                .contains("\"include_usage\":true").endsWith("}");
    }
}
