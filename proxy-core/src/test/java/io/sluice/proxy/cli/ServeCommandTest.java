package io.sluice.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.TestConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pieces of {@code serve} that do not need a running server. */
class ServeCommandTest {

    private static final SluiceConfig CONFIG = SluiceConfig.defaults().withProviders(List.of(
            ProviderConfig.mock("mock"),
            new ProviderConfig("off", "openai-compatible", URI.create("http://h"), null, null, null, false, null),
            new ProviderConfig("openai", "openai", null, null, null, null, true, null)));

    @Test
    void listeningLineNamesEnabledProviders() {
        assertThat(ServeCommand.listeningLine("127.0.0.1", 4000, CONFIG))
                .isEqualTo("Sluice listening on http://127.0.0.1:4000 (providers: mock, openai)");
        assertThat(ServeCommand.listeningLine("::1", 4001, SluiceConfig.defaults()))
                .isEqualTo("Sluice listening on http://[::1]:4001 (providers: none)");
    }

    @Test
    void overridesReplaceHostAndPortOnly() {
        SluiceConfig cfg = ServeCommand.withOverrides(CONFIG, "0.0.0.0", 0);
        assertThat(cfg.server().host()).isEqualTo("0.0.0.0");
        assertThat(cfg.server().port()).isZero();
        assertThat(cfg.server().maxBodyBytes()).isEqualTo(CONFIG.server().maxBodyBytes());
        assertThat(cfg.providers()).isEqualTo(CONFIG.providers());
        assertThat(ServeCommand.withOverrides(CONFIG, null, null)).isEqualTo(CONFIG);
    }

    @Test
    void badOverridesAreReportedAsOptions() {
        assertThatThrownBy(() -> ServeCommand.withOverrides(CONFIG, " ", null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--host: \" \" (expected: a host name or IP address)");
        assertThatThrownBy(() -> ServeCommand.withOverrides(CONFIG, null, -1))
                .hasMessage("--port: -1 (expected: 0..65535)");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSecondStopSignalCutsTheGraceShort() throws Exception {
        SluiceServer s = TestConfig.startYaml("server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 60s}\n"
                + "providersFromEnv: false\nproviders:\n  mock:\n    mock: {chunkDelay: 1s, chunkWords: 1}\n");
        StringWriter err = new StringWriter();
        try (RawHttp client = RawHttp.connect(s)) {
            client.postJson("/v1/chat/completions", Bodies.chat("mock/echo", true, "word ".repeat(100)));
            assertThat(client.readHead().status()).isEqualTo(200);
            long start = System.nanoTime();
            ServeCommand.stopSignal(s, 1, "term", new PrintWriter(err));
            Await.until("the listener to close", Duration.ofSeconds(10), () -> !RawHttp.accepts(
                    s.localAddress().getPort()));
            ServeCommand.stopSignal(s, 2, "int", new PrintWriter(err));
            s.awaitClose();
            // The open stream had 100 s to go and the grace is 60 s: only the second signal ends it this soon.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        } finally {
            s.close();
        }
        assertThat(err.toString()).contains("second stop signal");
    }
}
