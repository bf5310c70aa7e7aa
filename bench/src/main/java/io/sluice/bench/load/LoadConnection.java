package io.sluice.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.sluice.codec.sse.SseFramer;
import io.sluice.codec.sse.SseListener;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One connection slot: at most one request in flight, over a kept-alive channel or a new channel per request. Confined
 * to its event loop. Every exchange ends exactly once, in {@link #complete()} or {@link #fail}, which hand the slot
 * back to its {@link LoopWorker}.
 *
 * <p>A slot may go through several channels (keep-alive off, reconnects after errors); events from a channel that is no
 * longer {@link #channel} are dropped, after releasing what they carry.
 */
final class LoadConnection {

    private enum State {
        IDLE,
        CONNECTING,
        AWAIT_RESPONSE,
        READ_BODY
    }

    /** Bounds what one SSE event may pin; LLM events are a few hundred bytes. */
    private static final int MAX_EVENT_BYTES = 1 << 20;
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    /** Anthropic's terminal event; OpenAI ends with {@code data: [DONE]}. */
    private static final String MESSAGE_STOP = "message_stop";

    private final LoopWorker worker;
    private final Bootstrap bootstrap;
    private final SocketAddress address;
    private final boolean keepAlive;
    private final boolean streaming;
    private final boolean requireStreamEnd;
    private final long timeoutNanos;
    private final SseListener sse = new SseEvents();
    private final ChannelFutureListener onConnect = this::connected;

    private Channel channel;
    private State state = State.IDLE;
    /** The current request's bytes; a template owned by the run, never released here. */
    private ByteBuf request;
    private long origin;
    private long deadline;
    private boolean measured;
    private int status;
    private boolean informational;
    private boolean closeAfter;
    private SseFramer framer;
    private boolean sseError;
    private int events;
    private long firstEvent;
    private long lastEvent;
    private boolean terminal;

    LoadConnection(LoopWorker worker, Bootstrap base, SocketAddress address, LoadSpec spec) {
        this.worker = worker;
        this.address = address;
        this.keepAlive = spec.keepAlive();
        this.streaming = spec.streaming();
        this.requireStreamEnd = spec.requireStreamEnd();
        this.timeoutNanos = spec.timeout().toNanos();
        Handler handler = new Handler();
        this.bootstrap = base.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpResponseDecoder(), handler);
            }
        });
    }

    /** Opens the connection ahead of the first request; failures are left for that request to report. */
    ChannelFuture preconnect() {
        ChannelFuture f = bootstrap.connect(address);
        channel = f.channel();
        worker.stats.connectionsOpened++;
        f.addListener(onConnect);
        return f;
    }

    boolean idle() {
        return state == State.IDLE;
    }

    /**
     * Starts an exchange.
     *
     * @param origin   what latency counts from: the intended send time (open loop) or now (closed loop)
     * @param measured whether the outcome is recorded (false during the warmup)
     */
    void start(ByteBuf request, long origin, long now, boolean measured) {
        this.request = request;
        this.origin = origin;
        this.measured = measured;
        deadline = now + timeoutNanos;
        status = 0;
        informational = false;
        closeAfter = !keepAlive;
        sseError = false;
        events = 0;
        terminal = false;
        if (channel != null && channel.isActive()) {
            send();
        } else {
            connect();
        }
    }

    /** Fails the exchange with {@link ErrorKind#TIMEOUT} if it is past its deadline. */
    void checkTimeout(long now) {
        if (state != State.IDLE && now - deadline >= 0) {
            fail(ErrorKind.TIMEOUT, true);
        }
    }

    /** The run is over: an exchange still going has timed out. */
    void abort() {
        if (state != State.IDLE) {
            fail(ErrorKind.TIMEOUT, true);
        }
    }

    void close() {
        closeChannel();
    }

    private void connect() {
        closeChannel();
        state = State.CONNECTING;
        worker.stats.connectionsOpened++;
        ChannelFuture f = bootstrap.connect(address);
        channel = f.channel();
        f.addListener(onConnect);
    }

    private void connected(ChannelFuture f) {
        if (f.channel() != channel) {
            f.channel().close(); // stale: the exchange timed out or the slot moved on
            return;
        }
        if (!f.isSuccess()) {
            channel = null;
            if (state == State.CONNECTING) {
                fail(ErrorKind.CONNECT, false);
            }
            return;
        }
        if (state == State.CONNECTING) {
            send();
        }
    }

    private void send() {
        state = State.AWAIT_RESPONSE;
        // A write failure reaches exceptionCaught through the void promise: no listener per request.
        channel.writeAndFlush(request.retainedDuplicate(), channel.voidPromise());
    }

    private void onMessage(HttpObject msg) {
        if (state == State.IDLE) {
            closeChannel(); // bytes nobody asked for: the connection is out of step
            return;
        }
        if (msg.decoderResult().isFailure()) {
            fail(ErrorKind.PROTOCOL, true);
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (state != State.AWAIT_RESPONSE) {
                fail(ErrorKind.PROTOCOL, true);
                return;
            }
            status = response.status().code();
            informational = status >= 100 && status < 200;
            if (!informational) {
                state = State.READ_BODY;
                closeAfter |= !HttpUtil.isKeepAlive(response);
                if (streaming && is2xx()) {
                    framer = new SseFramer(MAX_EVENT_BYTES);
                }
            }
        }
        if (msg instanceof HttpContent content) {
            if (informational) {
                // The body-less 1xx ends with its own LastHttpContent; the real response follows.
                informational = !(content instanceof LastHttpContent);
                return;
            }
            if (state != State.READ_BODY) {
                fail(ErrorKind.PROTOCOL, true);
                return;
            }
            ByteBuf bytes = content.content();
            worker.stats.bytesReceived += bytes.readableBytes();
            if (framer != null && bytes.isReadable()) {
                framer.feed(bytes, sse);
            }
            if (content instanceof LastHttpContent) {
                complete();
            }
        }
    }

    private void complete() {
        long now = System.nanoTime();
        boolean partial = framer != null && framer.end();
        framer = null;
        ErrorKind error = null;
        if (!is2xx()) {
            error = ErrorKind.STATUS;
        } else if (sseError) {
            error = ErrorKind.PROTOCOL;
        } else if (streaming && (partial || (requireStreamEnd && !terminal))) {
            error = ErrorKind.TRUNCATED;
        }
        state = State.IDLE;
        if (closeAfter) {
            closeChannel();
        }
        if (measured) {
            if (error != null) {
                worker.stats.error(now, error);
            } else {
                worker.stats.success(now, now - origin);
                if (streaming) {
                    worker.stats.stream(events == 0 ? -1 : firstEvent - origin, events);
                }
            }
        }
        worker.completed(this, error);
    }

    private void fail(ErrorKind kind, boolean close) {
        if (framer != null) {
            framer.release();
            framer = null;
        }
        state = State.IDLE;
        if (close) {
            closeChannel();
        }
        if (measured) {
            worker.stats.error(System.nanoTime(), kind);
        }
        worker.completed(this, kind);
    }

    private void closeChannel() {
        Channel ch = channel;
        channel = null; // first: the close below fires channelInactive, which must see a stale channel
        if (ch != null) {
            ch.close();
        }
    }

    private static boolean isDone(ByteBuf data) {
        if (data.readableBytes() != DONE.length) {
            return false;
        }
        for (int i = 0; i < DONE.length; i++) {
            if (data.getByte(data.readerIndex() + i) != DONE[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean is2xx() {
        return status >= 200 && status < 300;
    }

    @Sharable
    private final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (ctx.channel() == channel && msg instanceof HttpObject http) {
                    onMessage(http);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                channel = null;
                if (state != State.IDLE && state != State.CONNECTING) {
                    fail(ErrorKind.RESET, false);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel && state != State.IDLE) {
                fail(ErrorKind.RESET, true);
            } else {
                ctx.close();
            }
        }
    }

    private final class SseEvents implements SseListener {

        @Override
        public void onEvent(String event, ByteBuf data) {
            try {
                long now = System.nanoTime();
                if (events == 0) {
                    firstEvent = now;
                } else if (measured) {
                    worker.stats.gap(now - lastEvent);
                }
                lastEvent = now;
                events++;
                if (MESSAGE_STOP.equals(event) || isDone(data)) {
                    terminal = true;
                }
            } finally {
                data.release();
            }
        }

        @Override
        public void onError(String message) {
            sseError = true;
        }
    }
}
