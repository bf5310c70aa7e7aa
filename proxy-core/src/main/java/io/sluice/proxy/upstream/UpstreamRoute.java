package io.sluice.proxy.upstream;

import io.sluice.proxy.config.ProxyUri;

/**
 * Where a pooled upstream connection goes: an origin, directly ({@code proxy} null) or through one proxy. The key of a
 * connection pool, so that a connection made through one proxy (or one pair of its credentials) is never reused for
 * another route, nor a direct one for a proxied one.
 */
public record UpstreamRoute(Origin origin, ProxyUri proxy) {

    public UpstreamRoute {
        if (proxy != null && proxy.isNone()) {
            proxy = null;
        }
    }

    public static UpstreamRoute direct(Origin origin) {
        return new UpstreamRoute(origin, null);
    }

    public boolean proxied() {
        return proxy != null;
    }

    /** {@code https://api.example.com via http://user:****@proxy:3128}; credentials masked. */
    @Override
    public String toString() {
        return proxy == null ? origin.toString() : origin + " via " + proxy.masked();
    }
}
