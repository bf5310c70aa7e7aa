package io.sluice.proxy.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.usage.UsageLedger.Row;
import io.sluice.proxy.usage.UsageLedger.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link UsageLedger}: counts, the file across restarts, crashes, compaction, and record() under load. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UsageLedgerTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(T0);

    private Path file() {
        return dir.resolve("usage/usage.jsonl"); // a missing parent, created by open()
    }

    private static UsageRecord rec(long t, String provider, String model, String key, String client, int status,
            long prompt, long completion) {
        return new UsageRecord(t, provider, model, key, client, status, prompt, completion, 0, 0, false);
    }

    /** A mix of providers, models, keys, clients, errors and an estimate. */
    private static void recordMix(UsageLedger ledger) {
        ledger.record(rec(T0, "openai", "gpt-4o", "OPENAI_API_KEY", "team-a", 200, 10, 20));
        ledger.record(rec(T0 + 1, "openai", "gpt-4o", "OPENAI_API_KEY_2", "team-b", 200, 1, 2));
        ledger.record(rec(T0 + 2, "openai", "gpt-4o-mini", "OPENAI_API_KEY", "team-a", 429, 0, 0));
        ledger.record(new UsageRecord(T0 + 3, "anthropic", "claude-sonnet-4", "ANTHROPIC_API_KEY", null, 200, 100,
                50, 80, 30, true));
        ledger.record(rec(T0 + 4, "anthropic", "claude-sonnet-4", "ANTHROPIC_API_KEY", "team-a", 0, 5, 0));
        ledger.record(rec(T0 + 5, "openai", "gpt-4o", "OPENAI_API_KEY", "team-a", 200, 7, 3));
    }

    private static Row row(String provider, String model, String key, String client, long requests, long errors,
            long prompt, long completion, long cached, long reasoning, long estimated) {
        return new Row(provider, model, key, client,
                new UsageTotals(requests, errors, prompt, completion, cached, reasoning, estimated));
    }

    @Test
    void aggregatesByProviderModelKeyAndClient() throws IOException {
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            recordMix(ledger);
            Snapshot s = ledger.snapshot();

            assertThat(s.since()).isEqualTo(T0);
            assertThat(s.total()).isEqualTo(new UsageTotals(6, 2, 123, 75, 80, 30, 1));
            assertThat(s.total().totalTokens()).isEqualTo(198);
            assertThat(s.byProvider()).containsExactly(
                    row("openai", null, null, null, 4, 1, 18, 25, 0, 0, 0),
                    row("anthropic", null, null, null, 2, 1, 105, 50, 80, 30, 1));
            assertThat(s.byModel()).containsExactly(
                    row("openai", "gpt-4o", null, null, 3, 0, 18, 25, 0, 0, 0),
                    row("anthropic", "claude-sonnet-4", null, null, 2, 1, 105, 50, 80, 30, 1),
                    row("openai", "gpt-4o-mini", null, null, 1, 1, 0, 0, 0, 0, 0));
            assertThat(s.byKey()).containsExactly(
                    row("openai", null, "OPENAI_API_KEY", null, 3, 1, 17, 23, 0, 0, 0),
                    row("anthropic", null, "ANTHROPIC_API_KEY", null, 2, 1, 105, 50, 80, 30, 1),
                    row("openai", null, "OPENAI_API_KEY_2", null, 1, 0, 1, 2, 0, 0, 0));
            assertThat(s.byClient()).containsExactly(
                    row(null, null, null, "team-a", 4, 2, 22, 23, 0, 0, 0),
                    row(null, null, null, "team-b", 1, 0, 1, 2, 0, 0, 0),
                    row(null, null, null, null, 1, 0, 100, 50, 80, 30, 1)); // no client
        }
    }

    @Test
    void recordsAreJsonLinesWithoutNullFields() throws IOException {
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            ledger.record(rec(T0, "openai", "gpt-4o", "OPENAI_API_KEY", "team-a", 200, 12, 30));
            ledger.record(rec(T0 + 1, "openai", "gpt-4o", null, null, 502, 0, 0));
            assertThat(ledger.flush()).isTrue();
            assertThat(ledger.written()).isEqualTo(2);
        }
        assertThat(Files.readAllLines(file())).containsExactly(
                "{\"t\":1700000000000,\"p\":\"openai\",\"m\":\"gpt-4o\",\"k\":\"OPENAI_API_KEY\",\"c\":\"team-a\","
                        + "\"s\":200,\"pt\":12,\"ct\":30,\"ca\":0,\"rt\":0,\"e\":false}",
                "{\"t\":1700000000001,\"p\":\"openai\",\"m\":\"gpt-4o\",\"s\":502,\"pt\":0,\"ct\":0,\"ca\":0,\"rt\":0,"
                        + "\"e\":false}");
    }

    @Test
    void survivesRestart() throws IOException {
        Snapshot before;
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            recordMix(ledger);
            before = ledger.snapshot();
        }
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            assertThat(ledger.snapshot()).isEqualTo(before);
            assertThat(ledger.corruptLines()).isZero();
        }
    }

    @Test
    void oneLedgerPerFileUntilItCloses() throws IOException {
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            recordMix(ledger);
            assertThatThrownBy(() -> UsageLedger.open(file(), clock::get))
                    .isInstanceOf(UsageLedger.InUseException.class)
                    .hasMessageContaining(UsageLedger.lockFileOf(file()).toString());
            assertThat(ledger.snapshot().total().requests()).isEqualTo(6); // the refused open changed nothing
        }
        try (UsageLedger again = UsageLedger.open(file(), clock::get)) {
            assertThat(again.snapshot().total().requests()).isEqualTo(6);
        }
        assertThat(UsageLedger.lockFileOf(file()).getFileName().toString()).isEqualTo(file().getFileName() + ".lock");
    }

    @Test
    void tornLastLineIsCutOff() throws IOException {
        Snapshot before;
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            recordMix(ledger);
            before = ledger.snapshot();
        }
        long whole = Files.size(file());
        Files.writeString(file(), "{\"t\":1700000000009,\"p\":\"openai\",\"m\":\"gpt", StandardOpenOption.APPEND);

        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            assertThat(ledger.snapshot()).isEqualTo(before);
            assertThat(ledger.corruptLines()).isZero();
            assertThat(Files.size(file())).isEqualTo(whole);
            ledger.record(rec(T0 + 10, "openai", "gpt-4o", "OPENAI_API_KEY", "team-a", 200, 1000, 1));
        }
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            assertThat(ledger.corruptLines()).isZero();
            assertThat(ledger.snapshot().total().requests()).isEqualTo(7);
            assertThat(ledger.snapshot().total().promptTokens()).isEqualTo(123 + 1000);
        }
    }

    @Test
    void zerosLeftByAPowerLossAreCutOffToo() throws IOException {
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            recordMix(ledger);
        }
        long whole = Files.size(file());
        Files.write(file(), new byte[4096], StandardOpenOption.APPEND);
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            assertThat(ledger.snapshot().total().requests()).isEqualTo(6);
            assertThat(Files.size(file())).isEqualTo(whole);
        }
    }

    @Test
    void corruptMiddleLineIsSkippedAndCounted() throws IOException {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), String.join("\n",
                "{\"t\":1700000000000,\"p\":\"openai\",\"m\":\"gpt-4o\",\"s\":200,\"pt\":1,\"ct\":2,\"ca\":0,\"rt\":0,"
                        + "\"e\":false}",
                "{\"t\":1700000000001,\"p\":\"openai\",\"m\":\"gpt-4o\",\"s\":200,\"pt\":-5}", // negative count
                "not json at all",
                "{\"t\":1700000000002,\"p\":\"openai\",\"m\":\"gpt-4o\",\"s\":500,\"pt\":3,\"ct\":4,\"ca\":0,\"rt\":0,"
                        + "\"e\":true,\"future\":{\"x\":[1]}}", // unknown fields are skipped
                "{\"t\":1700000000003,\"p\":\"openai\"}", // a whole line, but not ours: the corrupt tail
                ""));
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            assertThat(ledger.corruptLines()).isEqualTo(2);
            assertThat(ledger.snapshot().since()).isEqualTo(T0);
            assertThat(ledger.snapshot().total()).isEqualTo(new UsageTotals(2, 1, 4, 6, 0, 0, 1));
            ledger.record(rec(T0 + 4, "openai", "gpt-4o", null, null, 200, 10, 10));
        }
        assertThat(Files.readString(file())).doesNotContain("1700000000003");
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            assertThat(ledger.corruptLines()).isEqualTo(2); // still there until a compaction
            assertThat(ledger.snapshot().total()).isEqualTo(new UsageTotals(3, 1, 14, 16, 0, 0, 1));
        }
    }

    @Test
    void compactsIntoASnapshotOfTheCounts() throws IOException {
        long max = 8192;
        Snapshot before;
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get, max)) {
            for (int i = 0; i < 5000; i++) {
                clock.incrementAndGet();
                ledger.record(rec(T0 + 100 + i, "openai", i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini",
                        "OPENAI_API_KEY_" + i % 3, i % 5 == 0 ? null : "team-" + i % 2, i % 7 == 0 ? 500 : 200,
                        i, 2L * i));
                if (i % 1000 == 0) {
                    assertThat(ledger.flush()).isTrue(); // several compactions, appends in between
                }
            }
            assertThat(ledger.flush()).isTrue();
            assertThat(ledger.written()).isEqualTo(5000);
            before = ledger.snapshot();
            assertThat(Files.size(file())).isLessThanOrEqualTo(max);
        }
        List<String> lines = Files.readAllLines(file());
        assertThat(lines.get(0)).isEqualTo("{\"since\":" + (T0 + 100) + "}");
        assertThat(lines).anyMatch(l -> l.contains("\"n\":"));

        try (UsageLedger ledger = UsageLedger.open(file(), clock::get, max)) {
            assertThat(ledger.snapshot()).isEqualTo(before);
            assertThat(ledger.snapshot().since()).isEqualTo(T0 + 100);
            assertThat(ledger.snapshot().total().requests()).isEqualTo(5000);
            assertThat(ledger.corruptLines()).isZero();
        }
    }

    @Test
    void concurrentRecordsAreAllCountedAndWritten() throws Exception {
        int threads = 4;
        int perThread = 12_500;
        Snapshot before;
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Thread> producers = new ArrayList<>();
            for (int n = 0; n < threads; n++) {
                String client = "client-" + n;
                Thread p = new Thread(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        ledger.record(rec(T0 + i, i % 2 == 0 ? "openai" : "anthropic", "m" + i % 10,
                                "KEY_" + i % 3, client, i % 100 == 0 ? 503 : 200, 3, 5));
                    }
                });
                p.start();
                producers.add(p);
            }
            for (Thread p : producers) {
                p.join();
            }
            assertThat(ledger.flush()).isTrue();
            assertThat(ledger.written()).isEqualTo(threads * perThread);
            before = ledger.snapshot();
            assertThat(before.total()).isEqualTo(new UsageTotals(50_000, 500, 150_000, 250_000, 0, 0, 0));
            assertThat(before.byClient()).hasSize(threads)
                    .allSatisfy(r -> assertThat(r.totals().requests()).isEqualTo(perThread));
        }
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            assertThat(ledger.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void recordsThatOverflowTheQueueStillReachTheFile() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        ThreadFactory stalled = r -> {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                r.run();
            }, UsageLedger.THREAD_NAME);
            t.setDaemon(true);
            return t;
        };
        Snapshot before;
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get, UsageLedger.DEFAULT_MAX_FILE_BYTES, 16,
                stalled)) {
            for (int i = 0; i < 100; i++) {
                ledger.record(rec(T0 + i, "openai", "gpt-4o", "KEY_" + i % 2, null, 200, 1, 1));
            }
            assertThat(ledger.dropped()).isEqualTo(84);
            before = ledger.snapshot();
            assertThat(before.total().requests()).isEqualTo(100);
            go.countDown();
            assertThat(ledger.flush()).isTrue();
            assertThat(ledger.written()).isEqualTo(100);
        }
        assertThat(Files.readAllLines(file())).hasSize(16 + 2); // one counts line per key for the 84
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            assertThat(ledger.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void closeFlushesRecordsMadeJustBefore() throws IOException {
        UsageLedger ledger = UsageLedger.open(file(), clock::get);
        for (int i = 0; i < 1000; i++) {
            ledger.record(rec(T0 + i, "openai", "gpt-4o", null, "team-a", 200, 1, 2));
        }
        ledger.close();
        ledger.close(); // idempotent
        assertThat(ledger.written()).isEqualTo(1000);

        ledger.record(rec(T0, "openai", "gpt-4o", null, "team-a", 200, 1, 2)); // memory only now
        assertThat(ledger.snapshot().total().requests()).isEqualTo(1001);
        assertThat(ledger.flush()).isTrue();

        try (UsageLedger reopened = UsageLedger.open(file(), clock::get)) {
            assertThat(reopened.snapshot().total()).isEqualTo(new UsageTotals(1000, 0, 1000, 2000, 0, 0, 0));
        }
    }

    @Test
    void memoryOnlyHasNoFileAndNoThread() throws IOException {
        long writers = writerThreads();
        UsageLedger ledger = UsageLedger.open(null, clock::get);
        assertThat(writerThreads()).isEqualTo(writers);
        assertThat(ledger.snapshot()).isEqualTo(
                new Snapshot(0, UsageTotals.ZERO, List.of(), List.of(), List.of(), List.of()));
        recordMix(ledger);
        assertThat(ledger.flush()).isTrue();
        assertThat(ledger.snapshot().total().requests()).isEqualTo(6);
        assertThat(ledger.written()).isZero();
        ledger.close();
        ledger.record(rec(T0, "openai", "gpt-4o", null, null, 200, 1, 1));
        assertThat(ledger.snapshot().total().requests()).isEqualTo(7);
        assertThat(dir).isEmptyDirectory();
    }

    private static long writerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(UsageLedger.THREAD_NAME))
                .count();
    }

    @Test
    void recordRejectsMissingNamesAndNegativeCounts() {
        assertThatThrownBy(() -> rec(T0, "", "gpt-4o", null, null, 200, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("provider");
        assertThatThrownBy(() -> rec(T0, "openai", null, null, null, 200, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model");
        assertThatThrownBy(() -> rec(T0, "openai", "gpt-4o", null, null, 200, -1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("promptTokens: -1 (expected: >= 0)");
        assertThatThrownBy(() -> UsageLedger.open(file(), clock::get, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxFileBytes: 0 (expected: > 0)");
        assertThat(rec(T0, "openai", "gpt-4o", "", "", 200, 0, 0).key()).isNull();
    }

    @Test
    void namesAreEscaped() throws IOException {
        String odd = "team \"a\"\n\u00e9";
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            ledger.record(rec(T0, "openai", "gpt-4o", null, odd, 200, 1, 1));
        }
        assertThat(Files.readAllLines(file(), StandardCharsets.UTF_8)).hasSize(1);
        try (UsageLedger ledger = UsageLedger.open(file(), clock::get)) {
            assertThat(ledger.snapshot().byClient()).extracting(Row::client).containsExactly(odd);
        }
    }
}
