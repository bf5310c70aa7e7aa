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

    private volatile SluiceConfig config;
    /** Provider name to the runtime of its config in force; replaced whole when the provider set is swapped. */
    private volatile Map<String, ProviderRuntime> runtimes = Map.of();
    /** The runtimes the last swap replaced: a request routed just before it finishes its pick with them. */
    private volatile Map<String, ProviderRuntime> replaced = Map.of();
    private final AttemptFactory attempts;
    private final SluiceMetrics metrics;
    private final Operations ops;
    private final LongSupplier nanoClock;
    private final LongSupplier epochMillis;
    /** Shares key and breaker state with other instances; null in the embedded state. */
    private KeyEvents shared;
    private final Limiters limiters;

    /**
     * @param attempts    makes the exchange of each attempt (relay or mock)
     * @param nanoClock   the clock of keys, limits and breakers
     * @param epochMillis wall time, to read {@code Retry-After} dates
     */
    public AttemptScheduler(SluiceConfig config, AttemptFactory attempts, SluiceMetrics metrics, Operations ops,
                            LongSupplier nanoClock, LongSupplier epochMillis) {
        this(config, attempts, metrics, ops, Limiters.local(nanoClock), epochMillis);
    }

    /** @param limiters makes the providers' rate limiters (and holds the clock): shared across instances or not */
    public AttemptScheduler(SluiceConfig config, AttemptFactory attempts, SluiceMetrics metrics, Operations ops,
                            Limiters limiters, LongSupplier epochMillis) {
        LongSupplier nanoClock = limiters.nanos();
        this.limiters = limiters;
        this.attempts = attempts;
        this.metrics = metrics;
        this.ops = ops;
        this.nanoClock = nanoClock;
        this.epochMillis = epochMillis;
        reconfigure(config);
    }

    /**
     * Puts {@code next}'s providers in force: a provider whose config is unchanged keeps its runtime (keys cooling,
     * breaker, limits, gate); a new or changed one gets a fresh runtime. Exchanges in flight keep the runtime they
     * hold, so their keys and gate slots go back where they came from.
     */
    public synchronized void reconfigure(SluiceConfig next) {
        Map<String, ProviderRuntime> old = runtimes;
        Map<String, ProviderRuntime> fresh = new HashMap<>();
        Map<String, ProviderRuntime> gone = new HashMap<>();
        for (ProviderConfig p : next.providers()) {
            if (p.isMock()) {
                metrics.gate(p.name(), () -> 0, () -> 0);
                continue;
            }
            ProviderRuntime rt = old.get(p.name());
            if (rt == null || !rt.provider().equals(p)) {
                if (rt != null) {
                    gone.put(p.name(), rt);
                }
                rt = new ProviderRuntime(p, next.resilience(), next.rateLimits(), next.concurrency(), limiters);
                if (shared != null) {
                    shared.adopt(rt);
                }
            }
            fresh.put(p.name(), rt);
            // Every provider has the gauges from the start: 0 without a gate (the seed's upstream_queue_length).
            // They read the runtime in force, whichever it is by then.
            String name = p.name();
            metrics.gate(name, () -> gateCount(name, true), () -> gateCount(name, false));
        }
        old.forEach((name, rt) -> {
            if (!fresh.containsKey(name)) {
                gone.put(name, rt);
            }
        });
        this.config = next;
        this.replaced = Map.copyOf(gone);
        this.runtimes = Map.copyOf(fresh);
    }

    /**
     * Shares the key penalties and breaker transitions of every provider, now and after each swap, through
     * {@code events}. Called once, by the composition root.
     */
    public synchronized void share(KeyEvents events) {
        this.shared = events;
        runtimes.values().forEach(events::adopt);
    }

    /** The runtime in force for the provider named {@code name}, or null. */
    ProviderRuntime current(String name) {
        return runtimes.get(name);
    }

    /** The runtimes in force. */
    java.util.Collection<ProviderRuntime> current() {
        return runtimes.values();
    }

    private int gateCount(String provider, boolean active) {
        ProviderRuntime rt = runtimes.get(provider);
        ConcurrencyGate gate = rt == null ? null : rt.gate();
        return gate == null ? 0 : active ? gate.active() : gate.queued();
    }

    /**
     * The scheduling state of provider {@code p} as this config of it has it; null for the mock, which has none,
     * and for a config of it no longer in force nor just replaced (a request routed two swaps ago).
     */
    public ProviderRuntime runtime(ProviderConfig p) {
        ProviderRuntime rt = runtimes.get(p.name());
        if (rt != null && rt.provider() == p) {
            return rt;
        }
        if (rt != null && rt.provider().equals(p)) {
            return rt;
        }
        rt = replaced.get(p.name());
        return rt != null && rt.provider().equals(p) ? rt : null;
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
