package io.sluice.proxy.schedule;

import io.sluice.proxy.state.LeasedBudget;
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
 *
 * <p>Shared across instances (issue 19), the limiter spends tokens of a {@link LeasedBudget} and falls back on its
 * own bucket, at perMinute divided by the live instances, when the budget says to decide locally (Redis down or
 * slow, no lease yet). Every token spent from the lease is also charged to the local bucket (never below empty),
 * so that when Redis goes away the local bucket goes on from this instance's recent pace instead of a fresh burst.
 */
public final class RateLimiter {

    private static final long NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final long perMinute;
    private final LongSupplier nanoClock;
    private final AtomicLong tat;
    /** The shared budget, or null for a limiter of this instance alone. */
    private final LeasedBudget shared;
    /** The local bucket's shape, for the divisor it was made for. */
    private volatile Shape shape;

    /** Nanos per token (0 when unlimited) and how far tat may run ahead of now, for {@code divisor} instances. */
    private record Shape(int divisor, long interval, long tolerance) {
        static Shape of(long perMinute, int divisor) {
            long rate = perMinute <= 0 ? 0 : Math.max(1, perMinute / divisor);
            if (rate == 0) {
                return new Shape(divisor, 0, 0);
            }
            // Above one per nanosecond the clock cannot tell tokens apart: one per ns, a minute's worth of burst.
            // Rounded up so the limiter never grants faster than configured.
            long burst = Math.min(rate, NANOS_PER_MINUTE);
            long interval = Math.max(1, (NANOS_PER_MINUTE + burst - 1) / burst);
            return new Shape(divisor, interval, (burst - 1) * interval);
        }
    }

    /** @param perMinute requests per minute and the burst size; ≤ 0 means unlimited */
    public RateLimiter(long perMinute, LongSupplier nanoClock) {
        this(perMinute, nanoClock, null);
    }

    /** A limiter spending {@code shared}'s leased tokens, or this instance's own alone when null. */
    public RateLimiter(long perMinute, LongSupplier nanoClock, LeasedBudget shared) {
        this.perMinute = perMinute;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.shared = perMinute > 0 ? shared : null;
        this.shape = Shape.of(perMinute, 1);
        tat = new AtomicLong(nanoClock.getAsLong()); // a full bucket
    }

    /** Takes a token when one is available. Never blocks; one clock read and one CAS when it grants. */
    public boolean tryAcquire() {
        if (shared == null) {
            return acquireLocally(shape);
        }
        int r = shared.take();
        Shape s = shapeFor(shared.instances());
        if (r == LeasedBudget.TAKEN) {
            charge(s);
            return true;
        }
        if (r == LeasedBudget.REFUSED) {
            return false;
        }
        if (acquireLocally(s)) {
            shared.admittedLocally();
            return true;
        }
        return false;
    }

    private Shape shapeFor(int instances) {
        Shape s = shape;
        if (s.divisor() != instances) {
            s = Shape.of(perMinute, Math.max(1, instances));
            shape = s;
        }
        return s;
    }

    private boolean acquireLocally(Shape s) {
        long interval = s.interval();
        if (interval == 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        for (;;) {
            long t = tat.get();
            long from = t - now < 0 ? now : t; // an idle bucket refills up to its burst, no further
            if (from - now > s.tolerance()) {
                return false;
            }
            if (tat.compareAndSet(t, from + s.interval())) {
                return true;
            }
        }
    }

    /** Spends a token of the local bucket without asking, emptying it at most. */
    private void charge(Shape s) {
        long now = nanoClock.getAsLong();
        long t = tat.get();
        long from = t - now < 0 ? now : t;
        if (from - now <= s.tolerance()) {
            tat.compareAndSet(t, from + s.interval()); // lost to a racing request: that one charged it
        }
    }

    /** Nanos until one token is available (0 if now). */
    public long nanosUntilAvailable() {
        Shape s = shape;
        if (s.interval() == 0) {
            return 0;
        }
        long local = Math.max(0, tat.get() - nanoClock.getAsLong() - s.tolerance());
        return shared == null ? local : Math.max(shared.nanosUntilRetry(), local);
    }

    /** The configured rate as given; ≤ 0 is unlimited. */
    public long perMinute() {
        return perMinute;
    }

    /** Whether this limit is shared with the other instances. */
    public boolean shared() {
        return shared != null;
    }
}
