package io.sluice.proxy.usage;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;

/**
 * Requests and tokens per provider, model, provider key and client, counted in memory and kept in an append-only
 * JSON-lines file so that they survive restarts.
 *
 * <p>Why a file and not a database: SQLite (xerial sqlite-jdbc) brings a native library and blocking JDBC, a new
 * dependency outside the design card's package list; H2 is a 2.5 MB SQL engine for what is a counter table. An
 * append-only JSON-lines file needs no new dependency, only ever appends sequentially, is crash-safe by
 * construction (a torn last line is detected and cut off on replay), is readable with {@code jq}, and is compacted
 * into a snapshot of the aggregates when it grows past {@code maxFileBytes}. Format: {@link UsageLines}.
 *
 * <p>Threads: {@link #record} runs on any thread, event loops included; it bumps {@link LongAdder}s and offers the
 * record to a queue, nothing else. One daemon thread, {@code sluice-usage}, owns the file: it appends in batches,
 * fsyncs at most every {@link #FSYNC_INTERVAL_MILLIS} and on {@link #flush}, and compacts. The in-memory counts,
 * per (provider, model, key, client) tuple, are what {@link #snapshot} reports; the file only has to give them back
 * after a restart.
 */
public final class UsageLedger implements AutoCloseable {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance("io.sluice.proxy");

    public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
    public static final long FSYNC_INTERVAL_MILLIS = 200;
    public static final long FLUSH_TIMEOUT_MILLIS = 10_000;
    /**
     * Bounded, not MpscUnboundedXaddArrayQueue: a stalled disk must not grow the heap without limit, and 64 Ki
     * records (a few MB) is seconds of peak traffic. When it is full, record() folds the record into per-tuple overflow
     * counters that the writer appends as one counts line, so neither memory nor the file loses a request; only its
     * own line is gone, which {@link #dropped()} counts.
     */
    static final int QUEUE_CAPACITY = 65_536;
    static final String THREAD_NAME = "sluice-usage";

    private final ConcurrentHashMap<UsageTuple, LiveCounts> tuples = new ConcurrentHashMap<>();
    /** The counts replayed at open: {@link #runRows} is what was counted since, by this process. */
    private final Map<UsageTuple, Counts> replayed = new HashMap<>();
    private final AtomicLong since;
    private final long corruptLines;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Null when memory-only, like the three below. */
    private final MessagePassingQueue<Object> queue;
    private final ConcurrentHashMap<UsageTuple, LiveCounts> overflow;
    private final UsageWriter writer;
    private final Thread thread;
    /** The lock on {@code <file>.lock} that keeps a second process off this file; null when memory-only. */
    private FileLock lock;

    /** Another process (or another ledger in this one) has the file. */
    public static final class InUseException extends IOException {
        InUseException(Path lockFile) {
            super(lockFile + " is locked by another Sluice using the same usage file");
        }
    }

    private UsageLedger(Path file, FileChannel channel, UsageReplay.Result replay, LongSupplier clock,
            long maxFileBytes, int queueCapacity, ThreadFactory threads) throws IOException {
        replay.tuples().forEach((t, c) -> {
            Counts copy = new Counts();
            copy.add(c);
            replayed.put(t, copy);
            LiveCounts live = new LiveCounts();
            live.add(c);
            tuples.put(t, live);
        });
        since = new AtomicLong(replay.since());
        corruptLines = replay.corruptLines();
        if (file == null) {
            queue = null;
            overflow = null;
            writer = null;
            thread = null;
            return;
        }
        queue = new MpscArrayQueue<>(queueCapacity);
        overflow = new ConcurrentHashMap<>();
        // The replayed map is the writer's from here on: what the file holds.
        writer = new UsageWriter(file, channel, maxFileBytes, queue, overflow, dropped, since::get, clock,
                replay.tuples());
        thread = threads.newThread(writer);
        thread.start();
    }

    /** {@link #open(Path, LongSupplier, long)} with {@link #DEFAULT_MAX_FILE_BYTES}. */
    public static UsageLedger open(Path file, LongSupplier epochMillis) throws IOException {
        return open(file, epochMillis, DEFAULT_MAX_FILE_BYTES);
    }

    /**
     * Replays {@code file} and starts the writer thread. Blocks: call it at startup, not on an event loop.
     *
     * @param file the ledger file, created with its directories when missing; null keeps the counts in memory only,
     *     with no thread
     * @param epochMillis the clock stamped on counts lines (compaction, overflow)
     * @param maxFileBytes compact the file once it grows past this
     */
    public static UsageLedger open(Path file, LongSupplier epochMillis, long maxFileBytes) throws IOException {
        return open(file, epochMillis, maxFileBytes, QUEUE_CAPACITY, UsageLedger::newWriterThread);
    }

    static UsageLedger open(Path file, LongSupplier epochMillis, long maxFileBytes, int queueCapacity,
            ThreadFactory threads) throws IOException {
        Objects.requireNonNull(epochMillis, "epochMillis");
        Objects.requireNonNull(threads, "threads");
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("maxFileBytes: " + maxFileBytes + " (expected: > 0)");
        }
        if (queueCapacity < 2) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 2)");
        }
        if (file == null) {
            UsageReplay.Result empty = new UsageReplay.Result(new HashMap<>(), 0, 0, 0);
            return new UsageLedger(null, null, empty, epochMillis, maxFileBytes, queueCapacity, threads);
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        // Two writers would interleave lines and each compact away the other's counts: one process per file. The lock
        // is on a file of its own because compaction replaces the ledger by a rename; the OS drops it if we die.
        FileLock held = lock(file);
        try {
            Files.deleteIfExists(UsageWriter.tmpOf(file)); // a compaction that died before its rename
            UsageReplay.Result replay = UsageReplay.replay(file);
            FileChannel channel = UsageWriter.openAppend(file);
            try {
                UsageLedger ledger = new UsageLedger(file, channel, replay, epochMillis, maxFileBytes, queueCapacity,
                        threads);
                ledger.lock = held;
                return ledger;
            } catch (IOException | RuntimeException | Error e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            held.channel().close();
            throw e;
        }
    }

    /** The lock file of {@code file}: {@code usage.jsonl.lock}. */
    public static Path lockFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    private static FileLock lock(Path file) throws IOException {
        Path lockFile = lockFileOf(file);
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // another ledger of this JVM holds it
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            throw new InUseException(lockFile);
        }
        return l;
    }

    private static Thread newWriterThread(Runnable r) {
        Thread t = new Thread(r, THREAD_NAME);
        t.setDaemon(true);
        return t;
    }

    /**
     * Counts one finished request. Never blocks and does no I/O: safe on an event loop. After {@link #close()} it
     * still counts in memory; nothing more reaches the file.
     */
    public void record(UsageRecord r) {
        UsageTuple tuple = UsageTuple.of(r);
        LiveCounts live = tuples.get(tuple);
        if (live == null) {
            live = tuples.computeIfAbsent(tuple, t -> new LiveCounts());
        }
        live.add(r);
        if (since.get() == 0) {
            since.compareAndSet(0, r.epochMillis());
        }
        if (queue == null || closed.get()) {
            return;
        }
        if (!queue.offer(r)) {
            overflow.computeIfAbsent(tuple, t -> new LiveCounts()).add(r);
            dropped.incrementAndGet(); // after the counts: the writer folds when it sees this move
        }
        wakeWriter();
    }

    private void wakeWriter() {
        if (writer.sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Waits until every record offered before this call is in the file and fsynced, at most {@link
     * #FLUSH_TIMEOUT_MILLIS}. Blocks: never call it on an event loop.
     *
     * @return false when the time ran out or the disk failed (logged); true when memory-only or closed
     */
    public boolean flush() {
        if (queue == null || closed.get()) {
            return true; // close() flushed already
        }
        return doFlush();
    }

    private boolean doFlush() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_TIMEOUT_MILLIS);
        FlushMarker marker = new FlushMarker();
        while (!queue.offer(marker)) {
            if (System.nanoTime() - deadline >= 0) {
                LOG.warn("usage flush: queue still full after {} ms", FLUSH_TIMEOUT_MILLIS);
                return false;
            }
            wakeWriter();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        wakeWriter();
        try {
            if (marker.await(deadline - System.nanoTime())) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warn("usage flush: not written and fsynced within {} ms", FLUSH_TIMEOUT_MILLIS);
        return false;
    }

    /** Flushes, stops the writer and closes the file. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || queue == null) {
            return;
        }
        doFlush();
        writer.running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(FLUSH_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("usage writer still running {} ms after close", FLUSH_TIMEOUT_MILLIS);
        }
        try {
            lock.channel().close(); // releases the lock
        } catch (IOException e) {
            LOG.warn("usage: cannot release the ledger's lock file: {}", e.toString());
        }
    }

    /**
     * The counts now, grouped four ways; each list sums to {@code total}. A tuple without a key or client shows up
     * in {@code byKey} or {@code byClient} with that field null. Sums over the tuples (thousands at most), no lock.
     */
    public Snapshot snapshot() {
        UsageGroups groups = new UsageGroups();
        tuples.forEach((t, live) -> groups.add(t, live.sum()));
        return groups.snapshot(since.get());
    }

    /**
     * What this process counted since it opened the ledger (the replayed counts left out), one row per finest
     * tuple with all four fields, tuples without requests since left out: what an instance shares with others.
     */
    public List<Row> runRows() {
        List<Row> rows = new ArrayList<>();
        tuples.forEach((t, live) -> {
            Counts c = live.sum();
            Counts before = replayed.get(t);
            Counts run = before == null ? c : c.minus(before);
            if (run.requests > 0) {
                rows.add(new Row(t.provider(), t.model(), t.key(), t.client(), run.toTotals()));
            }
        });
        return rows;
    }

    /** Requests appended to the file by this instance, as their own line or inside an overflow counts line. */
    public long written() {
        return writer == null ? 0 : writer.written();
    }

    /** Records whose own line was not written because the queue was full; they are still counted, and in the file. */
    public long dropped() {
        return dropped.get();
    }

    /** Bad lines skipped in the middle of the file at open. */
    public long corruptLines() {
        return corruptLines;
    }

    /**
     * The counts at one moment.
     *
     * @param since epoch millis of the first request ever recorded, 0 if none
     */
    public record Snapshot(long since, UsageTotals total, List<Row> byProvider, List<Row> byModel, List<Row> byKey,
            List<Row> byClient) {

        public Snapshot {
            Objects.requireNonNull(total, "total");
            byProvider = List.copyOf(byProvider);
            byModel = List.copyOf(byModel);
            byKey = List.copyOf(byKey);
            byClient = List.copyOf(byClient);
        }
    }

    /**
     * Counts for one group; the fields the list does not group on are null ({@code byModel}: provider and model;
     * {@code byKey}: provider and key).
     */
    public record Row(String provider, String model, String key, String client, UsageTotals totals) {}
}
