package io.sluice.proxy.route;

import io.sluice.providers.ModelCapabilities;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The router in force: built at start, swapped whole when discovered model lists change or the provider set is
 * reconfigured. Requests already routed keep the route they have.
 */
public final class Routing {

    private SluiceConfig config;
    private Map<String, List<String>> discovered = Map.of();
    private volatile ModelRouter router;
    private volatile Map<String, Map<String, ModelCapabilities>> reported = Map.of();

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

    /** Serves what providers' model lists reported of their models (provider name to lowercased id to it). */
    public void discoveredCapabilities(Map<String, Map<String, ModelCapabilities>> capabilities) {
        reported = Map.copyOf(capabilities);
    }

    /**
     * What is known of {@code p}'s {@code model}: the built-in catalog's figures and flags, with what the provider's
     * own model list reported laid over them.
     */
    public ModelCapabilities capabilities(ProviderConfig p, String model) {
        ModelCapabilities catalog = p.descriptor().modelCapabilities(model);
        Map<String, ModelCapabilities> own = reported.get(p.name());
        return own == null || model == null ? catalog : catalog.with(own.get(model.toLowerCase(Locale.ROOT)));
    }

    /** Routes with {@code next}'s providers from now on, with the lists discovered so far for the unchanged ones. */
    public synchronized void reconfigure(SluiceConfig next) {
        config = next;
        router = new ModelRouter(next, discovered);
    }
}
