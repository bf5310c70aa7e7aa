package io.sluice.proxy.route;

import io.sluice.proxy.config.SluiceConfig;
import java.util.List;
import java.util.Map;

/**
 * The router in force: built at start, swapped whole when discovered model lists change. Requests already routed
 * keep the route they have.
 */
public final class Routing {

    private final SluiceConfig config;
    private volatile ModelRouter router;

    public Routing(SluiceConfig config) {
        this.config = config;
        this.router = new ModelRouter(config);
    }

    public ModelRouter router() {
        return router;
    }

    /** Serves newly discovered model lists (provider name to model ids). */
    public void discovered(Map<String, List<String>> models) {
        router = new ModelRouter(config, models);
    }
}
