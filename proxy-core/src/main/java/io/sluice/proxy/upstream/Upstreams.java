package io.sluice.proxy.upstream;

import io.sluice.providers.ProviderCatalog;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.config.UpstreamConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * What every upstream relay of one server shares, built once: the per-event-loop pools, the providers' origins,
 * the Copilot token cache, the timeouts and the upstream metrics.
 */
public final class Upstreams {

    /** The {@code User-Agent} Sluice sends upstream. */
    public static final String USER_AGENT = "sluice/0.1";

    private final UpstreamPools pools;
    private final UpstreamConfig config;
    private final SluiceMetrics metrics;
    private final Map<String, Origin> origins = new HashMap<>();
    private final CopilotTokens copilotTokens = new CopilotTokens(
            ProviderCatalog.get().byType("github-copilot").headers(), System::currentTimeMillis);

    public Upstreams(SluiceConfig config, UpstreamPools pools, SluiceMetrics metrics) {
        this.pools = pools;
        this.config = config.upstream();
        this.metrics = metrics;
        for (ProviderConfig p : config.providers()) {
            if (p.baseUrl() != null) {
                origins.put(p.name(), Origin.of(p.baseUrl()));
            }
        }
    }

    public UpstreamPools pools() {
        return pools;
    }

    public UpstreamConfig config() {
        return config;
    }

    public SluiceMetrics metrics() {
        return metrics;
    }

    /** The origin of provider {@code p}'s base URL. */
    public Origin origin(ProviderConfig p) {
        return origins.get(p.name());
    }

    /** The origin of {@code target}: the provider's own when it is its base URL, else one for that URI. */
    public Origin origin(ProviderConfig p, URI target) {
        if (target.equals(p.baseUrl())) {
            return origins.get(p.name());
        }
        return Origin.of(target);
    }

    /** The Copilot token cache every github-copilot provider of this server shares. */
    public CopilotTokens copilotTokens() {
        return copilotTokens;
    }
}
