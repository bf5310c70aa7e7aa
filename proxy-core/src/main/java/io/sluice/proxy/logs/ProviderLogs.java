package io.sluice.proxy.logs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The last {@code capacity} log entries of each provider, in memory, for the operator API; optionally also written to
 * {@link ProviderLogFiles}.
 * <p>
 * {@link #add} runs on event loops for every request, so it takes no lock: a sequence number claims a slot of a fixed
 * ring, the entry is stored there and one per-level counter is bumped. Readers walk back from the sequence and skip a
 * slot not (yet) holding the entry of that sequence, so a snapshot taken during writes can miss the very newest
 * entries but never shows one twice or out of order.
 */
public final class ProviderLogs implements AutoCloseable {

    public static final int DEFAULT_CAPACITY = 1000;

    /** Per-provider counts for {@code GET /api/monitoring/providers/logs/stats}. */
    public record Stats(String provider, int held, int capacity, long total, long debug, long info, long warn,
                        long error) {
    }

    private final int capacity;
    private final ProviderLogFiles files;
    private final ConcurrentHashMap<String, Ring> rings = new ConcurrentHashMap<>();

    public ProviderLogs() {
        this(DEFAULT_CAPACITY, null);
    }

    /** {@code files} may be {@code null}: memory only. {@link #close()} closes it. */
    public ProviderLogs(int capacity, ProviderLogFiles files) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.capacity = capacity;
        this.files = files;
    }

    public int capacity() {
        return capacity;
    }

    /** Records {@code e} under its provider; lock-free and non-blocking, safe on an event loop. */
    public void add(LogEntry e) {
        ring(e.provider()).add(e);
        if (files != null) {
            files.offer(e);
        }
    }

    /** Up to {@code count} entries of {@code provider} at or above {@code min} ({@code null}: all), newest first. */
    public List<LogEntry> recent(String provider, LogLevel min, int count) {
        Ring ring = rings.get(provider);
        return ring == null || count <= 0 ? List.of() : ring.recent(min, count);
    }

    /** Up to {@code count} entries of every provider at or above {@code min}, newest first by timestamp. */
    public List<LogEntry> all(LogLevel min, int count) {
        if (count <= 0) {
            return List.of();
        }
        // k-way merge of the per-provider lists: keeps each provider's own order even if its clock stepped back.
        record Head(List<LogEntry> list, int index) {
            LogEntry entry() {
                return list.get(index);
            }
        }
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator
                .comparingLong((Head h) -> h.entry().timestamp()).reversed()
                .thenComparing(h -> h.entry().provider()));
        for (Ring ring : rings.values()) {
            List<LogEntry> list = ring.recent(min, count);
            if (!list.isEmpty()) {
                heads.add(new Head(list, 0));
            }
        }
        List<LogEntry> out = new ArrayList<>(Math.min(count, 1024));
        while (out.size() < count && !heads.isEmpty()) {
            Head h = heads.poll();
            out.add(h.entry());
            if (h.index() + 1 < h.list().size()) {
                heads.add(new Head(h.list(), h.index() + 1));
            }
        }
        return out;
    }

    /** One line per provider that has logged since start, sorted by name. */
    public List<Stats> stats() {
        List<Stats> out = new ArrayList<>(rings.size());
        rings.forEach((name, ring) -> out.add(ring.stats(name)));
        out.sort(Comparator.comparing(Stats::provider));
        return out;
    }

    /** Drops the held entries of {@code provider} and zeroes its counters; returns how many entries were held. */
    public int clear(String provider) {
        Ring ring = rings.get(provider);
        return ring == null ? 0 : ring.clear();
    }

    /** Closes the file sink, if any (writes what it has queued first). */
    @Override
    public void close() {
        if (files != null) {
            files.close();
        }
    }

    private Ring ring(String provider) {
        Ring ring = rings.get(provider);
        return ring != null ? ring : rings.computeIfAbsent(provider, p -> new Ring(capacity));
    }

    /** A slot remembers which sequence wrote it, so a reader can tell a lapped or not-yet-written slot. */
    private record Slot(long seq, LogEntry entry) {
    }

    private static final class Ring {

        private final int capacity;
        private final AtomicReferenceArray<Slot> slots;
        /** Next sequence to claim; slot {@code seq % capacity}. */
        private final AtomicLong next = new AtomicLong();
        /** Sequences below this were cleared. */
        private final AtomicLong floor = new AtomicLong();
        private final LongAdder[] byLevel = new LongAdder[LogLevel.values().length];

        Ring(int capacity) {
            this.capacity = capacity;
            this.slots = new AtomicReferenceArray<>(capacity);
            for (int i = 0; i < byLevel.length; i++) {
                byLevel[i] = new LongAdder();
            }
        }

        void add(LogEntry e) {
            long seq = next.getAndIncrement();
            // lazySet: readers tolerate a late slot, the writer need not pay for a full fence.
            slots.lazySet((int) (seq % capacity), new Slot(seq, e));
            byLevel[e.level().ordinal()].increment();
        }

        List<LogEntry> recent(LogLevel min, int count) {
            long end = next.get();
            long start = Math.max(floor.get(), end - capacity);
            List<LogEntry> out = new ArrayList<>((int) Math.min(count, Math.max(0, end - start)));
            for (long seq = end - 1; seq >= start && out.size() < count; seq--) {
                Slot slot = slots.get((int) (seq % capacity));
                if (slot != null && slot.seq() == seq && slot.entry().level().isAtLeast(min)) {
                    out.add(slot.entry());
                }
            }
            return out;
        }

        int held() {
            return (int) Math.max(0, Math.min(next.get() - floor.get(), capacity));
        }

        Stats stats(String provider) {
            long debug = byLevel[LogLevel.DEBUG.ordinal()].sum();
            long info = byLevel[LogLevel.INFO.ordinal()].sum();
            long warn = byLevel[LogLevel.WARN.ordinal()].sum();
            long error = byLevel[LogLevel.ERROR.ordinal()].sum();
            return new Stats(provider, held(), capacity, debug + info + warn + error, debug, info, warn, error);
        }

        int clear() {
            long end = next.get();
            long before = floor.getAndAccumulate(end, Math::max);
            for (LongAdder a : byLevel) {
                a.reset(); // an add racing with the clear may or may not be counted: fine for operator stats
            }
            return (int) Math.max(0, Math.min(end - before, capacity));
        }
    }
}
