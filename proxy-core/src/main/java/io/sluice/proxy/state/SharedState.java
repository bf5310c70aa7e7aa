package io.sluice.proxy.state;

import io.sluice.proxy.config.StateConfig;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.metrics.SluiceMetrics;

/**
 * Where this instance shares state: nowhere (the embedded single-instance state, the default) or the Redis of
 * {@link StateConfig}. Built once by the composition root; the state users (limits, key state, usage, settings, stored
 * answers) take its {@link #redis()} link when there is one and keep their local state either way.
 */
public final class SharedState implements AutoCloseable {

    private final StateConfig config;
    private final RedisLink redis;

    private SharedState(StateConfig config, RedisLink redis) {
        this.config = config;
        this.redis = redis;
    }

    /** The state {@code config} asks for; a Redis link starts connecting in the background. */
    public static SharedState start(StateConfig config, SluiceMetrics metrics) {
        if (!config.shared()) {
            return new SharedState(config, null);
        }
        RedisLink link = RedisLink.start(config);
        metrics.sharedState(link::up, link::unpublished, link::failedCalls);
        return new SharedState(config, link);
    }

    /** The embedded state: nothing shared. */
    public static SharedState embedded() {
        return new SharedState(StateConfig.embedded(), null);
    }

    /** The Redis link, or null for the embedded state. */
    public RedisLink redis() {
        return redis;
    }

    public StateConfig config() {
        return config;
    }

    /** Shared state is configured and Redis is unreachable: served from local state meanwhile. */
    public boolean degraded() {
        return redis != null && !redis.up();
    }

    /** {@code /health}'s answer: {@code ok}, or {@code degraded} (still 200: this instance serves). */
    public String healthJson() {
        if (redis == null) {
            return "{\"status\":\"ok\"}";
        }
        JsonText out = new JsonText().begin().field("status", degraded() ? "degraded" : "ok").begin("state")
                .field("backend", "redis").field("redis", redis.up() ? "up" : "down")
                .field("url", redis.describe()).field("instance", redis.instanceId())
                .field("unpublished", redis.unpublished()).field("failedCalls", redis.failedCalls());
        long since = redis.downSinceMillis();
        if (since > 0) {
            out.field("downForMs", Math.max(0, System.currentTimeMillis() - since));
        }
        return out.end().end().toString();
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
