package io.sluice.proxy.schedule;

/** The mutable counters of one key; see {@link KeyState}. */
abstract class KeyStateFields extends KeyStatePadBefore {
    volatile int inFlight;
    /** Consecutive key-scoped failures; the exponent of the backoff, reset by a success. */
    volatile int failures;
    volatile long requests;
    volatile long tokens;
    /** nanoClock deadline before which the key is not handed out; {@link KeyState#NOT_COOLING} when there is none. */
    volatile long coolUntil = KeyState.NOT_COOLING;
    /**
     * Entries in modelLocks, counted up before an entry appears and down after it is gone, so 0 proves there is
     * none. ConcurrentHashMap's own isEmpty() cannot: its count trails its entries (the stress test caught a pick
     * of a locked model through that window).
     */
    volatile int lockCount;
}
