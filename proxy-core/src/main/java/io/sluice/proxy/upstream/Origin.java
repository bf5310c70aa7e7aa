package io.sluice.proxy.upstream;

import java.net.URI;
import java.util.Locale;

/** scheme://host:port of an upstream; the key of a connection pool. */
public record Origin(boolean tls, String host, int port) {

    public static Origin of(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        return new Origin(tls, uri.getHost(), port);
    }

    /** The Host header: the port is left out when it is the scheme's default. */
    public String hostHeader() {
        boolean defaultPort = tls ? port == 443 : port == 80;
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? '[' + host + ']' : host;
        return defaultPort ? h : h + ':' + port;
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + hostHeader();
    }
}
