package io.sluice.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connections of one event loop and the requests waiting for them. Everything but {@link #release} runs on
 * {@link #loop}.
 *
 * <p>Open loop: the pacer thread raises {@link #released}, the count of requests due on this loop; each idle connection
 * takes the next one. A due request that finds no idle connection waits (it is never dropped) and its wait counts in
 * its latency, which runs from the intended time. Closed loop: every connection sends again as soon as it is done.
 */
final class LoopWorker {

    /** Closed loop: a connection whose connect failed waits this long before trying again, rather than spinning. */
    static final long CONNECT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final int index;
    final EventLoop loop;
    final LoopStats stats = new LoopStats();
    private final LoadRun run;
    private final boolean open;
    private final List<LoadConnection> connections = new ArrayList<>();
    private final ArrayDeque<LoadConnection> idle = new ArrayDeque<>();
    private final AtomicLong released = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    /** Requests of {@link #released} taken by a connection so far. */
    private long taken;
    private int nextRequest;
    private boolean stopped;
    private boolean pumping;
    private ScheduledFuture<?> sweep;

    LoopWorker(int index, EventLoop loop, LoadRun run) {
        this.index = index;
        this.loop = loop;
        this.run = run;
        this.open = run.spec.mode() == LoadMode.OPEN;
    }

    /** Before the run starts, from the setup thread (later tasks on the loop see it). */
    void add(LoadConnection connection) {
        connections.add(connection);
        idle.add(connection);
    }

    /** Fails exchanges past their deadline every {@code periodNanos}: one timer per loop, none per request. */
    void startTimeoutSweep(long periodNanos) {
        sweep = loop.scheduleAtFixedRate(this::checkTimeouts, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    List<ChannelFuture> preconnect() {
        List<ChannelFuture> futures = new ArrayList<>(connections.size());
        for (LoadConnection c : connections) {
            futures.add(c.preconnect());
        }
        return futures;
    }

    /** Pacer thread: {@code count} requests are now due on this loop. */
    void release(long count) {
        released.set(count);
        // Dekker-style with drain(): either the task below runs, or the running drain reads the new count.
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        pump();
    }

    /** Hands work to idle connections while there is any. Re-entrant calls (an exchange failing at once) return. */
    void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            while (!stopped && !idle.isEmpty()) {
                long now = System.nanoTime();
                if (open) {
                    if (taken >= released.get()) {
                        return;
                    }
                    long i = run.schedule.globalIndex(index, taken++);
                    long intended = run.t0 + run.schedule.offsetNanos(i);
                    boolean measured = i >= run.schedule.warmupCount();
                    if (measured) {
                        stats.sent(now - intended);
                    }
                    idle.poll().start(nextRequest(), intended, now, measured);
                } else {
                    if (now - run.measureEnd >= 0) {
                        return;
                    }
                    run.outstanding.incrementAndGet();
                    idle.poll().start(nextRequest(), now, now, now - run.measureStart >= 0);
                }
            }
        } finally {
            pumping = false;
        }
    }

    /** An exchange of {@code connection} ended; {@code error} is null on success. */
    void completed(LoadConnection connection, ErrorKind error) {
        run.completed.increment();
        if (error != null) {
            run.errors.increment();
        }
        run.outstanding.decrementAndGet();
        if (error == ErrorKind.CONNECT && !open) {
            loop.schedule(() -> {
                idle.add(connection);
                pump();
            }, CONNECT_BACKOFF_NANOS, TimeUnit.NANOSECONDS);
            return;
        }
        idle.add(connection);
        pump();
    }

    /** Closed loop, at the end of the duration: send nothing more. */
    void stop() {
        stopped = true;
    }

    /** The grace period is over: what is in flight timed out; what is due but unsent is counted, not dropped. */
    void abort() {
        stopped = true;
        for (LoadConnection c : connections) {
            c.abort();
        }
        long due = released.get();
        if (taken < due) {
            long now = System.nanoTime();
            long unsent = due - taken;
            for (; taken < due; taken++) {
                if (run.schedule.globalIndex(index, taken) >= run.schedule.warmupCount()) {
                    stats.error(now, ErrorKind.NOT_SENT);
                }
            }
            run.completed.add(unsent);
            run.errors.add(unsent);
            run.outstanding.addAndGet(-unsent);
        }
    }

    /** Closes everything and hands the stats over to the calling thread (through the task's future). */
    LoopStats finish() {
        stopped = true;
        if (sweep != null) {
            sweep.cancel(false);
        }
        for (LoadConnection c : connections) {
            c.close();
        }
        return stats;
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        for (LoadConnection c : connections) {
            c.checkTimeout(now);
        }
    }

    private ByteBuf nextRequest() {
        ByteBuf[] requests = run.requests;
        ByteBuf r = requests[nextRequest];
        if (++nextRequest == requests.length) {
            nextRequest = 0;
        }
        return r;
    }
}
