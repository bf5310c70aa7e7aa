package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Last handler of a pooled upstream channel. Dispatches the response of the exchange that currently owns the
 * channel to its {@link Listener}, and enforces the first-byte and between-chunks timeouts with a single timer that
 * re-arms itself (no timer allocation per chunk, as Netty's IdleStateHandler does it).
 *
 * <p>While the channel sits idle in the pool there is no listener: unexpected bytes or an idle event close it.
 */
public final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    /** Receives one upstream response. Messages passed in are owned by the listener. */
    public interface Listener {
        void onHead(HttpResponse head);

        /**
         * A piece of the body, owned by the listener; {@code last} marks the end of the response (its content may be
         * empty).
         */
        void onContent(ByteBuf content, boolean last);

        void onReadComplete();

        /** Transport failure, upstream close before the response ended, or a timeout. Called at most once. */
        void onFailure(Throwable cause);
    }

    /** A first-byte or idle timeout. */
    public static final class UpstreamTimeoutException extends Exception {
        private final boolean firstByte;

        UpstreamTimeoutException(String message, boolean firstByte) {
            super(message, null, false, false);
            this.firstByte = firstByte;
        }

        public boolean firstByte() {
            return firstByte;
        }
    }

    /** The upstream closed the connection before the response was complete. */
    public static final class UpstreamClosedException extends Exception {
        UpstreamClosedException(String message) {
            super(message, null, false, false);
        }
    }

    private ChannelHandlerContext ctx;
    private Listener listener;
    private boolean gotHead;
    private long firstByteTimeoutNanos;
    private long idleTimeoutNanos;
    private long lastActivity;
    /** When the whole exchange must be over (upstream.requestTimeout), on the event loop's clock. */
    private long deadline;
    private long totalTimeoutNanos;
    private ScheduledFuture<?> timer;
    /** Reads are paused for a slow client: silence is not the upstream's, so the idle timeout does not run. */
    private boolean paused;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Attaches the exchange that owns the channel from now on; arms the first-byte timeout. */
    public void begin(Listener l, long firstByteTimeoutNanos, long idleTimeoutNanos) {
        begin(l, firstByteTimeoutNanos, idleTimeoutNanos, Long.MAX_VALUE / 4);
    }

    /** {@link #begin(Listener, long, long)} for an exchange that must be over within {@code totalTimeoutNanos}. */
    public void begin(Listener l, long firstByteTimeoutNanos, long idleTimeoutNanos, long totalTimeoutNanos) {
        this.listener = l;
        this.gotHead = false;
        this.firstByteTimeoutNanos = firstByteTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.totalTimeoutNanos = totalTimeoutNanos;
        this.lastActivity = now();
        this.deadline = lastActivity + totalTimeoutNanos;
        this.paused = false;
        arm(Math.min(firstByteTimeoutNanos, totalTimeoutNanos));
    }

    /**
     * The exchange stopped reading because its client is not writable: until {@link #resumeIdle()}, the upstream's
     * silence is the client's doing and never times out (a slow reader must not be blamed on the provider).
     */
    public void pauseIdle() {
        paused = true;
    }

    /** Reads go on: the idle timeout counts again from now. */
    public void resumeIdle() {
        if (!paused) {
            return;
        }
        paused = false;
        lastActivity = now();
        if (listener != null) {
            if (timer != null) {
                timer.cancel(false); // armed for the deadline only while paused
            }
            arm(Math.min(gotHead ? idleTimeoutNanos : firstByteTimeoutNanos, Math.max(0, deadline - lastActivity)));
        }
    }

    /** Detaches the exchange; the channel may go back to the pool. */
    public void finish() {
        listener = null;
        paused = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The event loop's clock: the system's in production, virtual under EmbeddedChannel's frozen time in tests. */
    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void arm(long delayNanos) {
        timer = ctx.executor().schedule(this::checkTimeout, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkTimeout() {
        timer = null;
        if (listener == null) {
            return;
        }
        long now = now();
        long total = deadline - now;
        if (total <= 0) {
            fail(new UpstreamTimeoutException("upstream exchange exceeded upstream.requestTimeout ("
                    + TimeUnit.NANOSECONDS.toMillis(totalTimeoutNanos) + " ms)", !gotHead));
            ctx.close();
            return;
        }
        if (paused) {
            arm(total); // silence is the client's doing; only the deadline counts (resumeIdle() re-arms)
            return;
        }
        long limit = gotHead ? idleTimeoutNanos : firstByteTimeoutNanos;
        long left = limit - (now - lastActivity);
        if (left > 0) {
            arm(Math.min(left, total));
            return;
        }
        fail(new UpstreamTimeoutException(gotHead
                ? "upstream sent nothing for " + TimeUnit.NANOSECONDS.toMillis(limit) + " ms"
                : "upstream did not answer within " + TimeUnit.NANOSECONDS.toMillis(limit) + " ms", !gotHead));
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Listener l = listener;
        if (l == null) {
            // Bytes on an idle pooled connection: the stream is out of sync, never reuse it.
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        lastActivity = now();
        if (msg instanceof HttpResponse) {
            gotHead = true;
            // From now on the between-chunks timeout applies; re-arm if it is shorter than what is pending.
            if (timer != null && idleTimeoutNanos < firstByteTimeoutNanos) {
                timer.cancel(false);
                arm(Math.min(idleTimeoutNanos, Math.max(0, deadline - lastActivity)));
            }
            l.onHead((HttpResponse) msg);
            if (msg instanceof HttpContent && listener == l) {
                l.onContent(((HttpContent) msg).content(), msg instanceof LastHttpContent);
            } else if (msg instanceof HttpContent) {
                ReferenceCountUtil.release(msg);
            }
        } else if (msg instanceof ByteBuf) {
            l.onContent((ByteBuf) msg, false); // UpstreamResponseDecoder: a bare body slice, no wrapper
        } else if (msg instanceof HttpContent) {
            l.onContent(((HttpContent) msg).content(), msg instanceof LastHttpContent);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Listener l = listener;
        if (l != null) {
            l.onReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new UpstreamClosedException("upstream closed the connection before the response was complete"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (listener == null) {
                ctx.close(); // pooled connection unused for the pool's idle timeout
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void fail(Throwable cause) {
        Listener l = listener;
        finish();
        if (l != null) {
            l.onFailure(cause);
        }
    }
}
