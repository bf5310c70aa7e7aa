package io.sluice.proxy.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ProviderLogsTest {

    private static LogEntry entry(String provider, long ts, LogLevel level, String message) {
        return new LogEntry(ts, provider, level, LogEntry.EVENT_RESPONSE, message, "m", 200, 10L, "K");
    }

    private static List<String> messages(List<LogEntry> entries) {
        return entries.stream().map(LogEntry::message).toList();
    }

    /** Levels cycle debug, info, warn, error, so message i has level i % 4. */
    private static void fill(ProviderLogs logs, String provider, int n) {
        for (int i = 0; i < n; i++) {
            logs.add(entry(provider, 1000 + i, LogLevel.values()[i % 4], "m" + i));
        }
    }

    @Test
    void keepsTheNewestCapacityEntriesNewestFirst() {
        ProviderLogs logs = new ProviderLogs(5, null);
        fill(logs, "openai", 12);

        assertThat(messages(logs.recent("openai", null, 100))).containsExactly("m11", "m10", "m9", "m8", "m7");
        assertThat(messages(logs.recent("openai", null, 2))).containsExactly("m11", "m10");
        assertThat(logs.recent("openai", null, 0)).isEmpty();
        assertThat(logs.recent("nobody", null, 10)).isEmpty();
        assertThat(logs.capacity()).isEqualTo(5);
    }

    @Test
    void minimumLevelFiltersAndCountStillApplies() {
        ProviderLogs logs = new ProviderLogs(8, null);
        fill(logs, "openai", 8); // m0 debug, m1 info, m2 warn, m3 error, m4 debug ...

        assertThat(messages(logs.recent("openai", LogLevel.WARN, 10))).containsExactly("m7", "m6", "m3", "m2");
        assertThat(messages(logs.recent("openai", LogLevel.ERROR, 1))).containsExactly("m7");
        assertThat(messages(logs.recent("openai", LogLevel.DEBUG, 3))).containsExactly("m7", "m6", "m5");
    }

    @Test
    void allMergesProvidersNewestFirst() {
        ProviderLogs logs = new ProviderLogs(10, null);
        logs.add(entry("openai", 100, LogLevel.INFO, "o100"));
        logs.add(entry("anthropic", 150, LogLevel.ERROR, "a150"));
        logs.add(entry("openai", 200, LogLevel.WARN, "o200"));
        logs.add(entry("gemini", 120, LogLevel.DEBUG, "g120"));
        logs.add(entry("anthropic", 300, LogLevel.INFO, "a300"));

        assertThat(messages(logs.all(null, 100))).containsExactly("a300", "o200", "a150", "g120", "o100");
        assertThat(messages(logs.all(null, 2))).containsExactly("a300", "o200");
        assertThat(messages(logs.all(LogLevel.WARN, 100))).containsExactly("o200", "a150");
        assertThat(logs.all(null, 0)).isEmpty();
    }

    @Test
    void allKeepsEachProvidersOwnOrderWhenItsClockStepsBack() {
        ProviderLogs logs = new ProviderLogs(10, null);
        logs.add(entry("openai", 200, LogLevel.INFO, "first"));
        logs.add(entry("openai", 100, LogLevel.INFO, "second"));
        logs.add(entry("gemini", 150, LogLevel.INFO, "g"));

        assertThat(messages(logs.all(null, 10))).containsExactly("g", "second", "first");
    }

    @Test
    void statsCountEverEntryByLevelSortedByProvider() {
        ProviderLogs logs = new ProviderLogs(5, null);
        fill(logs, "openai", 10);
        fill(logs, "anthropic", 3);

        assertThat(logs.stats()).containsExactly(
                new ProviderLogs.Stats("anthropic", 3, 5, 3, 1, 1, 1, 0),
                new ProviderLogs.Stats("openai", 5, 5, 10, 3, 3, 2, 2));
    }

    @Test
    void clearDropsEntriesAndResetsCounters() {
        ProviderLogs logs = new ProviderLogs(5, null);
        fill(logs, "openai", 7);
        fill(logs, "gemini", 2);

        assertThat(logs.clear("openai")).isEqualTo(5);
        assertThat(logs.clear("openai")).isZero();
        assertThat(logs.clear("nobody")).isZero();
        assertThat(logs.recent("openai", null, 10)).isEmpty();
        assertThat(messages(logs.all(null, 10))).containsExactly("m1", "m0");
        assertThat(logs.stats()).contains(new ProviderLogs.Stats("openai", 0, 5, 0, 0, 0, 0, 0));

        logs.add(entry("openai", 5000, LogLevel.ERROR, "after"));
        assertThat(messages(logs.recent("openai", null, 10))).containsExactly("after");
        assertThat(logs.stats()).contains(new ProviderLogs.Stats("openai", 1, 5, 1, 0, 0, 0, 1));
    }

    @Test
    void rejectsANonPositiveCapacity() {
        assertThatThrownBy(() -> new ProviderLogs(0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity: 0 (expected: > 0)");
        assertThat(new ProviderLogs().capacity()).isEqualTo(ProviderLogs.DEFAULT_CAPACITY);
    }

    @Test
    @Timeout(60)
    void concurrentAddsKeepExactCountsAndAFullRing() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        ProviderLogs logs = new ProviderLogs(1000, null);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String name = "t" + t;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        logs.add(entry("shared", i, LogLevel.values()[i % 4], name + "-" + i));
                    }
                    return null;
                }));
            }
            // A reader racing the writers: snapshots must stay well formed.
            Future<?> reader = pool.submit(() -> {
                start.await();
                while (writing.get()) {
                    List<LogEntry> recent = logs.recent("shared", LogLevel.INFO, 500);
                    assertThat(recent).hasSizeLessThanOrEqualTo(500).doesNotContainNull()
                            .allMatch(e -> e.level().isAtLeast(LogLevel.INFO));
                    assertThat(logs.all(null, 100)).hasSizeLessThanOrEqualTo(100).doesNotHaveDuplicates();
                    logs.stats();
                }
                return null;
            });
            start.countDown();
            for (Future<?> w : writers) {
                w.get(50, TimeUnit.SECONDS);
            }
            writing.set(false);
            reader.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        long total = (long) threads * perThread;
        assertThat(logs.stats()).containsExactly(new ProviderLogs.Stats("shared", 1000, 1000, total,
                total / 4, total / 4, total / 4, total / 4));
        List<LogEntry> held = logs.recent("shared", null, 5000);
        assertThat(held).hasSize(1000).doesNotHaveDuplicates();
    }
}
