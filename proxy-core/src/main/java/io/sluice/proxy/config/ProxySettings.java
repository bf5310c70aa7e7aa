package io.sluice.proxy.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which outbound proxy each upstream connection goes through: the runtime setting {@code proxy}
 * ({@code GET/PUT /api/settings/proxy}), starting from {@code upstream.proxy}, {@code upstream.noProxy},
 * {@code providers.<name>.proxy} and the environment's {@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code ALL_PROXY}
 * and {@code NO_PROXY}.
 *
 * <p>Precedence for a connection of provider {@code p} to {@code host:port} ({@link #route}): {@code providers[p]}
 * when set ({@code none}: direct), never subject to {@link #noProxy}; else {@code global} when set ({@code none}:
 * direct, the environment ignored); else {@code httpsProxy} for an https provider, {@code httpProxy} for a plain
 * http one; either of the last two is skipped for a host {@link #noProxy} matches.
 *
 * @param enabled    false sends everything direct, whatever else is set (the rest is kept)
 * @param global     {@code upstream.proxy}: every provider's proxy, or {@link ProxyUri#NONE}, or null for unset
 * @param httpsProxy for https providers when {@code global} is unset ({@code HTTPS_PROXY}, else {@code ALL_PROXY})
 * @param httpProxy  for plain http providers when {@code global} is unset ({@code HTTP_PROXY}, else
 *                   {@code ALL_PROXY})
 * @param noProxy    hosts reached directly rather than through {@code global}, {@code httpsProxy} or
 *                   {@code httpProxy}
 * @param providers  a provider's own proxy by provider name, {@link ProxyUri#NONE} for direct
 */
public record ProxySettings(boolean enabled, ProxyUri global, ProxyUri httpsProxy, ProxyUri httpProxy,
                            NoProxy noProxy, Map<String, ProxyUri> providers) {

    /** Where a connection's proxy came from, for the test action and logs. */
    public record Choice(ProxyUri proxy, String because) {
        /** The proxy to go through, or null to connect directly. */
        public ProxyUri proxyOrNull() {
            return proxy == null || proxy.isNone() ? null : proxy;
        }
    }

    public ProxySettings {
        noProxy = noProxy == null ? NoProxy.EMPTY : noProxy;
        providers = providers == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(providers));
    }

    /** No proxy anywhere: every connection direct. */
    public static ProxySettings none() {
        return new ProxySettings(true, null, null, null, NoProxy.EMPTY, Map.of());
    }

    /** Whether any proxy is set at all. */
    public boolean any() {
        boolean shared = global != null ? isProxy(global) : isProxy(httpsProxy) || isProxy(httpProxy);
        return enabled && (shared || providers.values().stream().anyMatch(ProxySettings::isProxy));
    }

    private static boolean isProxy(ProxyUri p) {
        return p != null && !p.isNone();
    }

    /**
     * The proxy for a connection of provider {@code provider} to {@code host:port} ({@code tls}: an https
     * provider), or null to connect directly.
     */
    public ProxyUri route(String provider, boolean tls, String host, int port) {
        return choose(provider, tls, host, port).proxyOrNull();
    }

    /** {@link #route}, with the reason. */
    public Choice choose(String provider, boolean tls, String host, int port) {
        if (!enabled) {
            return new Choice(null, "the proxy setting is disabled");
        }
        ProxyUri own = provider == null ? null : providers.get(provider);
        if (own != null) {
            return new Choice(own, "providers." + provider + ".proxy");
        }
        ProxyUri g = global;
        String from = "upstream.proxy";
        if (g == null) {
            g = tls ? httpsProxy : httpProxy;
            from = tls ? "httpsProxy" : "httpProxy";
        }
        if (g == null) {
            return new Choice(null, "no proxy set");
        }
        if (g.isNone()) {
            return new Choice(g, from + " is none");
        }
        if (noProxy.matches(host, port)) {
            return new Choice(null, "noProxy matches " + host);
        }
        return new Choice(g, from);
    }

    /**
     * This value with every masked password ({@code ****}, as {@code GET} shows it and a client may send back)
     * replaced by the password of the same proxy and user in {@code inForce}; a masked password with no such proxy
     * in force is refused, naming the field.
     */
    public ProxySettings unmaskedFrom(ProxySettings inForce) {
        Map<String, ProxyUri> own = new LinkedHashMap<>();
        providers.forEach((name, p) -> own.put(name, unmask("providers." + name, p, inForce)));
        return new ProxySettings(enabled, unmask("global", global, inForce), unmask("httpsProxy", httpsProxy, inForce),
                unmask("httpProxy", httpProxy, inForce), noProxy, own);
    }

    private static ProxyUri unmask(String field, ProxyUri p, ProxySettings inForce) {
        if (p == null || !p.passwordMasked()) {
            return p;
        }
        if (inForce != null) {
            for (ProxyUri q : inForce.all()) {
                ProxyUri u = p.withPasswordOf(q);
                if (u != null && !q.passwordMasked()) {
                    return u;
                }
            }
        }
        throw ConfigException.invalid(field, p.masked(), "the password, or " + ProxyUri.MASKED_PASSWORD
                + " only for a proxy and user already in force (to keep its password)");
    }

    private List<ProxyUri> all() {
        List<ProxyUri> out = new ArrayList<>();
        for (ProxyUri p : new ProxyUri[] {global, httpsProxy, httpProxy}) {
            if (isProxy(p)) {
                out.add(p);
            }
        }
        providers.values().stream().filter(ProxySettings::isProxy).forEach(out::add);
        return out;
    }

    @Override
    public String toString() {
        return "ProxySettings[enabled=" + enabled + ", global=" + global + ", httpsProxy=" + httpsProxy
                + ", httpProxy=" + httpProxy + ", noProxy=" + noProxy + ", providers=" + providers + "]";
    }
}
