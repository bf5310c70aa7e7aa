package io.sluice.proxy.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.jctools.queues.MessagePassingQueue;

/**
 * The one thread that touches the ledger file: drains the queue in batches, appends them, fsyncs, compacts.
 *
 * <p>It keeps its own per-tuple counts of what the file holds ({@link #persisted}) and compacts from those, not from
 * the ledger's live counts: a live count may already include a record still sitting in the queue, which the writer
 * would then append a second time after the snapshot.
 */
final class UsageWriter implements Runnable {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance("io.sluice.proxy");

    /** Records per write: bounds the encode buffer (~150 bytes a record). */
    private static final int BATCH = 4096;
    private static final long FSYNC_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(UsageLedger.FSYNC_INTERVAL_MILLIS);
    private static final long ERROR_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path file;
    private final Path tmp;
    private final long maxFileBytes;
    private final MessagePassingQueue<Object> queue;
    private final ConcurrentHashMap<UsageTuple, LiveCounts> overflow;
    private final AtomicLong dropped;
    private final LongSupplier since;
    private final LongSupplier clock;
    private final Map<UsageTuple, Counts> persisted;

    private final Sink sink = new Sink();
    private final JsonGenerator json;
    private final List<UsageRecord> batch = new ArrayList<>();
    private final List<FlushMarker> markers = new ArrayList<>();
    private final Map<UsageTuple, Counts> folded = new HashMap<>();

    private FileChannel channel;
    /** Bytes in the file that hold whole lines. */
    private long size;
    private long compactAt;
    private long foldedDropped;
    /** Counts went back into {@link #overflow} after a failed write: fold them even if nothing was dropped. */
    private boolean refold;
    private boolean dirty;
    private long lastForce = System.nanoTime();
    private boolean failing;

    volatile boolean running = true;
    /** Set just before parking; producers unpark only then. */
    volatile boolean sleeping;
    /** Requests appended, each as its own line or folded into an overflow line. Written by this thread only. */
    private volatile long written;

    UsageWriter(Path file, FileChannel channel, long maxFileBytes, MessagePassingQueue<Object> queue,
            ConcurrentHashMap<UsageTuple, LiveCounts> overflow, AtomicLong dropped, LongSupplier since,
            LongSupplier clock, Map<UsageTuple, Counts> persisted) throws IOException {
        this.file = file;
        this.tmp = tmpOf(file);
        this.channel = channel;
        this.size = channel.size();
        this.maxFileBytes = maxFileBytes;
        this.compactAt = maxFileBytes;
        this.queue = queue;
        this.overflow = overflow;
        this.dropped = dropped;
        this.since = since;
        this.clock = clock;
        this.persisted = persisted;
        this.json = UsageLines.generator(sink);
    }

    static Path tmpOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    long written() {
        return written;
    }

    @Override
    public void run() {
        try {
            for (;;) {
                boolean last = !running; // read before draining: whatever close() waited for is in the queue
                int done;
                try {
                    done = step();
                } catch (RuntimeException | Error e) {
                    LOG.error("usage writer: unexpected failure, retrying", e);
                    LockSupport.parkNanos(this, ERROR_BACKOFF_NANOS);
                    continue;
                }
                if (done > 0) {
                    continue;
                }
                if (last) {
                    break;
                }
                idle();
            }
            if (dirty) {
                force();
            }
        } finally {
            closeQuietly(channel);
        }
    }

    /** One batch: drain, append, maybe compact, fsync when due or asked. Returns the work done, 0 when idle. */
    private int step() {
        sink.reset();
        batch.clear();
        markers.clear();
        folded.clear();
        int drained = queue.drain(this::encode, BATCH);
        long d = dropped.get();
        if (refold || d != foldedDropped) {
            foldedDropped = d; // read before taking: a drop counted later is taken next time round
            refold = false;
            foldOverflow();
        }
        boolean ok = batch.isEmpty() && folded.isEmpty() || append();
        if (ok && size > compactAt) {
            compact();
        }
        if (!markers.isEmpty()) {
            ok = ok && force();
            for (FlushMarker m : markers) {
                m.complete(ok);
            }
        } else if (ok && dirty && System.nanoTime() - lastForce >= FSYNC_INTERVAL_NANOS) {
            ok = force();
        }
        if (!ok) {
            if (!running) {
                return 0; // closing on a failing disk: give up rather than hold close() up
            }
            LockSupport.parkNanos(this, ERROR_BACKOFF_NANOS);
        }
        return drained + folded.size();
    }

    private void encode(Object e) {
        if (e instanceof FlushMarker m) {
            markers.add(m);
            return;
        }
        UsageRecord r = (UsageRecord) e;
        try {
            UsageLines.writeRecord(json, r);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // into a byte array: cannot happen
        }
        batch.add(r);
    }

    /** Records that overflowed the queue go into the file as one counts line per tuple. */
    private void foldOverflow() {
        long now = clock.getAsLong();
        for (Map.Entry<UsageTuple, LiveCounts> e : overflow.entrySet()) {
            Counts c = e.getValue().take();
            if (c.isZero()) {
                continue;
            }
            try {
                UsageLines.writeAggregate(json, now, e.getKey(), c);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            folded.put(e.getKey(), c);
        }
    }

    private boolean append() {
        long before = size;
        try {
            json.flush();
            ensureOpen();
            ByteBuffer b = sink.buffer();
            while (b.hasRemaining()) {
                size += channel.write(b);
            }
        } catch (IOException e) {
            if (!failing) {
                failing = true;
                LOG.warn("{}: cannot append usage, keeping the counts in memory and retrying", file, e);
            }
            // Back to the overflow counters: the next fold writes them as counts lines.
            for (UsageRecord r : batch) {
                overflow.computeIfAbsent(UsageTuple.of(r), t -> new LiveCounts()).add(r);
            }
            folded.forEach((t, c) -> overflow.computeIfAbsent(t, x -> new LiveCounts()).add(c));
            refold = true;
            truncateTo(before);
            return false;
        }
        if (failing) {
            failing = false;
            LOG.info("{}: appending usage again", file);
        }
        long n = batch.size();
        for (UsageRecord r : batch) {
            persisted.computeIfAbsent(UsageTuple.of(r), t -> new Counts()).add(r);
        }
        for (Map.Entry<UsageTuple, Counts> e : folded.entrySet()) {
            persisted.computeIfAbsent(e.getKey(), t -> new Counts()).add(e.getValue());
            n += e.getValue().requests;
        }
        written += n; // single writer
        dirty = true;
        return true;
    }

    /** Cuts a half-written batch off so the next append starts on a clean line. */
    private void truncateTo(long length) {
        try {
            if (channel != null && channel.isOpen()) {
                channel.truncate(length);
            }
            size = length;
        } catch (IOException e) {
            closeQuietly(channel); // reopen and trust the file's size; replay skips the torn line if any
            channel = null;
        }
    }

    private boolean force() {
        try {
            ensureOpen();
            channel.force(false);
            dirty = false;
            lastForce = System.nanoTime();
            return true;
        } catch (IOException e) {
            LOG.warn("{}: cannot fsync usage", file, e);
            return false;
        }
    }

    /**
     * Rewrites the file as one counts line per tuple: write {@code file.tmp}, fsync it, rename it over the file,
     * fsync the directory. A crash before the rename leaves the old file whole ({@link UsageLedger#open} deletes the
     * tmp); after it, the new one.
     */
    private void compact() {
        long before = size;
        long compacted;
        try {
            sink.reset();
            long s = since.getAsLong();
            if (s != 0) {
                UsageLines.writeSince(json, s);
            }
            long now = clock.getAsLong();
            for (Map.Entry<UsageTuple, Counts> e : persisted.entrySet()) {
                if (!e.getValue().isZero()) {
                    UsageLines.writeAggregate(json, now, e.getKey(), e.getValue());
                }
            }
            json.flush();
            compacted = sink.size();
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = sink.buffer();
                while (b.hasRemaining()) {
                    out.write(b);
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("{}: cannot compact usage, appending to the old file", file, e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // open() deletes it
            }
            compactAt = size + maxFileBytes; // not on every batch
            return;
        } finally {
            sink.reset();
        }
        syncDirectory();
        closeQuietly(channel); // the replaced file's inode
        channel = null;
        try {
            ensureOpen();
        } catch (IOException e) {
            LOG.warn("{}: cannot reopen usage after compaction, retrying on the next append", file, e);
            size = compacted;
        }
        dirty = false; // everything is in the fsynced tmp
        lastForce = System.nanoTime();
        // A snapshot near the limit would otherwise be rewritten on every batch.
        compactAt = Math.max(maxFileBytes, 2 * size);
        LOG.info("{}: compacted usage from {} to {} bytes ({} tuples)", file, before, size, persisted.size());
    }

    private void syncDirectory() {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // makes the rename durable on Linux
        } catch (IOException | RuntimeException e) {
            // not supported everywhere (Windows); the rename is still atomic
        }
    }

    private void ensureOpen() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = openAppend(file);
            size = channel.size();
        }
    }

    static FileChannel openAppend(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Nothing to do: fsync if due, else park until a producer unparks us or the fsync falls due. */
    private void idle() {
        long wait = 0;
        if (dirty) {
            wait = lastForce + FSYNC_INTERVAL_NANOS - System.nanoTime();
            if (wait <= 0) {
                force();
                return;
            }
        }
        sleeping = true;
        // Checked after publishing sleeping: a producer offers, then reads sleeping, so one of us sees the other.
        if (running && queue.isEmpty() && dropped.get() == foldedDropped && !refold) {
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            } else {
                LockSupport.park(this);
            }
        }
        sleeping = false;
        // Nobody interrupts this thread on purpose, and an interrupt would close the FileChannel.
        Thread.interrupted();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
        }
    }

    /** A byte array whose content goes to the channel without a copy. */
    private static final class Sink extends ByteArrayOutputStream {

        Sink() {
            super(64 * 1024);
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
