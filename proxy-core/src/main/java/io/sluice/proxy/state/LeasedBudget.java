package io.sluice.proxy.state;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This instance's share of one shared rate limit: tokens leased from the Redis bucket of {@link SharedLimits}, spent
 * by requests with one CAS and no Redis round trip, refilled in the background when they fall to the low-water mark.
 *
 * <p>{@link #take()} answers {@link #TAKEN} (a leased token was spent), {@link #REFUSED} (Redis said the bucket is
 * empty and nothing is left here) or {@link #LOCAL}: decide with the local limiter. That is so while Redis is down or
 * the last lease failed, uncharged; and, on credit of at most one block, while this scope holds no lease yet (its
 * first use, or after Redis came back) or a lease is late ({@link #SLOW_LEASE_NANOS}): what the local limiter admits
 * on credit the next lease charges to the bucket, so the cluster total stays exact.
 *
 * <p>The block leased adapts to this instance's rate: what it spends in {@link #HORIZON_NANOS}, at most the limit
 * divided by eight times the live instances (so the tokens held across the cluster stay a small part of the limit), at
 * least {@link #MIN_BLOCK}. Tokens not spent for a {@link SharedLimits#TICK_MS} tick go back to the bucket.
 */
public final class LeasedBudget {

    public static final int TAKEN = 1;
    public static final int REFUSED = 0;
    public static final int LOCAL = -1;

    /** The lease of a block should last this long at the rate seen. */
    static final long HORIZON_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    static final long MIN_BLOCK = 2;
    /** A lease not back after this long: Redis is slow, the local limiter decides meanwhile. */
    static final long SLOW_LEASE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** The shortest wait before asking an empty bucket again. */
    static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The wait before leasing again after a failed lease: no storm of retries on a Redis that struggles. */
    static final long FAILED_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final SharedLimits owner;
    private final String key;
    private final long perMinute;
    private final LongSupplier nanos;
    /** Leased tokens not spent yet. */
    private final AtomicLong available = new AtomicLong();
    /** Admitted by the local limiter while Redis was up but this scope held no lease: charged by the next lease. */
    private final AtomicLong owed = new AtomicLong();
    private final AtomicBoolean pending = new AtomicBoolean();
    /** Tokens given back to the bucket unspent. */
    private final AtomicLong returned = new AtomicLong();
    private volatile long pendingSince;
    /** Holds a lease since Redis was last (re)connected. */
    private volatile boolean leased;
    /** The last lease failed (timed out, refused): limited locally and not charged, as when Redis is down. */
    private volatile boolean failing;
    /** Redis said the bucket is empty: no lease asked before then. */
    private volatile long retryAt;
    /** A token was spent since the last tick. */
    private volatile boolean used;
    private volatile long block = MIN_BLOCK;

    // Lease bookkeeping: read and written by one lease at a time (pending), on Lettuce's or the ticker's thread.
    private long granted;
    private long lastSpent;
    private long lastLeaseAt;
    private double rate; // tokens per nanosecond, smoothed

    LeasedBudget(SharedLimits owner, String key, long perMinute, LongSupplier nanos) {
        this.owner = owner;
        this.key = key;
        this.perMinute = perMinute;
        this.nanos = nanos;
        this.lastLeaseAt = nanos.getAsLong();
        this.block = Math.max(MIN_BLOCK, maxBlock() / 2);
    }

    /** Spends one leased token if there is one; never waits (see the class comment for the answers). */
    public int take() {
        if (!owner.up() || failing) {
            if (failing) {
                lease(); // at most every FAILED_RETRY_NANOS
            }
            owner.decidedLocally();
            return LOCAL;
        }
        if (!used) {
            used = true;
        }
        if (!leased) {
            lease();
            return onCredit();
        }
        for (;;) {
            long a = available.get();
            if (a <= 0) {
                lease();
                return pending.get() && nanos.getAsLong() - pendingSince > SLOW_LEASE_NANOS ? onCredit() : REFUSED;
            }
            if (available.compareAndSet(a, a - 1)) {
                if (a - 1 <= Math.max(1, block / 2)) {
                    lease();
                }
                return TAKEN;
            }
        }
    }

    /**
     * Without a lease in hand while Redis answers (a scope's first requests, a lease late): the local limiter decides,
     * on credit of at most one block, which the next lease charges to the bucket.
     */
    private int onCredit() {
        if (owed.get() >= block) {
            return REFUSED;
        }
        owner.decidedLocally();
        return LOCAL;
    }

    /** The local limiter admitted a request {@link #take()} left to it: owed to the bucket while Redis answers. */
    public void admittedLocally() {
        if (owner.up() && !failing) {
            owed.incrementAndGet();
        }
    }

    /** The live instances: the local fallback limits at the configured rate divided by it. */
    public int instances() {
        return owner.instances();
    }

    /** Nanos until the bucket has a token, as Redis last said; 0 when unknown or now. */
    public long nanosUntilRetry() {
        long at = retryAt;
        return at == 0 ? 0 : Math.max(0, at - nanos.getAsLong());
    }

    long maxBlock() {
        return Math.max(MIN_BLOCK, perMinute / (8L * owner.instances()));
    }

    /** Leases a block unless a lease is in flight or the bucket said to wait. */
    void lease() {
        long now = nanos.getAsLong();
        long at = retryAt;
        if ((at != 0 && now - at < 0) || !pending.compareAndSet(false, true)) {
            return;
        }
        pendingSince = now;
        long owe = owed.getAndSet(0);
        long want = block;
        owner.lease(key, perMinute, want, owe).whenComplete((r, e) -> leased(r, e, want, owe));
    }

    private void leased(List<Object> r, Throwable e, long want, long owe) {
        long now = nanos.getAsLong();
        try {
            if (e != null || r == null || r.size() < 2) {
                owed.addAndGet(owe);
                leased = false;
                failing = true; // the local limiter decides until a lease comes back
                retryAt = now + FAILED_RETRY_NANOS;
                return;
            }
            long g = ((Number) r.get(0)).longValue();
            long waitMs = ((Number) r.get(1)).longValue();
            available.addAndGet(g);
            granted += g;
            leased = true;
            failing = false;
            retryAt = g < want ? now + Math.max(MIN_RETRY_NANOS, TimeUnit.MILLISECONDS.toNanos(waitMs)) : 0;
            adapt(now);
        } finally {
            pending.set(false);
        }
    }

    /** Sizes the next block from the rate spent since the last lease. */
    private void adapt(long now) {
        long spent = granted - returned.get() - Math.max(0, available.get());
        long dt = now - lastLeaseAt;
        if (dt > 0) {
            double r = (double) Math.max(0, spent - lastSpent) / dt;
            rate = rate == 0 ? r : (rate + r) / 2;
        }
        lastSpent = spent;
        lastLeaseAt = now;
        block = Math.max(MIN_BLOCK, Math.min(maxBlock(), (long) Math.ceil(rate * HORIZON_NANOS)));
    }

    /** Leases ahead of the first request when the scope appears or Redis comes up. */
    void prefetch() {
        if (owner.up() && available.get() <= 0) {
            lease();
        }
    }

    /** Redis came back: leases from before may be stale; decide locally until a fresh lease arrives. */
    void reconnected() {
        leased = false;
        failing = false;
        retryAt = 0;
        prefetch();
    }

    /** Each tick: an unused lease goes back to the bucket; a used one is topped up before it runs dry. */
    void tick() {
        if (!used) {
            if (available.get() > 0 && !pending.get()) {
                giveBack();
            }
            return;
        }
        used = false;
    }

    /** Returns the unspent tokens to the bucket. */
    CompletionStage<?> giveBack() {
        long n = available.getAndSet(0);
        if (n <= 0) {
            if (n < 0) {
                available.addAndGet(n);
            }
            return CompletableFuture.completedFuture(null);
        }
        returned.addAndGet(n);
        leased = false; // the next request is admitted locally and owed, not refused for want of a lease
        return owner.lease(key, perMinute, 0, -n);
    }

    /** Nothing held, nothing owed, unused since the last tick: may be dropped. */
    boolean idle() {
        return !used && !pending.get() && available.get() == 0 && owed.get() == 0;
    }
}
