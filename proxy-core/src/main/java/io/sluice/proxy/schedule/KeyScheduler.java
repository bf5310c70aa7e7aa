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
 * A provider-scoped 5xx answer is the provider's business (its breaker), but the key that got it is avoided for a
 * short backoff ({@link #SERVER_ERROR_AVOID_BASE_NANOS} doubling to {@link #SERVER_ERROR_AVOID_MAX_NANOS}): picked
 * only when no other key is usable, so the next request does not spend an upstream call on it first.
 */
public final class KeyScheduler {

    /** Cooldown of a key after a 429 without Retry-After: one minute, as the rate windows of most providers. */
    public static final long DEFAULT_429_COOLDOWN_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** First backoff after a key-scoped failure without Retry-After (401, 403, …); doubles per consecutive failure. */
    public static final long BACKOFF_BASE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The backoff stops doubling here. */
    public static final long BACKOFF_MAX_NANOS = TimeUnit.MINUTES.toNanos(2);
    /**
     * How long a key that answered 5xx is passed over while another key is usable, doubling per consecutive failure
     * up to {@link #SERVER_ERROR_AVOID_MAX_NANOS}: short, since a provider's 5xx is seldom the key's fault.
     */
    public static final long SERVER_ERROR_AVOID_BASE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The 5xx avoidance stops doubling here. */
    public static final long SERVER_ERROR_AVOID_MAX_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Longest cooldown or model lock whatever the caller passes: keeps deadlines from overflowing the clock. */
    public static final long MAX_COOLDOWN_NANOS = TimeUnit.HOURS.toNanos(1);
    /** Keys at or past this index cannot be excluded: the exclusion set is one long's bits. */
    public static final int EXCLUDABLE_KEYS = Long.SIZE;
    /** The weighted sequence is scaled down to about this many slots, so odd weights (997:1) cost bounded memory. */
    static final int MAX_WEIGHT_SLOTS = WeightedSlots.MAX_SLOTS;

    /**
     * Told of every penalty this instance puts on a key (not of those applied from other instances), on the thread
     * of the failure (an event loop): must not block. The shared state publishes them.
     */
    public interface Listener {
        /** Key {@code key} cools down for {@code nanos} after answering {@code status}. */
        void cooled(int key, long nanos, int status);

        /** Key {@code key} is avoided for {@code nanos} after a 5xx. */
        void avoided(int key, long nanos);

        /** Model {@code model} is locked on key {@code key} for {@code nanos}. */
        void locked(int key, String model, long nanos);
    }

    private final String provider;
    private final Strategy strategy;
    private final KeyState[] keys;
    private final LongSupplier nanoClock;
    /** Hands out keys by the strategy; shares {@link #keys}. */
    private final KeyPicker picker;

    /**
     * @param provider the provider's name, for messages
     * @param keyNames display names of the keys (never the secrets), in config order
     * @param weightsOrNull WEIGHTED only: one weight > 0 per key; null means equal weights
     * @param nanoClock {@link System#nanoTime} in production, a fake in tests
     */
    /** Racy on purpose: read by the monitoring API only. */
    private int lastPicked = -1;
    /** Null in the embedded state. */
    private volatile Listener listener;

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
        int[] slots = strategy == Strategy.WEIGHTED ? weightedSlots(provider, weightsOrNull, keys.length) : null;
        this.picker = new KeyPicker(strategy, keys, slots, nanoClock);
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
        int k = picker.acquire(model, exclude);
        if (k >= 0 && k != lastPicked) {
            lastPicked = k; // the monitoring API's current_token; written only when it changes
        }
        return k;
    }

    /** The key most recently handed out, or -1 before the first request: the seed's {@code current_token}. */
    public int lastPicked() {
        return lastPicked;
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
        s.clearAvoid(KeyState.NOT_COOLING); // it answers again: no reason to pass it over
        s.countRequest(tokens);
    }

    /**
     * The exchange failed: in flight -1, requests +1, then by scope. KEY: failures +1 and a cooldown of {@code
     * retryAfterNanos} when ≥ 0, else {@link #DEFAULT_429_COOLDOWN_NANOS} for a 429, else {@link #BACKOFF_BASE_NANOS}
     * × 2^(failures-1) capped at {@link #BACKOFF_MAX_NANOS}; a key already cooling keeps the later deadline. MODEL:
     * lock model on this key for retryAfter or the 429 default, other models unaffected (a null model is taken as
     * KEY). PROVIDER with a 5xx status: failures +1 and the key is avoided (picked only when no other key is usable)
     * for {@link #SERVER_ERROR_AVOID_BASE_NANOS} × 2^(failures-1), capped at {@link #SERVER_ERROR_AVOID_MAX_NANOS}.
     * REQUEST, other PROVIDER failures (transport, timeouts, a 200 carrying an error): no key penalty. Cooldowns are
     * capped at {@link #MAX_COOLDOWN_NANOS}. A negative key is ignored.
     */
    public void failure(int key, Scope scope, int status, String model, long retryAfterNanos) {
        if (key < 0) {
            return;
        }
        KeyState s = keys[key];
        s.exit();
        s.countRequest(0);
        Listener l = listener;
        if (scope == Scope.MODEL && model != null) {
            long lock = Math.min(retryAfterNanos >= 0 ? retryAfterNanos : DEFAULT_429_COOLDOWN_NANOS,
                    MAX_COOLDOWN_NANOS);
            s.lockModel(model, nanoClock.getAsLong() + lock);
            if (l != null) {
                l.locked(key, model, lock);
            }
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
            cool = Math.min(cool, MAX_COOLDOWN_NANOS);
            s.coolUntil(nanoClock.getAsLong() + cool);
            if (l != null) {
                l.cooled(key, cool, status);
            }
        } else if (scope == Scope.PROVIDER && status >= 500 && status <= 599) {
            int failures = s.countFailure();
            long avoid = serverErrorAvoidNanos(failures);
            s.avoidUntil(nanoClock.getAsLong() + avoid);
            if (l != null) {
                l.avoided(key, avoid);
            }
        }
    }

    /** Shares this scheduler's key penalties with {@code l} from now on. */
    void listen(Listener l) {
        this.listener = l;
    }

    /** Another instance cooled key {@code key} for {@code nanos}: cooled here too (a later deadline stays). */
    void coolShared(int key, long nanos) {
        keys[key].coolUntil(nanoClock.getAsLong() + Math.min(Math.max(0, nanos), MAX_COOLDOWN_NANOS));
    }

    /** Another instance avoids key {@code key} for {@code nanos}: avoided here too. */
    void avoidShared(int key, long nanos) {
        keys[key].avoidUntil(nanoClock.getAsLong() + Math.min(Math.max(0, nanos), MAX_COOLDOWN_NANOS));
    }

    /** Another instance locked {@code model} on key {@code key} for {@code nanos}: locked here too. */
    void lockShared(int key, String model, long nanos) {
        keys[key].lockModel(model, nanoClock.getAsLong() + Math.min(Math.max(0, nanos), MAX_COOLDOWN_NANOS));
    }

    /** The model locks of key (model → nanoClock deadline), for reconciliation; expired ones included. */
    Map<String, Long> modelLocks(int key) {
        return Map.copyOf(keys[key].modelLocks);
    }

    /** The nanoClock now, as this scheduler reads it. */
    long now() {
        return nanoClock.getAsLong();
    }

    /** {@link #SERVER_ERROR_AVOID_BASE_NANOS} × 2^(failures-1), capped at {@link #SERVER_ERROR_AVOID_MAX_NANOS}. */
    static long serverErrorAvoidNanos(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 30));
        return Math.min(SERVER_ERROR_AVOID_BASE_NANOS << doublings, SERVER_ERROR_AVOID_MAX_NANOS);
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
        picker.rotate();
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

    /** The raw 5xx avoidance deadline of key, {@link KeyState#NOT_COOLING} when none. */
    long avoidDeadline(int key) {
        return keys[key].avoidUntil;
    }

    /** The raw deadline of model's lock on key, null when none (tests check picks against it). */
    Long modelLockDeadline(int key, String model) {
        return keys[key].modelLocks.get(model);
    }

    /** The smooth weighted round-robin sequence for these weights; see {@link WeightedSlots#of}. */
    static int[] weightedSlots(String provider, int[] weightsOrNull, int n) {
        return WeightedSlots.of(provider, weightsOrNull, n);
    }
}
