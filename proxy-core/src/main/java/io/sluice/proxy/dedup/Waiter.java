package io.sluice.proxy.dedup;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.hub.HubError;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.ops.RequestTrace;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jctools.queues.SpscUnboundedArrayQueue;

/**
 * One client of a shared answer ({@link Flight}), on the client's own event loop. The flight's loop puts what to
 * write in this waiter's inbox (the head, retained duplicates of each chunk, the ending) and has the inbox drained on
 * the waiter's loop, which writes while the client's channel is writable and keeps the rest queued, counted in
 * {@link #pending}. The flight reads that count to pace the upstream by the fastest client and to cut one that falls
 * too far behind; a client that leaves releases its queue and detaches, which cancels the upstream only when it was
 * the last.
 *
 * <p>It is the request's {@link Exchange} for the server edge: writability and disconnects come in here. A joiner
 * whose flight cannot take it (its record was dropped, or it ended meanwhile) asks dedup again once, and then runs on
 * its own: that exchange becomes {@link #fallback}.
 */
final class Waiter implements Exchange {

    final Flight flight;
    final EventLoop loop;
    private final TaggedSink out;
    private final Dedup dedup;
    private final RequestTrace trace;
    private final String tag;
    /** The joiner's own request, kept until the flight takes it (then released) or refuses it (then sent). */
    private Dedup.Call call;
    private final Dedup.Request request;

    /** Written by the flight's loop only (single producer), read and drained by this waiter's loop. */
    private final SpscUnboundedArrayQueue<Object> inbox = new SpscUnboundedArrayQueue<>(16);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Bytes put in the inbox and not yet handed to the client's channel. */
    private final AtomicLong pending = new AtomicLong();
    /** The client left: what arrives is released unread. */
    private volatile boolean closed;
    /** Set by the flight when this client fell too far behind: the error its answer ends with. */
    private volatile HubError cut;
    private boolean ended;
    private Exchange fallback;
    private final Runnable drainTask = this::drainNow;

    Waiter(Dedup dedup, Flight flight, ResponseSink client, Dialect dialect, RequestTrace trace, String tag,
           Dedup.Call call, Dedup.Request request) {
        this.dedup = dedup;
        this.flight = flight;
        this.loop = client.eventLoop();
        this.out = new TaggedSink(client, dialect, tag);
        this.trace = trace;
        this.tag = tag;
        this.call = call;
        this.request = request;
    }

    // ---- the flight's loop ----

    /** Queues {@code item} (a head, a chunk owned from here on, or an {@link Flight.Ending}). */
    void offer(Object item, int bytes) {
        if (bytes > 0) {
            pending.addAndGet(bytes);
        }
        inbox.offer(item);
        schedule();
    }

    /** Ends this client's answer with {@code error} at once, dropping what it has not read. */
    void cutOff(HubError error) {
        cut = error;
        schedule();
    }

    long pending() {
        return pending.get();
    }

    boolean closed() {
        return closed;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    // ---- this waiter's loop ----

    /** The flight took this joiner: its own request is not needed. */
    void attached() {
        if (call != null) {
            call.release();
            call = null;
        }
        if (!closed) {
            dedup.counted(trace, Dedup.COALESCED);
        }
    }

    /** The flight could not take this joiner: ask again (a hit now, likely), or send it on its own. */
    void refused() {
        Dedup.Call c = call;
        call = null;
        if (closed || c == null) {
            return;
        }
        fallback = dedup.decide(flight.signature, request, out.unwrap(), trace, c, false);
    }

    private void drainNow() {
        scheduled.set(false);
        drain();
    }

    private void drain() {
        if (closed || ended) {
            releaseInbox();
            return;
        }
        HubError c = cut;
        if (c != null) {
            releaseInbox();
            ended = true;
            out.endWithError(c);
            return;
        }
        boolean wrote = false;
        Object item;
        while ((item = inbox.peek()) != null) {
            if (item instanceof ByteBuf b) {
                if (!out.isWritable()) {
                    break;
                }
                inbox.poll();
                pending.addAndGet(-b.readableBytes());
                out.content(b);
                wrote = true;
            } else if (item instanceof HttpResponse h) {
                inbox.poll();
                out.head(h);
            } else {
                inbox.poll();
                ended = true;
                ((Flight.Ending) item).writeTo(out);
                releaseInbox();
                return;
            }
        }
        if (wrote) {
            out.flush();
        }
        if (flight.paused && pending.get() < flight.pauseBytes) {
            flight.loop.execute(flight::resume);
        }
    }

    private void releaseInbox() {
        Object item;
        while ((item = inbox.poll()) != null) {
            if (item instanceof ByteBuf b) {
                pending.addAndGet(-b.readableBytes());
            }
            ReferenceCountUtil.release(item);
        }
    }

    @Override
    public void start() {
        // The flight (or dedup's decision) started everything already.
    }

    @Override
    public void clientWritable() {
        if (fallback != null) {
            fallback.clientWritable();
        } else {
            drain();
        }
    }

    @Override
    public void abort() {
        if (closed) {
            return;
        }
        closed = true;
        if (fallback != null) {
            fallback.abort();
            return;
        }
        if (call != null) {
            call.release();
            call = null;
        }
        releaseInbox();
        flight.loop.execute(() -> flight.detach(this));
    }

    /**
     * Runs {@code accounting} once the upstream call this request started (as the flight's first client) is over,
     * so its usage is in the trace even when the client left early; at once for any other request.
     */
    void afterUpstream(Runnable accounting) {
        if (fallback instanceof Waiter w) {
            w.afterUpstream(accounting);
        } else if (Dedup.MISS.equals(tag) && fallback == null && flight.loop.inEventLoop()) {
            flight.afterUpstream(accounting);
        } else {
            accounting.run();
        }
    }
}
