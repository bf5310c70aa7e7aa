package io.sluice.proxy.schedule;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token bucket refilled continuously at perMinute per 60 s, burst = perMinute, in one {@link AtomicLong} CAS loop.
 *
 * <p>Kept as GCRA (the "virtual scheduling" form of a token bucket): instead of a token count and a refill time,
 * one value, the theoretical arrival time {@code tat} of the next request. A request at {@code now} conforms when
 * {@code tat - now <= tolerance}, where {@code tolerance = (burst - 1) × interval}, and moves {@code tat} to
 * {@code max(tat, now) + interval}. That is exactly a bucket of {@code burst} tokens gaining one per {@code
 * interval}, with a single word to CAS. perMinute ≤ 0 means unlimited.
 */
public final class RateLimiter {

    private static final long NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final long perMinute;
    /** Nanos per token, rounded up so the limiter never grants faster than configured; 0 when unlimited. */
    private final long interval;
    /** How far tat may run ahead of now: the burst beyond the first token. */
    private final long tolerance;
    private final LongSupplier nanoClock;
    private final AtomicLong tat;

    /** @param perMinute requests per minute and the burst size; ≤ 0 means unlimited */
    public RateLimiter(long perMinute, LongSupplier nanoClock) {
        this.perMinute = perMinute;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (perMinute <= 0) {
            interval = 0;
            tolerance = 0;
        } else {
            // Above one per nanosecond the clock cannot tell tokens apart: one per ns, a minute's worth of burst.
            long burst = Math.min(perMinute, NANOS_PER_MINUTE);
            interval = Math.max(1, (NANOS_PER_MINUTE + burst - 1) / burst);
            tolerance = (burst - 1) * interval;
        }
        tat = new AtomicLong(nanoClock.getAsLong()); // a full bucket
    }

    /** Takes a token when one is available. Never blocks; one clock read and one CAS when it grants. */
    public boolean tryAcquire() {
        if (interval == 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        for (;;) {
            long t = tat.get();
            long from = t - now < 0 ? now : t; // an idle bucket refills up to its burst, no further
            if (from - now > tolerance) {
                return false;
            }
            if (tat.compareAndSet(t, from + interval)) {
                return true;
            }
        }
    }

    /** Nanos until one token is available (0 if now). */
    public long nanosUntilAvailable() {
        if (interval == 0) {
            return 0;
        }
        return Math.max(0, tat.get() - nanoClock.getAsLong() - tolerance);
    }

    /** The configured rate as given; ≤ 0 is unlimited. */
    public long perMinute() {
        return perMinute;
    }
}
