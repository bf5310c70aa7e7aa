package io.sluice.proxy.config;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration, built and validated once at startup by {@link ConfigLoader}.
 *
 * @param server    the client-facing listener
 * @param upstream  connections to providers
 * @param providers every configured provider, enabled or not, in file order; names are unique
 * @param routing   aliases, wildcards and combos
 */
public record SluiceConfig(ServerConfig server, UpstreamConfig upstream, List<ProviderConfig> providers,
                           RoutingConfig routing) {

    public SluiceConfig {
        Check.notNull("server", server, "server settings");
        Check.notNull("upstream", upstream, "upstream settings");
        routing = routing == null ? RoutingConfig.empty() : routing;
        providers = providers == null ? List.of() : List.copyOf(providers);
        Set<String> names = new HashSet<>();
        for (ProviderConfig p : providers) {
            if (!names.add(p.name())) {
                throw ConfigException.invalid("providers", p.name(), "unique provider names");
            }
        }
    }

    public SluiceConfig(ServerConfig server, UpstreamConfig upstream, List<ProviderConfig> providers) {
        this(server, upstream, providers, null);
    }

    /** Default server and upstream settings, no providers. */
    public static SluiceConfig defaults() {
        return new SluiceConfig(ServerConfig.defaults(), UpstreamConfig.defaults(), List.of());
    }

    public Optional<ProviderConfig> provider(String name) {
        return providers.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The providers with {@code enabled: true}, in file order. */
    public List<ProviderConfig> enabledProviders() {
        return providers.stream().filter(ProviderConfig::enabled).toList();
    }

    public SluiceConfig withServer(ServerConfig newServer) {
        return new SluiceConfig(newServer, upstream, providers, routing);
    }

    public SluiceConfig withUpstream(UpstreamConfig newUpstream) {
        return new SluiceConfig(server, newUpstream, providers, routing);
    }

    public SluiceConfig withRouting(RoutingConfig newRouting) {
        return new SluiceConfig(server, upstream, providers, newRouting);
    }

    public SluiceConfig withProviders(List<ProviderConfig> newProviders) {
        return new SluiceConfig(server, upstream, newProviders, routing);
    }
}
