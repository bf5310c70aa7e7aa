package io.sluice.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.proxy.admin.StaticAssets;
import io.sluice.proxy.config.ConfigSource;
import io.sluice.proxy.config.ServerConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.internal.SuppressForbidden;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.route.ModelDiscovery;
import io.sluice.proxy.server.ClientPipeline;
import io.sluice.proxy.server.ConnectionLimit;
import io.sluice.proxy.transport.Transport;
import io.sluice.proxy.upstream.UpstreamPools;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The running proxy. Owns the event loops, the upstream pools and the metrics registry. */
public final class SluiceServer implements AutoCloseable {

    private final SluiceConfig config;
    private final Transport transport;
    private final EventLoopGroup group;
    private final SluiceMetrics metrics;
    private final UpstreamPools pools;
    private final ProxyContext proxy;
    private final ModelDiscovery discovery;
    /** Open client connections, process-wide, against server.maxConnections: one counter for every event loop. */
    private final ConnectionLimit connections;
    private final ChannelGroup clients = new DefaultChannelGroup("sluice-clients", GlobalEventExecutor.INSTANCE);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Set by {@link #closeNow()}: a close under way stops waiting for open exchanges. */
    private volatile boolean hurry;
    private Channel serverChannel;

    private SluiceServer(SluiceConfig config, ConfigSource source) {
        this.config = config;
        this.transport = Transport.best();
        int threads = config.server().ioThreads() > 0 ? config.server().ioThreads()
                : Runtime.getRuntime().availableProcessors();
        this.group = transport.newGroup(threads, "sluice-io");
        this.metrics = new SluiceMetrics();
        this.pools = new UpstreamPools(config.upstream(), transport);
        try {
            this.proxy = new ProxyContext(config, source, metrics, pools); // opens the usage ledger and log files
        } catch (RuntimeException | Error e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            metrics.close();
            if (e instanceof UncheckedIOException io) {
                throw new StartupException(io.getMessage(), io);
            }
            throw e;
        }
        this.connections = new ConnectionLimit(config.server().maxConnections(), metrics);
        this.discovery = new ModelDiscovery(config, group.next(), ModelDiscovery.DEFAULT_REFRESH,
                proxy.routing()::discovered, (p, req) -> proxy.upstreams().send(p, req, group.next()));
        discovery.onCapabilities(proxy.routing()::discoveredCapabilities);
        proxy.live().subscribe(discovery::reconfigure); // after the router: lists dropped reach the new one
    }

    /** Binds and starts serving; returns once the listening socket is bound. */
    public static SluiceServer start(SluiceConfig config) throws InterruptedException {
        return start(config, ConfigSource.none());
    }

    /**
     * Binds and starts serving {@code config}, loaded from {@code source} (the {@code .env} the admin API saves
     * provider edits to); returns once the listening socket is bound.
     */
    public static SluiceServer start(SluiceConfig config, ConfigSource source) throws InterruptedException {
        config.access().checkExposure(config.server()); // never an open relay by accident
        StaticAssets.monitor(); // the dashboard's files, read here, never on an event loop
        SluiceServer s = new SluiceServer(config, source);
        try {
            s.bind();
            s.discovery.start();
        } catch (RuntimeException | InterruptedException e) {
            s.close();
            throw e;
        }
        return s;
    }

    @SuppressForbidden(reason = "start-up binds on the caller's thread, never an event loop, and must know it is bound")
    private void bind() throws InterruptedException {
        ServerConfig sc = config.server();
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        clients.add(ch);
                        ClientPipeline.init(ch, config.server(), proxy.dispatcher(), connections, proxy.cors());
                    }
                });
        try {
            serverChannel = b.bind(sc.host(), sc.port()).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // sync() rethrows the bind's IOException unchecked
            throw new StartupException("cannot listen on " + sc.host() + ":" + sc.port() + ": " + bindFailure(e), e);
        }
    }

    /** Why a bind failed, in words: Netty's native transport says {@code bind(..) failed: Address already in use}. */
    static String bindFailure(Exception e) {
        String m = String.valueOf(e.getMessage());
        String low = m.toLowerCase(Locale.ROOT);
        if (low.contains("address already in use")) {
            return "the port is already in use (expected: a free port in server.port or --port)";
        }
        if (low.contains("cannot assign requested address")) {
            return "no network interface has this address (expected: an address of this machine in server.host or"
                    + " --host)";
        }
        if (low.contains("permission denied")) {
            return "permission denied (ports below 1024 need privileges)";
        }
        return m;
    }

    /**
     * Sets up one client connection: its write water marks and handlers. Shared with the handler tests and the relay
     * benchmark, which run it on an EmbeddedChannel.
     */
    public static void initClientChannel(Channel ch, ProxyContext proxy) {
        ClientPipeline.init(ch, proxy.config().server(), proxy.dispatcher(), ConnectionLimit.UNLIMITED,
                proxy.cors());
    }

    /** The bound address (useful with port 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The composition root of this server (tests and embedding). */
    public ProxyContext context() {
        return proxy;
    }

    public SluiceMetrics metrics() {
        return metrics;
    }

    /** The config in force, with the provider set as the admin API last changed it. */
    public SluiceConfig config() {
        return proxy.live().current();
    }

    /** Usage, logs and sessions of this server. */
    public Operations ops() {
        return proxy.ops();
    }

    public Transport transport() {
        return transport;
    }

    /** Blocks the calling (non event loop) thread until the server is closed. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /**
     * Cuts the grace period short (a second SIGTERM or Ctrl-C): a close under way, or the one this starts, closes
     * the open connections at once instead of waiting up to {@code server.shutdownGrace} for them. Returns at once.
     */
    public void closeNow() {
        hurry = true;
        if (!closing.get()) {
            new Thread(this::close, "sluice-shutdown-now").start();
        }
    }

    /** Stops accepting, lets open exchanges finish up to the configured grace period, releases everything. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            try {
                closed.await(); // the other caller (signal handler or shutdown hook) is closing: wait for it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            discovery.close();
            if (serverChannel != null) {
                serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + config.server().shutdownGrace().toNanos();
            // Graceful: idle keep-alive connections close at once; busy ones get until the deadline.
            while (!hurry && System.nanoTime() < deadline && !clients.isEmpty() && (proxy.ops().inFlightCount() > 0
                    || proxy.metrics().upstreamActive().get() > 0)) {
                Thread.sleep(20);
            }
            clients.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            pools.close();
            proxy.close(); // the loops are stopped: the cached audio and answers are freed from here
            proxy.ops().close(); // after the event loops: every answered request is in the ledger, now on disk
            metrics.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed.countDown();
        }
    }
}
