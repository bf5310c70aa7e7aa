package io.sluice.proxy.config;

/**
 * Request rate limits, per minute, as token buckets (burst = the per-minute figure). Zero means no limit, and every
 * limit is zero unless configured: a fronting proxy must never throttle its owner by surprise.
 *
 * @param global       all requests together
 * @param perProvider  requests to each provider (a provider's own {@code rateLimit} overrides it)
 * @param perKey       requests on each provider key
 * @param perClientKey requests from each client key ({@code Authorization: Bearer …} or {@code x-api-key})
 */
public record RateLimitConfig(long global, long perProvider, long perKey, long perClientKey) {

    /**
     * What {@code RATE_LIMIT_ENABLED=1} means without {@code RATE_LIMIT_PER_MINUTE}: the seeds' per-provider default.
     */
    public static final long SEED_PER_PROVIDER = 100;

    public RateLimitConfig {
        check("global", global);
        check("perProvider", perProvider);
        check("perKey", perKey);
        check("perClientKey", perClientKey);
    }

    public static RateLimitConfig off() {
        return new RateLimitConfig(0, 0, 0, 0);
    }

    public boolean any() {
        return global > 0 || perProvider > 0 || perKey > 0 || perClientKey > 0;
    }

    private static void check(String key, long v) {
        if (v < 0 || v > 100_000_000L) {
            throw ConfigException.invalid(key, String.valueOf(v), "requests per minute, 0 (no limit) to 100000000");
        }
    }
}
