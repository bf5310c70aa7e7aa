package io.sluice.proxy.speech;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One audio file, being made or made: its state lives on one event loop ({@link #loop}, the first client's), where
 * every method but {@link #post}, {@link #evict} and the volatile getters runs. Clients on other loops hear of it on
 * theirs ({@link SpeechListener}); what they are handed are retained slices of the file's own buffers, so ten clients
 * of one file hold one copy of it.
 *
 * <p>A cached file copies the upstream's bytes into segments of {@link #SEGMENT} bytes, accounted to the cache's bounds
 * as each is taken, and reads its upstream as fast as it sends: the file is bounded, the clients drain it at their own
 * pace. A file that outgrows its bound (or had no room) goes on uncached: the upstream's buffers pass straight to the
 * clients and the upstream is read only while every client can take more.
 */
final class SpeechEntry {

    static final int SEGMENT = 32 * 1024;

    private enum State { FETCHING, FINISHED, FAILED, GONE }

    /** A client of this file. */
    private static final class Reader {
        final String how;
        boolean waiting; // for the whole file, to answer a range
        boolean begun;
        boolean paused;

        Reader(String how, boolean waiting) {
            this.how = how;
            this.waiting = waiting;
        }
    }

    private final SpeechCache cache;
    private final SpeechTarget target;
    private final EventLoop loop;
    private boolean cacheable;
    private State state = State.FETCHING;
    private final List<ByteBuf> segments = new ArrayList<>();
    private long size;
    private String contentType;
    private long declared = -1;
    private boolean started;
    private final Map<Subscription, Reader> readers = new LinkedHashMap<>();
    private int pausedReaders;
    private SpeechFetch fetch;
    private volatile long accounted;
    private volatile long lastUsed = System.nanoTime();
    private volatile boolean finished;

    SpeechEntry(SpeechCache cache, SpeechTarget target, EventLoop loop, boolean cacheable) {
        this.cache = cache;
        this.target = target;
        this.loop = loop;
        this.cacheable = cacheable;
    }

    String key() {
        return target.key();
    }

    SpeechTarget target() {
        return target;
    }

    EventLoop loop() {
        return loop;
    }

    long accounted() {
        return accounted;
    }

    long lastUsed() {
        return lastUsed;
    }

    /** Whether the file is whole and cached: only such a file may be evicted. */
    boolean finished() {
        return finished;
    }

    /** Runs {@code r} on this file's loop, after what is queued there (never re-entrantly). */
    void post(Runnable r) {
        loop.execute(r);
    }

    void fetch(SpeechFetch f) {
        this.fetch = f;
    }

    // ---- clients ----

    /** The client that made this file: on this loop, before the fetch starts. */
    void first(Subscription s) {
        ByteRange r = s.range();
        readers.put(s, new Reader(cacheable ? "miss" : "uncached", cacheable && r != null && !r.whole()));
    }

    /** Another client of the same audio. */
    void join(Subscription s) {
        if (state == State.GONE || state == State.FAILED || !cacheable) {
            deliver(s, s::retry); // gone meanwhile, or streaming uncached from a point it cannot replay
            return;
        }
        lastUsed = System.nanoTime();
        if (state == State.FINISHED) {
            serveWhole(s, "hit");
            return;
        }
        ByteRange r = s.range();
        Reader rd = new Reader("coalesced", r != null && !r.whole());
        readers.put(s, rd);
        if (started && !rd.waiting) {
            begin(s, rd);
        }
    }

    /** Answers {@code s} from the finished file: 200, 206 or 416. */
    private void serveWhole(Subscription s, String how) {
        SpeechListener l = s.listener();
        ByteRange r = s.range();
        ByteRange.Span span = r == null ? null : r.resolve(size);
        if (r != null && span == null) {
            long total = size;
            deliver(s, () -> {
                s.served(how);
                l.unsatisfiable(total);
            });
            return;
        }
        SpeechListener.Head head = span == null ? SpeechListener.Head.whole(contentType, size, how)
                : new SpeechListener.Head(206, contentType, size, span.from(), span.to(), how);
        ByteBuf data = span == null ? slice(0, size) : slice(span.from(), span.length());
        deliver(s, () -> {
            s.served(how);
            l.begin(head);
            l.data(data);
            l.end();
        });
    }

    private void begin(Subscription s, Reader rd) {
        rd.begun = true;
        SpeechListener l = s.listener();
        SpeechListener.Head head = SpeechListener.Head.whole(contentType, declared, rd.how);
        ByteBuf sofar = size > 0 && !segments.isEmpty() ? slice(0, size) : null; // nothing kept when uncached
        deliver(s, () -> {
            s.served(rd.how);
            l.begin(head);
            if (sofar != null) {
                l.data(sofar);
            }
        });
    }

    void leave(Subscription s) {
        Reader rd = readers.remove(s);
        if (rd == null) {
            return;
        }
        if (rd.paused) {
            pausedReaders--;
        }
        if (!cacheable && state == State.FETCHING && readers.isEmpty()) {
            // Nobody wants an uncached file any more: stop making it. A cached one is finished for the next client.
            state = State.GONE;
            if (fetch != null) {
                fetch.abort();
            }
            return;
        }
        resumeIfWanted();
    }

    void paused(Subscription s, boolean paused) {
        Reader rd = readers.get(s);
        if (rd == null || rd.paused == paused) {
            return;
        }
        rd.paused = paused;
        pausedReaders += paused ? 1 : -1;
        resumeIfWanted();
    }

    private void resumeIfWanted() {
        if (fetch != null && wantsMore()) {
            fetch.resume();
        }
    }

    /** Whether the upstream may be read now: always for a cached file, while no client is full for another. */
    boolean wantsMore() {
        return state == State.FETCHING && (cacheable || pausedReaders == 0);
    }

    // ---- the upstream ----

    void started(String type, long length) {
        if (state != State.FETCHING) {
            return;
        }
        contentType = type;
        declared = length;
        started = true;
        readers.forEach((s, rd) -> {
            if (!rd.waiting) {
                begin(s, rd);
            }
        });
    }

    /** Body bytes (owned). */
    void append(ByteBuf buf) {
        try {
            if (state != State.FETCHING) {
                return;
            }
            while (cacheable && buf.isReadable()) {
                ByteBuf seg = segments.isEmpty() ? null : segments.get(segments.size() - 1);
                if (seg == null || !seg.isWritable()) {
                    int cap = (int) Math.min(SEGMENT, cache.config().cacheEntryBytes() - accounted);
                    if (cap <= 0 || !cache.reserve(this, cap)) {
                        goUncached();
                        break;
                    }
                    accounted += cap;
                    seg = ByteBufAllocator.DEFAULT.directBuffer(cap, cap);
                    segments.add(seg);
                }
                int at = seg.writerIndex();
                int n = Math.min(seg.writableBytes(), buf.readableBytes());
                seg.writeBytes(buf, n);
                size += n;
                hand(seg, at, n);
            }
            if (!cacheable && buf.isReadable()) {
                int n = buf.readableBytes();
                hand(buf, buf.readerIndex(), n);
                size += n;
            }
        } finally {
            buf.release();
        }
    }

    /** Hands {@code n} bytes of {@code from} at {@code at} to every client streaming. */
    private void hand(ByteBuf from, int at, int n) {
        for (Map.Entry<Subscription, Reader> e : readers.entrySet()) {
            Reader rd = e.getValue();
            if (rd.begun && !rd.waiting) {
                ByteBuf part = from.retainedSlice(at, n);
                SpeechListener l = e.getKey().listener();
                deliver(e.getKey(), () -> l.data(part));
            }
        }
    }

    /**
     * The file outgrew its bound or found no room: out of the cache, its segments freed; clients waiting to answer a
     * range get the whole file as it comes instead (RFC 9110 lets a server ignore Range).
     */
    private void goUncached() {
        cacheable = false;
        cache.forget(this);
        readers.forEach((s, rd) -> {
            if (rd.waiting) {
                rd.waiting = false;
                begin(s, rd);
            }
        });
        releaseSegments();
        if (readers.isEmpty()) {
            // Made for the cache alone (its clients left), and now too large for it: nobody wants the rest.
            state = State.GONE;
            if (fetch != null) {
                fetch.abort();
            }
        }
    }

    void completed() {
        if (state != State.FETCHING) {
            return;
        }
        finished = cacheable;
        state = cacheable ? State.FINISHED : State.GONE;
        lastUsed = System.nanoTime();
        readers.forEach((s, rd) -> {
            if (rd.waiting) {
                serveWhole(s, rd.how);
            } else {
                if (!rd.begun) {
                    begin(s, rd);
                }
                SpeechListener l = s.listener();
                deliver(s, l::end);
            }
        });
        readers.clear();
        pausedReaders = 0;
        fetch = null;
    }

    void failed(int status, String message, String code) {
        if (state != State.FETCHING) {
            return;
        }
        state = State.FAILED;
        cache.forget(this);
        releaseSegments();
        readers.forEach((s, rd) -> {
            SpeechListener l = s.listener();
            deliver(s, () -> l.fail(status, message, code));
        });
        readers.clear();
        fetch = null;
    }

    /** Out of the cache (its bytes were unaccounted by the cache): frees the file on its loop. */
    void evict() {
        post(() -> {
            if (state == State.FINISHED) {
                state = State.GONE;
                finished = false;
                for (ByteBuf b : segments) {
                    b.release();
                }
                segments.clear();
                accounted = 0;
            }
        });
    }

    /** At shutdown, the loops stopped: frees the segments from the closing thread. */
    void free() {
        state = State.GONE;
        finished = false;
        for (ByteBuf b : segments) {
            b.release();
        }
        segments.clear();
        accounted = 0;
    }

    private void releaseSegments() {
        for (ByteBuf b : segments) {
            b.release();
        }
        segments.clear();
        if (accounted > 0) {
            cache.released(accounted);
            accounted = 0;
        }
    }

    /** {@code len} bytes from {@code from} of the file as retained slices of its segments (owned by the caller). */
    private ByteBuf slice(long from, long len) {
        if (len <= 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        CompositeByteBuf c = ByteBufAllocator.DEFAULT.compositeDirectBuffer(Math.max(2, segments.size()));
        long pos = 0;
        for (ByteBuf seg : segments) {
            int n = seg.writerIndex();
            long start = Math.max(from, pos);
            long end = Math.min(from + len, pos + n);
            if (start < end) {
                c.addComponent(true, seg.retainedSlice((int) (start - pos), (int) (end - start)));
            }
            pos += n;
            if (pos >= from + len) {
                break;
            }
        }
        return c;
    }

    /** Runs {@code r} on {@code s}'s loop, after what is queued there. */
    private static void deliver(Subscription s, Runnable r) {
        s.listener().loop().execute(r);
    }
}
