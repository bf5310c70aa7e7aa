package io.sluice.proxy.state;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.config.StateConfig;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The connection of one instance to the shared-state Redis (DESIGN.md 6), through Lettuce on its own small I/O
 * resources (one I/O thread, one computation thread), never on Sluice's event loops' request path: callers hand it
 * work and get a future; nothing waits for Redis while serving a request.
 *
 * <p>Redis down or slow never fails a request: while it is down, {@link #call} fails at once (Lettuce's
 * {@code REJECT_COMMANDS}), {@link #publish} counts what it could not send, and the link reconnects in the background
 * with exponential backoff up to {@link StateConfig#maxBackoff()} (the first connection too: an instance starts
 * without Redis). {@link #onReconnect} hooks run after every reconnection, so users can reconcile. Subscriptions are
 * made again by Lettuce after a reconnect.
 */
public final class RedisLink implements AutoCloseable {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(RedisLink.class);

    private final StateConfig config;
    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService connector;
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private final List<Runnable> reconnectHooks = new CopyOnWriteArrayList<>();
    private final AtomicLong unpublished = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    /** Wall-clock millis since Redis is unreachable; 0 while it is up. */
    private final AtomicLong downSince = new AtomicLong(System.currentTimeMillis());

    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile boolean up;
    private volatile boolean closed;
    private final AtomicInteger attempts = new AtomicInteger();

    private RedisLink(StateConfig config) {
        this.config = config;
        this.uri = RedisURI.create(config.redisUrl().toString());
        uri.setTimeout(config.commandTimeout());
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), config.maxBackoff(), 2,
                        TimeUnit.MILLISECONDS)).build();
        this.client = RedisClient.create(resources);
        ClientOptions.Builder options = ClientOptions.builder();
        if (config.caFile() != null) {
            options.sslOptions(io.lettuce.core.SslOptions.builder().jdkSslProvider()
                    .trustManager(config.caFile().toFile()).build());
        }
        client.setOptions(options.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout())).build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
                if (c == connection) {
                    markUp();
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
                if (c == connection) {
                    markDown();
                }
            }
        });
        this.connector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-redis-connect");
            t.setDaemon(true);
            return t;
        });
    }

    /** A link to {@code config}'s Redis, connecting in the background; never blocks, never throws for Redis down. */
    public static RedisLink start(StateConfig config) {
        if (!config.shared()) {
            throw new IllegalArgumentException("state: no redis.url");
        }
        RedisLink link = new RedisLink(config);
        link.connector.execute(link::connect);
        return link;
    }

    private void connect() {
        if (closed) {
            return;
        }
        client.connectAsync(StringCodec.UTF8, uri).thenCompose(c -> {
            connection = c;
            return client.connectPubSubAsync(StringCodec.UTF8, uri).thenApply(p -> {
                pubSub = p;
                p.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        deliver(channel, message);
                    }
                });
                if (!subscribers.isEmpty()) {
                    p.async().subscribe(subscribers.keySet().toArray(String[]::new));
                }
                return p;
            });
        }).whenComplete((p, e) -> {
            if (e != null) {
                StatefulRedisConnection<String, String> c = connection;
                connection = null;
                if (c != null) {
                    c.closeAsync();
                }
                int n = attempts.incrementAndGet();
                long wait = Math.min(config.maxBackoff().toMillis(), 50L << Math.min(n - 1, 10));
                if (n == 1 || n % 10 == 0) {
                    LOG.warn("state: Redis at {} unreachable ({}); serving from local state, retrying",
                            config.redisUrlMasked(), e.getCause() == null ? e.toString() : e.getCause().toString());
                }
                if (!closed) {
                    connector.schedule(this::connect, wait, TimeUnit.MILLISECONDS);
                }
            } else {
                attempts.set(0);
                markUp();
            }
        });
    }

    private void markUp() {
        if (up) {
            return;
        }
        up = true;
        long since = downSince.getAndSet(0);
        LOG.info("state: connected to Redis at {} as {}{}", config.redisUrlMasked(), config.instanceId(),
                since == 0 ? "" : " (was down " + (System.currentTimeMillis() - since) + " ms)");
        for (Runnable hook : reconnectHooks) {
            connector.execute(() -> {
                try {
                    hook.run();
                } catch (RuntimeException e) {
                    LOG.warn("state: a reconnect hook failed", e);
                }
            });
        }
    }

    private void markDown() {
        if (!up) {
            return;
        }
        up = false;
        downSince.compareAndSet(0, System.currentTimeMillis());
        LOG.warn("state: lost Redis at {}; serving from local state until it is back", config.redisUrlMasked());
    }

    private void deliver(String channel, String message) {
        List<Consumer<String>> handlers = subscribers.get(channel);
        if (handlers == null) {
            return;
        }
        for (Consumer<String> h : handlers) {
            try {
                h.accept(message);
            } catch (RuntimeException e) {
                LOG.warn("state: a handler of {} failed", channel, e);
            }
        }
    }

    /** {@code <namespace>:<part>:<part>...}: every key and channel Sluice uses. */
    public String key(String... parts) {
        StringBuilder s = new StringBuilder(config.namespace());
        for (String p : parts) {
            s.append(':').append(p);
        }
        return s.toString();
    }

    /** This instance's name in shared state. */
    public String instanceId() {
        return config.instanceId();
    }

    /** Connected to Redis now. */
    public boolean up() {
        return up;
    }

    /** Wall-clock millis since Redis is unreachable, 0 while it is up. */
    public long downSinceMillis() {
        return downSince.get();
    }

    /** Messages {@link #publish} could not send (Redis down or failing). */
    public long unpublished() {
        return unpublished.get();
    }

    /** Commands of {@link #call} that failed or were refused while Redis was down. */
    public long failedCalls() {
        return failedCalls.get();
    }

    /** The Redis URL with its password hidden. */
    public String describe() {
        return config.redisUrlMasked();
    }

    /**
     * Runs {@code command} on the shared connection; the future fails at once while Redis is down. Completes on
     * Lettuce's thread: callers that touch event-loop state hand the result over to their loop.
     */
    public <T> CompletionStage<T> call(Function<RedisAsyncCommands<String, String>, RedisFuture<T>> command) {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null || !up) {
            failedCalls.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("state: Redis is down"));
        }
        try {
            return command.apply(c.async()).whenComplete((v, e) -> {
                if (e != null) {
                    failedCalls.incrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            failedCalls.incrementAndGet();
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Publishes {@code message} on {@code channel} (a full key, see {@link #key}); counted when it cannot be sent. */
    public void publish(String channel, String message) {
        call(r -> r.publish(channel, message)).whenComplete((n, e) -> {
            if (e != null) {
                unpublished.incrementAndGet();
            }
        });
    }

    /**
     * Calls {@code handler} with every message on {@code channel} (a full key), from Lettuce's thread, this instance's
     * own included; kept across reconnections.
     */
    public void subscribe(String channel, Consumer<String> handler) {
        boolean first = !subscribers.containsKey(channel);
        subscribers.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(handler);
        StatefulRedisPubSubConnection<String, String> p = pubSub;
        if (first && p != null) {
            p.async().subscribe(channel);
        }
    }

    /** Runs {@code hook} (off the event loops) each time the link comes up again: reconcile what drifted. */
    public void onReconnect(Runnable hook) {
        reconnectHooks.add(hook);
    }

    @Override
    public void close() {
        closed = true;
        connector.shutdownNow();
        StatefulRedisPubSubConnection<String, String> p = pubSub;
        if (p != null) {
            p.close();
        }
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
