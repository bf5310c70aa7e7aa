package io.sluice.proxy.state;

import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Rate limits shared by every instance on one Redis (issue 19), without Redis on the request path: each limit is a
 * token bucket in Redis ({@code <ns>:rl:<scope>}, burst = the per-minute figure, refilled continuously, the same
 * semantics as the local {@code RateLimiter}), and each instance serves from a {@link LeasedBudget}: tokens leased
 * from that bucket in blocks by a Lua script, refilled in the background before they run out.
 *
 * <p>Alongside, every instance announces itself with a heartbeat entry that expires ({@code <ns>:instances}, a sorted
 * set scored by expiry time): while Redis is unreachable, an instance limits locally at the configured rate divided by
 * the last number of live instances it saw.
 */
public final class SharedLimits implements AutoCloseable {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(SharedLimits.class);

    /** Between heartbeats, returns of idle leases and the instance count. */
    static final long TICK_MS = 1_000;
    /** An instance that missed this long of heartbeats no longer counts. */
    static final long HEARTBEAT_TTL_MS = 5_000;
    /** A bucket untouched this long is full again, the same as no key: Redis drops it. */
    static final long BUCKET_TTL_MS = 120_000;
    /** Scopes kept at most before idle ones are dropped (per-credential limits of many clients). */
    static final int MAX_SCOPES = 10_000;

    /**
     * KEYS[1] the bucket; ARGV cap (tokens per minute and burst), want (tokens to lease), owe (tokens already spent
     * without a lease, or negative to give tokens back), ttl. Refills by Redis's own clock, so instances' clocks never
     * matter; the bucket may go below zero by what was owed. Returns {granted, ms until one token, tokens left}.
     */
    static final String LEASE = """
            local cap = tonumber(ARGV[1])
            local want = tonumber(ARGV[2])
            local owe = tonumber(ARGV[3])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(b[1]) or cap
            local ts = tonumber(b[2]) or now
            if now > ts then tokens = math.min(cap, tokens + (now - ts) * cap / 60000) end
            tokens = math.min(cap, tokens - owe)
            local grant = 0
            if want > 0 and tokens >= 1 then
              grant = math.min(want, math.floor(tokens))
              tokens = tokens - grant
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
            local wait = 0
            if tokens < 1 then wait = math.ceil((1 - tokens) * 60000 / cap) end
            return {grant, wait, math.floor(tokens)}
            """;

    /** KEYS[1] the live set; ARGV this instance, ttl. Returns the live instances, this one included. */
    static final String HEARTBEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
            return redis.call('ZCARD', KEYS[1])
            """;

    private final RedisLink link;
    private final LongSupplier nanos;
    private final ConcurrentHashMap<String, LeasedBudget> budgets = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private final String liveKey;
    private volatile int instances = 1;
    /** Leases granted by Redis, and requests the local limiter decided while limits are shared. */
    private final LongAdder leases = new LongAdder();
    private final LongAdder local = new LongAdder();
    private final AtomicBoolean leaseFailureLogged = new AtomicBoolean();

    private SharedLimits(RedisLink link, LongSupplier nanos) {
        this.link = link;
        this.nanos = nanos;
        this.liveKey = link.key("instances");
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-limits");
            t.setDaemon(true);
            return t;
        });
    }

    /** Shared limits on {@code link}: heartbeats start at once, leases when a limit is first used or Redis is back. */
    public static SharedLimits start(RedisLink link, LongSupplier nanos) {
        return start(link, nanos, null);
    }

    /**
     * {@link #start(RedisLink, LongSupplier)}, with {@code sluice_state_instances}, {@code
     * sluice_state_limit_leases_total} and {@code sluice_state_limit_local_total} in {@code registry} when not null.
     */
    public static SharedLimits start(RedisLink link, LongSupplier nanos, MeterRegistry registry) {
        SharedLimits s = new SharedLimits(link, nanos);
        if (registry != null) {
            Gauge.builder("sluice.state.instances", s, SharedLimits::instances)
                    .description("Live Sluice instances on the shared-state Redis, as this one last saw")
                    .register(registry);
            FunctionCounter.builder("sluice.state.limit.leases", s.leases, LongAdder::sum)
                    .description("Blocks of rate-limit tokens leased from Redis").register(registry);
            FunctionCounter.builder("sluice.state.limit.local", s.local, LongAdder::sum)
                    .description("Requests a shared rate limit left to the local limiter (Redis down or slow, no"
                            + " lease yet)").register(registry);
        }
        link.onReconnect(s::reconnected);
        s.ticker.scheduleWithFixedDelay(s::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        return s;
    }

    /**
     * The budget of {@code scope} (a name without secrets: {@code global}, {@code client:<key name>},
     * {@code provider:<name>}...) at {@code perMinute}; one per scope and rate, shared by whoever asks again.
     */
    public LeasedBudget budget(String scope, long perMinute) {
        String id = scope + "@" + perMinute;
        return budgets.computeIfAbsent(id, k -> {
            LeasedBudget b = new LeasedBudget(this, link.key("rl", scope), perMinute, nanos);
            if (link.up() && !ticker.isShutdown()) {
                try {
                    ticker.execute(b::prefetch);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closing: the first request leases instead
                }
            }
            return b;
        });
    }

    /** A scope name for a secret (a client credential): its SHA-256, never the secret. */
    public static String hashed(String secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connected to Redis now: budgets serve leases; else they limit locally. */
    boolean up() {
        return link.up();
    }

    /** The live instances at the last heartbeat (1 before the first): the divisor of the local fallback. */
    public int instances() {
        return instances;
    }

    /** The number of scopes in use on this instance. */
    public int scopes() {
        return budgets.size();
    }

    /** Runs the lease script; completes on Lettuce's thread. */
    CompletionStage<List<Object>> lease(String key, long cap, long want, long owe) {
        CompletionStage<List<Object>> r = link.call(c -> c.eval(LEASE, ScriptOutputType.MULTI, new String[] {key},
                Long.toString(cap), Long.toString(want), Long.toString(owe), Long.toString(BUCKET_TTL_MS)));
        return r.whenComplete((v, e) -> {
            if (e == null) {
                leases.increment();
                leaseFailureLogged.set(false);
            } else if (link.up() && leaseFailureLogged.compareAndSet(false, true)) {
                // Up but failing (an ACL without EVAL, a Redis too slow): say it once, limits are local meanwhile
                LOG.warn("state: a rate-limit lease failed ({}); limiting locally until leases succeed",
                        e.getCause() == null ? e.toString() : e.getCause().toString());
            }
        });
    }

    /** A request a shared limit left to the local limiter. */
    void decidedLocally() {
        local.increment();
    }

    private void reconnected() {
        heartbeat();
        for (LeasedBudget b : budgets.values()) {
            b.reconnected();
        }
    }

    private void tick() {
        try {
            if (!link.up()) {
                return;
            }
            heartbeat();
            for (LeasedBudget b : budgets.values()) {
                b.tick();
            }
            if (budgets.size() > MAX_SCOPES) {
                budgets.values().removeIf(LeasedBudget::idle);
            }
        } catch (RuntimeException e) {
            LOG.warn("state: rate-limit maintenance failed", e);
        }
    }

    private void heartbeat() {
        link.<Long>call(c -> c.eval(HEARTBEAT, ScriptOutputType.INTEGER, new String[] {liveKey},
                link.instanceId(), Long.toString(HEARTBEAT_TTL_MS))).whenComplete((n, e) -> {
                    if (e == null && n != null && n > 0) {
                        instances = (int) Math.min(Integer.MAX_VALUE, n);
                    }
                });
    }

    /** Gives leased tokens back and leaves the live set, waiting briefly; called once the event loops stopped. */
    @Override
    public void close() {
        ticker.shutdownNow();
        if (!link.up()) {
            return;
        }
        List<CompletableFuture<?>> sent = new ArrayList<>();
        sent.add(link.call(c -> c.zrem(liveKey, link.instanceId())).toCompletableFuture());
        for (LeasedBudget b : budgets.values()) {
            sent.add(b.giveBack().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("state: leases not returned at close", e);
        }
    }
}
