package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.TestConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process: {@code sluice serve} gets SIGTERM while a stream is open; it stops accepting, lets the stream
 * finish, writes the request's usage to the ledger, and exits 0.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GracefulShutdownTest {

    @Test
    void sigtermLetsTheStreamFinishFlushesUsageAndExitsZero(@TempDir Path dir) throws Exception {
        int port = RawHttp.closedPort();
        Path usage = dir.resolve("usage.jsonl");
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, "server: {host: 127.0.0.1, port: " + port + ", ioThreads: 1, shutdownGrace: 20s}\n"
                + "providersFromEnv: false\nusage: {file: " + usage + "}\n"
                + "providers:\n  mock:\n    mock: {chunkDelay: 150ms, chunkWords: 1}\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.sluice.proxy.cli.Main", "serve", "-c", config.toString())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.contains("Sluice listening")) {
                output.append(line).append('\n');
            }
            assertThat(line).as("startup output: %s", output).isNotNull();
            CompletableFuture.runAsync(() -> drain(out, output));

            // A second Sluice on the same usage file is refused at startup: two writers would corrupt it.
            String second = "server: {host: 127.0.0.1, port: 0, ioThreads: 1}\nprovidersFromEnv: false\n"
                    + "usage: {file: " + usage + "}\nproviders:\n  mock: {}\n";
            assertThatThrownBy(() -> TestConfig.startYaml(second))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("usage.file: \"" + usage + "\" is in use by another running Sluice");

            try (RawHttp client = RawHttp.connect(port)) {
                client.postJson("/v1/chat/completions", Bodies.chat("mock/echo", true,
                        "one two three four five six seven eight nine ten"), "Connection", "close");
                RawHttp.Head head = client.readHead();
                assertThat(head.status()).isEqualTo(200);
                assertThat(client.readChunk()).as("the stream is open").isNotEmpty();

                p.destroy(); // SIGTERM

                Await.until("the listener to close", Duration.ofSeconds(10), () -> !RawHttp.accepts(port));
                String rest = new String(client.readBody(head), StandardCharsets.UTF_8);
                assertThat(rest).as("the open stream finishes").contains("data: [DONE]");
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits; output: %s", output).isTrue();
            assertThat(p.exitValue()).as("exit code; output: %s", output).isZero();
            assertThat(Files.readString(usage)).contains("\"mock\"").contains("echo");
            // The exit released the lock: the next instance opens the file and serves the replayed usage.
            try (SluiceServer next = TestConfig.startYaml("server: {host: 127.0.0.1, port: 0, ioThreads: 1}\n"
                    + "providersFromEnv: false\nusage: {file: " + usage + "}\nproviders:\n  mock: {}\n")) {
                assertThat(Http.get(next, "/v1/stats").body()).contains("\"requests\":1");
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static void drain(BufferedReader r, StringBuilder into) {
        try {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (into) {
                    into.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
