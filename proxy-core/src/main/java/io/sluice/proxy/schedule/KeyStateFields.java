package io.sluice.proxy.schedule;

/** The mutable counters of one key; see {@link KeyState}. */
abstract class KeyStateFields extends KeyStatePadBefore {
    volatile int inFlight;
    /** Consecutive key-scoped (and 5xx) failures; the exponent of the backoffs, reset by a success. */
    volatile int failures;
    volatile long requests;
    volatile long tokens;
    /** nanoClock deadline before which the key is not handed out; {@link KeyState#NOT_COOLING} when there is none. */
    volatile long coolUntil = KeyState.NOT_COOLING;
    /**
     * nanoClock deadline before which the key is handed out only when no other key is usable (it answered 5xx);
     * {@link KeyState#NOT_COOLING} when there is none.
     */
    volatile long avoidUntil = KeyState.NOT_COOLING;
    /**
     * Entries in modelLocks, counted up before an entry appears and down after it is gone, so 0 proves there is
     * none. ConcurrentHashMap's own isEmpty() cannot: its count trails its entries (the stress test caught a pick
     * of a locked model through that window).
     */
    volatile int lockCount;
}
