package io.sluice.proxy.schedule;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Per-provider circuit breaker for PROVIDER-scope failures: CLOSED → OPEN after {@code threshold} consecutive
 * failures → after {@code openNanos} exactly one probe is let through (HALF_OPEN) → its success closes the circuit,
 * its failure opens it again for another {@code openNanos}.
 *
 * <p>Lock-free: the phase is an immutable object swapped by CAS (allocated only on a transition), the consecutive
 * failure count an {@link AtomicInteger}. While CLOSED, {@link #allow()} is one volatile read.
 *
 * <p>Outcomes are not tied to the request that reported them: a late success or failure of a request sent before the
 * circuit opened counts while HALF_OPEN as the probe's, and is ignored while OPEN. A probe that never reports (its
 * client went away) is not waited for forever: after another {@code openNanos} the next caller becomes the probe.
 * A probe known to end without an answer (its client cancelled) is {@link #abandon abandoned}: the next caller
 * becomes the probe at once, instead of the provider staying down for another window.
 */
public final class CircuitBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    /**
     * The state and, for OPEN and HALF_OPEN, the clock value from which the next probe may go. A HALF_OPEN phase is
     * also the pass of the probe that created it (compared by identity).
     */
    record Phase(State state, long probeAt, boolean held) {
        Phase(State state, long probeAt) {
            this(state, probeAt, false);
        }
    }

    /**
     * Told of the transitions made here, not of those applied from other instances ({@link #openShared},
     * {@link #closeShared}): the shared state publishes them. Called on the thread of the transition (an event loop):
     * must not block.
     */
    public interface Listener {
        /** The circuit opened here (threshold reached or the probe failed) until {@code open}'s probe time. */
        void opened(CircuitBreaker breaker, Phase open);

        /** The probe succeeded here: the circuit closed. */
        void closed(CircuitBreaker breaker);
    }

    private static final Phase CLOSED = new Phase(State.CLOSED, 0);

    private final int threshold;
    private final long openNanos;
    private final LongSupplier nanoClock;
    private final AtomicReference<Phase> phase = new AtomicReference<>(CLOSED);
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    /**
     * Null in the embedded state. When set, every OPEN phase is <em>held</em>: no probe goes when its time comes
     * until the listener's owner {@link #release releases} it (this instance won the cluster's one probe).
     */
    private volatile Listener listener;

    /**
     * @param threshold consecutive failures that open the circuit, > 0
     * @param openNanos how long the circuit stays open before a probe, ≥ 0
     */
    public CircuitBreaker(int threshold, long openNanos, LongSupplier nanoClock) {
        if (threshold <= 0) {
            throw new IllegalArgumentException("threshold: " + threshold + " (expected: > 0)");
        }
        if (openNanos < 0) {
            throw new IllegalArgumentException("openNanos: " + openNanos + " (expected: >= 0)");
        }
        this.threshold = threshold;
        this.openNanos = openNanos;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** True when a request may go: the circuit is closed, or the single half-open probe slot went to this caller. */
    public boolean allow() {
        return admit() != null;
    }

    /**
     * Like {@link #allow()}, and says which pass the caller got: null when refused, the HALF_OPEN phase when it is the
     * probe (give it to {@link #abandon} should the probe end without an answer), else the CLOSED phase.
     */
    Phase admit() {
        Phase p = phase.get();
        if (p.state == State.CLOSED) {
            return p;
        }
        long now = nanoClock.getAsLong();
        if (now - p.probeAt < 0 || p.held) {
            return null; // open and cooling, a probe is out, or another instance has the cluster's probe
        }
        // One CAS winner per phase object: that caller is the probe. A probe that never reported is replaced.
        Phase probe = new Phase(State.HALF_OPEN, now + openNanos);
        return phase.compareAndSet(p, probe) ? probe : null;
    }

    /**
     * The request holding {@code pass} ended with no word on the provider's health (its client cancelled, or it never
     * went). When it was the current probe, the probe slot is free at once: the circuit stays open and the next
     * caller probes. Any other pass (closed, a stale probe already replaced) changes nothing.
     */
    void abandon(Phase pass) {
        if (pass != null && pass.state == State.HALF_OPEN) {
            phase.compareAndSet(pass, new Phase(State.OPEN, nanoClock.getAsLong()));
        }
    }

    /** A request succeeded: while CLOSED, the failure run is broken; while HALF_OPEN, the circuit closes. */
    public void success() {
        Phase p = phase.get();
        if (p.state == State.HALF_OPEN) {
            if (phase.compareAndSet(p, CLOSED)) {
                consecutiveFailures.set(0);
                Listener l = listener;
                if (l != null) {
                    l.closed(this);
                }
            }
        } else if (p.state == State.CLOSED && consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** A PROVIDER-scope failure: while CLOSED it counts towards the threshold; while HALF_OPEN it reopens. */
    public void failure() {
        Phase p = phase.get();
        if (p.state == State.HALF_OPEN) {
            Phase open = open();
            if (phase.compareAndSet(p, open)) {
                opened(open);
            }
        } else if (p.state == State.CLOSED && consecutiveFailures.incrementAndGet() >= threshold) {
            Phase open = open();
            if (phase.compareAndSet(CLOSED, open)) {
                consecutiveFailures.set(0);
                opened(open);
            }
        }
    }

    private void opened(Phase open) {
        Listener l = listener;
        if (l != null) {
            l.opened(this, open);
        }
    }

    private Phase open() {
        return new Phase(State.OPEN, nanoClock.getAsLong() + openNanos, listener != null);
    }

    /** Shares this breaker's transitions with {@code l} from now on; its OPEN phases are held from now on. */
    void listen(Listener l) {
        this.listener = l;
    }

    /**
     * Another instance opened the circuit for {@code nanos}: it is open (held) here too, unless it already is for
     * longer or this instance has the probe out. Returns the phase set, or null when nothing changed.
     */
    Phase openShared(long nanos) {
        for (;;) {
            Phase p = phase.get();
            long until = nanoClock.getAsLong() + nanos;
            if (p.state == State.HALF_OPEN || p.state == State.OPEN && p.probeAt - until >= 0) {
                return null;
            }
            Phase open = new Phase(State.OPEN, until, true);
            if (phase.compareAndSet(p, open)) {
                consecutiveFailures.set(0);
                return open;
            }
        }
    }

    /** Another instance's probe succeeded: the circuit closes here too. False when it was closed already. */
    boolean closeShared() {
        for (;;) {
            Phase p = phase.get();
            if (p.state == State.CLOSED) {
                return false;
            }
            if (phase.compareAndSet(p, CLOSED)) {
                consecutiveFailures.set(0);
                return true;
            }
        }
    }

    /**
     * This instance won the cluster's probe for {@code held}: its probe may go once its time has come. False when
     * the phase changed meanwhile (closed, or opened again).
     */
    boolean release(Phase held) {
        return held.held && phase.compareAndSet(held, new Phase(State.OPEN, held.probeAt, false));
    }

    /** The phase in force (the shared state checks whether a held phase is still the one it scheduled). */
    Phase phase() {
        return phase.get();
    }

    /** The state as last transitioned: OPEN stays OPEN past its deadline until a caller takes the probe. */
    public State state() {
        return phase.get().state;
    }

    /** Nanos until a probe will be allowed; 0 when {@link #allow()} would return true now. */
    public long nanosUntilProbe() {
        Phase p = phase.get();
        if (p.state == State.CLOSED) {
            return 0;
        }
        return Math.max(0, p.probeAt - nanoClock.getAsLong());
    }

    public int threshold() {
        return threshold;
    }

    public long openNanos() {
        return openNanos;
    }
}
