package io.sluice.proxy.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.config.ResponseStoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedResponseStoreTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);

    private static ResponseStoreConfig config(Duration ttl, int maxResponses, int maxBytes) {
        return new ResponseStoreConfig(true, ttl, maxResponses, maxBytes, 1024);
    }

    private static StoredResponse answer(String scope, String id, long at, String... items) {
        StringBuilder output = new StringBuilder("[");
        for (String i : items) {
            output.append(output.length() > 1 ? "," : "").append("{\"id\":\"").append(i)
                    .append("\",\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"f\",")
                    .append("\"arguments\":\"{}\"}");
        }
        String response = "{\"id\":\"" + id + "\",\"object\":\"response\",\"status\":\"completed\",\"output\":"
                + output + "]}";
        return new StoredResponse(scope, id, at, "[{\"role\":\"user\",\"content\":\"hi\"}]"
                .getBytes(StandardCharsets.UTF_8), response.getBytes(StandardCharsets.UTF_8), List.of(items));
    }

    private EmbeddedResponseStore memory(ResponseStoreConfig c) {
        return new EmbeddedResponseStore(c, null, now::get);
    }

    @Test
    void answersAndItemsAreFoundInTheirOwnScopeOnly() {
        EmbeddedResponseStore s = memory(ResponseStoreConfig.defaults());
        s.put(answer("alice", "resp_1", now.get(), "fc_1"));

        assertThat(s.get("alice", "resp_1")).isNotNull();
        assertThat(s.owner("alice", "fc_1").id()).isEqualTo("resp_1");
        assertThat(s.get("bob", "resp_1")).isNull();
        assertThat(s.get("", "resp_1")).isNull();
        assertThat(s.owner("bob", "fc_1")).isNull();
        assertThat(s.delete("bob", "resp_1")).isFalse();
        assertThat(s.get("alice", "resp_1")).isNotNull();

        // The same id in another scope is another answer.
        s.put(answer("bob", "resp_1", now.get(), "fc_2"));
        assertThat(s.owner("bob", "fc_1")).isNull();
        assertThat(s.owner("bob", "fc_2").scope()).isEqualTo("bob");
        assertThat(s.size()).isEqualTo(2);
    }

    @Test
    void answersExpireAfterTheTtl() {
        EmbeddedResponseStore s = memory(config(Duration.ofMinutes(10), 100, 1 << 20));
        s.put(answer("", "resp_old", now.get(), "fc_old"));
        now.addAndGet(Duration.ofMinutes(5).toMillis());
        s.put(answer("", "resp_new", now.get()));

        now.addAndGet(Duration.ofMinutes(5).toMillis()); // resp_old is 10 minutes old now
        assertThat(s.get("", "resp_old")).isNull();
        assertThat(s.owner("", "fc_old")).isNull();
        assertThat(s.delete("", "resp_old")).isFalse();
        assertThat(s.get("", "resp_new")).isNotNull();

        s.put(answer("", "resp_newer", now.get())); // a write sweeps the expired
        assertThat(s.size()).isEqualTo(2);
    }

    @Test
    void theOldestGoFirstPastTheCountCap() {
        EmbeddedResponseStore s = memory(config(Duration.ofDays(1), 2, 1 << 20));
        s.put(answer("", "resp_1", now.get(), "fc_1"));
        s.put(answer("", "resp_2", now.get()));
        s.put(answer("", "resp_3", now.get()));

        assertThat(s.get("", "resp_1")).isNull();
        assertThat(s.owner("", "fc_1")).isNull();
        assertThat(s.get("", "resp_2")).isNotNull();
        assertThat(s.get("", "resp_3")).isNotNull();

        s.put(answer("", "resp_2", now.get())); // stored again: the newest now
        s.put(answer("", "resp_4", now.get()));
        assertThat(s.get("", "resp_3")).isNull();
        assertThat(s.get("", "resp_2")).isNotNull();
    }

    @Test
    void theOldestGoFirstPastTheByteCap() {
        long one = padded("resp_1").bytes();
        assertThat(one).isBetween(600L, 1024L);
        EmbeddedResponseStore s = new EmbeddedResponseStore(new ResponseStoreConfig(true, Duration.ofDays(1), 100,
                (int) (2 * one + 10), 1024), null, now::get);
        s.put(padded("resp_1"));
        s.put(padded("resp_2"));
        assertThat(s.size()).isEqualTo(2);
        s.put(padded("resp_3"));

        assertThat(s.size()).isEqualTo(2);
        assertThat(s.get("", "resp_1")).isNull();
        assertThat(s.get("", "resp_3")).isNotNull();
        assertThat(s.bytes()).isLessThanOrEqualTo(2 * one + 10);
    }

    private StoredResponse padded(String id) {
        String input = "[{\"role\":\"user\",\"content\":\"" + "x".repeat(400) + "\"}]";
        return new StoredResponse("", id, now.get(), input.getBytes(StandardCharsets.UTF_8),
                answer("", id, 0).response(), List.of());
    }

    @Test
    void anAnswerOverTheEntryCapIsNotStored() {
        EmbeddedResponseStore s = memory(new ResponseStoreConfig(true, Duration.ofDays(1), 100, 1 << 20, 1024));
        byte[] big = new byte[2000];
        java.util.Arrays.fill(big, (byte) 'a');
        s.put(new StoredResponse("", "resp_big", now.get(), "[]".getBytes(StandardCharsets.UTF_8), big, List.of()));
        assertThat(s.get("", "resp_big")).isNull();
    }

    @Test
    void answersSurviveARestartAndDeletesToo(@TempDir Path dir) throws Exception {
        ResponseStoreConfig c = config(Duration.ofHours(1), 100, 1 << 20);
        EmbeddedResponseStore s = new EmbeddedResponseStore(c, dir, now::get);
        s.put(answer("alice", "resp_1", now.get(), "fc_1"));
        s.put(answer("bob", "resp_2", now.get(), "fc_2"));
        s.put(answer("bob", "resp_3", now.get()));
        assertThat(s.delete("bob", "resp_3")).isTrue();
        s.close();

        Path file = dir.resolve("responses").resolve("responses.jsonl");
        assertThat(Files.readString(file)).contains("resp_1").doesNotContain("sk-");
        // A crash mid-write leaves a torn last line: it is skipped.
        Files.writeString(file, "{\"op\":\"put\",\"scope\":\"bob\",\"id\":\"resp_torn\",\"inp",
                StandardOpenOption.APPEND);

        EmbeddedResponseStore again = new EmbeddedResponseStore(c, dir, now::get);
        assertThat(again.size()).isEqualTo(2);
        StoredResponse r = again.get("alice", "resp_1");
        assertThat(new String(r.response(), StandardCharsets.UTF_8)).isEqualTo(
                new String(answer("alice", "resp_1", 0, "fc_1").response(), StandardCharsets.UTF_8));
        assertThat(new String(r.input(), StandardCharsets.UTF_8)).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
        assertThat(again.owner("alice", "fc_1").id()).isEqualTo("resp_1");
        assertThat(again.get("bob", "resp_3")).isNull();
        assertThat(again.get("alice", "resp_2")).isNull();
        again.close();
        // Compacted at start: the delete and the torn line are gone from the file.
        assertThat(Files.readString(file)).doesNotContain("resp_3").doesNotContain("resp_torn");

        // Expired while the server was down: gone at start.
        now.addAndGet(Duration.ofHours(2).toMillis());
        EmbeddedResponseStore later = new EmbeddedResponseStore(c, dir, now::get);
        assertThat(later.size()).isZero();
        later.close();
    }

    @Test
    void theLogIsPrivate(@TempDir Path dir) throws Exception {
        EmbeddedResponseStore s = new EmbeddedResponseStore(ResponseStoreConfig.defaults(), dir, now::get);
        s.put(answer("", "resp_1", now.get()));
        s.close();
        Path file = dir.resolve("responses").resolve("responses.jsonl");
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            EmbeddedResponseStore again = new EmbeddedResponseStore(ResponseStoreConfig.defaults(), dir, now::get);
            again.close();
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
    }
}
