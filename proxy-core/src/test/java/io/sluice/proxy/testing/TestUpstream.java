package io.sluice.proxy.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A scripted HTTP/1.1 upstream on 127.0.0.1 standing in for an LLM provider. Each request is answered by the
 * {@link Reply} the test's function returns; requests, connections and closes are recorded for assertions.
 */
public final class TestUpstream implements AutoCloseable {

    /** One recorded request. */
    public record Received(String method, String uri, Map<String, String> headers, String body, int connection) {
        /** The header's value by case-insensitive name; null when absent. */
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** How to answer: a head, then body parts written with pauses, then an ending. */
    public static final class Reply {
        final int status;
        final Map<String, String> headers = new java.util.LinkedHashMap<>();
        final List<Object> steps = new ArrayList<>(); // String part, Duration pause, Repeat or a gate
        Ending ending = Ending.COMPLETE;
        boolean chunked = true;

        /** After the parts: end the body, reset the connection, go silent, or close or go silent before any head. */
        public enum Ending { COMPLETE, RESET, HANG, CLOSE_BEFORE_HEAD, HANG_BEFORE_HEAD }

        private Reply(int status) {
            this.status = status;
        }

        /** A chunked reply with {@code status} and no parts yet. */
        public static Reply status(int status) {
            return new Reply(status);
        }

        /** A JSON reply with Content-Length. */
        public static Reply json(int status, String body) {
            Reply r = new Reply(status).header("content-type", "application/json").part(body);
            r.chunked = false;
            return r;
        }

        /** A chunked {@code text/event-stream} 200, one part per event. */
        public static Reply sse(String... events) {
            Reply r = new Reply(200).header("content-type", "text/event-stream");
            for (String e : events) {
                r.part(e);
            }
            return r;
        }

        /** Sets a response header. */
        public Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Writes {@code text} as the next body part. */
        public Reply part(String text) {
            steps.add(text);
            return this;
        }

        /**
         * {@code count} parts made by {@code part} (called with 0..count-1 as each is written, so large bodies are
         * never held in memory), each written once the previous one was accepted by the socket.
         */
        public Reply repeat(int count, IntFunction<String> part) {
            steps.add(new Repeat(count, part));
            return this;
        }

        /** Waits {@code d} (on the upstream's event loop) before the next step. */
        public Reply pause(Duration d) {
            steps.add(d);
            return this;
        }

        /** Waits until {@code gate} completes (the test opens it) before the next step. */
        public Reply waitFor(java.util.concurrent.CompletableFuture<?> gate) {
            steps.add(gate);
            return this;
        }

        /** How the reply ends after its parts; {@link Ending#COMPLETE} unless set. */
        public Reply then(Ending e) {
            ending = e;
            return this;
        }
    }

    /** A generated run of parts, see {@link Reply#repeat}. */
    private record Repeat(int count, IntFunction<String> part) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final AtomicLong partsWritten = new AtomicLong();
    private volatile int sendBufferBytes;
    private final List<Channel> open = new CopyOnWriteArrayList<>();
    private final Map<Integer, Channel> byId = new ConcurrentHashMap<>();
    private final Map<Integer, String> peers = new ConcurrentHashMap<>();
    private volatile Function<Received, Reply> script;
    private final SslContext tls;

    /** Listens on a free port of 127.0.0.1 and answers every request with {@code script}. */
    public TestUpstream(Function<Received, Reply> script) throws InterruptedException {
        this(null, script);
    }

    /** {@link #TestUpstream(Function)} speaking HTTPS with {@code tls} (see {@link TestTls}) when it is not null. */
    public TestUpstream(SslContext tls, Function<Received, Reply> script) throws InterruptedException {
        this.script = script;
        this.tls = tls;
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        int id = connections.incrementAndGet();
                        int sndbuf = sendBufferBytes;
                        if (sndbuf > 0) {
                            // A fixed send buffer turns off kernel autotuning: what the proxy does not read stays here.
                            ch.config().setOption(ChannelOption.SO_SNDBUF, sndbuf);
                        }
                        open.add(ch);
                        byId.put(id, ch);
                        peers.put(id, ((InetSocketAddress) ch.remoteAddress()).getAddress().getHostAddress());
                        ch.closeFuture().addListener(f -> {
                            open.remove(ch);
                            closedConnections.incrementAndGet();
                        });
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024 * 1024),
                                new Handler(id));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /** Answers requests from now on with {@code s}. */
    public void script(Function<Received, Reply> s) {
        this.script = s;
    }

    /** Fixes SO_SNDBUF of connections accepted from now on (0: kernel default with autotuning). */
    public void sendBufferSize(int bytes) {
        this.sendBufferBytes = bytes;
    }

    /** Body parts whose write completed, i.e. the socket accepted them; counts every reply of every connection. */
    public long partsWritten() {
        return partsWritten.get();
    }

    /** The port it listens on. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** {@code http://127.0.0.1:<port>/v1} ({@code https} with TLS). */
    public URI baseUrl() {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port() + "/v1");
    }

    /** The next request received, waiting up to 10 s. */
    public Received take() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("upstream received no request within 10 s");
        }
        return r;
    }

    /** Requests received and not yet {@link #take taken}. */
    public int requestsWaiting() {
        return received.size();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections closed so far, by either side. */
    public int closedConnections() {
        return closedConnections.get();
    }

    /**
     * The address connection {@code connection} came from ({@code 127.0.0.1}, or the {@code 127.0.0.2} a test proxy
     * binds its outgoing connections to), or null.
     */
    public String peer(int connection) {
        return peers.get(connection);
    }

    /** Connections open now. */
    public int openConnections() {
        return open.size();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final int id;

        Handler(int id) {
            this.id = id;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            Map<String, String> headers = new java.util.HashMap<>();
            req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
            Received r = new Received(req.method().name(), req.uri(), headers,
                    req.content().toString(StandardCharsets.UTF_8), id);
            received.add(r);
            Reply reply = script.apply(r);
            if (reply.ending == Reply.Ending.CLOSE_BEFORE_HEAD) {
                ctx.close();
                return;
            }
            if (reply.ending == Reply.Ending.HANG_BEFORE_HEAD) {
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status));
            reply.headers.forEach((k, v) -> head.headers().set(k, v));
            if (reply.chunked) {
                HttpUtil.setTransferEncodingChunked(head, true);
            } else {
                int len = 0;
                for (Object s : reply.steps) {
                    if (s instanceof String) {
                        len += ((String) s).getBytes(StandardCharsets.UTF_8).length;
                    }
                }
                head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, len);
            }
            ctx.writeAndFlush(head);
            play(ctx, reply, 0, 0);
        }

        /** Plays step {@code i}; {@code j} is the next part of a {@link Repeat} step. */
        private void play(ChannelHandlerContext ctx, Reply reply, int i, int j) {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (i == reply.steps.size()) {
                switch (reply.ending) {
                    case COMPLETE:
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                        break;
                    case RESET:
                        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                        ctx.close();
                        break;
                    default:
                        break; // HANG: keep the connection open, send nothing more
                }
                return;
            }
            Object step = reply.steps.get(i);
            if (step instanceof Duration) {
                ctx.executor().schedule(() -> play(ctx, reply, i + 1, 0), ((Duration) step).toNanos(),
                        TimeUnit.NANOSECONDS);
            } else if (step instanceof java.util.concurrent.CompletableFuture<?> gate) {
                gate.whenComplete((v, e) -> ctx.executor().execute(() -> play(ctx, reply, i + 1, 0)));
            } else if (step instanceof Repeat) {
                Repeat r = (Repeat) step;
                if (j == r.count()) {
                    play(ctx, reply, i + 1, 0);
                } else {
                    write(ctx, r.part().apply(j), () -> play(ctx, reply, i, j + 1));
                }
            } else {
                write(ctx, (String) step, () -> play(ctx, reply, i + 1, 0));
            }
        }

        private void write(ChannelHandlerContext ctx, String part, Runnable next) {
            ByteBuf b = Unpooled.copiedBuffer(part, StandardCharsets.UTF_8);
            ctx.writeAndFlush(new DefaultHttpContent(b)).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    partsWritten.incrementAndGet();
                    next.run();
                }
            });
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
