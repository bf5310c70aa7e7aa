package io.sluice.proxy.schedule;

import io.sluice.proxy.config.ConcurrencyConfig;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.RateLimitConfig;
import io.sluice.proxy.config.ResilienceConfig;
import java.util.function.LongSupplier;

/**
 * The live scheduling state of one provider, built once at start: its keys, circuit breaker, rate limiters and
 * concurrency gate. Shared by every event loop; every part is lock-free.
 */
public final class ProviderRuntime {

    private final ProviderConfig provider;
    private final KeyScheduler keys;
    private final CircuitBreaker breaker;
    private final RateLimiter limiter;
    private final RateLimiter[] keyLimiters;
    private final ConcurrencyGate gate;

    public ProviderRuntime(ProviderConfig p, ResilienceConfig resilience, RateLimitConfig limits,
                           ConcurrencyConfig concurrency, LongSupplier nanoClock) {
        this(p, resilience, limits, concurrency, Limiters.local(nanoClock));
    }

    /** @param limiters makes the provider's and its keys' rate limiters, shared across instances or not */
    public ProviderRuntime(ProviderConfig p, ResilienceConfig resilience, RateLimitConfig limits,
                           ConcurrencyConfig concurrency, Limiters limiters) {
        LongSupplier nanoClock = limiters.nanos();
        this.provider = p;
        int[] weights = p.limits().weights().isEmpty() ? null
                : p.limits().weights().stream().mapToInt(Integer::intValue).toArray();
        this.keys = new KeyScheduler(p.name(), p.keyNames(), Strategy.parse(p.limits().strategy()), weights,
                nanoClock);
        this.breaker = new CircuitBreaker(resilience.breakerFailures(), resilience.breakerOpen().toNanos(),
                nanoClock);
        // The provider's own setting, else the global one, else its type's (GitHub Models' free tier).
        long perMinute = p.limits().rateLimit() >= 0 ? p.limits().rateLimit()
                : limits.perProvider() > 0 ? limits.perProvider() : p.descriptor().defaultRateLimit();
        this.limiter = limiters.limiter("provider:" + p.name(), perMinute);
        if (limits.perKey() > 0) {
            keyLimiters = new RateLimiter[p.apiKeys().size()];
            for (int i = 0; i < keyLimiters.length; i++) {
                // The key's index, never the key: its name may be the secret's masked form only
                keyLimiters[i] = limiters.limiter("key:" + p.name() + ":" + i, limits.perKey());
            }
        } else {
            keyLimiters = null;
        }
        int max = p.limits().maxConcurrent() > 0 ? p.limits().maxConcurrent()
                : concurrency.enabled() ? concurrency.maxConcurrent() : p.descriptor().defaultMaxConcurrent();
        this.gate = max > 0 ? new ConcurrencyGate(max, concurrency.queueMax(), concurrency.queueTimeout().toNanos())
                : null;
    }

    public ProviderConfig provider() {
        return provider;
    }

    public KeyScheduler keys() {
        return keys;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The provider's request limiter, or null when it has none. */
    public RateLimiter limiter() {
        return limiter;
    }

    /** Key {@code i}'s request limiter, or null when keys have none. */
    public RateLimiter keyLimiter(int i) {
        return keyLimiters == null ? null : keyLimiters[i];
    }

    /** The concurrency gate, or null when calls to this provider are not limited. */
    public ConcurrencyGate gate() {
        return gate;
    }
}
