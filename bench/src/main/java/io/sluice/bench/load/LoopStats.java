package io.sluice.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one event loop measured. Confined to that loop while the run goes; read after a task on the loop hands it over.
 * Times are nanoseconds; only measured requests (after the warmup) are recorded.
 */
final class LoopStats {

    /** Three significant digits: 0.1% resolution at any magnitude. */
    static final int DIGITS = 3;
    /** An open-loop request sent more than this after its intended time counts as a late start. */
    static final long LATE_START_NANOS = 1_000_000;

    final Histogram latency = new Histogram(DIGITS);
    final Histogram sendLag = new Histogram(DIGITS);
    final Histogram ttfb = new Histogram(DIGITS);
    final Histogram gap = new Histogram(DIGITS);
    final Histogram events = new Histogram(DIGITS);
    final long[] errors = new long[ErrorKind.values().length];
    long successes;
    long lateStarts;
    long connectionsOpened;
    long bytesReceived;
    /** {@link System#nanoTime()} of the last measured completion, 0 if none. */
    long lastCompletion;

    void sent(long lagNanos) {
        sendLag.recordValue(Math.max(0, lagNanos));
        if (lagNanos > LATE_START_NANOS) {
            lateStarts++;
        }
    }

    void success(long now, long latencyNanos) {
        successes++;
        latency.recordValue(Math.max(0, latencyNanos));
        lastCompletion = now;
    }

    /** @param ttfbNanos time to the first event, negative for a stream without events */
    void stream(long ttfbNanos, int eventCount) {
        if (ttfbNanos >= 0) {
            ttfb.recordValue(ttfbNanos);
        }
        events.recordValue(eventCount);
    }

    void gap(long nanos) {
        gap.recordValue(Math.max(0, nanos));
    }

    void error(long now, ErrorKind kind) {
        errors[kind.ordinal()]++;
        lastCompletion = now;
    }

    void add(LoopStats other) {
        latency.add(other.latency);
        sendLag.add(other.sendLag);
        ttfb.add(other.ttfb);
        gap.add(other.gap);
        events.add(other.events);
        for (int i = 0; i < errors.length; i++) {
            errors[i] += other.errors[i];
        }
        successes += other.successes;
        lateStarts += other.lateStarts;
        connectionsOpened += other.connectionsOpened;
        bytesReceived += other.bytesReceived;
        if (other.lastCompletion != 0 && (lastCompletion == 0 || other.lastCompletion - lastCompletion > 0)) {
            lastCompletion = other.lastCompletion;
        }
    }
}
