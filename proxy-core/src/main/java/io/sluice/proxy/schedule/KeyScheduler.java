package io.sluice.proxy.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-provider key state, lock-free (DESIGN §2 step 4): an array of {@link KeyState}s holding atomics (in flight,
 * consecutive failures, cooldown deadline) and a cursor. Indexes are positions in the provider's key list.
 *
 * <p>A key is usable for a model when it is not cooling down and that model is not locked on it. {@link #acquire}
 * picks a usable key by the {@link Strategy} and counts it in flight; every acquired key is then given back exactly
 * once, by {@link #success}, {@link #failure} or {@link #release}. The common path (no key cooling, no model locked)
 * neither reads the clock nor allocates.
 *
 * <p>Key-scoped failures cool the key: for the upstream's Retry-After when given, else {@link
 * #DEFAULT_429_COOLDOWN_NANOS} for a 429, else an exponential backoff from {@link #BACKOFF_BASE_NANOS} doubling per
 * consecutive failure up to {@link #BACKOFF_MAX_NANOS}. Model-scoped failures lock only that model on that key.
 */
public final class KeyScheduler {

    /** Cooldown of a key after a 429 without Retry-After: one minute, as the rate windows of most providers. */
    public static final long DEFAULT_429_COOLDOWN_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** First backoff after a key-scoped failure without Retry-After (401, 403, …); doubles per consecutive failure. */
    public static final long BACKOFF_BASE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The backoff stops doubling here. */
    public static final long BACKOFF_MAX_NANOS = TimeUnit.MINUTES.toNanos(2);
    /** Longest cooldown or model lock whatever the caller passes: keeps deadlines from overflowing the clock. */
    public static final long MAX_COOLDOWN_NANOS = TimeUnit.HOURS.toNanos(1);
    /** Keys at or past this index cannot be excluded: the exclusion set is one long's bits. */
    public static final int EXCLUDABLE_KEYS = Long.SIZE;
    /** The weighted sequence is scaled down to about this many slots, so odd weights (997:1) cost bounded memory. */
    static final int MAX_WEIGHT_SLOTS = 1024;
    /** Least-busy re-picks this often when another thread took its key meanwhile; then it takes the key anyway. */
    private static final int LEAST_BUSY_TRIES = 4;

    private final String provider;
    private final Strategy strategy;
    private final KeyState[] keys;
    /** WEIGHTED: the smooth weighted sequence of key indexes the cursor walks; null for the other strategies. */
    private final int[] slots;
    private final LongSupplier nanoClock;
    /** The next position to try: a key index, or a slot index for WEIGHTED. Always in range. */
    private final Cursor cursor = new Cursor();

    /**
     * @param provider the provider's name, for messages
     * @param keyNames display names of the keys (never the secrets), in config order
     * @param weightsOrNull WEIGHTED only: one weight > 0 per key; null means equal weights
     * @param nanoClock {@link System#nanoTime} in production, a fake in tests
     */
    public KeyScheduler(String provider, List<String> keyNames, Strategy strategy, int[] weightsOrNull,
            LongSupplier nanoClock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        Objects.requireNonNull(keyNames, "keyNames");
        this.keys = new KeyState[keyNames.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new KeyState(Objects.requireNonNull(keyNames.get(i), "keyNames[" + i + "]"));
        }
        this.slots = strategy == Strategy.WEIGHTED ? weightedSlots(provider, weightsOrNull, keys.length) : null;
    }

    /**
     * A usable key for {@code model} (not cooling, model not locked on it), counted in flight; -1 when none. A null
     * model ignores model locks. No locks, no allocation on the common path.
     */
    public int acquire(String model) {
        return acquire(model, 0L);
    }

    /**
     * Like {@link #acquire(String)} but never returns a key in {@code exclude}: bit k set means key k was already
     * tried by this request. Keys from {@link #EXCLUDABLE_KEYS} on cannot be excluded.
     */
    public int acquire(String model, long exclude) {
        switch (strategy) {
            case PRIORITY:
                return acquirePriority(model, exclude);
            case LEAST_BUSY:
                return acquireLeastBusy(model, exclude);
            case WEIGHTED:
                return acquireWeighted(model, exclude);
            default:
                return acquireRoundRobin(model, exclude);
        }
    }

    /**
     * The first usable key from the cursor; the cursor moves just past it, so keys that were skipped (cooling) do not
     * hand their turn to their neighbour and the usable ones keep an even share. A lost cursor race re-picks.
     */
    private int acquireRoundRobin(String model, long exclude) {
        int n = keys.length;
        for (;;) {
            int from = cursor.get();
            int k = from;
            int picked = -1;
            for (int i = 0; i < n; i++) {
                if (usable(k, model, exclude)) {
                    picked = k;
                    break;
                }
                if (++k == n) {
                    k = 0;
                }
            }
            if (picked < 0) {
                return -1;
            }
            if (cursor.compareAndSet(from, picked + 1 == n ? 0 : picked + 1)) {
                keys[picked].enter();
                return picked;
            }
        }
    }

    private int acquirePriority(String model, long exclude) {
        for (int k = 0; k < keys.length; k++) {
            if (usable(k, model, exclude)) {
                keys[k].enter();
                return k;
            }
        }
        return -1;
    }

    /**
     * The usable key with the fewest in flight, ties to the fewest requests so far (so a sequential client still
     * rotates). Entered with a CAS on the count it saw, so two threads do not both take the same "least busy" key.
     */
    private int acquireLeastBusy(String model, long exclude) {
        for (int attempt = 1; ; attempt++) {
            int best = -1;
            int bestInFlight = Integer.MAX_VALUE;
            long bestRequests = Long.MAX_VALUE;
            for (int k = 0; k < keys.length; k++) {
                KeyState s = keys[k];
                int f = s.inFlight;
                if (f > bestInFlight || !usable(k, model, exclude)) {
                    continue;
                }
                long r = s.requests;
                if (f < bestInFlight || r < bestRequests) {
                    best = k;
                    bestInFlight = f;
                    bestRequests = r;
                }
            }
            if (best < 0) {
                return -1;
            }
            if (attempt >= LEAST_BUSY_TRIES) {
                keys[best].enter();
                return best;
            }
            if (keys[best].tryEnter(bestInFlight)) {
                return best;
            }
        }
    }

    /** Round-robin over the weighted slot sequence; stops early once every key refused. */
    private int acquireWeighted(String model, long exclude) {
        int len = slots.length;
        int n = keys.length;
        long everyKey = n > Long.SIZE ? 0 : n == Long.SIZE ? -1L : (1L << n) - 1; // 0: never stops early
        for (;;) {
            int from = cursor.get();
            int pos = from;
            int picked = -1;
            long refused = 0;
            for (int i = 0; i < len; i++) {
                int k = slots[pos];
                if (++pos == len) {
                    pos = 0;
                }
                if (usable(k, model, exclude)) {
                    picked = k;
                    break;
                }
                if (k < Long.SIZE && (refused |= 1L << k) == everyKey) {
                    break;
                }
            }
            if (picked < 0) {
                return -1;
            }
            if (cursor.compareAndSet(from, pos)) {
                keys[picked].enter();
                return picked;
            }
        }
    }

    /** Whether key k may be handed out for model now. Reads the clock only when the key has a cooldown or locks. */
    private boolean usable(int k, String model, long exclude) {
        if (k < Long.SIZE && (exclude & (1L << k)) != 0) {
            return false;
        }
        KeyState s = keys[k];
        long until = s.coolUntil;
        boolean mayBeLocked = model != null && s.mayHaveLocks();
        if (until == KeyState.NOT_COOLING && !mayBeLocked) {
            return true;
        }
        long now = nanoClock.getAsLong();
        if (until != KeyState.NOT_COOLING) {
            if (now - until < 0) {
                return false;
            }
            s.clearCooldown(until);
        }
        return !mayBeLocked || !s.isLocked(model, now);
    }

    /** Nanos (from nanoClock) until the first key becomes usable for model; 0 when one is usable now. */
    public long nanosUntilUsable(String model) {
        if (keys.length == 0) {
            return Long.MAX_VALUE;
        }
        long now = nanoClock.getAsLong();
        long soonest = Long.MAX_VALUE;
        for (KeyState s : keys) {
            long wait = 0;
            long until = s.coolUntil;
            if (until != KeyState.NOT_COOLING) {
                wait = Math.max(0, until - now);
            }
            if (model != null) {
                Long locked = s.modelLocks.get(model);
                if (locked != null) {
                    wait = Math.max(wait, locked - now);
                }
            }
            if (wait <= 0) {
                return 0;
            }
            soonest = Math.min(soonest, wait);
        }
        return soonest;
    }

    /**
     * The exchange on this key succeeded: in flight -1, consecutive failures reset, requests +1, tokens += tokens.
     * A cooldown already set stays (a later failure is newer news than this success). A negative key is ignored.
     */
    public void success(int key, long tokens) {
        if (key < 0) {
            return;
        }
        KeyState s = keys[key];
        s.exit();
        s.resetFailures();
        s.countRequest(tokens);
    }

    /**
     * The exchange failed: in flight -1, requests +1, then by scope. KEY: failures +1 and a cooldown of {@code
     * retryAfterNanos} when ≥ 0, else {@link #DEFAULT_429_COOLDOWN_NANOS} for a 429, else {@link #BACKOFF_BASE_NANOS}
     * × 2^(failures-1) capped at {@link #BACKOFF_MAX_NANOS}; a key already cooling keeps the later deadline. MODEL:
     * lock model on this key for retryAfter or the 429 default, other models unaffected (a null model is taken as
     * KEY). REQUEST, PROVIDER: no key penalty. Cooldowns are capped at {@link #MAX_COOLDOWN_NANOS}. A negative key is
     * ignored.
     */
    public void failure(int key, Scope scope, int status, String model, long retryAfterNanos) {
        if (key < 0) {
            return;
        }
        KeyState s = keys[key];
        s.exit();
        s.countRequest(0);
        if (scope == Scope.MODEL && model != null) {
            long lock = retryAfterNanos >= 0 ? retryAfterNanos : DEFAULT_429_COOLDOWN_NANOS;
            s.lockModel(model, nanoClock.getAsLong() + Math.min(lock, MAX_COOLDOWN_NANOS));
        } else if (scope == Scope.KEY || scope == Scope.MODEL) {
            int failures = s.countFailure();
            long cool;
            if (retryAfterNanos >= 0) {
                cool = retryAfterNanos;
            } else if (status == 429) {
                cool = DEFAULT_429_COOLDOWN_NANOS;
            } else {
                cool = backoffNanos(failures);
            }
            s.coolUntil(nanoClock.getAsLong() + Math.min(cool, MAX_COOLDOWN_NANOS));
        }
    }

    /** {@link #BACKOFF_BASE_NANOS} × 2^(failures-1), capped at {@link #BACKOFF_MAX_NANOS}. */
    static long backoffNanos(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 30)); // 2^30 s already dwarfs the cap; no overflow
        return Math.min(BACKOFF_BASE_NANOS << doublings, BACKOFF_MAX_NANOS);
    }

    /** The exchange ended without an outcome (client cancelled): in flight -1 only. A negative key is ignored. */
    public void release(int key) {
        if (key >= 0) {
            keys[key].exit();
        }
    }

    /**
     * Manual rotation (operator API): the next round-robin pick starts after the current one, i.e. the key that
     * would have been picked next is skipped once. WEIGHTED skips one slot; PRIORITY and LEAST_BUSY ignore it.
     */
    public void rotate() {
        int len = slots != null ? slots.length : keys.length;
        if (len == 0) {
            return;
        }
        int c;
        do {
            c = cursor.get();
        } while (!cursor.compareAndSet(c, c + 1 == len ? 0 : c + 1));
    }

    /**
     * Point-in-time stats per key for the monitoring API: name, in flight, requests, consecutive failures, tokens,
     * nanos until the cooldown ends (0 when usable) and the models locked on it, sorted.
     */
    public List<KeyStats> snapshot() {
        long now = nanoClock.getAsLong();
        List<KeyStats> out = new ArrayList<>(keys.length);
        for (KeyState s : keys) {
            long until = s.coolUntil;
            long cooling = until == KeyState.NOT_COOLING ? 0 : Math.max(0, until - now);
            List<String> locked = new ArrayList<>();
            for (Map.Entry<String, Long> e : s.modelLocks.entrySet()) {
                if (now - e.getValue() < 0) {
                    locked.add(e.getKey());
                } else {
                    s.unlock(e.getKey(), e.getValue());
                }
            }
            locked.sort(null);
            out.add(new KeyStats(s.name, s.inFlight, s.requests, s.failures, s.tokens, cooling, List.copyOf(locked)));
        }
        return out;
    }

    /** One key's numbers at one instant; see {@link #snapshot()}. */
    public record KeyStats(String name, int inFlight, long requests, int failures, long tokens, long coolingForNanos,
            List<String> lockedModels) {
    }

    public int size() {
        return keys.length;
    }

    /** Exchanges in flight on key, for the X-Upstream headers and tests. */
    public int inFlight(int key) {
        return keys[key].inFlight;
    }

    /** The display name of key. */
    public String keyName(int key) {
        return keys[key].name;
    }

    public String provider() {
        return provider;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** The raw cooldown deadline of key, {@link KeyState#NOT_COOLING} when none (tests check picks against it). */
    long cooldownDeadline(int key) {
        return keys[key].coolUntil;
    }

    /** The raw deadline of model's lock on key, null when none (tests check picks against it). */
    Long modelLockDeadline(int key, String model) {
        return keys[key].modelLocks.get(model);
    }

    /**
     * The smooth weighted round-robin sequence (nginx's): per step each key gains its weight, the richest is picked
     * and pays the total. 3:1 gives 0,0,1,0: spread out, not 0,0,0,1. Weights are first divided by their gcd and,
     * when their sum is over {@link #MAX_WEIGHT_SLOTS}, scaled down (each at least 1).
     */
    static int[] weightedSlots(String provider, int[] weightsOrNull, int n) {
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1;
        }
        if (weightsOrNull != null) {
            if (weightsOrNull.length != n) {
                throw new IllegalArgumentException(provider + ": weights: " + weightsOrNull.length
                        + " values (expected: one per key, " + n + ")");
            }
            long g = 0;
            for (int i = 0; i < n; i++) {
                if (weightsOrNull[i] <= 0) {
                    throw new IllegalArgumentException(provider + ": weights[" + i + "]: " + weightsOrNull[i]
                            + " (expected: > 0)");
                }
                w[i] = weightsOrNull[i];
                g = gcd(g, w[i]);
            }
            long sum = 0;
            for (int i = 0; i < n; i++) {
                w[i] /= g;
                sum += w[i];
            }
            if (sum > MAX_WEIGHT_SLOTS) {
                for (int i = 0; i < n; i++) {
                    w[i] = Math.max(1, w[i] * MAX_WEIGHT_SLOTS / sum);
                }
            }
        }
        long total = 0;
        for (long x : w) {
            total += x;
        }
        int[] sequence = new int[(int) total];
        long[] current = new long[n];
        for (int step = 0; step < sequence.length; step++) {
            int richest = 0;
            for (int i = 0; i < n; i++) {
                current[i] += w[i];
                if (current[i] > current[richest]) {
                    richest = i;
                }
            }
            current[richest] -= total;
            sequence[step] = richest;
        }
        return sequence;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
