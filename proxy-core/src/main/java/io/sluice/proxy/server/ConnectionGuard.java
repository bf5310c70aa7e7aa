package io.sluice.proxy.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Guards one client connection: closes it when idle for {@code server.idleTimeout} between requests (never while a
 * request is read or answered, however long a stream runs), and serializes pipelined requests: one received while
 * another is in flight is held (auto-read off) and handed on once the response before it has ended.
 *
 * <p>A request is in flight from its head inbound to its response's last content outbound, which passes here; the
 * next one is handed on at the flush that follows, when the writer is done with the response before it.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    /** Messages (heads and body chunks) held behind a response at most; a client sending more is cut off. */
    static final int MAX_HELD = 64;

    private final long idleTimeoutNanos;
    private ChannelHandlerContext ctx;
    /** One task per connection, re-armed only when it fires (no per-write work). */
    private ScheduledFuture<?> idleTimer;
    /** When the connection last became idle, on the event loop's ticker. */
    private long idleSince;
    private boolean inFlight;
    private ArrayDeque<Object> held;

    ConnectionGuard(long idleTimeoutNanos) {
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startIdleTimer();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startIdleTimer();
        ctx.fireChannelActive();
    }

    private void startIdleTimer() {
        if (idleTimer == null) {
            idleSince = ctx.executor().ticker().nanoTime();
            idleTimer = ctx.executor().schedule(this::onIdleCheck, idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onIdleCheck() {
        if (!ctx.channel().isActive()) {
            return;
        }
        long delay = idleTimeoutNanos;
        if (!inFlight) {
            long idle = ctx.executor().ticker().nanoTime() - idleSince;
            if (idle >= idleTimeoutNanos) {
                ctx.close();
                return;
            }
            delay = idleTimeoutNanos - idle;
        }
        idleTimer = ctx.executor().schedule(this::onIdleCheck, delay, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if ((held != null && !held.isEmpty()) || (inFlight && msg instanceof HttpRequest)) {
            hold(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            inFlight = true;
        }
        ctx.fireChannelRead(msg);
    }

    private void hold(Object msg) {
        if (held == null) {
            held = new ArrayDeque<>();
        }
        if (held.size() >= MAX_HELD) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        held.add(msg);
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) { // also a FullHttpResponse
            inFlight = false;
            idleSince = ctx.executor().ticker().nanoTime();
        }
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!inFlight && held != null && !held.isEmpty()) {
            replay();
        }
    }

    private void replay() {
        while (held != null && !held.isEmpty() && ctx.channel().isActive()) {
            Object m = held.peek();
            if (m instanceof HttpRequest && inFlight) {
                return; // behind the request just handed on
            }
            held.poll();
            if (m instanceof HttpRequest) {
                inFlight = true;
            }
            ctx.fireChannelRead(m);
        }
        if (ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true); // reads at once if it was off
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        if (held != null) {
            Object m;
            while ((m = held.poll()) != null) {
                ReferenceCountUtil.release(m);
            }
        }
        ctx.fireChannelInactive();
    }
}
