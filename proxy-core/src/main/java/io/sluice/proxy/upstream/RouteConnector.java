package io.sluice.proxy.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.proxy.config.ProxyUri;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Opens the connections of one {@link UpstreamRoute} on one event loop, ready for a request: TCP to the origin, or
 * TCP to the proxy and its tunnel open (HTTP CONNECT, or SOCKS5 with its authentication). The TLS handshake, when
 * there is one, runs on inside the tunnel; a request written meanwhile waits in the {@code SslHandler}.
 *
 * <p>Through a proxy, the provider's name is not resolved here (a company network often cannot): HTTP CONNECT and
 * {@code socks5h} send it to the proxy; {@code socks5} resolves it first, as curl does. The proxy's own name is
 * resolved with the non-blocking resolver before each new connection.
 */
final class RouteConnector {

    private final EventLoop loop;
    private final UpstreamRoute route;
    private final UpstreamPools pools;
    /** Direct: ready to connect. Proxied: options only; each connection gets its handlers with the proxy's address. */
    private final Bootstrap bootstrap;

    RouteConnector(EventLoop loop, UpstreamRoute route, UpstreamPools pools, Bootstrap bootstrap) {
        this.loop = loop;
        this.route = route;
        this.pools = pools;
        this.bootstrap = bootstrap;
    }

    UpstreamRoute route() {
        return route;
    }

    /**
     * A new connection, its tunnel open when proxied. On failure no channel is left open; a proxy's failure is an
     * {@link UpstreamProxyException} naming it.
     */
    Future<Channel> connect() {
        Promise<Channel> p = loop.newPromise();
        Origin origin = route.origin();
        if (!route.proxied()) {
            ChannelFuture cf = bootstrap.connect(InetSocketAddress.createUnresolved(origin.host(), origin.port()));
            cf.addListener(f -> {
                if (f.isSuccess()) {
                    p.trySuccess(cf.channel());
                } else {
                    p.tryFailure(f.cause()); // Bootstrap closes a channel whose connect failed
                }
            });
            return p;
        }
        ProxyUri proxy = route.proxy();
        resolve(proxy.host(), proxy.port()).addListener((Future<InetSocketAddress> pa) -> {
            if (!pa.isSuccess()) {
                fail(p, ProxyFailures.unreachable(proxy, pa.cause()));
            } else if (proxy.kind() == ProxyUri.Kind.SOCKS5) {
                resolve(origin.host(), origin.port()).addListener((Future<InetSocketAddress> ta) -> {
                    if (ta.isSuccess()) {
                        open(p, pa.getNow(), ta.getNow());
                    } else {
                        p.tryFailure(ta.cause()); // the provider's name: not the proxy's fault
                    }
                });
            } else {
                open(p, pa.getNow(), InetSocketAddress.createUnresolved(origin.host(), origin.port()));
            }
        });
        return p;
    }

    private void open(Promise<Channel> p, InetSocketAddress proxyAddress, InetSocketAddress target) {
        ProxyUri proxy = route.proxy();
        ChannelFuture cf = bootstrap.clone().handler(pools.initializer(route, proxyAddress)).connect(target);
        cf.addListener(f -> {
            Channel ch = cf.channel();
            if (!f.isSuccess()) {
                fail(p, ProxyFailures.unreachable(proxy, f.cause())); // Bootstrap closed the channel
                return;
            }
            ProxyHandler h = ch.pipeline().get(ProxyHandler.class);
            h.connectFuture().addListener(t -> {
                if (t.isSuccess()) {
                    pools.proxyEvent(proxy, UpstreamProxyException.OK);
                    p.trySuccess(ch);
                } else {
                    ch.close();
                    fail(p, ProxyFailures.handshake(proxy, route.origin().toString(), t.cause(),
                            h.connectTimeoutMillis()));
                }
            });
        });
    }

    private void fail(Promise<Channel> p, UpstreamProxyException e) {
        pools.proxyEvent(e.proxy(), e.result());
        p.tryFailure(e);
    }

    /** {@code host:port} resolved without blocking the loop: at once for an address literal, else by DNS. */
    private Future<InetSocketAddress> resolve(String host, int port) {
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        if (ip != null) {
            try {
                return loop.newSucceededFuture(new InetSocketAddress(InetAddress.getByAddress(host, ip), port));
            } catch (java.net.UnknownHostException e) {
                return loop.newFailedFuture(e); // only for a bad length, which a parsed literal never has
            }
        }
        return pools.resolver().getResolver(loop).resolve(InetSocketAddress.createUnresolved(host, port));
    }
}
