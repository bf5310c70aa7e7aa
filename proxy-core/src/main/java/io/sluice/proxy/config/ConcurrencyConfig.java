package io.sluice.proxy.config;

import java.time.Duration;

/**
 * The upstream concurrency gate, per provider: at most {@code maxConcurrent} upstream calls at once; more wait in a
 * queue of {@code queueMax} for at most {@code queueTimeout}. Off (unlimited) unless enabled.
 */
public record ConcurrencyConfig(boolean enabled, int maxConcurrent, int queueMax, Duration queueTimeout) {

    /** The seeds' values when {@code UPSTREAM_CONCURRENCY_ENABLED} is set without numbers. */
    public static final int DEFAULT_MAX_CONCURRENT = 5;
    public static final int DEFAULT_QUEUE_MAX = 50;
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofMillis(30_000);

    public ConcurrencyConfig {
        Check.range("maxConcurrent", maxConcurrent, 1, 1_000_000);
        Check.range("queueMax", queueMax, 0, 1_000_000);
        Check.positive("queueTimeout", queueTimeout);
    }

    public static ConcurrencyConfig off() {
        return new ConcurrencyConfig(false, DEFAULT_MAX_CONCURRENT, DEFAULT_QUEUE_MAX, DEFAULT_QUEUE_TIMEOUT);
    }
}
