package io.sluice.proxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An outbound proxy Sluice connects to providers through ({@code upstream.proxy}, {@code providers.<name>.proxy},
 * {@code HTTPS_PROXY}, ...): {@code http://[user:password@]host[:port]} (HTTP CONNECT), {@code socks5://} (SOCKS5,
 * the provider's name resolved by Sluice, as curl does), {@code socks5h://} (SOCKS5, the name resolved by the proxy),
 * or {@link #NONE}, a direct connection. Credentials may be percent-encoded, as in any URL.
 *
 * <p>{@link #toString()} masks the password: this record ends up in logs, errors and the admin API. Equality includes
 * the credentials, so a connection made with one pair is never pooled with one made with another.
 *
 * @param kind     how to talk to the proxy
 * @param host     the proxy's host (an IPv6 literal without brackets); null for {@link #NONE}
 * @param port     the proxy's port
 * @param username the user name, or null for none
 * @param password the password (empty when only a user is given), or null for none
 */
public record ProxyUri(Kind kind, String host, int port, String username, String password) {

    /** How Sluice talks to a proxy. */
    public enum Kind {
        /** No proxy: connect directly (the word {@code none} in config). */
        NONE,
        /** An HTTP proxy; every target is reached through a {@code CONNECT} tunnel. */
        HTTP,
        /** SOCKS5; the target's name is resolved by Sluice and its address sent. */
        SOCKS5,
        /** SOCKS5; the target's name is sent and resolved by the proxy. */
        SOCKS5H
    }

    /** A direct connection, bypassing any proxy that would otherwise apply. */
    public static final ProxyUri NONE = new ProxyUri(Kind.NONE, null, 0, null, null);
    /** What the config says for {@link #NONE}. */
    public static final String NONE_TEXT = "none";
    /** What {@code GET} shows for a password, and what a {@code PUT} may send back to keep the one in force. */
    public static final String MASKED_PASSWORD = Secrets.HIDDEN;
    public static final int DEFAULT_HTTP_PORT = 80;
    public static final int DEFAULT_SOCKS_PORT = 1080;
    public static final String EXPECTED = "http://[user:password@]host:port, socks5://..., socks5h://... or none";

    public ProxyUri {
        if (kind == null) {
            throw ConfigException.missing("kind", "HTTP, SOCKS5, SOCKS5H or NONE");
        }
        if (kind != Kind.NONE) {
            if (host == null || host.isBlank()) {
                throw ConfigException.missing("host", "the proxy's host");
            }
            Check.range("port", port, 1, 65_535);
        }
    }

    /**
     * Parses {@code text}; {@code none} (or {@code direct}) is {@link #NONE}; a URL without a scheme is an HTTP proxy
     * ({@code proxy.corp:3128}, as curl and Go read it). Errors name {@code key} and show the value masked.
     */
    public static ProxyUri parse(String key, String text) {
        if (text == null) {
            throw ConfigException.missing(key, EXPECTED);
        }
        String s = text.strip();
        String low = s.toLowerCase(Locale.ROOT);
        if (low.equals(NONE_TEXT) || low.equals("direct")) {
            return NONE;
        }
        if (!low.contains("://")) {
            s = "http://" + s;
        }
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            throw ConfigException.invalid(key, maskText(text), EXPECTED + "; " + e.getReason()
                    + " (credentials with reserved characters must be percent-encoded)");
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        Kind kind = switch (scheme) {
            case "http" -> Kind.HTTP;
            case "socks5" -> Kind.SOCKS5;
            case "socks5h" -> Kind.SOCKS5H;
            case "https" -> throw ConfigException.invalid(key, maskText(text), EXPECTED
                    + "; TLS to the proxy itself is not supported: use http:// (the tunnel inside is still TLS)");
            default -> throw ConfigException.invalid(key, maskText(text), EXPECTED);
        };
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw ConfigException.invalid(key, maskText(text), EXPECTED + "; no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String path = u.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || u.getRawQuery() != null
                || u.getRawFragment() != null) {
            throw ConfigException.invalid(key, maskText(text), EXPECTED + "; no path or query");
        }
        int port = u.getPort() > 0 ? u.getPort() : kind == Kind.HTTP ? DEFAULT_HTTP_PORT : DEFAULT_SOCKS_PORT;
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        String h = host;
        int p = port;
        String us = user;
        String pw = password;
        try {
            return new ProxyUri(kind, h, p, us, pw);
        } catch (ConfigException e) {
            throw ConfigException.invalid(key, maskText(text), EXPECTED + "; " + e.getMessage());
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Whether this is a direct connection. */
    public boolean isNone() {
        return kind == Kind.NONE;
    }

    public boolean hasCredentials() {
        return username != null;
    }

    /** {@code http://host:port}, no credentials: a metrics label, the proxy's name in a message. */
    public String address() {
        if (kind == Kind.NONE) {
            return NONE_TEXT;
        }
        return scheme() + "://" + hostForUrl() + ':' + port;
    }

    /** {@code http://user:****@host:port}: what logs, errors and the admin API show. */
    public String masked() {
        return render(true);
    }

    /** The URL with its credentials, percent-encoded: what a kept setting holds. Never log it. */
    public String unmasked() {
        return render(false);
    }

    private String render(boolean mask) {
        if (kind == Kind.NONE) {
            return NONE_TEXT;
        }
        StringBuilder b = new StringBuilder(scheme()).append("://");
        if (username != null) {
            b.append(encode(username));
            if (password != null && !password.isEmpty()) {
                b.append(':').append(mask ? MASKED_PASSWORD : encode(password));
            }
            b.append('@');
        }
        return b.append(hostForUrl()).append(':').append(port).toString();
    }

    private String scheme() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private String hostForUrl() {
        return host.indexOf(':') >= 0 ? '[' + host + ']' : host;
    }

    /** Whether {@code other} is this proxy, but for the password. */
    public boolean sameEndpointAndUser(ProxyUri other) {
        return other != null && kind == other.kind && port == other.port && host.equalsIgnoreCase(other.host)
                && java.util.Objects.equals(username, other.username);
    }

    /**
     * This proxy with the password of {@code inForce} when its own is {@link #MASKED_PASSWORD} (a value read back
     * from {@code GET} and sent again), or null when {@code inForce} is not the same proxy and user.
     */
    public ProxyUri withPasswordOf(ProxyUri inForce) {
        return sameEndpointAndUser(inForce) ? new ProxyUri(kind, host, port, username, inForce.password) : null;
    }

    /** Whether the password is the mask {@code GET} shows rather than a password. */
    public boolean passwordMasked() {
        return MASKED_PASSWORD.equals(password);
    }

    /**
     * {@code text}, a proxy URL that may not even parse, with whatever stands before its last {@code @} hidden: an
     * error message must never carry a password.
     */
    public static String maskText(String text) {
        if (text == null) {
            return null;
        }
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        int scheme = text.indexOf("://");
        int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return text.substring(0, start) + MASKED_PASSWORD + text.substring(at);
    }

    @Override
    public String toString() {
        return masked();
    }
}
