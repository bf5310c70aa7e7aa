package io.sluice.proxy.admin;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.RateLimitConfig;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.json.JsonOut;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.logs.LogEntry;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.logs.ProviderLogs;
import io.sluice.proxy.ops.LiveStats;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.ops.RequestTrace;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.schedule.CircuitBreaker;
import io.sluice.proxy.schedule.ConcurrencyGate;
import io.sluice.proxy.schedule.KeyScheduler;
import io.sluice.proxy.schedule.ProviderRuntime;
import io.sluice.proxy.usage.UsageLedger;
import io.sluice.proxy.usage.UsageTotals;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operator's JSON API over Sluice's live state, in the seeds' shapes:
 * <ul>
 *   <li>{@code GET /api/monitoring/providers}: every configured provider, enabled or not, configured, healthy;</li>
 *   <li>{@code GET /api/monitoring/providers/{name}/tokens} and {@code /providers/tokens/all}: per key, its name
 *       (never the key), whether it is usable, cooling until when, failures, totals;</li>
 *   <li>{@code POST /api/monitoring/providers/{name}/rotate-token}: the next pick skips the current key;</li>
 *   <li>{@code GET /api/monitoring/providers/{name}/logs?level=&count=}, {@code /providers/logs/all?count=},
 *       {@code /providers/logs/stats}, {@code POST /providers/{name}/logs/clear}: the per-provider log rings;</li>
 *   <li>{@code POST /api/monitoring/providers/{name}/test?model=&key=}: a live call with each key;</li>
 *   <li>{@code GET /api/access}: client keys (masked) and IP rules;</li>
 *   <li>{@code GET /api/rate-limits}, {@code GET /api/sessions}, {@code GET /api/stats/live}, and {@code /v1/stats}
 *       (usage per provider, model, key and client key).</li>
 * </ul>
 * Answers are built from lock-free snapshots on the caller's event loop; only the live test waits, for the
 * provider, without blocking anything.
 */
public final class MonitoringApi {

    /** One answer: a status and a JSON body. */
    public record Answer(HttpResponseStatus status, String json) {
    }

    /** The outcome of a live test call with one key. */
    public record ProbeResult(String key, int status, long latencyMs, boolean ok, String reply, String error) {
    }

    /** Makes live test calls to a provider. */
    public interface Probe {
        /** Calls {@code p}'s {@code model} with key {@code keyIndex}, or with each key when it is -1. */
        CompletableFuture<List<ProbeResult>> test(ProviderConfig p, String model, int keyIndex, EventLoop loop);
    }

    public static final String PREFIX = "/api/";
    /** Log entries returned when a request names no count, and the most it may ask for. */
    static final int DEFAULT_LOG_COUNT = 100;
    static final int MAX_LOG_COUNT = 1000;

    private final SluiceConfig config;
    private final Function<ProviderConfig, ProviderRuntime> runtimes;
    private final Supplier<ModelRouter> router;
    private final java.util.function.LongSupplier epochMillis;
    private final Operations ops;
    private final Probe probe;
    private final long startMillis;

    public MonitoringApi(SluiceConfig config, Function<ProviderConfig, ProviderRuntime> runtimes,
                         Supplier<ModelRouter> router, java.util.function.LongSupplier epochMillis, Operations ops,
                         Probe probe) {
        this.config = config;
        this.runtimes = runtimes;
        this.router = router;
        this.epochMillis = epochMillis;
        this.ops = ops;
        this.probe = probe;
        this.startMillis = epochMillis.getAsLong();
    }

    /** The answer for {@code method uri} under {@link #PREFIX}, now for all but the live test. */
    public CompletableFuture<Answer> handle(HttpMethod method, String uri, EventLoop loop) {
        QueryStringDecoder q = new QueryStringDecoder(uri);
        String path = q.path();
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        try {
            if (p.endsWith("/test") && p.startsWith("/api/monitoring/providers/")) {
                return test(method, p, q, loop);
            }
            return CompletableFuture.completedFuture(answer(method, p, q));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(error(HttpResponseStatus.BAD_REQUEST, e.getMessage()));
        }
    }

    /** The synchronous answers; for tests and callers without an event loop. */
    public Answer handle(HttpMethod method, String uri) {
        QueryStringDecoder q = new QueryStringDecoder(uri);
        String path = q.path();
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        try {
            return answer(method, p, q);
        } catch (IllegalArgumentException e) {
            return error(HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
    }

    private Answer answer(HttpMethod method, String p, QueryStringDecoder q) {
        switch (p) {
            case "/api/monitoring/providers":
                return get(method, this::providers);
            case "/api/monitoring/providers/tokens/all":
                return get(method, this::allTokens);
            case "/api/monitoring/providers/logs/all":
                return get(method, () -> logs(ops.logs().all(level(q), count(q)), null));
            case "/api/monitoring/providers/logs/stats":
                return get(method, this::logStats);
            case "/api/rate-limits":
                return get(method, this::rateLimits);
            case "/api/sessions":
                return get(method, this::sessions);
            case "/api/access":
                return get(method, this::access);
            case "/api/stats/live":
                return get(method, this::live);
            case STATS_PATH:
                return get(method, this::stats);
            default:
                break;
        }
        String base = "/api/monitoring/providers/";
        if (p.startsWith(base)) {
            int slash = p.indexOf('/', base.length());
            if (slash > base.length()) {
                String name = p.substring(base.length(), slash);
                String action = p.substring(slash + 1);
                ProviderConfig provider = config.provider(name).orElse(null);
                if (provider == null) {
                    return error(HttpResponseStatus.NOT_FOUND, "no provider named "
                            + Text.printable(name));
                }
                switch (action) {
                    case "tokens":
                        return get(method, () -> tokens(provider).toString());
                    case "rotate-token":
                        if (!method.equals(HttpMethod.POST)) {
                            return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST");
                        }
                        return rotate(provider);
                    case "logs":
                        return get(method, () -> logs(ops.logs().recent(provider.name(), level(q), count(q)),
                                provider.name()));
                    case "logs/clear":
                        if (!method.equals(HttpMethod.POST)) {
                            return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST");
                        }
                        int n = ops.logs().clear(provider.name());
                        return new Answer(HttpResponseStatus.OK, new JsonOut().begin().field("success", true)
                                .field("provider", provider.name()).field("cleared", n).end().toString());
                    default:
                        break;
                }
            }
        }
        return error(HttpResponseStatus.NOT_FOUND, "no admin endpoint " + Text.printable(p));
    }

    /** {@code /v1/stats}: served with the admin API's protection, beside the OpenAI routes. */
    public static final String STATS_PATH = "/v1/stats";

    private static LogLevel level(QueryStringDecoder q) {
        List<String> v = q.parameters().get("level");
        if (v == null || v.isEmpty() || v.get(0).isEmpty() || v.get(0).equalsIgnoreCase("all")) {
            return null;
        }
        return LogLevel.parse(v.get(0));
    }

    private static int count(QueryStringDecoder q) {
        List<String> v = q.parameters().get("count");
        if (v == null || v.isEmpty() || v.get(0).isEmpty()) {
            return DEFAULT_LOG_COUNT;
        }
        try {
            int n = Integer.parseInt(v.get(0).strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return Math.min(n, MAX_LOG_COUNT);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("count: " + Text.printable(v.get(0))
                    + " (expected: 1.." + MAX_LOG_COUNT + ")");
        }
    }

    private static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).strip();
    }

    private String logs(List<LogEntry> entries, String provider) {
        JsonOut j = new JsonOut().begin().field("success", true);
        if (provider != null) {
            j.field("provider", provider);
        }
        j.array("logs");
        for (LogEntry e : entries) {
            j.io(() -> e.writeJson(j.gen()));
        }
        return j.endArray().field("total", entries.size()).end().toString();
    }

    private String logStats() {
        JsonOut j = new JsonOut().begin().field("success", true).array("providers");
        List<ProviderLogs.Stats> stats = new java.util.ArrayList<>(ops.logs().stats());
        for (ProviderConfig p : config.enabledProviders()) { // the silent ones too, with zeros
            if (stats.stream().noneMatch(s -> s.provider().equals(p.name()))) {
                stats.add(new ProviderLogs.Stats(p.name(), 0, ops.logs().capacity(), 0, 0, 0, 0, 0));
            }
        }
        stats.sort(java.util.Comparator.comparing(ProviderLogs.Stats::provider));
        for (ProviderLogs.Stats s : stats) {
            j.begin().field("provider", s.provider()).field("held", s.held()).field("capacity", s.capacity())
                    .field("total", s.total()).field("debug", s.debug()).field("info", s.info())
                    .field("warn", s.warn()).field("error", s.error()).end();
        }
        return j.endArray().end().toString();
    }

    private String sessions() {
        long now = epochMillis.getAsLong();
        long nanos = ops.nanoTime();
        JsonOut j = new JsonOut().begin().field("success", true).array("active");
        for (RequestTrace t : ops.inFlight()) {
            long fb = t.firstByteAfterNanos();
            j.begin().field("id", t.id()).field("route", t.route()).field("model", t.model())
                    .field("provider", t.provider()).field("upstreamModel", t.upstreamModel()).field("key", t.key())
                    .field("client", t.client() == null ? Operations.ANONYMOUS : t.client())
                    .field("startedAt", t.startMillis()).field("elapsedMs", (nanos - t.startNanos()) / 1_000_000)
                    .field("stream", t.stream()).field("attempts", t.attempts())
                    .field("firstByteMs", fb < 0 ? null : fb / 1_000_000).end();
        }
        j.endArray().array("clients");
        for (Operations.ClientSession c : ops.clients()) {
            j.begin().field("client", c.name()).field("requests", c.requests()).field("errors", c.errors())
                    .field("lastSeen", c.lastSeen()).field("promptTokens", c.promptTokens())
                    .field("completionTokens", c.completionTokens()).end();
        }
        return j.endArray().field("now", now).end().toString();
    }

    /** The access rules: client keys (masked, never whole), IP rules; what an operator checks after a 401 or 403. */
    private String access() {
        io.sluice.proxy.config.AccessConfig a = config.access();
        JsonOut j = new JsonOut().begin().field("success", true).field("requireClientKey", a.keysRequired())
                .field("openRelay", !a.keysRequired() && !config.server().loopbackOnly())
                .field("adminKeyAccepted", a.keysRequired() && config.server().adminKey() != null)
                .array("clientKeys");
        for (io.sluice.proxy.config.ClientKeyConfig k : a.clientKeys()) {
            j.begin().field("name", k.name())
                    .field("key", k.shown())
                    .field("enabled", k.enabled()).stringArray("models", k.models())
                    .field("rateLimit", k.perMinute(config.rateLimits().perClientKey()))
                    .end();
        }
        return j.endArray().stringArray("ipAllow", a.ipAllow().stream().map(Object::toString).toList())
                .stringArray("ipDeny", a.ipDeny().stream().map(Object::toString).toList())
                .stringArray("trustedProxies", a.trustedProxies().stream().map(Object::toString).toList())
                .end().toString();
    }

    private String live() {
        LiveStats.Snapshot s = ops.live();
        return new JsonOut().begin().field("success", true).field("window", LiveStats.WINDOW_SECONDS)
                .field("uptimeSeconds", (epochMillis.getAsLong() - startMillis) / 1000)
                .field("requestsPerSecond", s.requestsPerSecond()).field("errorsPerSecond", s.errorsPerSecond())
                .field("inFlight", ops.inFlightCount())
                .begin("latencyMs").field("p50", s.p50()).field("p90", s.p90()).field("p99", s.p99()).end()
                .begin("ttftMs").field("p50", s.ttftP50()).field("p99", s.ttftP99()).end()
                .numbers("perSecond", s.perSecond()).end().toString();
    }

    private String stats() {
        UsageLedger.Snapshot s = ops.usage().snapshot();
        UsageTotals t = s.total();
        JsonOut j = new JsonOut().begin().field("object", "stats").field("since", s.since())
                .field("requests", t.requests()).field("errors", t.errors())
                .begin("tokens").field("prompt", t.promptTokens()).field("completion", t.completionTokens())
                .field("cached", t.cachedTokens()).field("reasoning", t.reasoningTokens())
                .field("total", t.totalTokens()).end()
                .field("estimatedRequests", t.estimatedRequests());
        rows(j, "providers", s.byProvider());
        rows(j, "models", s.byModel());
        rows(j, "keys", s.byKey());
        rows(j, "clientKeys", s.byClient());
        return j.end().toString();
    }

    private static void rows(JsonOut j, String name, List<UsageLedger.Row> rows) {
        j.array(name);
        for (UsageLedger.Row r : rows) {
            j.begin();
            if (name.equals("clientKeys")) {
                j.field("client", r.client() == null ? Operations.ANONYMOUS : r.client());
            } else {
                j.field("provider", r.provider());
            }
            if (r.model() != null) {
                j.field("model", r.model());
            }
            if (r.key() != null) {
                j.field("key", r.key());
            }
            UsageTotals t = r.totals();
            j.field("requests", t.requests()).field("errors", t.errors()).field("promptTokens", t.promptTokens())
                    .field("completionTokens", t.completionTokens()).field("cachedTokens", t.cachedTokens())
                    .field("reasoningTokens", t.reasoningTokens()).field("totalTokens", t.totalTokens())
                    .field("estimatedRequests", t.estimatedRequests()).end();
        }
        j.endArray();
    }

    private CompletableFuture<Answer> test(HttpMethod method, String p, QueryStringDecoder q, EventLoop loop) {
        if (!method.equals(HttpMethod.POST)) {
            return CompletableFuture.completedFuture(error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST"));
        }
        String name = p.substring("/api/monitoring/providers/".length(), p.length() - "/test".length());
        ProviderConfig provider = config.provider(name).orElse(null);
        if (provider == null) {
            return CompletableFuture.completedFuture(error(HttpResponseStatus.NOT_FOUND, "no provider named "
                    + Text.printable(name)));
        }
        if (!provider.enabled()) {
            return CompletableFuture.completedFuture(error(HttpResponseStatus.CONFLICT, "provider "
                    + provider.name() + " is not enabled"));
        }
        String model = param(q, "model");
        if (model == null) {
            model = provider.models().isEmpty() ? null : provider.models().get(0);
        }
        if (model == null || ModelRouter.invalid(model) != null) {
            return CompletableFuture.completedFuture(error(HttpResponseStatus.BAD_REQUEST, model == null
                    ? "provider " + provider.name() + " lists no model to test; pass ?model="
                    : "model: " + Text.printable(model) + " is not a valid model id"));
        }
        String keyName = param(q, "key");
        int key = -1;
        if (keyName != null) {
            key = provider.keyNames().indexOf(keyName);
            if (key < 0) {
                return CompletableFuture.completedFuture(error(HttpResponseStatus.NOT_FOUND, "provider "
                        + provider.name() + " has no key named " + Text.printable(keyName)
                        + " (keys: " + String.join(", ", provider.keyNames()) + ")"));
            }
        }
        String m = model;
        return probe.test(provider, model, key, loop).thenApply(results -> {
            boolean all = !results.isEmpty() && results.stream().allMatch(ProbeResult::ok);
            JsonOut j = new JsonOut().begin().field("success", all).field("provider", provider.name()).field("model", m)
                    .array("results");
            for (ProbeResult r : results) {
                j.begin().field("key", r.key()).field("status", r.status()).field("latencyMs", r.latencyMs())
                        .field("ok", r.ok()).field("reply", r.reply()).field("error", r.error()).end();
            }
            return new Answer(HttpResponseStatus.OK, j.endArray().end().toString());
        });
    }

    private static Answer get(HttpMethod method, Supplier<String> body) {
        if (!method.equals(HttpMethod.GET)) {
            return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
        }
        return new Answer(HttpResponseStatus.OK, body.get());
    }

    public static Answer error(HttpResponseStatus status, String message) {
        JsonOut j = new JsonOut().begin().field("success", false).field("error", message).end();
        return new Answer(status, j.toString());
    }

    private String providers() {
        ModelRouter r = router.get();
        JsonOut j = new JsonOut().begin().field("success", true).array("providers");
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

    private JsonOut tokens(ProviderConfig p) {
        ProviderRuntime rt = p.isMock() ? null : runtimes.apply(p);
        JsonOut j = new JsonOut().begin().field("success", true).field("provider", p.name()).array("tokens");
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
        JsonOut j = new JsonOut().begin().field("success", true).array("providers");
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
        ops.log(p.name(), LogLevel.INFO, "rotation", "key rotated by the operator: the next request skips the key in "
                + "turn", null, null, null, null);
        return new Answer(HttpResponseStatus.OK, new JsonOut().begin().field("success", true)
                .field("provider", p.name())
                .field("message", "the next request skips the key in turn").end().toString());
    }

    private String rateLimits() {
        RateLimitConfig l = config.rateLimits();
        JsonOut j = new JsonOut().begin().field("success", true).field("enabled", l.any())
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
}
