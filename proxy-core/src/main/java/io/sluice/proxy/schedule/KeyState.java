package io.sluice.proxy.schedule;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One key of a {@link KeyScheduler}: atomics only. Deadlines are nanoClock values compared by subtraction, as
 * {@link System#nanoTime()} values must be.
 */
final class KeyState extends KeyStatePadAfter {

    /**
     * "No cooldown": lets acquire skip the clock read for a healthy key. A real deadline that happens to equal it is
     * moved one nanosecond later (see {@link #coolUntil(long)}).
     */
    static final long NOT_COOLING = Long.MIN_VALUE;

    private static final VarHandle IN_FLIGHT;
    private static final VarHandle FAILURES;
    private static final VarHandle REQUESTS;
    private static final VarHandle TOKENS;
    private static final VarHandle COOL_UNTIL;
    private static final VarHandle AVOID_UNTIL;
    private static final VarHandle LOCK_COUNT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            IN_FLIGHT = l.findVarHandle(KeyStateFields.class, "inFlight", int.class);
            FAILURES = l.findVarHandle(KeyStateFields.class, "failures", int.class);
            REQUESTS = l.findVarHandle(KeyStateFields.class, "requests", long.class);
            TOKENS = l.findVarHandle(KeyStateFields.class, "tokens", long.class);
            COOL_UNTIL = l.findVarHandle(KeyStateFields.class, "coolUntil", long.class);
            AVOID_UNTIL = l.findVarHandle(KeyStateFields.class, "avoidUntil", long.class);
            LOCK_COUNT = l.findVarHandle(KeyStateFields.class, "lockCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String name;
    /** Model → nanoClock deadline of a model-scoped lock on this key. Empty in the common case. */
    final ConcurrentHashMap<String, Long> modelLocks = new ConcurrentHashMap<>();

    KeyState(String name) {
        this.name = name;
    }

    void enter() {
        IN_FLIGHT.getAndAdd(this, 1);
    }

    /** Enters only if nobody else entered since {@code seen} was read (least-busy's pick stays least busy). */
    boolean tryEnter(int seen) {
        return IN_FLIGHT.compareAndSet(this, seen, seen + 1);
    }

    /** One exchange fewer in flight; never below zero, so a double release cannot corrupt least-busy picks. */
    void exit() {
        for (;;) {
            int f = inFlight;
            if (f <= 0 || IN_FLIGHT.compareAndSet(this, f, f - 1)) {
                return;
            }
        }
    }

    void countRequest(long usedTokens) {
        REQUESTS.getAndAdd(this, 1L);
        if (usedTokens > 0) {
            TOKENS.getAndAdd(this, usedTokens);
        }
    }

    /** The failure count including this one. */
    int countFailure() {
        return (int) FAILURES.getAndAdd(this, 1) + 1;
    }

    void resetFailures() {
        if (failures != 0) { // read first: a healthy key's line is not written on every success
            failures = 0;
        }
    }

    /** Cools the key until {@code deadline}, or leaves a later deadline already set in place. */
    void coolUntil(long deadline) {
        if (deadline == NOT_COOLING) {
            deadline++;
        }
        for (;;) {
            long current = coolUntil;
            if (current != NOT_COOLING && current - deadline >= 0) {
                return;
            }
            if (COOL_UNTIL.compareAndSet(this, current, deadline)) {
                return;
            }
        }
    }

    /** Drops an expired deadline so later picks skip the clock; a deadline set meanwhile stays. */
    void clearCooldown(long expired) {
        COOL_UNTIL.compareAndSet(this, expired, NOT_COOLING);
    }

    /** Avoids the key until {@code deadline} (see {@link KeyStateFields#avoidUntil}), or keeps a later one. */
    void avoidUntil(long deadline) {
        if (deadline == NOT_COOLING) {
            deadline++;
        }
        for (;;) {
            long current = avoidUntil;
            if (current != NOT_COOLING && current - deadline >= 0) {
                return;
            }
            if (AVOID_UNTIL.compareAndSet(this, current, deadline)) {
                return;
            }
        }
    }

    /** Drops an avoidance deadline ({@code expected}, or any when it is {@link #NOT_COOLING}); a newer one stays. */
    void clearAvoid(long expected) {
        long current = avoidUntil;
        if (current != NOT_COOLING && (expected == NOT_COOLING || current == expected)) {
            AVOID_UNTIL.compareAndSet(this, current, NOT_COOLING);
        }
    }

    /** Whether some model may be locked on this key; false proves none is. */
    boolean mayHaveLocks() {
        return lockCount != 0;
    }

    /** Locks {@code model} on this key until {@code deadline}, or keeps a later lock in place. */
    void lockModel(String model, long deadline) {
        LOCK_COUNT.getAndAdd(this, 1); // before the entry can be seen
        boolean[] added = new boolean[1];
        modelLocks.compute(model, (m, current) -> {
            if (current == null) {
                added[0] = true;
                return deadline;
            }
            return deadline - current > 0 ? deadline : current;
        });
        if (!added[0]) {
            LOCK_COUNT.getAndAdd(this, -1); // an existing lock was extended: no new entry
        }
    }

    /** Whether {@code model} is locked at {@code now}; an expired lock is removed on the way. */
    boolean isLocked(String model, long now) {
        Long deadline = modelLocks.get(model);
        if (deadline == null) {
            return false;
        }
        if (now - deadline < 0) {
            return true;
        }
        unlock(model, deadline);
        return false;
    }

    /** Removes model's lock if it still ends at {@code expired} (a lock extended meanwhile stays). */
    void unlock(String model, Long expired) {
        if (modelLocks.remove(model, expired)) {
            LOCK_COUNT.getAndAdd(this, -1); // after the entry is gone
        }
    }
}
