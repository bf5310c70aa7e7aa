package io.sluice.proxy.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.exchange.HttpResponses;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Guards one client connection: closes it when idle for {@code server.idleTimeout} between requests (never while a
 * request is read or answered, however long a stream runs), and serializes pipelined requests: one received while
 * another is in flight is held (auto-read off) and handed on once the response before it has ended.
 *
 * <p>A request is in flight from its head inbound to its response's last content outbound, which passes here; the
 * next one is handed on at the flush that follows, when the writer is done with the response before it. A client
 * that pipelines more than {@link #MAX_HELD} messages gets, after the response in flight, a 503
 * {@code too_many_pipelined_requests} as the answer to its next request, and the connection closes.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    /** Messages (heads and body chunks) held behind a response at most; a client sending more is cut off. */
    static final int MAX_HELD = 64;
    static final String TOO_MANY_PIPELINED = "too_many_pipelined_requests";

    private final long idleTimeoutNanos;
    private ChannelHandlerContext ctx;
    /** One task per connection, re-armed only when it fires (no per-write work). */
    private ScheduledFuture<?> idleTimer;
    /** When the connection last became idle, on the event loop's ticker. */
    private long idleSince;
    private boolean inFlight;
    private ArrayDeque<Object> held;
    /** More was pipelined than may be held: the next answer is the 503, then the connection closes. */
    private boolean overflow;
    /** The response in flight ends the connection (Connection: close): nothing may follow it. */
    private boolean closing;

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
        if (overflow) {
            ReferenceCountUtil.release(msg);
            return;
        }
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
            // The 503 cannot go out now: the response in flight is still being written, and HTTP/1.1 answers in
            // order. Drop everything held (never answered: the client retries them after the close) and answer the
            // first of them with the 503 once the response before it has ended, then close (see flush).
            ReferenceCountUtil.release(msg);
            releaseHeld();
            overflow = true;
            ctx.channel().config().setAutoRead(false);
            return;
        }
        held.add(msg);
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res) {
            if (res.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                ctx.write(msg, promise); // 100 Continue: the final response is still to come
                return;
            }
            closing = res.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
        }
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
        } else if (!inFlight && overflow && !closing && ctx.channel().isActive()) {
            overflow = false;
            closing = true;
            FullHttpResponse res = HttpResponses.error(Dialects.OPENAI, ctx.alloc(),
                    HttpResponseStatus.SERVICE_UNAVAILABLE, "more than " + MAX_HELD
                            + " pipelined messages behind a response; send them again on a new connection",
                    TOO_MANY_PIPELINED);
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
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
        releaseHeld();
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        if (held != null) {
            Object m;
            while ((m = held.poll()) != null) {
                ReferenceCountUtil.release(m);
            }
        }
    }
}
