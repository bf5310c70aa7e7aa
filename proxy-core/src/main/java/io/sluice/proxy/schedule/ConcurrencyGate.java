package io.sluice.proxy.schedule;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jctools.queues.MpmcArrayQueue;

/**
 * Upstream concurrency gate of one provider: at most {@code maxConcurrent} permits out; beyond that, callers wait in
 * a bounded FIFO queue for at most {@code queueTimeout}; a full queue rejects at once.
 *
 * <p><b>Why {@link MpmcArrayQueue}.</b> Waiters are added by the event loop of each request (many producers) and
 * taken off by whoever frees a permit: {@link #release()} runs on the event loop that finished an exchange, which is
 * any of them (many consumers). An MPSC queue would need one draining thread and a task hop on every release, which
 * adds latency exactly when the provider is saturated; MPMC lets each releaser poll the head itself.
 *
 * <p><b>Counting.</b> {@code active} is a CAS-bounded counter, so it never exceeds {@code maxConcurrent}. A waiter
 * leaves the WAITING state exactly once, by CAS: granted, cancelled, timed out. Cancelled and timed-out waiters
 * stay in the array as husks (an array queue cannot unlink from the middle) but leave {@code queued} at once;
 * pollers skip husks, and the array holds twice {@code queueMax} so husks cannot crowd out live waiters (see
 * {@link #enqueue}). A permit taken for a waiter that lost its race to a cancel or timeout is handed on, not lost.
 *
 * <p><b>No lost wake-ups.</b> An enqueuer offers then tries to dispatch; a releaser returns its permit then tries to
 * dispatch. Both steps are volatile operations, so at least one of the two sees both the waiter and the free permit.
 */
public final class ConcurrencyGate {

    public enum Rejection { QUEUE_FULL, TIMEOUT }

    /** A place in the gate: queued or granted. */
    public interface Ticket {
        /**
         * Leaves the queue at once ({@link #queued()} drops immediately); if already granted, releases the permit;
         * idempotent. A granted permit is given back exactly once: by this or by {@link ConcurrencyGate#release()},
         * not both. Calling only this, on every path, is the simplest correct use.
         */
        void cancel();
    }

    /** Most waiters a gate may queue: the array is allocated up front, twice this (about 1.5 MiB). */
    public static final int MAX_QUEUE = 1 << 16;

    /** Nothing to give back: the ticket of a rejected acquire. */
    private static final Ticket REJECTED = () -> { };

    private final int maxConcurrent;
    private final int queueMax;
    private final long queueTimeoutNanos;
    private final AtomicInteger active = new AtomicInteger();
    /** Live waiters: counted in before their offer, out when they leave WAITING. Husks are not counted. */
    private final AtomicInteger queued = new AtomicInteger();
    private final MpmcArrayQueue<Waiter> waiters;

    /**
     * @param maxConcurrent permits, > 0
     * @param queueMax waiters beyond the permits, 0..{@link #MAX_QUEUE} (0: reject at once when all permits are out)
     * @param queueTimeoutNanos longest wait in the queue, ≥ 0
     */
    public ConcurrencyGate(int maxConcurrent, int queueMax, long queueTimeoutNanos) {
        if (maxConcurrent <= 0) {
            throw new IllegalArgumentException("maxConcurrent: " + maxConcurrent + " (expected: > 0)");
        }
        if (queueMax < 0 || queueMax > MAX_QUEUE) {
            throw new IllegalArgumentException("queueMax: " + queueMax + " (expected: 0.." + MAX_QUEUE + ")");
        }
        if (queueTimeoutNanos < 0) {
            throw new IllegalArgumentException("queueTimeoutNanos: " + queueTimeoutNanos + " (expected: >= 0)");
        }
        this.maxConcurrent = maxConcurrent;
        this.queueMax = queueMax;
        this.queueTimeoutNanos = queueTimeoutNanos;
        // Room for queueMax live waiters plus as many husks; JCTools rounds up to a power of two (at least 2).
        this.waiters = new MpmcArrayQueue<>(Math.max(2, 2 * queueMax));
    }

    /**
     * Either grants at once ({@code onGranted} runs synchronously on the caller's thread before this returns) or
     * queues: {@code onGranted} / {@code onRejected} then run on {@code loop} (the caller's event loop) when a permit
     * frees up or the wait times out ({@link Rejection#TIMEOUT}). A full queue rejects synchronously ({@link
     * Rejection#QUEUE_FULL}). Exactly one of the two callbacks runs, once, unless the ticket is cancelled first. If
     * {@code onGranted} throws, the permit is given back and the exception propagates.
     */
    public Ticket acquire(EventExecutor loop, Runnable onGranted, Consumer<Rejection> onRejected) {
        if (queued.get() == 0 && tryTakePermit()) { // nobody waiting: no queue jumping
            Waiter held = new Waiter(null, null, null, Waiter.ACTIVE);
            held.deliver(onGranted);
            return held;
        }
        if (queued.incrementAndGet() > queueMax) {
            queued.decrementAndGet();
            onRejected.accept(Rejection.QUEUE_FULL);
            return REJECTED;
        }
        Waiter w = new Waiter(Objects.requireNonNull(loop, "loop"), Objects.requireNonNull(onGranted, "onGranted"),
                Objects.requireNonNull(onRejected, "onRejected"), Waiter.WAITING);
        enqueue(w);
        dispatch(); // a permit may have been returned between the fast path and the offer
        w.armTimeout();
        return w;
    }

    /** Returns a granted permit (once per grant); hands it to the oldest live waiter if any. */
    public void release() {
        returnPermit();
        dispatch();
    }

    public int active() {
        return active.get();
    }

    /** Live waiters. */
    public int queued() {
        return Math.min(queued.get(), queueMax); // a rejected acquire is counted for an instant
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    public int queueMax() {
        return queueMax;
    }

    private boolean tryTakePermit() {
        for (;;) {
            int a = active.get();
            if (a >= maxConcurrent) {
                return false;
            }
            if (active.compareAndSet(a, a + 1)) {
                return true;
            }
        }
    }

    /** Never below zero: an extra release must not mint a permit for later. */
    private void returnPermit() {
        for (;;) {
            int a = active.get();
            if (a <= 0 || active.compareAndSet(a, a - 1)) {
                return;
            }
        }
    }

    /** While there are waiters and free permits: take a permit, then give it to the oldest live waiter or back. */
    private void dispatch() {
        while (!waiters.isEmpty() && tryTakePermit()) {
            Waiter w = pollLive();
            if (w == null || !w.grant()) {
                returnPermit(); // the queue held only husks, or the waiter was cancelled meanwhile: look again
            }
        }
    }

    /** The oldest waiter still WAITING, dropping the husks before it; null when there is none. */
    private Waiter pollLive() {
        Waiter w;
        while ((w = waiters.poll()) != null) {
            if (w.isWaiting()) {
                return w;
            }
        }
        return null;
    }

    /**
     * Offers w. The array only fills up when husks crowd it (live waiters are at most queueMax, the array holds
     * twice that): then drop heads until there is room. A live head goes back to the tail; in the unlikely case
     * that concurrent offers took its slot, it is rejected rather than lost.
     */
    private void enqueue(Waiter w) {
        while (!waiters.offer(w)) {
            Waiter head = waiters.poll();
            if (head != null && head.isWaiting() && !waiters.offer(head)) {
                head.reject(Rejection.QUEUE_FULL);
            }
        }
    }

    /** One acquire: a waiter while queued, then the handle of its permit. */
    private final class Waiter implements Ticket, Runnable {

        static final int WAITING = 0;
        /** Holds a permit; onGranted is on its way to the loop. */
        static final int GRANTED = 1;
        /** Holds a permit; onGranted ran (or is running). */
        static final int ACTIVE = 2;
        /** Cancelled, timed out, rejected or released: holds nothing. */
        static final int DONE = 3;

        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final EventExecutor loop;
        private final Runnable onGranted;
        private final Consumer<Rejection> onRejected;
        private volatile int state;
        private volatile ScheduledFuture<?> timer;

        Waiter(EventExecutor loop, Runnable onGranted, Consumer<Rejection> onRejected, int state) {
            this.loop = loop;
            this.onGranted = onGranted;
            this.onRejected = onRejected;
            this.state = state;
        }

        boolean isWaiting() {
            return state == WAITING;
        }

        private boolean leave(int from, int to) {
            return STATE.compareAndSet(this, from, to);
        }

        /** Gives this waiter the permit the caller took; false when it already left the queue. */
        boolean grant() {
            if (!leave(WAITING, GRANTED)) {
                return false;
            }
            queued.decrementAndGet();
            cancelTimer();
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                if (leave(GRANTED, DONE)) { // its loop is gone: nobody can use the permit
                    release();
                }
            }
            return true;
        }

        /** On the loop: delivers the grant unless the ticket was cancelled since. */
        @Override
        public void run() {
            if (leave(GRANTED, ACTIVE)) {
                deliver(onGranted);
            }
        }

        void deliver(Runnable granted) {
            try {
                granted.run();
            } catch (Throwable t) {
                cancel(); // a permit nobody will release would shrink the gate for good
                throw t;
            }
        }

        void armTimeout() {
            if (state != WAITING) {
                return;
            }
            ScheduledFuture<?> t;
            try {
                t = loop.schedule(this::timeout, queueTimeoutNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                if (leave(WAITING, DONE)) {
                    queued.decrementAndGet();
                    onRejected.accept(Rejection.TIMEOUT); // its loop is gone: say so now rather than never
                }
                return;
            }
            timer = t;
            if (state != WAITING) {
                t.cancel(false); // granted or cancelled while the timer was being set
            }
        }

        private void timeout() {
            if (leave(WAITING, DONE)) {
                queued.decrementAndGet();
                onRejected.accept(Rejection.TIMEOUT);
            }
        }

        /** Rejects a live waiter that could not be kept in the queue. */
        void reject(Rejection why) {
            if (leave(WAITING, DONE)) {
                queued.decrementAndGet();
                cancelTimer();
                try {
                    loop.execute(() -> onRejected.accept(why));
                } catch (RejectedExecutionException e) {
                    // its loop is gone, and with it whoever was waiting
                }
            }
        }

        private void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }

        @Override
        public void cancel() {
            for (;;) {
                int s = state;
                if (s == WAITING) {
                    if (leave(WAITING, DONE)) {
                        queued.decrementAndGet();
                        cancelTimer();
                        return;
                    }
                } else if (s == GRANTED || s == ACTIVE) {
                    if (leave(s, DONE)) {
                        release(); // hands the permit to the next waiter
                        return;
                    }
                } else {
                    return;
                }
            }
        }
    }
}
