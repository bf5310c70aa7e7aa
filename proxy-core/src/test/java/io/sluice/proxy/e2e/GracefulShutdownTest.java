package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.SluiceServer;
import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
        int port = E2e.closedPort();
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
            assertThatThrownBy(() -> SluiceServer.start(ConfigLoader.parse(second, Map.of())))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("usage.file: \"" + usage + "\" is in use by another running Sluice");

            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                String body = "{\"model\":\"mock/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"one two three four five six seven eight nine ten\"}]}";
                OutputStream os = s.getOutputStream();
                os.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Connection: close\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                        + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                os.flush();
                InputStream in = s.getInputStream();
                byte[] first = new byte[64];
                assertThat(in.read(first)).isPositive(); // the stream is open

                p.destroy(); // SIGTERM

                E2e.await("the listener to close", Duration.ofSeconds(10), () -> !accepts(port));
                String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(rest).as("the open stream finishes").contains("data: [DONE]");
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits; output: %s", output).isTrue();
            assertThat(p.exitValue()).as("exit code; output: %s", output).isZero();
            assertThat(Files.readString(usage)).contains("\"mock\"").contains("echo");
            // The exit released the lock: the next instance opens the file and serves the replayed usage.
            try (SluiceServer next = SluiceServer.start(ConfigLoader.parse(
                    "server: {host: 127.0.0.1, port: 0, ioThreads: 1}\nprovidersFromEnv: false\n"
                            + "usage: {file: " + usage + "}\nproviders:\n  mock: {}\n", Map.of()))) {
                assertThat(E2e.get(next, "/v1/stats").body()).contains("\"requests\":1");
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
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
