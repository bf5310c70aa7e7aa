package io.sluice.proxy.ops;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The dashboard's live view: requests and errors per second over the last minute, latency and time-to-first-byte
 * percentiles over the same minute. Writers (event loops) touch only atomics and HdrHistogram {@link Recorder}s, which
 * are wait-free for writers; {@link #roll} (every {@link #SLICE_SECONDS} s, on the ops thread) moves what was recorded
 * into a ring of interval histograms, and {@link #snapshot} adds those up.
 */
public final class LiveStats {

    public static final int WINDOW_SECONDS = 60;
    static final int SLICE_SECONDS = 10;
    private static final int SLOTS = 64;
    private static final long HIGHEST_NANOS = 3_600_000_000_000L;

    private final AtomicLongArray second = new AtomicLongArray(SLOTS);
    private final AtomicLongArray count = new AtomicLongArray(SLOTS);
    private final AtomicLongArray errors = new AtomicLongArray(SLOTS);
    private final Recorder latency = new Recorder(HIGHEST_NANOS, 2);
    private final Recorder ttft = new Recorder(HIGHEST_NANOS, 2);
    private final ArrayDeque<Histogram[]> slices = new ArrayDeque<>();
    private Histogram currentLatency = new Histogram(HIGHEST_NANOS, 2);
    private Histogram currentTtft = new Histogram(HIGHEST_NANOS, 2);
    private Histogram latencyInterval;
    private Histogram ttftInterval;

    /** One finished request: its end time, whether it failed, its latency and first-byte time (-1 if none). */
    public void record(long nowNanos, boolean failed, long latencyNanos, long firstByteNanos) {
        long sec = nowNanos / 1_000_000_000L;
        int slot = (int) (sec & (SLOTS - 1));
        long seen = second.get(slot);
        if (seen != sec && second.compareAndSet(slot, seen, sec)) {
            // A new second for this slot: a concurrent writer of the same second may lose its count; a live view
            // can afford that.
            count.set(slot, 0);
            errors.set(slot, 0);
        }
        count.incrementAndGet(slot);
        if (failed) {
            errors.incrementAndGet(slot);
        }
        latency.recordValue(clamp(latencyNanos));
        if (firstByteNanos >= 0) {
            ttft.recordValue(clamp(firstByteNanos));
        }
    }

    private static long clamp(long v) {
        return Math.max(1, Math.min(HIGHEST_NANOS, v));
    }

    /** Closes the current slice of the histograms; the window keeps the last minute of slices. */
    public synchronized void roll() {
        drain();
        slices.addLast(new Histogram[] {currentLatency, currentTtft});
        currentLatency = new Histogram(HIGHEST_NANOS, 2);
        currentTtft = new Histogram(HIGHEST_NANOS, 2);
        while (slices.size() > WINDOW_SECONDS / SLICE_SECONDS) {
            slices.removeFirst();
        }
    }

    /** Moves what the recorders hold into the current slice. */
    private void drain() {
        latencyInterval = latency.getIntervalHistogram(latencyInterval);
        currentLatency.add(latencyInterval);
        ttftInterval = ttft.getIntervalHistogram(ttftInterval);
        currentTtft.add(ttftInterval);
    }

    /** The last minute as of {@code nowNanos}. */
    public synchronized Snapshot snapshot(long nowNanos) {
        drain();
        Histogram l = currentLatency.copy();
        Histogram t = currentTtft.copy();
        for (Histogram[] s : slices) {
            l.add(s[0]);
            t.add(s[1]);
        }
        long now = nowNanos / 1_000_000_000L;
        long[] perSecond = new long[WINDOW_SECONDS];
        long total = 0;
        long failed = 0;
        // The current second is still filling: the window is the WINDOW_SECONDS complete seconds before it.
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            long sec = now - WINDOW_SECONDS + i;
            int slot = (int) (sec & (SLOTS - 1));
            if (second.get(slot) == sec) {
                perSecond[i] = count.get(slot);
                total += perSecond[i];
                failed += errors.get(slot);
            }
        }
        return new Snapshot(perSecond, (double) total / WINDOW_SECONDS, (double) failed / WINDOW_SECONDS,
                millis(l, 50), millis(l, 90), millis(l, 99), millis(t, 50), millis(t, 99), l.getTotalCount());
    }

    private static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
    }

    /** Requests per second (oldest first), rates, and latency/TTFB percentiles in milliseconds. */
    public record Snapshot(long[] perSecond, double requestsPerSecond, double errorsPerSecond, double p50, double p90,
                           double p99, double ttftP50, double ttftP99, long latencySamples) {
    }
}
