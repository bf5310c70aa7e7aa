package io.sluice.bench.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Settings validation, header overrides, the fault plan and the command line; no sockets. */
class MockUpstreamSettingsTest {

    @Test
    void defaultsAreValidAndNamed() {
        MockUpstreamSettings s = MockUpstreamSettings.defaults();
        assertThat(s.port()).isEqualTo(MockUpstreamSettings.DEFAULT_PORT);
        assertThat(s.chunks()).isEqualTo(MockUpstreamSettings.DEFAULT_CHUNKS);
        assertThat(s.withPort(0).port()).isZero();
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void invalidValuesSayWhatWasExpected() {
        MockUpstreamSettings.Builder b = MockUpstreamSettings.builder();
        assertThatThrownBy(() -> b.threads(0).build()).hasMessage("threads: 0 (expected: > 0)");
        assertThatThrownBy(() -> MockUpstreamSettings.builder().chunks(0).build())
                .hasMessage("chunks: 0 (expected: 1..10000)");
        assertThatThrownBy(() -> MockUpstreamSettings.builder().port(70_000).build())
                .hasMessage("port: 70000 (expected: 0..65535)");
        assertThatThrownBy(() -> MockUpstreamSettings.builder().ttfbMs(-5).build())
                .hasMessage("ttfbMs: -5 (expected: 0..600000)");
        assertThatThrownBy(() -> MockUpstreamSettings.builder().error429Rate(Double.NaN).build())
                .hasMessage("error429Rate: NaN (expected: 0..1)");
        assertThatThrownBy(() -> MockUpstreamSettings.builder().error429Rate(0.6).error500Rate(0.5).build())
                .hasMessageStartingWith("error429Rate + error500Rate + resetRate: 1.1");
        assertThatThrownBy(() -> MockUpstreamSettings.builder().chunks(10_000).chunkBytes(65_536).build())
                .hasMessageStartingWith("chunks * chunkBytes: ");
    }

    @Test
    void headersOverrideOnlyWhatTheyName() {
        Behavior base = Behavior.of(MockUpstreamSettings.defaults());
        HttpHeaders none = new DefaultHttpHeaders().add("content-type", "application/json");
        assertThat(base.with(none)).isSameAs(base);

        HttpHeaders h = new DefaultHttpHeaders()
                .add("X-Mock-Chunks", "3").add("x-mock-chunk-bytes", "5").add("x-mock-chunk-delay-ms", "7")
                .add("x-mock-ttfb-ms", "11").add("x-mock-latency-ms", "13").add("x-mock-error-429-rate", "0.1")
                .add("x-mock-error-500-rate", "0.2").add("x-mock-reset-rate", "0.3").add("x-mock-error", "RESET")
                .add("x-mock-unknown", "ignored");
        assertThat(base.with(h)).isEqualTo(new Behavior(3, 5, 7, 11, 13, 0.1, 0.2, 0.3, FaultPlan.Fault.RESET));

        assertThatThrownBy(() -> base.with(new DefaultHttpHeaders().add("x-mock-error", "teapot")))
                .hasMessage("x-mock-error: teapot (expected: 429, 500, reset or none)");
        assertThatThrownBy(() -> base.with(new DefaultHttpHeaders().add("x-mock-reset-rate", "lots")))
                .hasMessage("x-mock-reset-rate: lots (expected: a number in 0..1)");
        assertThatThrownBy(() -> base.with(new DefaultHttpHeaders().add("x-mock-chunks", "0")))
                .hasMessage("x-mock-chunks: 0 (expected: 1..10000)");
    }

    @Test
    void faultPlanIsReproducibleAndHonoursRates() {
        FaultPlan a = new FaultPlan(1);
        FaultPlan b = new FaultPlan(1);
        int[] counts = new int[FaultPlan.Fault.values().length];
        int differentFromOtherSeed = 0;
        FaultPlan other = new FaultPlan(2);
        for (int i = 0; i < 20_000; i++) {
            FaultPlan.Fault f = a.decide(i, 0.1, 0.05, 0.2);
            assertThat(b.decide(i, 0.1, 0.05, 0.2)).isEqualTo(f);
            counts[f.ordinal()]++;
            if (other.decide(i, 0.1, 0.05, 0.2) != f) {
                differentFromOtherSeed++;
            }
        }
        assertThat(counts[FaultPlan.Fault.RATE_LIMIT.ordinal()]).isBetween(1_800, 2_200);
        assertThat(counts[FaultPlan.Fault.SERVER_ERROR.ordinal()]).isBetween(850, 1_150);
        assertThat(counts[FaultPlan.Fault.RESET.ordinal()]).isBetween(3_700, 4_300);
        assertThat(differentFromOtherSeed).isGreaterThan(1_000);
        assertThat(a.decide(5, 0, 0, 0)).isEqualTo(FaultPlan.Fault.NONE);
        assertThat(a.decide(5, 1, 0, 0)).isEqualTo(FaultPlan.Fault.RATE_LIMIT);
    }

    @Test
    void shapeCacheIsBounded() {
        AnswerTemplates.Cache cache = new AnswerTemplates.Cache();
        for (int i = 1; i <= AnswerTemplates.MAX_SHAPES; i++) {
            assertThat(cache.get(i, 1)).isNotNull();
        }
        assertThat(cache.get(1, 1)).isSameAs(cache.get(1, 1));
        assertThat(cache.get(AnswerTemplates.MAX_SHAPES + 1, 1)).isNull();
    }

    @Test
    void commandLineBuildsTheSettings() {
        MockUpstreamMain main = new MockUpstreamMain();
        new CommandLine(main).parseArgs("--port", "0", "--host", "0.0.0.0", "--threads", "2", "--chunks", "50",
                "--chunk-bytes", "30", "--chunk-delay-ms", "20", "--ttfb-ms", "300", "--latency-ms", "5",
                "--error-429-rate", "0.01", "--error-500-rate", "0.02", "--reset-rate", "0.03", "--seed", "9",
                "--retry-after", "3");
        assertThat(main.settings()).isEqualTo(new MockUpstreamSettings("0.0.0.0", 0, 2, 50, 30, 20, 300, 5, 0.01,
                0.02, 0.03, 9, 3));
        assertThat(new MockUpstreamMain().settings()).isEqualTo(MockUpstreamSettings.defaults());
    }

    @Test
    void commandLineRefusesBadValuesInOneLine() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new MockUpstreamMain()).setErr(new PrintWriter(err))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("sluice-mock: " + e.getMessage());
                    return CommandLine.ExitCode.USAGE;
                })
                .execute("--chunks", "-1");
        assertThat(code).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("chunks: -1 (expected: 1..10000)");
    }
}
