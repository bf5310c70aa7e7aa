package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResilienceConfigTest {

    @Test
    void everythingIsOffUnlessConfigured() {
        SluiceConfig c = ConfigLoader.parse("", Map.of());
        assertThat(c.rateLimits()).isEqualTo(RateLimitConfig.off());
        assertThat(c.rateLimits().any()).isFalse();
        assertThat(c.concurrency().enabled()).isFalse();
        assertThat(c.resilience()).isEqualTo(ResilienceConfig.defaults());
    }

    @Test
    void theSeedsEnvironmentNamesTurnThemOn() {
        SluiceConfig c = ConfigLoader.parse("", Map.of("RATE_LIMIT_ENABLED", "1", "UPSTREAM_CONCURRENCY_ENABLED",
                "true"));
        assertThat(c.rateLimits()).isEqualTo(new RateLimitConfig(0, 100, 0, 0));
        assertThat(c.concurrency()).isEqualTo(new ConcurrencyConfig(true, 5, 50, Duration.ofMillis(30_000)));
        SluiceConfig d = ConfigLoader.parse("", Map.of("RATE_LIMIT_ENABLED", "1", "RATE_LIMIT_PER_MINUTE", "600",
                "UPSTREAM_CONCURRENCY_ENABLED", "1", "UPSTREAM_MAX_CONCURRENT", "20", "UPSTREAM_QUEUE_MAX", "0",
                "UPSTREAM_QUEUE_TIMEOUT_MS", "1500"));
        assertThat(d.rateLimits().perProvider()).isEqualTo(600);
        assertThat(d.concurrency()).isEqualTo(new ConcurrencyConfig(true, 20, 0, Duration.ofMillis(1500)));
        // Values without the switch do nothing: nothing throttles by surprise.
        assertThat(ConfigLoader.parse("", Map.of("RATE_LIMIT_PER_MINUTE", "5")).rateLimits().any()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("UPSTREAM_CONCURRENCY_ENABLED", "1",
                "UPSTREAM_MAX_CONCURRENT", "lots"))).hasMessage(
                "environment: UPSTREAM_MAX_CONCURRENT: \"lots\" (expected: an integer)");
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("UPSTREAM_CONCURRENCY_ENABLED", "1",
                "UPSTREAM_MAX_CONCURRENT", "0"))).hasMessageContaining("maxConcurrent: 0");
    }

    @Test
    void theFileWinsOverTheEnvironment() {
        SluiceConfig c = ConfigLoader.parse("""
                rateLimits: {global: 1000, perKey: 60, perClientKey: 30}
                concurrency: {maxConcurrent: 8, queueMax: 100, queueTimeout: 5s}
                resilience: {maxAttempts: 2, breakerFailures: 3, breakerOpen: 10s, sseKeepAlive: 0}
                """, Map.of("RATE_LIMIT_ENABLED", "1", "UPSTREAM_CONCURRENCY_ENABLED", "0"));
        assertThat(c.rateLimits()).isEqualTo(new RateLimitConfig(1000, 0, 60, 30));
        assertThat(c.concurrency()).isEqualTo(new ConcurrencyConfig(true, 8, 100, Duration.ofSeconds(5)));
        assertThat(c.resilience()).isEqualTo(new ResilienceConfig(2, 3, Duration.ofSeconds(10), Duration.ZERO));
    }

    @Test
    void providerLimits() {
        ProviderConfig p = ConfigLoader.parse("""
                providers:
                  openai:
                    apiKeys: [sk-a-0000000001, sk-b-0000000002]
                    strategy: weighted
                    weights: [3, 1]
                    rateLimit: 500
                    maxConcurrent: 4
                """, Map.of()).providers().get(0);
        assertThat(p.limits()).isEqualTo(new ProviderLimits("weighted", List.of(3, 1), 500, 4));
        assertThatThrownBy(() -> ConfigLoader.parse("providers:\n  openai:\n    strategy: random\n", Map.of()))
                .hasMessage("providers.openai.strategy: \"random\" (expected: one of round-robin, priority, "
                        + "least-busy, weighted)");
        assertThatThrownBy(() -> ConfigLoader.parse("providers:\n  openai:\n    apiKeys: [a-00000000001]\n"
                + "    strategy: weighted\n    weights: [1, 2]\n", Map.of()))
                .hasMessage("providers.openai.weights: \"[1, 2]\" (expected: one weight per key (1 keys))");
        assertThatThrownBy(() -> ConfigLoader.parse("providers:\n  openai:\n    strategy: weighted\n", Map.of()))
                .hasMessageContaining("weights: missing");
        assertThatThrownBy(() -> ConfigLoader.parse("resilience: {maxAttempts: 0}\n", Map.of()))
                .hasMessageContaining("resilience.maxAttempts: 0");
        assertThatThrownBy(() -> ConfigLoader.parse("rateLimits: {global: -1}\n", Map.of()))
                .hasMessageContaining("rateLimits.global: \"-1\"");
    }
}
