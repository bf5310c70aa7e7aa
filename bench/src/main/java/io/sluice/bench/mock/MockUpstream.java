package io.sluice.bench.mock;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.bench.SuppressForbidden;
import io.sluice.proxy.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A fake LLM provider on Netty for benchmarks and tests: OpenAI chat completions, Anthropic messages and Gemini
 * generateContent, JSON and SSE, with configurable delays and injected faults. HTTP/1.1 with keep-alive and
 * pipelining; epoll where available.
 *
 * <pre>{@code
 * try (MockUpstream mock = MockUpstream.start(MockUpstreamSettings.defaults().withPort(0))) {
 *     URI base = URI.create("http://127.0.0.1:" + mock.port());
 *     ...
 * }
 * }</pre>
 */
public final class MockUpstream implements AutoCloseable {

    /** Largest request body read; the mock reads bodies whole. */
    public static final int MAX_BODY_BYTES = 16 << 20;

    /** Request headers are not validated: the mock trusts its local clients and spends the time elsewhere. */
    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false));

    private final MockState state;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel server;

    private MockUpstream(MockState state, Transport transport, EventLoopGroup group, Channel server) {
        this.state = state;
        this.transport = transport;
        this.group = group;
        this.server = server;
    }

    /** Binds and returns once the port is open. Blocking: call it from a plain thread, not an event loop. */
    public static MockUpstream start(MockUpstreamSettings settings) {
        MockState state = new MockState(settings);
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(settings.threads(), "sluice-mock");
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(new HttpServerCodec(DECODER));
                        p.addLast(new HttpObjectAggregator(MAX_BODY_BYTES));
                        p.addLast(new MockUpstreamHandler(state));
                    }
                })
                .bind(settings.host(), settings.port())
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot bind " + settings.host() + ":" + settings.port() + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        return new MockUpstream(state, transport, group, bound.channel());
    }

    /** The bound port: the real one when the settings asked for 0. */
    public int port() {
        return address().getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** {@code http://host:port}, no trailing slash. */
    public String baseUrl() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** HTTP requests received so far, on every route. */
    public long requests() {
        return state.requests.sum();
    }

    /** Model requests received so far: the number the next one gets for the fault draw. */
    public long modelRequests() {
        return state.sequence.get();
    }

    public MockUpstreamSettings settings() {
        return state.settings;
    }

    public Transport transport() {
        return transport;
    }

    /** Waits until the server channel closes (never, unless {@link #close()} is called elsewhere). */
    public void awaitClose() throws InterruptedException {
        server.closeFuture().await();
    }

    /** Closes the port and every connection; returns when the event loops have stopped. */
    @Override
    @SuppressForbidden(reason = "called by the main thread, a test or the shutdown hook, never on an event loop")
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
