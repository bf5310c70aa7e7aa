package io.sluice.proxy.route;

import io.sluice.proxy.config.SluiceConfig;
import java.util.List;
import java.util.Map;

/**
 * The router in force: built at start, swapped whole when discovered model lists change or the provider set is
 * reconfigured. Requests already routed keep the route they have.
 */
public final class Routing {

    private SluiceConfig config;
    private Map<String, List<String>> discovered = Map.of();
    private volatile ModelRouter router;

    public Routing(SluiceConfig config) {
        this.config = config;
        this.router = new ModelRouter(config);
    }

    public ModelRouter router() {
        return router;
    }

    /** Serves newly discovered model lists (provider name to model ids). */
    public synchronized void discovered(Map<String, List<String>> models) {
        discovered = Map.copyOf(models);
        router = new ModelRouter(config, discovered);
    }

    /** Routes with {@code next}'s providers from now on, with the lists discovered so far for the unchanged ones. */
    public synchronized void reconfigure(SluiceConfig next) {
        config = next;
        router = new ModelRouter(next, discovered);
    }
}
