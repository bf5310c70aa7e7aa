package io.sluice.proxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cross-origin access for browser clients ({@code server.cors}, else {@code SLUICE_CORS_ORIGINS}). No origins (the
 * default) means no CORS headers at all: browsers then refuse pages of other origins to call Sluice.
 *
 * @param origins      the origins whose pages may call Sluice, as {@code scheme://host[:port]}, or {@code *} for
 *                     any; lower-cased
 * @param allowHeaders the request headers a preflight allows; empty means whatever the preflight asks for
 * @param maxAge       how long a browser may cache a preflight's answer
 */
public record CorsConfig(List<String> origins, List<String> allowHeaders, Duration maxAge) {

    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);
    public static final String ANY = "*";

    public CorsConfig {
        origins = origins == null ? List.of() : normalize(origins);
        allowHeaders = allowHeaders == null ? List.of() : List.copyOf(allowHeaders);
        Check.notNegative("maxAge", maxAge);
        for (int i = 0; i < allowHeaders.size(); i++) {
            String h = allowHeaders.get(i);
            if (h == null || h.isBlank() || !h.strip().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw ConfigException.invalid("allowHeaders[" + i + "]", h, "a header name");
            }
        }
    }

    public static CorsConfig off() {
        return new CorsConfig(List.of(), List.of(), DEFAULT_MAX_AGE);
    }

    public boolean enabled() {
        return !origins.isEmpty();
    }

    public boolean anyOrigin() {
        return origins.contains(ANY);
    }

    private static List<String> normalize(List<String> origins) {
        List<String> out = new ArrayList<>(origins.size());
        for (int i = 0; i < origins.size(); i++) {
            String o = origins.get(i) == null ? "" : origins.get(i).strip();
            if (!o.equals(ANY) && !isOrigin(o)) {
                throw ConfigException.invalid("origins[" + i + "]", origins.get(i),
                        "an origin like https://app.example.com or http://localhost:5173 (no path), or *");
            }
            out.add(o.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(out);
    }

    private static boolean isOrigin(String o) {
        try {
            URI u = new URI(o);
            return u.getScheme() != null && u.getHost() != null && u.getRawPath().isEmpty() && u.getRawQuery() == null
                    && u.getRawFragment() == null && u.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
