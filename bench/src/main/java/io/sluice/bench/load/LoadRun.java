package io.sluice.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.sluice.bench.SuppressForbidden;
import io.sluice.proxy.transport.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One run: its event loops, connections and request templates, created at the start and closed at the end. The calling
 * thread paces the open loop, reports progress and decides when the run is over; the loops do all I/O.
 *
 * <p>Timeline: {@code t0} (after connections are open) → warmup → {@link #measureStart} → duration →
 * {@link #measureEnd} → drain until nothing is outstanding, at most {@code timeout + } {@link #GRACE_NANOS} → abort
 * what is left (in flight: {@link ErrorKind#TIMEOUT}; due but unsent: {@link ErrorKind#NOT_SENT}).
 */
final class LoadRun implements AutoCloseable {

    /** Slack after the last request's timeout before the run is cut short. */
    static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The calling thread checks for the end of the drain this often. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    final LoadSpec spec;
    final ByteBuf[] requests;
    /** Open loop only. */
    final ArrivalSchedule schedule;
    /** Open loop: released and not yet ended; closed loop: in flight. */
    final AtomicLong outstanding = new AtomicLong();
    /** For progress: every ended exchange, warmup included. */
    final LongAdder completed = new LongAdder();
    final LongAdder errors = new LongAdder();
    long t0;
    long measureStart;
    long measureEnd;

    private final Transport transport;
    private final EventLoopGroup group;
    private final LoopWorker[] workers;
    private long nextProgress;
    private long lastProgress;
    private long lastCompleted;

    LoadRun(LoadSpec spec, InetSocketAddress address) {
        this.spec = spec;
        this.transport = Transport.best();
        int threads = spec.effectiveThreads();
        this.workers = new LoopWorker[threads];
        this.group = transport.newGroup(threads, "sluice-load");
        try {
            Iterator<EventExecutor> loops = group.iterator();
            for (int i = 0; i < threads; i++) {
                workers[i] = new LoopWorker(i, (EventLoop) loops.next(), this);
            }
            Bootstrap base = new Bootstrap()
                    .channel(transport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                            (int) Math.max(1, Math.min(Integer.MAX_VALUE, spec.timeout().toMillis())));
            int[] loopOfSlot = new int[spec.connections()];
            for (int c = 0; c < loopOfSlot.length; c++) {
                LoopWorker w = workers[c % threads];
                loopOfSlot[c] = w.index;
                w.add(new LoadConnection(w, base.clone(w.loop), address, spec));
            }
            this.schedule = spec.mode() == LoadMode.OPEN
                    ? new ArrivalSchedule(spec.rate(), spec.warmup().toNanos(), spec.duration().toNanos(),
                            loopOfSlot, threads)
                    : null;
            this.requests = RequestTemplates.encode(spec);
        } catch (RuntimeException | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    String transportName() {
        return transport.name().toLowerCase(Locale.ROOT);
    }

    LoadResult execute(Consumer<Progress> progress) {
        if (spec.keepAlive()) {
            preconnect();
        }
        long sweep = Math.max(MIN_SWEEP_NANOS, Math.min(MAX_SWEEP_NANOS, spec.timeout().toNanos() / 4));
        for (LoopWorker w : workers) {
            w.startTimeoutSweep(sweep);
        }
        t0 = System.nanoTime();
        measureStart = t0 + spec.warmup().toNanos();
        measureEnd = measureStart + spec.duration().toNanos();
        long hardEnd = measureEnd + spec.timeout().toNanos() + GRACE_NANOS;
        nextProgress = t0 + PROGRESS_INTERVAL_NANOS;
        lastProgress = t0;

        boolean interrupted;
        if (schedule != null) {
            interrupted = !pace(progress);
        } else {
            for (LoopWorker w : workers) {
                w.loop.execute(w::pump); // after the timing fields above: execute() publishes them
            }
            interrupted = !sleepUntil(measureEnd, progress);
            onEveryLoop(w -> {
                w.stop();
                return null;
            });
        }
        boolean drained = !interrupted && awaitDrained(hardEnd, progress);
        if (!drained) {
            onEveryLoop(w -> {
                w.abort();
                return null;
            });
        }
        LoopStats total = new LoopStats();
        for (LoopStats s : onEveryLoop(LoopWorker::finish)) {
            total.add(s);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        long lastCompletion = total.lastCompletion;
        long measured = Math.max(spec.duration().toNanos(), lastCompletion == 0 ? 0 : lastCompletion - measureStart);
        return LoadResult.of(spec, transportName(), total, Duration.ofNanos(measured));
    }

    /** Releases open-loop requests as they fall due. Returns false if interrupted. */
    private boolean pace(Consumer<Progress> progress) {
        long total = schedule.total();
        long due = 0;
        long[] releasedTo = new long[workers.length];
        while (due < total) {
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            long now = System.nanoTime();
            long nowDue = schedule.dueAt(now - t0);
            if (nowDue > due) {
                outstanding.addAndGet(nowDue - due); // before the loops can end any of them
                due = nowDue;
                for (LoopWorker w : workers) {
                    long r = schedule.releasedFor(w.index, due);
                    if (r != releasedTo[w.index]) {
                        releasedTo[w.index] = r;
                        w.release(r);
                    }
                }
            }
            report(now, progress);
            if (due < total) {
                // parkNanos overshoots by the timer slack (~50 us on Linux); requests due meanwhile go out together,
                // and their latency still counts from their own intended time.
                long wake = Math.min(t0 + schedule.offsetNanos(due), nextProgress);
                long wait = wake - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
        return true;
    }

    private boolean sleepUntil(long deadline, Consumer<Progress> progress) {
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return true;
            }
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            report(now, progress);
            LockSupport.parkNanos(Math.min(deadline, nextProgress) - now);
        }
    }

    private boolean awaitDrained(long deadline, Consumer<Progress> progress) {
        while (outstanding.get() != 0) {
            long now = System.nanoTime();
            if (now - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            report(now, progress);
            LockSupport.parkNanos(Math.min(POLL_NANOS, deadline - now));
        }
        return true;
    }

    private void report(long now, Consumer<Progress> progress) {
        if (now - nextProgress < 0) {
            return;
        }
        long done = completed.sum();
        double seconds = (now - lastProgress) / 1e9;
        Progress.Phase phase = now - measureStart < 0 ? Progress.Phase.WARMUP
                : now - measureEnd < 0 ? Progress.Phase.MEASURE : Progress.Phase.DRAIN;
        progress.accept(new Progress(Duration.ofNanos(now - t0), phase, done, errors.sum(),
                seconds > 0 ? (done - lastCompleted) / seconds : 0, Math.max(0, outstanding.get())));
        lastCompleted = done;
        lastProgress = now;
        nextProgress += PROGRESS_INTERVAL_NANOS;
        if (nextProgress - now <= 0) {
            nextProgress = now + PROGRESS_INTERVAL_NANOS; // the callback or the machine was slow: do not burst
        }
    }

    /** Opens every connection before t0, so the first measured requests do not pay for the handshakes. */
    private void preconnect() {
        List<ChannelFuture> futures = new ArrayList<>();
        for (List<ChannelFuture> some : onEveryLoop(LoopWorker::preconnect)) {
            futures.addAll(some);
        }
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        for (ChannelFuture f : futures) {
            f.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private interface LoopTask<T> {
        T apply(LoopWorker worker) throws Exception;
    }

    /** Runs {@code task} on every loop and waits for all: the results are safe to read on this thread. */
    @SuppressForbidden(reason = "the driving thread waits for its loops; never called on one of them")
    private <T> List<T> onEveryLoop(LoopTask<T> task) {
        List<Future<T>> futures = new ArrayList<>(workers.length);
        for (LoopWorker w : workers) {
            Callable<T> call = () -> task.apply(w);
            futures.add(w.loop.submit(call));
        }
        List<T> results = new ArrayList<>(workers.length);
        for (Future<T> f : futures) {
            results.add(f.syncUninterruptibly().getNow());
        }
        return results;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (ByteBuf r : requests) {
            r.release();
        }
    }
}
