package io.sluice.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.testing.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code sluice health}: the health check the compose file and the systemd unit run (no curl in the image). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HealthCommandTest {

    private static String server(int port) {
        return "server: {host: 127.0.0.1, port: " + port + ", ioThreads: 1, shutdownGrace: 100ms}\n"
                + "providersFromEnv: false\n";
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void healthyServerExitsZeroSilently() throws Exception {
        try (SluiceServer s = TestConfig.startYaml(server(0))) {
            int port = s.localAddress().getPort();
            assertThat(run("health", "--url", "http://127.0.0.1:" + port + "/health")).isZero();
            assertThat(out.size() + err.size()).isZero();

            // Another path than /health answering 404 is unhealthy, with the status said.
            assertThat(run("health", "--url", "http://127.0.0.1:" + port + "/nope")).isEqualTo(Main.EXIT_FAILURE);
            assertThat(err()).isEqualTo("sluice: http://127.0.0.1:" + port + "/nope: status 404 (expected: 200)"
                    + System.lineSeparator());
        }
    }

    @Test
    void nothingListeningIsOneLineAndExitOne() throws Exception {
        int port = freePort();
        long start = System.nanoTime();
        assertThat(run("health", "--url", "http://127.0.0.1:" + port + "/health")).isEqualTo(Main.EXIT_FAILURE);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("one try").isLessThan(5000);
        assertThat(err()).startsWith("sluice: http://127.0.0.1:" + port + "/health: ").doesNotContain("\tat ")
                .hasLineCount(1);
    }

    @Test
    void waitKeepsTryingUntilTheServerComesUp() throws Exception {
        int port = freePort();
        CompletableFuture<SluiceServer> later = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(600); // the service starting after its health check
                return TestConfig.startYaml(server(port));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertThat(run("health", "--url", "http://127.0.0.1:" + port + "/health", "--wait", "20s")).isZero();
        } finally {
            later.get(10, TimeUnit.SECONDS).close();
        }

        // Past --wait it gives up with the last failure.
        int closed = freePort();
        long start = System.nanoTime();
        assertThat(run("health", "--url", "http://127.0.0.1:" + closed + "/health", "--wait", "700ms"))
                .isEqualTo(Main.EXIT_FAILURE);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(700L, 6000L);
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run("health", "--url", "ftp://127.0.0.1/health")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).isEqualTo("sluice: --url: ftp://127.0.0.1/health (expected: http://host:port/health)"
                + System.lineSeparator());
        err.reset();
        assertThat(run("health", "--wait", "soon")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).startsWith("sluice: --wait: ").contains("expected: a duration");
    }

    @Test
    void defaultTargetIsLoopbackOnSluicePort() {
        assertThat(HealthCommand.target(null, Map.of())).isEqualTo(URI.create("http://127.0.0.1:4000/health"));
        assertThat(HealthCommand.target(null, Map.of("SLUICE_PORT", "4123")))
                .isEqualTo(URI.create("http://127.0.0.1:4123/health"));
        assertThat(HealthCommand.target(null, Map.of("SLUICE_PORT", "")))
                .isEqualTo(URI.create("http://127.0.0.1:4000/health"));
        assertThatThrownBy(() -> HealthCommand.target(null, Map.of("SLUICE_PORT", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("SLUICE_PORT: 70000 (expected: a port 1-65535, or --url)");
    }
}
