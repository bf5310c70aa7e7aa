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
 * @param resilience  retries, fallback, circuit breaker, SSE keep-alive
 * @param rateLimits  requests per minute, off unless configured
 * @param concurrency the upstream concurrency gate, off unless configured
 * @param ops         usage accounting and logs
 * @param access      client keys and IP rules
 * @param services    the request services around routing (the Claude CLI bypass, ...)
 * @param state       where several instances share state; the embedded single-instance state unless configured
 */
public record SluiceConfig(ServerConfig server, UpstreamConfig upstream, List<ProviderConfig> providers,
                           RoutingConfig routing, ResilienceConfig resilience, RateLimitConfig rateLimits,
                           ConcurrencyConfig concurrency, OpsConfig ops, AccessConfig access,
                           ServicesConfig services, StateConfig state) {

    public SluiceConfig {
        state = state == null ? StateConfig.embedded() : state;
        services = services == null ? ServicesConfig.defaults() : services;
        ops = ops == null ? OpsConfig.defaults() : ops;
        access = access == null ? AccessConfig.open() : access;
        Check.notNull("server", server, "server settings");
        Check.notNull("upstream", upstream, "upstream settings");
        routing = routing == null ? RoutingConfig.empty() : routing;
        resilience = resilience == null ? ResilienceConfig.defaults() : resilience;
        rateLimits = rateLimits == null ? RateLimitConfig.off() : rateLimits;
        concurrency = concurrency == null ? ConcurrencyConfig.off() : concurrency;
        providers = providers == null ? List.of() : List.copyOf(providers);
        Set<String> names = new HashSet<>();
        for (ProviderConfig p : providers) {
            if (!names.add(p.name())) {
                throw ConfigException.invalid("providers", p.name(), "unique provider names");
            }
        }
        checkAdminKeyApart(server.adminKey(), access);
    }

    /**
     * The admin key opens the admin API (keys, logs, settings); a client key only the model routes. The same value as
     * both would hand every holder of that client key the admin API, or make the admin key's unrestricted client use
     * look like the named key's: refused.
     */
    private static void checkAdminKeyApart(String adminKey, AccessConfig access) {
        if (adminKey == null || access.clientKeys().isEmpty()) {
            return;
        }
        String hash = Secrets.sha256Hex(adminKey);
        for (ClientKeyConfig k : access.clientKeys()) {
            if (k.sha256().equals(hash)) {
                throw ConfigException.at("access.clientKeys." + k.name(), "the same key as server.adminKey"
                        + " (expected: a client key different from the admin key, which opens the admin API)");
            }
        }
    }

    /** Everything but {@code state}: the embedded single-instance state. */
    public SluiceConfig(ServerConfig server, UpstreamConfig upstream, List<ProviderConfig> providers,
                        RoutingConfig routing, ResilienceConfig resilience, RateLimitConfig rateLimits,
                        ConcurrencyConfig concurrency, OpsConfig ops, AccessConfig access, ServicesConfig services) {
        this(server, upstream, providers, routing, resilience, rateLimits, concurrency, ops, access, services, null);
    }

    public SluiceConfig(ServerConfig server, UpstreamConfig upstream, List<ProviderConfig> providers) {
        this(server, upstream, providers, null, null, null, null, null, null, null);
    }

    public SluiceConfig(ServerConfig server, UpstreamConfig upstream, List<ProviderConfig> providers,
                        RoutingConfig routing) {
        this(server, upstream, providers, routing, null, null, null, null, null, null);
    }

    /** Default server and upstream settings, no providers. */
    public static SluiceConfig defaults() {
        return new SluiceConfig(ServerConfig.defaults(), UpstreamConfig.defaults(), List.of());
    }

    public Optional<ProviderConfig> provider(String name) {
        Optional<ProviderConfig> exact = providers.stream().filter(p -> p.name().equals(name)).findFirst();
        if (exact.isPresent() || name == null) {
            return exact;
        }
        return Optional.ofNullable(onlyOfType(providers, name));
    }

    /**
     * The one provider among {@code among} whose type (or a seed spelling of it: google, atlas, githubcopilot,
     * claude_code, cursor_agent, lead_worker) {@code name} is, whatever it is called here; null for none or several.
     */
    public static ProviderConfig onlyOfType(java.util.Collection<ProviderConfig> among, String name) {
        List<ProviderConfig> ofType = among.stream().filter(p -> namesType(p, name)).toList();
        return ofType.size() == 1 ? ofType.get(0) : null;
    }

    /** Whether {@code name} is {@code p}'s type or one of the type's aliases (case-insensitive). */
    public static boolean namesType(ProviderConfig p, String name) {
        return p.descriptor().id().equalsIgnoreCase(name)
                || p.descriptor().aliases().stream().anyMatch(a -> a.equalsIgnoreCase(name));
    }

    /** The providers with {@code enabled: true}, in file order. */
    public List<ProviderConfig> enabledProviders() {
        return providers.stream().filter(ProviderConfig::enabled).toList();
    }

    public SluiceConfig withServer(ServerConfig newServer) {
        return new SluiceConfig(newServer, upstream, providers, routing,
                resilience, rateLimits, concurrency, ops, access, services, state);
    }

    public SluiceConfig withUpstream(UpstreamConfig newUpstream) {
        return new SluiceConfig(server, newUpstream, providers, routing,
                resilience, rateLimits, concurrency, ops, access, services, state);
    }

    public SluiceConfig withProviders(List<ProviderConfig> newProviders) {
        return new SluiceConfig(server, upstream, newProviders, routing,
                resilience, rateLimits, concurrency, ops, access, services, state);
    }

    /** Before the ops settings existed: defaults for them. */
    public SluiceConfig(ServerConfig server, UpstreamConfig upstream, List<ProviderConfig> providers,
                        RoutingConfig routing, ResilienceConfig resilience, RateLimitConfig rateLimits,
                        ConcurrencyConfig concurrency) {
        this(server, upstream, providers, routing, resilience, rateLimits, concurrency, null, null, null);
    }
}
