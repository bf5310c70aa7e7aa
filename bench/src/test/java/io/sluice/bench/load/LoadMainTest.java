package io.sluice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoadMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LoadMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void runsPrintsTheSummaryAndTheJson() throws Exception {
        try (TestServer server = TestServer.start()) {
            int code = run(server.url(), "--rate", "50", "-d", "200ms", "-w", "0", "-c", "2", "--body", "{}",
                    "-H", "Authorization: Bearer x", "--no-keep-alive", "--json", "-", "-q");

            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(LoadMain.EXIT_OK);
            String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
            assertThat(lines[0]).startsWith("open 50/s, 2 conns, no keep-alive, 200.00ms: 10 ok, 0 errors");
            JsonNode json = new ObjectMapper().readTree(lines[1]);
            assertThat(json.get("requests").asLong()).isEqualTo(10);
            assertThat(json.get("method").asText()).isEqualTo("POST");
            assertThat(server.requests.get()).isEqualTo(10);
            assertThat(server.accepted.get()).isEqualTo(10);
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(run("http://127.0.0.1:1/", "--rate", "0")).isEqualTo(LoadMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("sluice-load: rate: 0.0 (expected: > 0");
        assertThat(run("http://127.0.0.1:1/", "--rate", "1", "--duration", "soon")).isEqualTo(LoadMain.EXIT_USAGE);
        assertThat(run("http://127.0.0.1:1/", "--mode", "sideways")).isEqualTo(LoadMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected: open or closed");
    }
}
