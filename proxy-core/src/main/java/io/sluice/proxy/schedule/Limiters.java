package io.sluice.proxy.schedule;

import io.sluice.proxy.state.SharedLimits;
import java.util.function.LongSupplier;

/**
 * Makes the rate limiters of one server: each instance's own (the embedded state) or, with a {@code state:} section,
 * limiters spending budgets leased from Redis (issue 19). A scope names the limit the same way on every instance and
 * never holds a secret: {@code global}, {@code client:<key name>}, {@code credential:<sha-256>},
 * {@code provider:<name>}, {@code key:<provider>:<index>}.
 */
public final class Limiters {

    private final SharedLimits shared;
    private final LongSupplier nanos;

    private Limiters(SharedLimits shared, LongSupplier nanos) {
        this.shared = shared;
        this.nanos = nanos;
    }

    /** Limiters of this instance alone. */
    public static Limiters local(LongSupplier nanos) {
        return new Limiters(null, nanos);
    }

    /** Limiters shared through {@code shared}, or of this instance alone when it is null. */
    public static Limiters of(SharedLimits shared, LongSupplier nanos) {
        return new Limiters(shared, nanos);
    }

    /** The limiter of {@code scope} at {@code perMinute}, or null when {@code perMinute} is not a limit. */
    public RateLimiter limiter(String scope, long perMinute) {
        if (perMinute <= 0) {
            return null;
        }
        return new RateLimiter(perMinute, nanos, shared == null ? null : shared.budget(scope, perMinute));
    }

    /** The limiter of the client that sends {@code credential}, which only its hash names in shared state. */
    public RateLimiter credentialLimiter(String credential, long perMinute) {
        if (shared == null || perMinute <= 0) {
            return perMinute <= 0 ? null : new RateLimiter(perMinute, nanos);
        }
        return limiter("credential:" + SharedLimits.hashed(credential), perMinute);
    }

    public LongSupplier nanos() {
        return nanos;
    }
}
