package io.sluice.proxy.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.RateLimitConfig;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.schedule.CircuitBreaker;
import io.sluice.proxy.schedule.ConcurrencyGate;
import io.sluice.proxy.schedule.KeyScheduler;
import io.sluice.proxy.schedule.ProviderRuntime;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operator's JSON API over the scheduler's live state, in the seeds' shapes:
 * <ul>
 *   <li>{@code GET /api/monitoring/providers}: every configured provider, enabled or not, configured, healthy;</li>
 *   <li>{@code GET /api/monitoring/providers/{name}/tokens} and {@code /providers/tokens/all}: per key, its name
 *       (never the key), whether it is usable, cooling until when, failures, totals;</li>
 *   <li>{@code POST /api/monitoring/providers/{name}/rotate-token}: the next pick skips the current key;</li>
 *   <li>{@code GET /api/rate-limits}: the configured limits and each gate's state.</li>
 * </ul>
 * Answers are built from lock-free snapshots on the caller's event loop; nothing here blocks.
 */
public final class MonitoringApi {

    /** One answer: a status and a JSON body. */
    public record Answer(HttpResponseStatus status, String json) {
    }

    public static final String PREFIX = "/api/";

    private final SluiceConfig config;
    private final Function<ProviderConfig, ProviderRuntime> runtimes;
    private final Supplier<ModelRouter> router;
    private final java.util.function.LongSupplier epochMillis;

    public MonitoringApi(SluiceConfig config, Function<ProviderConfig, ProviderRuntime> runtimes,
                         Supplier<ModelRouter> router, java.util.function.LongSupplier epochMillis) {
        this.config = config;
        this.runtimes = runtimes;
        this.router = router;
        this.epochMillis = epochMillis;
    }

    /** The answer for {@code method path} under {@link #PREFIX}; 404 or 405 in the same JSON shape otherwise. */
    public Answer handle(HttpMethod method, String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/api/monitoring/providers")) {
            return get(method, this::providers);
        }
        if (p.equals("/api/monitoring/providers/tokens/all")) {
            return get(method, this::allTokens);
        }
        if (p.equals("/api/rate-limits")) {
            return get(method, this::rateLimits);
        }
        String base = "/api/monitoring/providers/";
        if (p.startsWith(base)) {
            int slash = p.indexOf('/', base.length());
            if (slash > base.length()) {
                String name = p.substring(base.length(), slash);
                String action = p.substring(slash + 1);
                ProviderConfig provider = config.provider(name).orElse(null);
                if (provider == null) {
                    return error(HttpResponseStatus.NOT_FOUND, "no provider named " + io.sluice.proxy.server.Json.printable(name));
                }
                switch (action) {
                    case "tokens":
                        return get(method, () -> tokens(provider).toString());
                    case "rotate-token":
                        if (!method.equals(HttpMethod.POST)) {
                            return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST");
                        }
                        return rotate(provider);
                    default:
                        break;
                }
            }
        }
        return error(HttpResponseStatus.NOT_FOUND, "no admin endpoint " + io.sluice.proxy.server.Json.printable(p));
    }

    private static Answer get(HttpMethod method, Supplier<String> body) {
        if (!method.equals(HttpMethod.GET)) {
            return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
        }
        return new Answer(HttpResponseStatus.OK, body.get());
    }

    public static Answer error(HttpResponseStatus status, String message) {
        Json j = new Json().begin().field("success", false).field("error", message).end();
        return new Answer(status, j.toString());
    }

    private String providers() {
        ModelRouter r = router.get();
        Json j = new Json().begin().field("success", true).array("providers");
        for (ProviderConfig p : config.providers()) {
            ProviderRuntime rt = p.isMock() ? null : runtimes.apply(p);
            boolean configured = !p.descriptor().keyRequired() || !p.apiKeys().isEmpty();
            CircuitBreaker.State breaker = rt == null ? CircuitBreaker.State.CLOSED : rt.breaker().state();
            long models = r.entries().stream().filter(e -> e.ownedBy().equals(p.name())).count();
            j.begin().field("name", p.name()).field("type", p.type())
                    .field("displayName", p.descriptor().displayName()).field("enabled", p.enabled())
                    .field("configured", configured)
                    .field("healthy", p.enabled() && configured && breaker == CircuitBreaker.State.CLOSED)
                    .field("breaker", breaker.name().toLowerCase(java.util.Locale.ROOT))
                    .field("dialect", p.dialect())
                    .field("baseUrl", p.baseUrl() == null ? null : p.baseUrl().toString())
                    .field("modelCount", p.enabled() ? models : p.models().size())
                    .field("keys", p.apiKeys().size()).end();
        }
        return j.endArray().field("total", config.providers().size())
                .field("enabled", config.enabledProviders().size()).end().toString();
    }

    private Json tokens(ProviderConfig p) {
        ProviderRuntime rt = p.isMock() ? null : runtimes.apply(p);
        Json j = new Json().begin().field("success", true).field("provider", p.name()).array("tokens");
        int active = 0;
        int blocked = 0;
        List<KeyScheduler.KeyStats> stats = rt == null ? List.of() : rt.keys().snapshot();
        long now = epochMillis.getAsLong();
        for (int i = 0; i < stats.size(); i++) {
            KeyScheduler.KeyStats s = stats.get(i);
            boolean cooling = s.coolingForNanos() > 0;
            if (cooling) {
                blocked++;
            } else {
                active++;
            }
            j.begin().field("key", s.name()).field("masked", Secrets.mask(p.apiKeys().get(i)))
                    .field("active", !cooling).field("blocked", cooling)
                    .field("blockedUntil", cooling ? now + s.coolingForNanos() / 1_000_000 : 0)
                    .field("failures", s.failures()).field("inFlight", s.inFlight())
                    .field("requests", s.requests()).field("tokensUsed", s.tokens())
                    .stringArray("lockedModels", s.lockedModels()).end();
        }
        return j.endArray().field("total", stats.size()).field("active", active).field("blocked", blocked).end();
    }

    private String allTokens() {
        Json j = new Json().begin().field("success", true).array("providers");
        for (ProviderConfig p : config.enabledProviders()) {
            if (!p.isMock() && !p.apiKeys().isEmpty()) {
                j.raw(tokens(p).toString());
            }
        }
        return j.endArray().end().toString();
    }

    private Answer rotate(ProviderConfig p) {
        ProviderRuntime rt = p.isMock() || !p.enabled() ? null : runtimes.apply(p);
        if (rt == null || rt.keys().size() == 0) {
            return error(HttpResponseStatus.CONFLICT, "provider " + p.name() + " has no keys to rotate");
        }
        rt.keys().rotate();
        return new Answer(HttpResponseStatus.OK, new Json().begin().field("success", true).field("provider", p.name())
                .field("message", "the next request skips the key in turn").end().toString());
    }

    private String rateLimits() {
        RateLimitConfig l = config.rateLimits();
        Json j = new Json().begin().field("success", true).field("enabled", l.any())
                .begin("perMinute").field("global", l.global()).field("perProvider", l.perProvider())
                .field("perKey", l.perKey()).field("perClientKey", l.perClientKey()).end()
                .array("providers");
        for (ProviderConfig p : config.enabledProviders()) {
            ProviderRuntime rt = p.isMock() ? null : runtimes.apply(p);
            if (rt == null) {
                continue;
            }
            ConcurrencyGate g = rt.gate();
            j.begin().field("name", p.name())
                    .field("perMinute", rt.limiter() == null ? 0 : rt.limiter().perMinute());
            if (g != null) {
                j.begin("gate").field("maxConcurrent", g.maxConcurrent()).field("active", g.active())
                        .field("queued", g.queued()).end();
            }
            j.end();
        }
        return j.endArray().end().toString();
    }

    /**
     * Whether the admin API answers a request carrying {@code authorization} (or {@code x-admin-key}): the admin key as
     * {@code x-admin-key}, {@code Authorization: Bearer <key>} or, for a browser, {@code Authorization: Basic} with
     * any user name and the key as password. Compared in constant time.
     */
    public static boolean allowed(SluiceConfig config, String authorization, String adminKeyHeader) {
        String key = config.server().adminKey();
        if (key == null) {
            return config.server().loopbackOnly();
        }
        String given = adminKeyHeader != null ? adminKeyHeader
                : authorization == null ? null
                : authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip()
                : authorization.regionMatches(true, 0, "Basic ", 0, 6) ? basicPassword(authorization.substring(6))
                : null;
        return given != null && java.security.MessageDigest.isEqual(given.getBytes(
                java.nio.charset.StandardCharsets.UTF_8), key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The password of HTTP Basic credentials ({@code base64(user:password)}, RFC 7617), or null when malformed. */
    private static String basicPassword(String credentials) {
        byte[] decoded;
        try {
            decoded = java.util.Base64.getDecoder().decode(credentials.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String userPass = new String(decoded, java.nio.charset.StandardCharsets.UTF_8);
        int colon = userPass.indexOf(':');
        return colon < 0 ? null : userPass.substring(colon + 1);
    }

    /** A tiny JSON writer: the admin answers are small and rare. */
    static final class Json {
        private final StringBuilder sb = new StringBuilder(256);
        private boolean first = true;

        Json begin() {
            comma();
            sb.append('{');
            first = true;
            return this;
        }

        Json begin(String name) {
            name(name);
            sb.append('{');
            first = true;
            return this;
        }

        Json end() {
            sb.append('}');
            first = false;
            return this;
        }

        Json array(String name) {
            name(name);
            sb.append('[');
            first = true;
            return this;
        }

        Json endArray() {
            sb.append(']');
            first = false;
            return this;
        }

        Json raw(String json) {
            comma();
            sb.append(json);
            return this;
        }

        Json field(String name, Object v) {
            name(name);
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                quote(v.toString());
            }
            first = false;
            return this;
        }

        Json stringArray(String name, List<String> values) {
            name(name);
            sb.append('[');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                quote(values.get(i));
            }
            sb.append(']');
            first = false;
            return this;
        }

        private void name(String name) {
            comma();
            quote(name);
            sb.append(':');
            first = true; // the value follows without a comma
        }

        private void comma() {
            if (!first) {
                sb.append(',');
            }
            first = false;
        }

        private void quote(String s) {
            io.sluice.proxy.server.Json.quote(sb, s);
            first = false;
        }


        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
