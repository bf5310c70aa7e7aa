package io.sluice.proxy.config;

import java.time.Duration;

/**
 * Retries, fallback and the circuit breaker. Key cooldowns follow the seeds and are not configurable: a 429 cools its
 * key for {@code Retry-After} or one minute; 401/402/403 back off 1 s, 2 s, 4 s … up to 2 minutes.
 *
 * @param maxAttempts     upstream attempts per request, first included, across keys and combo fallbacks; only made
 *                        before the first byte reaches the client
 * @param breakerFailures consecutive provider-scope failures (5xx, timeouts, resets) that open a provider's breaker
 * @param breakerOpen     how long an open breaker refuses before one probe request may try
 * @param sseKeepAlive    while a streaming provider is silent this long, an SSE comment ({@code : ping}) goes to the
 *                        client so intermediaries do not cut the stream; zero turns pings off
 * @param keyWait         when every key of a provider cools down and the earliest is usable again within this long,
 *                        the request waits for it instead of getting 429 at once; zero (default) never waits
 */
public record ResilienceConfig(int maxAttempts, int breakerFailures, Duration breakerOpen, Duration sseKeepAlive,
                               Duration keyWait) {

    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    public static final int DEFAULT_BREAKER_FAILURES = 5;
    public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SSE_KEEP_ALIVE = Duration.ofSeconds(15);
    public static final Duration DEFAULT_KEY_WAIT = Duration.ZERO;

    public ResilienceConfig {
        Check.range("maxAttempts", maxAttempts, 1, 16);
        Check.range("breakerFailures", breakerFailures, 1, 1000);
        Check.positive("breakerOpen", breakerOpen);
        Check.notNegative("sseKeepAlive", sseKeepAlive);
        keyWait = keyWait == null ? DEFAULT_KEY_WAIT : Check.notNegative("keyWait", keyWait);
    }

    public ResilienceConfig(int maxAttempts, int breakerFailures, Duration breakerOpen, Duration sseKeepAlive) {
        this(maxAttempts, breakerFailures, breakerOpen, sseKeepAlive, DEFAULT_KEY_WAIT);
    }

    public static ResilienceConfig defaults() {
        return new ResilienceConfig(DEFAULT_MAX_ATTEMPTS, DEFAULT_BREAKER_FAILURES, DEFAULT_BREAKER_OPEN,
                DEFAULT_SSE_KEEP_ALIVE);
    }
}
