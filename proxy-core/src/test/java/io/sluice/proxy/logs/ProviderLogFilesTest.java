package io.sluice.proxy.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ProviderLogFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static LogEntry entry(String provider, String message) {
        return new LogEntry(1_700_000_000_123L, provider, LogLevel.ERROR, LogEntry.EVENT_ERROR, message, "gpt-4o",
                502, 1234L, "OPENAI_API_KEY");
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void writesOneJsonLinePerEntryIntoItsProvidersFile() throws IOException {
        try (ProviderLogFiles files = new ProviderLogFiles(dir, 1 << 20, 3)) {
            assertThat(files.offer(entry("openai", "one"))).isTrue();
            assertThat(files.offer(entry("gemini", "two"))).isTrue();
            assertThat(files.offer(entry("openai", "three"))).isTrue();
            assertThat(files.flush()).isTrue();

            List<JsonNode> openai = lines(dir.resolve("openai.log"));
            assertThat(openai).extracting(n -> n.get("message").asText()).containsExactly("one", "three");
            JsonNode first = openai.get(0);
            assertThat(first.get("time").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
            assertThat(first.get("timestamp").asLong()).isEqualTo(1_700_000_000_123L);
            assertThat(first.get("provider").asText()).isEqualTo("openai");
            assertThat(first.get("level").asText()).isEqualTo("error");
            assertThat(first.get("event").asText()).isEqualTo("error");
            assertThat(first.get("model").asText()).isEqualTo("gpt-4o");
            assertThat(first.get("status").asInt()).isEqualTo(502);
            assertThat(first.get("latencyMs").asLong()).isEqualTo(1234);
            assertThat(first.get("key").asText()).isEqualTo("OPENAI_API_KEY");
            assertThat(lines(dir.resolve("gemini.log"))).extracting(n -> n.get("message").asText())
                    .containsExactly("two");
            assertThat(files.written()).isEqualTo(3);
            assertThat(files.dropped()).isZero();
            assertThat(files.errors()).isZero();
        }
    }

    @Test
    void rotatesBySizeKeepingAtMostKeepOldFiles() throws IOException {
        int lineLength;
        try (ProviderLogFiles files = new ProviderLogFiles(dir, 1000, 2)) {
            files.offer(entry("p", "m00"));
            assertThat(files.flush()).isTrue();
            lineLength = (int) Files.size(dir.resolve("p.log"));
            for (int i = 1; i < 40; i++) {
                files.offer(entry("p", "m" + (i < 10 ? "0" + i : i)));
            }
            assertThat(files.flush()).isTrue();
        }
        int perFile = 1000 / lineLength;
        Path current = dir.resolve("p.log");
        Path one = dir.resolve("p.log.1");
        Path two = dir.resolve("p.log.2");
        assertThat(one).exists();
        assertThat(two).exists();
        assertThat(dir.resolve("p.log.3")).doesNotExist();
        for (Path p : List.of(current, one, two)) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(1000);
        }
        // Oldest file first, the newest line last: contiguous and ending at the last entry.
        List<String> kept = new ArrayList<>();
        for (Path p : List.of(two, one, current)) {
            lines(p).forEach(n -> kept.add(n.get("message").asText()));
        }
        assertThat(kept).last().isEqualTo("m39");
        assertThat(lines(one)).hasSize(perFile);
        assertThat(lines(two)).hasSize(perFile);
        List<String> expected = new ArrayList<>();
        for (int i = 40 - kept.size(); i < 40; i++) {
            expected.add("m" + (i < 10 ? "0" + i : i));
        }
        assertThat(kept).isEqualTo(expected);
    }

    @Test
    void keepZeroJustStartsOver() throws IOException {
        try (ProviderLogFiles files = new ProviderLogFiles(dir, 300, 0)) {
            for (int i = 0; i < 10; i++) {
                files.offer(entry("p", "m" + i));
            }
            assertThat(files.flush()).isTrue();
        }
        assertThat(dir.resolve("p.log.1")).doesNotExist();
        assertThat(lines(dir.resolve("p.log"))).last().extracting(n -> n.get("message").asText()).isEqualTo("m9");
    }

    @Test
    void appendsToAnExistingFileAfterARestart() throws IOException {
        try (ProviderLogFiles files = new ProviderLogFiles(dir, 1 << 20, 1)) {
            files.offer(entry("p", "before"));
        }
        try (ProviderLogFiles files = new ProviderLogFiles(dir, 1 << 20, 1)) {
            files.offer(entry("p", "after"));
        }
        assertThat(lines(dir.resolve("p.log"))).extracting(n -> n.get("message").asText())
                .containsExactly("before", "after");
    }

    @Test
    void sanitisesProviderNamesForFileNames() throws IOException {
        assertThat(ProviderLogFiles.fileName("azure/east us")).isEqualTo("azure_east_us.log");
        assertThat(ProviderLogFiles.fileName("../etc")).isEqualTo(".._etc.log");
        assertThat(ProviderLogFiles.fileName("my-provider_1.v2")).isEqualTo("my-provider_1.v2.log");
        assertThat(ProviderLogFiles.fileName("")).isEqualTo("_.log");
        try (ProviderLogFiles files = new ProviderLogFiles(dir, 1 << 20, 1)) {
            files.offer(entry("a/b", "x"));
            assertThat(files.flush()).isTrue();
            assertThat(files.file("a/b")).isEqualTo(dir.resolve("a_b.log")).exists();
        }
    }

    @Test
    void closeWritesWhatIsQueuedIsIdempotentAndLaterOffersAreDropped() throws IOException {
        ProviderLogFiles files = new ProviderLogFiles(dir, 1 << 20, 1);
        for (int i = 0; i < 100; i++) {
            files.offer(entry("p", "m" + i));
        }
        files.close();
        files.close();
        assertThat(lines(dir.resolve("p.log"))).hasSize(100);
        assertThat(files.dropped()).isZero();

        assertThat(files.offer(entry("p", "late"))).isFalse();
        assertThat(files.dropped()).isEqualTo(1);
        assertThat(files.flush()).isTrue();
    }

    @Test
    void providerLogsPassEntriesToTheFilesAndCloseThem() throws IOException {
        ProviderLogFiles files = new ProviderLogFiles(dir, 1 << 20, 1);
        try (ProviderLogs logs = new ProviderLogs(10, files)) {
            logs.add(entry("openai", "hello"));
        }
        assertThat(lines(dir.resolve("openai.log"))).extracting(n -> n.get("message").asText())
                .containsExactly("hello");
        assertThat(files.offer(entry("openai", "late"))).isFalse();
    }

    @Test
    void rejectsBadLimits() {
        assertThatThrownBy(() -> new ProviderLogFiles(dir, 0, 1))
                .hasMessage("maxBytes: 0 (expected: > 0)");
        assertThatThrownBy(() -> new ProviderLogFiles(dir, 10, -1))
                .hasMessage("keep: -1 (expected: >= 0)");
    }
}
