package io.sluice.proxy.schedule;

import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.exchange.AttemptFactory;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.RequestPlanner;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.route.ModelRouter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The scheduler of one server: the runtime state of every provider (keys, breaker, limits, gate), and the
 * {@link AttemptLoop} that takes each model request through it. Built once by the composition root.
 */
public final class AttemptScheduler {

    private final SluiceConfig config;
    private final Map<String, ProviderRuntime> runtimes = new HashMap<>();
    private final AttemptFactory attempts;
    private final SluiceMetrics metrics;
    private final Operations ops;
    private final LongSupplier epochMillis;

    /**
     * @param attempts    makes the exchange of each attempt (relay or mock)
     * @param nanoClock   the clock of keys, limits and breakers
     * @param epochMillis wall time, to read {@code Retry-After} dates
     */
    public AttemptScheduler(SluiceConfig config, AttemptFactory attempts, SluiceMetrics metrics, Operations ops,
                            LongSupplier nanoClock, LongSupplier epochMillis) {
        this.config = config;
        this.attempts = attempts;
        this.metrics = metrics;
        this.ops = ops;
        this.epochMillis = epochMillis;
        for (ProviderConfig p : config.providers()) {
            ProviderRuntime rt = null;
            if (!p.isMock()) {
                rt = new ProviderRuntime(p, config.resilience(), config.rateLimits(), config.concurrency(),
                        nanoClock);
                runtimes.put(p.name(), rt);
            }
            // Every provider has the gauges from the start: 0 without a gate (the seed's upstream_queue_length).
            if (rt != null && rt.gate() != null) {
                metrics.gate(p.name(), rt.gate()::active, rt.gate()::queued);
            } else {
                metrics.gate(p.name(), () -> 0, () -> 0);
            }
        }
    }

    /** The scheduling state of provider {@code p}; null for the mock, which has none. */
    public ProviderRuntime runtime(ProviderConfig p) {
        return runtimes.get(p.name());
    }

    /**
     * The exchange that answers a planned model request along {@code route} (its target, then its fallbacks).
     *
     * @param first the request already planned for the route's primary target (owned from here on)
     */
    public Exchange exchange(RequestPlanner planner, UpstreamRequest first, ModelRouter.Route route,
                             ResponseSink client) {
        return new AttemptLoop(this, planner, first, route, client);
    }

    SluiceConfig config() {
        return config;
    }

    AttemptFactory attempts() {
        return attempts;
    }

    SluiceMetrics metrics() {
        return metrics;
    }

    Operations ops() {
        return ops;
    }

    long epochMillis() {
        return epochMillis.getAsLong();
    }
}
