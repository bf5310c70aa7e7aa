package io.sluice.proxy.logs;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscArrayQueue;

/**
 * One daemon thread draining a bounded MPSC queue into a {@link Sink}, so that event loops hand items over without
 * blocking: a full queue drops the item and counts it. The sink is flushed whenever the queue runs empty (and every
 * {@value #MAX_BATCH} items under load), so a line reaches the file within one batch.
 */
final class AsyncWriter<T> implements AutoCloseable {

    /** What the writer thread does with items; called from that thread only. */
    interface Sink<T> {
        void write(T item) throws IOException;

        void flush() throws IOException;

        void close() throws IOException;
    }

    static final int MAX_BATCH = 1024;
    /** Safety net only: producers unpark a sleeping writer, so idle parking never delays a line by this much. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(AsyncWriter.class);

    /** Put in the queue by {@link #flush}: everything before it has been written and flushed when it is reached. */
    private static final class FlushMarker {
        final CountDownLatch done = new CountDownLatch(1);
    }

    private final String name;
    private final MpscArrayQueue<Object> queue;
    private final Sink<T> sink;
    private final Thread thread;
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean sleeping;
    private volatile boolean closed;
    private boolean failing;

    AsyncWriter(String threadName, int queueCapacity, Sink<T> sink) {
        this.name = threadName;
        this.queue = new MpscArrayQueue<>(queueCapacity);
        this.sink = sink;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands {@code item} to the writer thread; never blocks. {@code false} (and one more drop) when full or closed. */
    boolean offer(T item) {
        if (closed || !queue.offer(item)) {
            dropped.increment();
            return false;
        }
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /**
     * Waits up to {@code timeout} until everything offered before this call is written and flushed. Blocks: never
     * call it from an event loop. {@code false} on timeout or interrupt.
     */
    boolean flush(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        if (closed || Thread.currentThread() == thread) {
            return awaitTermination(deadline);
        }
        FlushMarker marker = new FlushMarker();
        while (!queue.offer(marker)) {
            if (System.nanoTime() - deadline >= 0 || closed) {
                return false;
            }
            LockSupport.unpark(thread);
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
        LockSupport.unpark(thread);
        try {
            return marker.done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    long dropped() {
        return dropped.sum();
    }

    long written() {
        return written.get();
    }

    long errors() {
        return errors.get();
    }

    /** Stops taking items, writes what is queued, closes the sink; waits a bounded time. Idempotent. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            awaitTermination(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MILLIS));
        }
    }

    private boolean awaitTermination(long deadline) {
        if (Thread.currentThread() == thread) {
            return false;
        }
        try {
            long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (millis > 0) {
                thread.join(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private void run() {
        int batch = 0;
        try {
            for (;;) {
                Object o = queue.poll();
                if (o != null) {
                    if (o instanceof FlushMarker marker) {
                        flushSink();
                        batch = 0;
                        marker.done.countDown();
                    } else {
                        write(o);
                        if (++batch >= MAX_BATCH) {
                            flushSink();
                            batch = 0;
                        }
                    }
                    continue;
                }
                if (batch > 0) {
                    flushSink();
                    batch = 0;
                }
                if (closed) {
                    if (queue.isEmpty()) {
                        break;
                    }
                    continue;
                }
                // Dekker pair with offer(): either it sees sleeping and unparks, or we see its item here.
                sleeping = true;
                if (queue.isEmpty() && !closed) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
                sleeping = false;
            }
        } finally {
            try {
                sink.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: closing log files failed", name, e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void write(Object item) {
        try {
            sink.write((T) item);
            written.incrementAndGet();
            failing = false;
        } catch (IOException | RuntimeException e) {
            failed("write", e);
        }
    }

    private void flushSink() {
        try {
            sink.flush();
        } catch (IOException | RuntimeException e) {
            failed("flush", e);
        }
    }

    /** Counts every failure but logs only the first of a run of them: a full disk must not flood the console. */
    private void failed(String what, Exception e) {
        errors.incrementAndGet();
        if (!failing) {
            failing = true;
            LOG.warn("{}: log {} failed (further failures are counted, not logged, until one succeeds)", name, what, e);
        }
    }
}
