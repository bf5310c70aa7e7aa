package io.sluice.proxy.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The configuration in force. Built once at start; the admin API swaps its provider set at runtime
 * ({@code POST /api/monitoring/providers/:name/config}). A swap tells the subscribers in the order they subscribed
 * (the scheduler before the router, so that a route never names a provider without its keys), then makes the new
 * config current. Requests already routed keep the provider config and runtime they hold: a swap never disturbs a
 * stream in flight.
 */
public final class LiveConfig {

    private final List<Consumer<SluiceConfig>> subscribers = new CopyOnWriteArrayList<>();
    private volatile SluiceConfig current;

    public LiveConfig(SluiceConfig initial) {
        this.current = initial;
    }

    /** The config in force now. */
    public SluiceConfig current() {
        return current;
    }

    /** Calls {@code onSwap} with every later config, from the thread that swaps. */
    public void subscribe(Consumer<SluiceConfig> onSwap) {
        subscribers.add(onSwap);
    }

    /** Puts {@code next} in force: every subscriber first, in order, then {@link #current()}. One swap at a time. */
    public synchronized void swap(SluiceConfig next) {
        for (Consumer<SluiceConfig> s : subscribers) {
            s.accept(next);
        }
        current = next;
    }
}
