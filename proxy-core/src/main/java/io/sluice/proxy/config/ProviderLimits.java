package io.sluice.proxy.config;

import java.util.List;
import java.util.Locale;

/**
 * A provider's own scheduling settings.
 *
 * @param strategy      how keys are picked: round-robin (default), priority (first usable in order), least-busy
 *                      (fewest in flight), weighted
 * @param weights       one positive weight per key, for weighted; empty otherwise
 * @param rateLimit     requests per minute to this provider, overriding {@code rateLimits.perProvider}; -1 = inherit
 * @param maxConcurrent upstream calls at once to this provider, overriding {@code concurrency.maxConcurrent} and
 *                      turning the gate on for it; 0 = inherit
 */
public record ProviderLimits(String strategy, List<Integer> weights, long rateLimit, int maxConcurrent) {

    public static final List<String> STRATEGIES = List.of("round-robin", "priority", "least-busy", "weighted");

    public ProviderLimits {
        strategy = strategy == null ? "round-robin" : strategy.toLowerCase(Locale.ROOT);
        if (!STRATEGIES.contains(strategy)) {
            throw ConfigException.invalid("strategy", strategy, "one of " + String.join(", ", STRATEGIES));
        }
        weights = weights == null ? List.of() : List.copyOf(weights);
        for (int i = 0; i < weights.size(); i++) {
            if (weights.get(i) == null || weights.get(i) < 1 || weights.get(i) > 1000) {
                throw ConfigException.invalid("weights[" + i + "]", String.valueOf(weights.get(i)),
                        "an integer from 1 to 1000");
            }
        }
        if (strategy.equals("weighted") && weights.isEmpty()) {
            throw ConfigException.missing("weights", "one weight per key for strategy weighted");
        }
        if (rateLimit < -1 || rateLimit > 100_000_000L) {
            throw ConfigException.invalid("rateLimit", String.valueOf(rateLimit),
                    "requests per minute, 0 to 100000000");
        }
        Check.range("maxConcurrent", maxConcurrent, 0, 1_000_000);
    }

    public static ProviderLimits defaults() {
        return new ProviderLimits(null, List.of(), -1, 0);
    }
}
