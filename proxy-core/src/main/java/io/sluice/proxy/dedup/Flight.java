package io.sluice.proxy.dedup;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.sluice.codec.hub.HubError;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.ops.RequestTrace;
import java.util.ArrayList;
import java.util.List;

/**
 * One upstream answer shared by every client that asked the same thing while it was in flight. To the exchange that
 * produces it (the scheduler's attempt loop, the relay or the mock) it is the {@link ResponseSink}; it hands each
 * piece to every {@link Waiter} (retained duplicates, written on the waiter's own loop) and records the answer, up to
 * {@code dedup.maxEntryBytes}, so that a client asking later is replayed what came so far and then gets the rest live,
 * and so that a complete 2xx answer can be cached. Confined to the event loop of the client that started it, where
 * the producer runs too.
 *
 * <p>Backpressure: the producer may go on while at least one client keeps up (has less than {@link #pauseBytes}
 * queued): a slow client never holds the others back. A client more than {@code dedup.maxLagBytes} behind while
 * another keeps up is cut with an error event in its dialect. When every client is slow, the producer pauses and the
 * upstream read with it, as for a single client; nobody is cut then. The upstream is cancelled when the last client
 * leaves.
 */
final class Flight implements ResponseSink {

    /** A client with less than this queued (or half {@code maxLagBytes}, if less) keeps the upstream flowing. */
    static final int PAUSE_BYTES = 256 << 10;

    /** How a shared answer ended, to be repeated to each client in its own dialect. */
    record Ending(int kind, HttpResponseStatus status, String message, String code, long retryAfter, HubError error) {
        static final int END = 0;
        static final int FAIL = 1;
        static final int ERROR = 2;
        static final Ending COMPLETE = new Ending(END, null, null, null, -1, null);

        void writeTo(ResponseSink client) {
            switch (kind) {
                case END -> client.end(null);
                case FAIL -> client.failRetryAfter(status, message, code, retryAfter);
                default -> client.endWithError(error);
            }
        }
    }

    private final Dedup dedup;
    final Signature signature;
    final EventLoop loop;
    private final ByteBufAllocator alloc;
    private final List<Waiter> waiters = new ArrayList<>(4);
    private HttpResponse head;
    private boolean full;
    /** What came so far, for late joiners and the cache; null once over a bound (then only live clients get it). */
    private List<ByteBuf> record = new ArrayList<>();
    private int recordBytes;
    private Ending ending;
    private boolean aborted;
    private Exchange upstream;
    /** The producer was told the clients are all slow; a client that catches up resumes it. */
    volatile boolean paused;
    /** Queued bytes under which a client keeps up; below {@code maxLagBytes}, so that all slow pauses, never cuts. */
    final long pauseBytes;
    private List<Runnable> afterUpstream;
    private boolean listed = true;
    /** The first client's trace: says whether the answer carried an error (then it is not cached). */
    private RequestTrace trace;

    Flight(Dedup dedup, Signature signature, EventLoop loop, ByteBufAllocator alloc) {
        this.dedup = dedup;
        this.signature = signature;
        this.loop = loop;
        this.alloc = alloc;
        this.pauseBytes = Math.min(PAUSE_BYTES, dedup.config().maxLagBytes() / 2);
    }

    /** The first client, on this loop, before the upstream starts; its trace learns what the answer was. */
    void lead(Waiter w, RequestTrace t) {
        waiters.add(w);
        trace = t;
    }

    /** The exchange producing the answer, already started. */
    void started(Exchange up) {
        if (aborted && up != null) {
            up.abort();
        } else {
            upstream = up;
        }
    }

    /** A joiner: replayed what came so far, then live; or refused when that cannot be whole. */
    void attach(Waiter w) {
        if (w.closed()) {
            return; // left before it was taken; it released its own request
        }
        if (record == null || ending != null || aborted) {
            // The start of the answer is gone, or it ended (its answer is in the cache now, if it could be).
            w.loop.execute(w::refused);
            return;
        }
        w.loop.execute(w::attached);
        if (head != null) {
            w.offer(copyHead(), 0);
        }
        for (ByteBuf b : record) {
            w.offer(b.retainedDuplicate(), b.readableBytes());
        }
        waiters.add(w);
    }

    /** A client left. The last one cancels the upstream. */
    void detach(Waiter w) {
        if (!waiters.remove(w) || ending != null || aborted) {
            return;
        }
        if (waiters.isEmpty()) {
            abort();
        } else if (paused) {
            resume();
        }
    }

    /** A client caught up while the producer was paused. */
    void resume() {
        if (paused && ending == null && !aborted) {
            paused = false;
            if (upstream != null) {
                upstream.clientWritable();
            }
        }
    }

    /** Runs {@code r} once the upstream call is over (answered, failed or cancelled). */
    void afterUpstream(Runnable r) {
        if (ending != null || aborted) {
            r.run();
            return;
        }
        if (afterUpstream == null) {
            afterUpstream = new ArrayList<>(1);
        }
        afterUpstream.add(r);
    }

    private void abort() {
        aborted = true;
        dropRecord();
        Exchange up = upstream;
        upstream = null;
        if (up != null) {
            up.abort();
        }
        upstreamOver();
    }

    private void upstreamOver() {
        List<Runnable> l = afterUpstream;
        afterUpstream = null;
        if (l != null) {
            l.forEach(Runnable::run);
        }
    }

    /** A client's own copy of a streamed head (a whole response ends its flight at once: nobody joins it). */
    private HttpResponse copyHead() {
        return new DefaultHttpResponse(head.protocolVersion(), head.status(), head.headers().copy());
    }

    /** No more joiners: this answer is no longer found by its signature. */
    private void unlist() {
        if (listed) {
            listed = false;
            dedup.unlist(this);
        }
    }

    private void dropRecord() {
        if (record != null) {
            record.forEach(ByteBuf::release);
            record = null;
            dedup.released(recordBytes);
            recordBytes = 0;
        }
        unlist();
    }

    // ---- the producer's sink ----

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public ByteBufAllocator alloc() {
        return alloc;
    }

    @Override
    public void head(HttpResponse h) {
        if (head != null || isDone()) {
            ReferenceCountUtil.release(h);
            return;
        }
        head = new DefaultHttpResponse(h.protocolVersion(), h.status(), h.headers().copy());
        if (h instanceof FullHttpResponse f) {
            // A whole response: each client gets one of its own, with the body as a full response's content.
            full = true;
            ByteBuf body = f.content();
            for (Waiter w : waiters) {
                w.offer(new DefaultFullHttpResponse(head.protocolVersion(), head.status(), body.retainedDuplicate(),
                        head.headers().copy(), EmptyHttpHeaders.INSTANCE), 0);
            }
            keep(body, body.readableBytes());
            finish(Ending.COMPLETE);
            return;
        }
        for (Waiter w : waiters) {
            w.offer(copyHead(), 0);
        }
    }

    @Override
    public void content(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (isDone() || n == 0) {
            chunk.release();
            return;
        }
        List<Waiter> slow = null;
        long maxLag = dedup.config().maxLagBytes();
        // Only a client that holds the others back is cut: when every one is behind, the producer pauses instead.
        boolean anyKeepsUp = false;
        for (Waiter w : waiters) {
            anyKeepsUp |= w.pending() + n <= maxLag;
        }
        for (Waiter w : waiters) {
            if (anyKeepsUp && w.pending() + n > maxLag) {
                slow = slow == null ? new ArrayList<>(1) : slow;
                slow.add(w);
            } else {
                w.offer(chunk.retainedDuplicate(), n);
            }
        }
        keep(chunk, n);
        if (slow != null) {
            cut(slow);
        }
    }

    private void cut(List<Waiter> slow) {
        HubError e = new HubError(503, HubError.OVERLOADED, "this client read a shared (coalesced) answer too slowly:"
                + " it fell more than dedup.maxLagBytes (" + dedup.config().maxLagBytes() + " bytes) behind the"
                + " fastest client", "dedup_reader_too_slow", null);
        for (Waiter w : slow) {
            waiters.remove(w);
            dedup.cut();
            w.cutOff(e);
        }
        if (waiters.isEmpty()) {
            abort();
        }
    }

    /** Records {@code chunk} (owned) for joiners and the cache, or releases it once that is over a bound. */
    private void keep(ByteBuf chunk, int n) {
        if (record != null && recordBytes + (long) n <= dedup.config().maxEntryBytes() && dedup.reserve(n)) {
            record.add(chunk);
            recordBytes += n;
            return;
        }
        chunk.release();
        dropRecord();
    }

    @Override
    public void flush() {
        // Each client flushes what it drained on its own loop.
    }

    @Override
    public void end(ByteBuf lastOrNull) {
        if (lastOrNull != null) {
            content(lastOrNull);
        }
        finish(Ending.COMPLETE);
    }

    @Override
    public void fail(HttpResponseStatus status, String message, String code) {
        failRetryAfter(status, message, code, -1);
    }

    @Override
    public void failRetryAfter(HttpResponseStatus status, String message, String code, long retryAfterSeconds) {
        finish(new Ending(Ending.FAIL, status, message, code, retryAfterSeconds, null));
    }

    @Override
    public void endWithError(HubError error) {
        finish(new Ending(Ending.ERROR, null, null, null, -1, error));
    }

    private void finish(Ending e) {
        if (isDone()) {
            return;
        }
        ending = e;
        for (Waiter w : waiters) {
            w.offer(e, 0);
        }
        waiters.clear();
        if (e == Ending.COMPLETE && record != null && head != null && head.status().code() / 100 == 2
                && (trace == null || !trace.isBroken())) {
            dedup.store(this, head, full, record, recordBytes); // before unlisting: no moment without either
            recordBytes = 0; // counted by the cache now
        }
        dropRecord();
        upstream = null;
        upstreamOver();
    }

    @Override
    public boolean headSent() {
        return head != null;
    }

    @Override
    public boolean isWritable() {
        // paused first, then the counts: a client that drains meanwhile sees paused and resumes (no lost wake-up).
        paused = true;
        for (Waiter w : waiters) {
            if (w.pending() < pauseBytes) {
                paused = false;
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isDone() {
        return ending != null || aborted;
    }
}
