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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.FastThreadLocal;
import io.sluice.proxy.config.UpstreamConfig;
import io.sluice.proxy.transport.Transport;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The upstream connection pools of one server: one {@link OriginPool} per (event loop, origin), found through a
 * {@link FastThreadLocal} of the loop's thread. Heavy objects (SslContext, DNS resolver) are created once here.
 */
public final class UpstreamPools implements AutoCloseable {

    static final int MAX_RESPONSE_HEADER_BYTES = 65_536;

    private final UpstreamConfig config;
    private final Transport transport;
    private final SslContext ssl;
    private final DnsAddressResolverGroup resolver;
    private final FastThreadLocal<Map<Origin, OriginPool>> pools = new FastThreadLocal<>() {
        @Override
        protected Map<Origin, OriginPool> initialValue() {
            return new HashMap<>();
        }
    };

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

    /** The pool of {@code origin} for {@code loop}; must be called on {@code loop}. */
    public OriginPool pool(EventLoop loop, Origin origin) {
        assert loop.inEventLoop();
        Map<Origin, OriginPool> m = pools.get();
        OriginPool p = m.get(origin);
        if (p == null) {
            p = new OriginPool(loop, origin, bootstrap(loop, origin), config.maxConnectionsPerOrigin(),
                    config.connectTimeout().toNanos());
            m.put(origin, p);
        }
        return p;
    }

    private Bootstrap bootstrap(EventLoop loop, Origin origin) {
        long poolIdleMillis = config.poolIdleTimeout().toMillis();
        return new Bootstrap()
                .group(loop)
                .channel(transport.clientChannel())
                .resolver(resolver)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler tls = null;
                        if (origin.tls()) {
                            tls = ssl.newHandler(ch.alloc(), origin.host(), origin.port());
                            tls.setHandshakeTimeout(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
                        }
                        initPipeline(ch.pipeline(), tls, poolIdleMillis);
                    }
                });
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
