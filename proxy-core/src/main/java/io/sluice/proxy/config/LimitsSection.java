package io.sluice.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code rateLimits} and {@code concurrency}: the file's sections when present, else the seeds' environment
 * variables ({@code RATE_LIMIT_ENABLED}, {@code UPSTREAM_CONCURRENCY_ENABLED} and friends), else off.
 */
final class LimitsSection {

    static final List<String> RATE_LIMIT_KEYS = List.of("global", "perProvider", "perKey", "perClientKey");
    static final List<String> CONCURRENCY_KEYS = List.of("enabled", "maxConcurrent", "queueMax", "queueTimeout");

    private LimitsSection() {
    }

    /** The file's {@code rateLimits}, else the seeds' {@code RATE_LIMIT_ENABLED} / {@code RATE_LIMIT_PER_MINUTE}. */
    static RateLimitConfig rateLimits(ConfigNode n, Map<String, String> env) {
        if (n.isAbsent()) {
            if (!Records.envFlag(env, "RATE_LIMIT_ENABLED", false)) {
                return RateLimitConfig.off();
            }
            long perMinute = envLong(env, "RATE_LIMIT_PER_MINUTE", RateLimitConfig.SEED_PER_PROVIDER);
            return Records.envBuild("RATE_LIMIT_PER_MINUTE", () -> new RateLimitConfig(0, perMinute, 0, 0));
        }
        n.object(RATE_LIMIT_KEYS);
        long global = n.get("global").intValue(0);
        long perProvider = n.get("perProvider").intValue(0);
        long perKey = n.get("perKey").intValue(0);
        long perClientKey = n.get("perClientKey").intValue(0);
        return Records.build(n, () -> new RateLimitConfig(global, perProvider, perKey, perClientKey));
    }

    /** The file's {@code concurrency}, else the seeds' {@code UPSTREAM_CONCURRENCY_ENABLED} and friends. */
    static ConcurrencyConfig concurrency(ConfigNode n, Map<String, String> env) {
        if (n.isAbsent()) {
            if (!Records.envFlag(env, "UPSTREAM_CONCURRENCY_ENABLED", false)) {
                return ConcurrencyConfig.off();
            }
            int max = (int) envLong(env, "UPSTREAM_MAX_CONCURRENT", ConcurrencyConfig.DEFAULT_MAX_CONCURRENT);
            int queue = (int) envLong(env, "UPSTREAM_QUEUE_MAX", ConcurrencyConfig.DEFAULT_QUEUE_MAX);
            long timeout = envLong(env, "UPSTREAM_QUEUE_TIMEOUT_MS",
                    ConcurrencyConfig.DEFAULT_QUEUE_TIMEOUT.toMillis());
            return Records.envBuild("UPSTREAM_*",
                    () -> new ConcurrencyConfig(true, max, queue, Duration.ofMillis(timeout)));
        }
        n.object(CONCURRENCY_KEYS);
        boolean enabled = n.get("enabled").bool(true);
        int max = n.get("maxConcurrent").intValue(ConcurrencyConfig.DEFAULT_MAX_CONCURRENT);
        int queue = n.get("queueMax").intValue(ConcurrencyConfig.DEFAULT_QUEUE_MAX);
        Duration timeout = n.get("queueTimeout").duration(ConcurrencyConfig.DEFAULT_QUEUE_TIMEOUT);
        return Records.build(n, () -> new ConcurrencyConfig(enabled, max, queue, timeout));
    }

    private static long envLong(Map<String, String> env, String var, long fallback) {
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("environment: " + var + ": \"" + v + "\" (expected: an integer)", e);
        }
    }
}
