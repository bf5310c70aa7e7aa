package io.sluice.proxy.access;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.sluice.proxy.config.CorsConfig;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin resource sharing for browser clients (the Fetch standard's CORS protocol). Preflights are answered at
 * the head, before any client key is asked for (browsers send none with them), from an allowed origin with 204 and
 * what the preflight asked to send; from any other origin with 403 and no CORS headers. Every response to an allowed
 * origin carries {@code Access-Control-Allow-Origin} and exposes its own headers ({@code x-request-id},
 * {@code retry-after}, rate-limit headers, ...) to the page's script. A request from an origin not allowed is still
 * served, without CORS headers: the browser withholds the answer from the page. Credentials (cookies) are never
 * allowed: clients authenticate with a header. Off (no origins configured), nothing is added and nothing is checked.
 */
public final class Cors {

    public static final Cors OFF = new Cors(CorsConfig.off());

    /** What a preflight may ask for: the methods Sluice's routes take. */
    static final String METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    /** Response headers a page may read without being told (the CORS-safelisted ones), and framing. */
    private static final Set<String> NOT_EXPOSED = Set.of("cache-control", "content-language", "content-length",
            "content-type", "expires", "last-modified", "pragma", "connection", "transfer-encoding", "keep-alive",
            "vary", "date");

    private static final String VARY_ORIGIN = "Origin";

    private final CorsConfig config;
    private final Set<String> origins;
    private final boolean any;
    private final String allowHeaders;
    private final String maxAge;

    private Cors(CorsConfig config) {
        this.config = config;
        this.origins = new HashSet<>(config.origins());
        this.any = config.anyOrigin();
        this.allowHeaders = config.allowHeaders().isEmpty() ? null : String.join(", ", config.allowHeaders());
        this.maxAge = Long.toString(config.maxAge().toSeconds());
    }

    public static Cors of(CorsConfig config) {
        return config.enabled() ? new Cors(config) : OFF;
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** Whether a page of {@code origin} may read Sluice's answers. */
    public boolean allows(String origin) {
        return origin != null && config.enabled() && (any || origins.contains(origin.toLowerCase(Locale.ROOT)));
    }

    /** A CORS preflight: {@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}. */
    public boolean isPreflight(HttpMethod method, HttpHeaders headers) {
        return config.enabled() && HttpMethod.OPTIONS.equals(method) && headers.contains(HttpHeaderNames.ORIGIN)
                && headers.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    }

    /** The headers of the 204 to an allowed preflight {@code request}. */
    public void preflight(HttpHeaders request, HttpHeaders out) {
        out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : request.get(HttpHeaderNames.ORIGIN));
        out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, METHODS);
        String asked = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        String allowed = allowHeaders != null ? allowHeaders : asked;
        if (allowed != null && !allowed.isBlank()) {
            out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowed);
        }
        out.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, maxAge);
        out.set(HttpHeaderNames.VARY, any ? "Access-Control-Request-Headers"
                : "Origin, Access-Control-Request-Headers");
    }

    /**
     * Adds the CORS headers of a response to a request from {@code origin} (null: none sent): the allowed origin and
     * the response's own header names as exposed; {@code Vary: Origin} whenever the answer depends on it.
     */
    public void response(String origin, HttpHeaders out) {
        if (!config.enabled() || out.contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            return;
        }
        if (!allows(origin)) {
            if (!any) {
                out.add(HttpHeaderNames.VARY, VARY_ORIGIN);
            }
            return;
        }
        StringBuilder expose = null;
        for (String name : out.names()) {
            String n = name.toLowerCase(Locale.ROOT);
            if (NOT_EXPOSED.contains(n)) {
                continue;
            }
            expose = expose == null ? new StringBuilder(n) : expose.append(", ").append(n);
        }
        if (any) {
            out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else {
            out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            out.add(HttpHeaderNames.VARY, VARY_ORIGIN);
        }
        if (expose != null) {
            out.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, expose.toString());
        }
    }
}
