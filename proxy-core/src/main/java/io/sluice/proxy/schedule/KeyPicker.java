package io.sluice.proxy.schedule;

import java.util.function.LongSupplier;

/**
 * Picks a usable key by the provider's {@link Strategy}, lock-free, and counts it in flight: the acquire half of
 * {@link KeyScheduler}. Shares the scheduler's {@link KeyState}s; owns the cursor that round-robin and weighted walk.
 */
final class KeyPicker {

    /** Least-busy re-picks this often when another thread took its key meanwhile; then it takes the key anyway. */
    private static final int LEAST_BUSY_TRIES = 4;

    private final Strategy strategy;
    private final KeyState[] keys;
    /** WEIGHTED: the smooth weighted sequence of key indexes the cursor walks; null for the other strategies. */
    private final int[] slots;
    private final LongSupplier nanoClock;
    /** The next position to try: a key index, or a slot index for WEIGHTED. Always in range. */
    private final Cursor cursor = new Cursor();

    KeyPicker(Strategy strategy, KeyState[] keys, int[] slotsOrNull, LongSupplier nanoClock) {
        this.strategy = strategy;
        this.keys = keys;
        this.slots = slotsOrNull;
        this.nanoClock = nanoClock;
    }

    /**
     * See {@link KeyScheduler#acquire(String, long)}. Keys avoided after a 5xx are passed over first; only when no
     * other key is usable is one of them picked (a second scan, on the path where keys fail anyway).
     */
    int acquire(String model, long exclude) {
        int k = acquire(model, exclude, true);
        return k >= 0 ? k : acquire(model, exclude, false);
    }

    private int acquire(String model, long exclude, boolean avoid) {
        switch (strategy) {
            case PRIORITY:
                return acquirePriority(model, exclude, avoid);
            case LEAST_BUSY:
                return acquireLeastBusy(model, exclude, avoid);
            case WEIGHTED:
                return acquireWeighted(model, exclude, avoid);
            default:
                return acquireRoundRobin(model, exclude, avoid);
        }
    }

    /**
     * The first usable key from the cursor; the cursor moves just past it, so keys that were skipped (cooling) do not
     * hand their turn to their neighbour and the usable ones keep an even share. A lost cursor race re-picks.
     */
    private int acquireRoundRobin(String model, long exclude, boolean avoid) {
        int n = keys.length;
        for (;;) {
            int from = cursor.get();
            int k = from;
            int picked = -1;
            for (int i = 0; i < n; i++) {
                if (usable(k, model, exclude, avoid)) {
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

    private int acquirePriority(String model, long exclude, boolean avoid) {
        for (int k = 0; k < keys.length; k++) {
            if (usable(k, model, exclude, avoid)) {
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
    private int acquireLeastBusy(String model, long exclude, boolean avoid) {
        for (int attempt = 1; ; attempt++) {
            int best = -1;
            int bestInFlight = Integer.MAX_VALUE;
            long bestRequests = Long.MAX_VALUE;
            for (int k = 0; k < keys.length; k++) {
                KeyState s = keys[k];
                int f = s.inFlight;
                if (f > bestInFlight || !usable(k, model, exclude, avoid)) {
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
    private int acquireWeighted(String model, long exclude, boolean avoid) {
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
                if (usable(k, model, exclude, avoid)) {
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

    /**
     * Whether key k may be handed out for model now; with {@code avoid}, not while it is avoided after a 5xx. Reads the
     * clock only when the key has a cooldown, an avoidance or locks.
     */
    private boolean usable(int k, String model, long exclude, boolean avoid) {
        if (k < Long.SIZE && (exclude & (1L << k)) != 0) {
            return false;
        }
        KeyState s = keys[k];
        long until = s.coolUntil;
        long avoided = avoid ? s.avoidUntil : KeyState.NOT_COOLING;
        boolean mayBeLocked = model != null && s.mayHaveLocks();
        if (until == KeyState.NOT_COOLING && avoided == KeyState.NOT_COOLING && !mayBeLocked) {
            return true;
        }
        long now = nanoClock.getAsLong();
        if (until != KeyState.NOT_COOLING) {
            if (now - until < 0) {
                return false;
            }
            s.clearCooldown(until);
        }
        if (avoided != KeyState.NOT_COOLING) {
            if (now - avoided < 0) {
                return false;
            }
            s.clearAvoid(avoided);
        }
        return !mayBeLocked || !s.isLocked(model, now);
    }

    /** See {@link KeyScheduler#rotate()}: moves the cursor one key (one slot for WEIGHTED) on. */
    void rotate() {
        int len = slots != null ? slots.length : keys.length;
        if (len == 0) {
            return;
        }
        int c;
        do {
            c = cursor.get();
        } while (!cursor.compareAndSet(c, c + 1 == len ? 0 : c + 1));
    }
}
