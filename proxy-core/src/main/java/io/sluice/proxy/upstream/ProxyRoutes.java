package io.sluice.proxy.upstream;

import io.sluice.proxy.config.ProxySettings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One value of the proxy setting and the routes it gives, worked out once per provider and origin (the no-proxy
 * rules are not matched again on every request). Replaced whole when the setting changes.
 */
final class ProxyRoutes {

    /** More keys than providers × origins ever make; past it the cache starts over rather than grow. */
    private static final int MAX_CACHED = 4096;

    private record Key(String provider, Origin origin) {
    }

    private final ProxySettings settings;
    private final Map<Key, UpstreamRoute> cache = new ConcurrentHashMap<>();

    ProxyRoutes(ProxySettings settings) {
        this.settings = settings;
    }

    ProxySettings settings() {
        return settings;
    }

    UpstreamRoute route(String provider, Origin origin) {
        Key k = new Key(provider, origin);
        UpstreamRoute r = cache.get(k);
        if (r == null) {
            r = new UpstreamRoute(origin, settings.route(provider, origin.tls(), origin.host(), origin.port()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(k, r);
        }
        return r;
    }
}
