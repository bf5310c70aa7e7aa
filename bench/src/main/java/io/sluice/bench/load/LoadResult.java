package io.sluice.bench.load;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a run measured, warmup excluded. Times in the histograms are nanoseconds; do not modify them.
 *
 * @param transport         {@code epoll} or {@code nio}
 * @param requests          measured requests that ended: {@code successes} plus every error
 * @param errors            by kind; every kind present, zero when none
 * @param lateStarts        open loop: requests sent more than 1 ms after their intended time (all connections busy,
 *                          or the client itself was late)
 * @param connectionsOpened connects attempted, warmup and pre-connects included
 * @param bytesReceived     response body bytes, warmup included
 * @param elapsed           the measured wall time: the duration, or longer if the last measured request ended after it
 * @param achievedRate      successes per second of {@code elapsed}
 * @param latency           per success, from the intended send time (open loop: coordinated-omission corrected) or
 *                          the actual send (closed loop) to the end of the response; for streams the whole-stream time
 * @param sendLag           open loop: actual send minus intended send time; empty in closed loop
 * @param ttfb              streams: from the same origin as {@code latency} to the first complete SSE event
 * @param gap               streams: between consecutive events of one stream
 * @param events            streams: events per successful stream (a count, not a time), the terminal event included
 */
public record LoadResult(
        LoadSpec spec,
        String transport,
        long requests,
        long successes,
        Map<ErrorKind, Long> errors,
        long lateStarts,
        long connectionsOpened,
        long bytesReceived,
        Duration elapsed,
        double achievedRate,
        Histogram latency,
        Histogram sendLag,
        Histogram ttfb,
        Histogram gap,
        Histogram events) {

    static LoadResult of(LoadSpec spec, String transport, LoopStats s, Duration elapsed) {
        Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
        long failed = 0;
        for (ErrorKind k : ErrorKind.values()) {
            errors.put(k, s.errors[k.ordinal()]);
            failed += s.errors[k.ordinal()];
        }
        double seconds = elapsed.toNanos() / 1e9;
        return new LoadResult(spec, transport, s.successes + failed, s.successes, Collections.unmodifiableMap(errors),
                s.lateStarts, s.connectionsOpened, s.bytesReceived, elapsed, seconds > 0 ? s.successes / seconds : 0,
                s.latency, s.sendLag, s.ttfb, s.gap, s.events);
    }

    public long errorCount() {
        return requests - successes;
    }

    public long errors(ErrorKind kind) {
        return errors.get(kind);
    }

    /** JSON for the bench report: times in microseconds, every field always present. */
    public String toJson() {
        StringBuilder b = new StringBuilder(1024).append('{');
        field(b, "mode").append('"').append(spec.mode().name().toLowerCase(Locale.ROOT)).append("\",");
        field(b, "target").append('"').append(escape(spec.target().toString())).append("\",");
        field(b, "method").append('"').append(escape(spec.method())).append("\",");
        field(b, "transport").append('"').append(transport).append("\",");
        field(b, "rate").append(spec.mode() == LoadMode.OPEN ? number(spec.rate()) : "null").append(',');
        field(b, "connections").append(spec.connections()).append(',');
        field(b, "threads").append(spec.effectiveThreads()).append(',');
        field(b, "durationMs").append(spec.duration().toMillis()).append(',');
        field(b, "warmupMs").append(spec.warmup().toMillis()).append(',');
        field(b, "timeoutMs").append(spec.timeout().toMillis()).append(',');
        field(b, "keepAlive").append(spec.keepAlive()).append(',');
        field(b, "streaming").append(spec.streaming()).append(',');
        field(b, "requests").append(requests).append(',');
        field(b, "successes").append(successes).append(',');
        field(b, "errorsTotal").append(errorCount()).append(',');
        field(b, "errors").append('{');
        for (ErrorKind k : ErrorKind.values()) {
            field(b, k.key()).append(errors.get(k)).append(k.ordinal() < ErrorKind.values().length - 1 ? "," : "");
        }
        b.append("},");
        field(b, "lateStarts").append(lateStarts).append(',');
        field(b, "connectionsOpened").append(connectionsOpened).append(',');
        field(b, "bytesReceived").append(bytesReceived).append(',');
        field(b, "elapsedMs").append(number(elapsed.toNanos() / 1e6)).append(',');
        field(b, "achievedRate").append(number(achievedRate)).append(',');
        times(field(b, "latencyUs"), latency).append(',');
        times(field(b, "sendLagUs"), sendLag);
        if (spec.streaming()) {
            b.append(',');
            field(b, "stream").append('{');
            times(field(b, "ttfbUs"), ttfb).append(',');
            times(field(b, "gapUs"), gap).append(',');
            field(b, "eventsPerStream").append('{');
            field(b, "count").append(events.getTotalCount()).append(',');
            field(b, "min").append(events.getTotalCount() == 0 ? 0 : events.getMinValue()).append(',');
            field(b, "mean").append(number(events.getMean())).append(',');
            field(b, "max").append(events.getMaxValue()).append(',');
            field(b, "total").append(totalEvents()).append("}}");
        }
        return b.append('}').toString();
    }

    /**
     * One line for humans: {@code open 200/s, 4 conns, keep-alive, 10s: 2000 ok, 0 errors, 199.9 req/s; latency p50
     * 1.21ms p90 ... max 3.10ms; 0 late starts}.
     */
    public String summary() {
        StringBuilder b = new StringBuilder(256);
        if (spec.mode() == LoadMode.OPEN) {
            b.append("open ").append(compact(spec.rate())).append("/s, ");
        } else {
            b.append("closed, ");
        }
        b.append(spec.connections()).append(" conns, ").append(spec.keepAlive() ? "keep-alive" : "no keep-alive")
                .append(spec.streaming() ? ", streaming" : "").append(", ").append(time(spec.duration().toNanos()))
                .append(": ").append(successes).append(" ok, ").append(errorCount()).append(" errors");
        if (errorCount() > 0) {
            b.append(" (");
            String sep = "";
            for (ErrorKind k : ErrorKind.values()) {
                if (errors.get(k) > 0) {
                    b.append(sep).append(k.key()).append(' ').append(errors.get(k));
                    sep = ", ";
                }
            }
            b.append(')');
        }
        b.append(", ").append(String.format(Locale.ROOT, "%.1f", achievedRate)).append(" req/s; latency");
        percentiles(b, latency);
        if (spec.streaming()) {
            b.append("; ttfb");
            percentiles(b, ttfb);
            b.append("; gap");
            percentiles(b, gap);
            b.append("; ").append(String.format(Locale.ROOT, "%.1f", events.getMean())).append(" events/stream");
        }
        if (spec.mode() == LoadMode.OPEN) {
            b.append("; ").append(lateStarts).append(" late starts");
        }
        return b.toString();
    }

    private long totalEvents() {
        long sum = 0;
        for (var v : events.recordedValues()) {
            sum += v.getValueIteratedTo() * v.getCountAtValueIteratedTo();
        }
        return sum;
    }

    private static void percentiles(StringBuilder b, Histogram h) {
        if (h.getTotalCount() == 0) {
            b.append(" -");
            return;
        }
        b.append(" p50 ").append(time(h.getValueAtPercentile(50)))
                .append(" p90 ").append(time(h.getValueAtPercentile(90)))
                .append(" p99 ").append(time(h.getValueAtPercentile(99)))
                .append(" p99.9 ").append(time(h.getValueAtPercentile(99.9)))
                .append(" max ").append(time(h.getMaxValue()));
    }

    /** Nanoseconds for humans: {@code 850ns}, {@code 12.3us}, {@code 1.21ms}, {@code 2.50s}. */
    static String time(long nanos) {
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fus", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
    }

    private static StringBuilder times(StringBuilder b, Histogram h) {
        b.append('{');
        field(b, "count").append(h.getTotalCount()).append(',');
        field(b, "min").append(micros(h.getTotalCount() == 0 ? 0 : h.getMinValue())).append(',');
        field(b, "mean").append(number(h.getMean() / 1e3)).append(',');
        field(b, "p50").append(micros(h.getValueAtPercentile(50))).append(',');
        field(b, "p90").append(micros(h.getValueAtPercentile(90))).append(',');
        field(b, "p99").append(micros(h.getValueAtPercentile(99))).append(',');
        field(b, "p999").append(micros(h.getValueAtPercentile(99.9))).append(',');
        field(b, "max").append(micros(h.getMaxValue()));
        return b.append('}');
    }

    private static String compact(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String micros(long nanos) {
        return number(nanos / 1e3);
    }

    private static String number(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    private static StringBuilder field(StringBuilder b, String name) {
        return b.append('"').append(name).append("\":");
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
