package io.sluice.proxy.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.proxy.config.ProxyUri;
import io.sluice.proxy.config.UpstreamConfig;
import io.sluice.proxy.transport.Transport;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLException;

/**
 * The upstream connection pools of one server: one {@link OriginPool} per (event loop, {@link UpstreamRoute}: origin
 * and proxy), found through a {@link FastThreadLocal} of the loop's thread. Heavy objects (SslContext, DNS resolver)
 * are created once here.
 *
 * <p>A proxied connection's pipeline starts with Netty's {@link HttpProxyHandler} or {@link Socks5ProxyHandler}, in
 * front of the TLS handler: TLS runs end to end inside the tunnel, the proxy sees only the provider's name and port.
 */
public final class UpstreamPools implements AutoCloseable {

    static final int MAX_RESPONSE_HEADER_BYTES = 65_536;

    private final UpstreamConfig config;
    private final Transport transport;
    private final SslContext ssl;
    private final DnsAddressResolverGroup resolver;
    private final FastThreadLocal<Map<UpstreamRoute, OriginPool>> pools = new FastThreadLocal<>() {
        @Override
        protected Map<UpstreamRoute, OriginPool> initialValue() {
            return new HashMap<>();
        }
    };
    /** Hears each proxy tunnel opened or failed (metrics); set once by whoever owns the metrics. */
    private volatile BiConsumer<ProxyUri, String> proxyEvents = (proxy, result) -> { };

    public UpstreamPools(UpstreamConfig config, Transport transport) {
        this.config = config;
        this.transport = transport;
        try {
            SslContextBuilder b = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
            if (config.insecureTls()) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            }
            this.ssl = b.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot initialise TLS: " + e.getMessage(), e);
        }
        // Netty's default resolver calls InetAddress.getByName on the event loop; this one never blocks it.
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(transport == Transport.EPOLL ? EpollDatagramChannel.class
                        : NioDatagramChannel.class)
                .socketChannelType(transport == Transport.EPOLL ? EpollSocketChannel.class
                        : NioSocketChannel.class));
    }

    /** The direct pool of {@code origin} for {@code loop}; must be called on {@code loop}. */
    public OriginPool pool(EventLoop loop, Origin origin) {
        return pool(loop, UpstreamRoute.direct(origin));
    }

    /** The pool of {@code route} for {@code loop}; must be called on {@code loop}. */
    public OriginPool pool(EventLoop loop, UpstreamRoute route) {
        assert loop.inEventLoop();
        Map<UpstreamRoute, OriginPool> m = pools.get();
        OriginPool p = m.get(route);
        if (p == null) {
            p = new OriginPool(loop, connector(loop, route), config.maxConnectionsPerOrigin(),
                    config.connectTimeout().toNanos());
            m.put(route, p);
        }
        return p;
    }

    /**
     * One connection of {@code route} outside the pools, opened as a pooled one is and, for TLS, past its handshake:
     * the proxy test. The caller closes it.
     */
    public Future<Channel> connectOnce(EventLoop loop, UpstreamRoute route) {
        Promise<Channel> p = loop.newPromise();
        connector(loop, route).connect().addListener((Future<Channel> f) -> {
            if (!f.isSuccess()) {
                p.tryFailure(f.cause());
                return;
            }
            Channel ch = f.getNow();
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (tls == null) {
                p.trySuccess(ch);
                return;
            }
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    p.trySuccess(ch);
                } else {
                    ch.close();
                    p.tryFailure(h.cause());
                }
            });
            ch.read(); // AUTO_READ is off: the handshake needs the server's answer read
        });
        return p;
    }

    /** Sets who hears each proxy tunnel opened ({@code ok}) or failed (the failure's {@code result}). */
    public void proxyEvents(BiConsumer<ProxyUri, String> listener) {
        this.proxyEvents = listener;
    }

    void proxyEvent(ProxyUri proxy, String result) {
        proxyEvents.accept(proxy, result);
    }

    DnsAddressResolverGroup resolver() {
        return resolver;
    }

    private RouteConnector connector(EventLoop loop, UpstreamRoute route) {
        Bootstrap b = bootstrap(loop);
        if (route.proxied()) {
            b.resolver(NoopAddressResolverGroup.INSTANCE); // the provider's name goes to the proxy unresolved
        } else {
            b.resolver(resolver).handler(initializer(route, null));
        }
        return new RouteConnector(loop, route, this, b);
    }

    /** The handlers of one connection of {@code route}; {@code proxyAddress} is the proxy's, resolved, or null. */
    ChannelInitializer<Channel> initializer(UpstreamRoute route, InetSocketAddress proxyAddress) {
        long poolIdleMillis = config.poolIdleTimeout().toMillis();
        long connectMillis = config.connectTimeout().toMillis();
        Origin origin = route.origin();
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (proxyAddress != null) {
                    ProxyHandler proxy = proxyHandler(route.proxy(), proxyAddress);
                    proxy.setConnectTimeoutMillis(connectMillis);
                    ch.pipeline().addLast("proxy", proxy);
                }
                SslHandler tls = null;
                if (origin.tls()) {
                    tls = ssl.newHandler(ch.alloc(), origin.host(), origin.port());
                    tls.setHandshakeTimeout(connectMillis, TimeUnit.MILLISECONDS);
                }
                initPipeline(ch.pipeline(), tls, poolIdleMillis);
            }
        };
    }

    private static ProxyHandler proxyHandler(ProxyUri proxy, InetSocketAddress address) {
        String user = proxy.username();
        String password = proxy.password() == null ? "" : proxy.password();
        if (proxy.kind() == ProxyUri.Kind.HTTP) {
            return user == null ? new HttpProxyHandler(address) : new HttpProxyHandler(address, user, password);
        }
        return user == null ? new Socks5ProxyHandler(address) : new Socks5ProxyHandler(address, user, password);
    }

    private Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(transport.clientChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024));
    }

    /** The handlers of one upstream connection; shared with the handler tests and the relay benchmark (no TLS). */
    public static void initPipeline(ChannelPipeline p, SslHandler tlsOrNull, long poolIdleMillis) {
        if (tlsOrNull != null) {
            p.addLast("tls", tlsOrNull);
        }
        p.addLast("request", new HttpRequestEncoder());
        p.addLast("response", new UpstreamResponseDecoder(MAX_RESPONSE_HEADER_BYTES));
        p.addLast("poolIdle", new IdleStateHandler(0, 0, poolIdleMillis, TimeUnit.MILLISECONDS));
        p.addLast("upstream", new UpstreamHandler());
    }

    @Override
    public void close() {
        resolver.close();
    }

}
