package io.sluice.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.sluice.proxy.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP/1.1 server on 127.0.0.1 for the load generator's tests. Configure it before the run (fields are
 * volatile); it counts what it saw. Nothing blocks its event loop: delays are scheduled.
 */
final class TestServer implements AutoCloseable {

    /** Response delay for every request. */
    volatile Duration delay = Duration.ZERO;
    /** Every n-th request (1-based) gets a 500; 0: never. */
    volatile int failEvery;
    /** Stream this many SSE events instead of a plain body; negative: plain {@code ok}. */
    volatile int streamEvents = -1;
    volatile Duration firstEventDelay = Duration.ZERO;
    volatile Duration eventGap = Duration.ZERO;
    /** End streams with {@code data: [DONE]}. */
    volatile boolean terminal = true;
    /** Close the connection after this many events, without ending the stream; negative: never. */
    volatile int closeAfterEvents = -1;
    /** When this request (1-based) arrives, hold every response until {@link #stall} later; 0: never. */
    volatile int stallAtRequest;
    volatile Duration stall = Duration.ZERO;

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile long firstRequestNanos;
    volatile long lastRequestNanos;
    private volatile long stallUntil;

    private final EventLoopGroup group;
    private final Channel server;

    private TestServer() throws InterruptedException {
        Transport transport = Transport.best();
        group = transport.newGroup(1, "test-server");
        server = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    static TestServer start() throws InterruptedException {
        return new TestServer();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/v1/chat/completions";
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            long now = System.nanoTime();
            int n = requests.incrementAndGet();
            if (n == 1) {
                firstRequestNanos = now;
            }
            lastRequestNanos = now;
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            if (n == stallAtRequest) {
                stallUntil = now + stall.toNanos();
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            boolean fail = failEvery > 0 && n % failEvery == 0;
            Runnable respond = () -> {
                if (fail) {
                    plain(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, keepAlive);
                } else if (streamEvents >= 0) {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
                    HttpUtil.setTransferEncodingChunked(head, true);
                    ctx.writeAndFlush(head);
                    later(ctx, firstEventDelay.toNanos(), () -> event(ctx, 0, keepAlive));
                } else {
                    plain(ctx, HttpResponseStatus.OK, keepAlive);
                }
            };
            long at = Math.max(now + delay.toNanos(), stallUntil);
            later(ctx, at - System.nanoTime(), respond);
        }

        private void event(ChannelHandlerContext ctx, int i, boolean keepAlive) {
            if (!ctx.channel().isActive()) {
                inFlight.decrementAndGet();
                return;
            }
            if (i == closeAfterEvents) {
                inFlight.decrementAndGet();
                ctx.close();
                return;
            }
            if (i < streamEvents) {
                ctx.writeAndFlush(new DefaultHttpContent(ascii("data: {\"i\":" + i + "}\n\n")));
                later(ctx, eventGap.toNanos(), () -> event(ctx, i + 1, keepAlive));
                return;
            }
            inFlight.decrementAndGet();
            if (terminal) {
                ctx.write(new DefaultHttpContent(ascii("data: [DONE]\n\n")));
            }
            finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
        }

        private void plain(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
            inFlight.decrementAndGet();
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, ascii("ok"));
            HttpUtil.setContentLength(res, 2);
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            finish(ctx.writeAndFlush(res), keepAlive);
        }

        private void finish(ChannelFuture written, boolean keepAlive) {
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void later(ChannelHandlerContext ctx, long nanos, Runnable task) {
            if (nanos <= 0) {
                task.run();
            } else {
                ctx.executor().schedule(task, nanos, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }
}
