package io.sluice.bench.load;

import java.time.Duration;
import java.util.Locale;

/**
 * A once-a-second snapshot of a running load, handed to the progress callback on the thread that called
 * {@link LoadGenerator#run}. Counts include the warmup.
 *
 * @param elapsed     since the start of the run (warmup included)
 * @param completed   exchanges ended so far, successes and errors
 * @param errors      of which errors
 * @param rate        completions per second since the previous snapshot
 * @param outstanding requests in flight or (open loop) due and waiting for a connection
 */
public record Progress(Duration elapsed, Phase phase, long completed, long errors, double rate, long outstanding) {

    public enum Phase {
        WARMUP,
        MEASURE,
        /** Nothing new is sent; waiting for the last requests. */
        DRAIN
    }

    /** {@code [  3s] measure: 600 done, 0 errors, 200 req/s, 4 outstanding}. */
    public String line() {
        return String.format(Locale.ROOT, "[%3ds] %s: %d done, %d errors, %.0f req/s, %d outstanding",
                elapsed.toSeconds(), phase.name().toLowerCase(Locale.ROOT), completed, errors, rate, outstanding);
    }
}
