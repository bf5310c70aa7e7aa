package io.sluice.proxy.admin;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.proxy.config.ConfigSource;
import io.sluice.proxy.config.IpRules;
import io.sluice.proxy.config.LiveConfig;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SettingsStore;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.schedule.ProviderRuntime;
import io.sluice.proxy.state.ClusterUsage;
import io.sluice.proxy.state.RedisLink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The operator's JSON API over Sluice's live state, in the seeds' shapes:
 * <ul>
 *   <li>{@code GET /api/monitoring/providers}: every configured provider, enabled or not, configured, healthy;</li>
 *   <li>{@code GET /api/monitoring/providers/{name}/tokens} and {@code /providers/tokens/all}: per key, its name
 *       (never the key), whether it is usable, cooling until when, failures, totals;</li>
 *   <li>{@code POST /api/monitoring/providers/{name}/rotate-token}: the next pick skips the current key;</li>
 *   <li>{@code POST /api/monitoring/providers/{name}/config}: keys, base URL, models, enabled, at runtime
 *       ({@link ProviderConfigEndpoint});</li>
 *   <li>{@code GET/PUT/DELETE /api/settings/<name>}: the runtime settings ({@link SettingsEndpoints});</li>
 *   <li>{@code GET /api/monitoring/providers/{name}/logs?level=&count=}, {@code /providers/logs/all?count=},
 *       {@code /providers/logs/stats}, {@code POST /providers/{name}/logs/clear}: the per-provider log rings;</li>
 *   <li>{@code POST /api/monitoring/providers/{name}/test?model=&key=}: a live call with each key;</li>
 *   <li>{@code GET /api/access}: client keys (masked) and IP rules;</li>
 *   <li>{@code GET /api/rate-limits}, {@code GET /api/sessions}, {@code GET /api/stats/live}, and {@code /v1/stats}
 *       (usage per provider, model, key and client key).</li>
 * </ul>
 * Answers are built from lock-free snapshots on the caller's event loop; only the live test waits, for the
 * provider, without blocking anything. This class routes; {@link ProviderEndpoints}, {@link LogEndpoints},
 * {@link PolicyEndpoints} and {@link TrafficEndpoints} answer, and {@link AdminKey} guards.
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

    /** An action on a runtime setting ({@code POST /api/settings/<setting>/<action>}), answered later. */
    public interface SettingAction {
        /** @param body the request body (UTF-8), or null */
        CompletableFuture<Answer> run(String body, EventLoop loop);
    }

    public static final String PREFIX = "/api/";
    /** {@code /v1/stats}: served with the admin API's protection, beside the OpenAI routes. */
    public static final String STATS_PATH = "/v1/stats";
    /** {@code /v1/history}: the seed's request history, every client's, so with the admin API's protection. */
    public static final String HISTORY_PATH = "/v1/history";

    private final LiveConfig config;
    private final ProviderEndpoints providers;
    private final ProviderConfigEndpoint edits;
    private final SettingsEndpoints settings;
    private final LogEndpoints logs;
    private final PolicyEndpoints policy;
    private final TrafficEndpoints traffic;

    /**
     * @param config the config in force; provider edits swap it
     * @param source where it came from: the {@code .env} provider edits are saved to
     */
    public MonitoringApi(LiveConfig config, ConfigSource source, SettingsStore settings,
                         Function<ProviderConfig, ProviderRuntime> runtimes, Supplier<ModelRouter> router,
                         LongSupplier epochMillis, Operations ops, Probe probe) {
        this(config, source, settings, runtimes, router, epochMillis, ops, probe, null);
    }

    /** @param cluster the usage of every instance sharing state, or null for this instance's alone */
    public MonitoringApi(LiveConfig config, ConfigSource source, SettingsStore settings,
                         Function<ProviderConfig, ProviderRuntime> runtimes, Supplier<ModelRouter> router,
                         LongSupplier epochMillis, Operations ops, Probe probe, ClusterUsage cluster) {
        this.config = config;
        this.settings = new SettingsEndpoints(settings);
        this.edits = new ProviderConfigEndpoint(config, source, ops);
        this.providers = new ProviderEndpoints(config, runtimes, router, epochMillis, ops, probe);
        this.logs = new LogEndpoints(config, ops);
        this.policy = new PolicyEndpoints(config, runtimes, () -> settings.get("ip-filter") != null
                && settings.get("ip-filter").get() instanceof IpRules r ? r : IpRules.of(config.current().access()));
        this.traffic = new TrafficEndpoints(ops, epochMillis, cluster);
    }

    /** Registers {@code POST /api/settings/<setting>/<name>} (e.g. {@code proxy/test}). */
    /**
     * Shares runtime settings and provider edits with the other instances through {@code link}; changes holding a
     * secret are sealed with {@code secret}, or not shared when it is null. Called once, by the composition root.
     */
    public void share(RedisLink link, String secret, SettingsStore store) {
        SharedEdits shared = new SharedEdits(link, secret, store, edits::applyShared);
        settings.share(shared);
        edits.share(shared);
    }

    public void settingAction(String setting, String name, SettingAction action) {
        settings.action(setting, name, action);
    }

    /**
     * Whether {@code method uri} takes a body this API reads (a provider edit, a setting); other bodies are
     * discarded.
     */
    public static boolean readsBody(HttpMethod method, String uri) {
        String path = new QueryStringDecoder(uri).path();
        return method.equals(HttpMethod.POST) && configName(path) != null
                || SettingsEndpoints.readsBody(method, path);
    }

    /** The {@code :name} of {@code /api/monitoring/providers/:name/config}, or null. */
    private static String configName(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String base = "/api/monitoring/providers/";
        String tail = "/config";
        if (!p.startsWith(base) || !p.endsWith(tail) || p.length() <= base.length() + tail.length()) {
            return null;
        }
        String name = p.substring(base.length(), p.length() - tail.length());
        return name.indexOf('/') < 0 ? name : null;
    }

    /** The answer for {@code method uri} under {@link #PREFIX}, now for all but the live test and edits. */
    public CompletableFuture<Answer> handle(HttpMethod method, String uri, EventLoop loop) {
        return handle(method, uri, null, loop);
    }

    /**
     * The answer for {@code method uri} with its {@code body} (read only where {@link #readsBody} says so; null
     * otherwise): now for all but the live test and provider edits, which complete later.
     */
    public CompletableFuture<Answer> handle(HttpMethod method, String uri, String body, EventLoop loop) {
        QueryStringDecoder q = new QueryStringDecoder(uri);
        String path = q.path();
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        try {
            if (p.endsWith("/test") && p.startsWith("/api/monitoring/providers/")) {
                return providers.test(method, p, q, loop);
            }
            if (p.equals(SettingsEndpoints.BASE) || p.startsWith(SettingsEndpoints.BASE + "/")) {
                return settings.handle(method, p, body, loop);
            }
            String edited = configName(p);
            if (edited != null) {
                if (!method.equals(HttpMethod.POST)) {
                    return CompletableFuture.completedFuture(error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                            "use POST"));
                }
                return edits.post(edited, body);
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
                return get(method, providers::providers);
            case "/api/monitoring/providers/tokens/all":
                return get(method, providers::allTokens);
            case "/api/monitoring/providers/logs/all":
                return get(method, () -> logs.all(q));
            case "/api/monitoring/providers/logs/stats":
                return get(method, logs::stats);
            case "/api/rate-limits":
                return get(method, policy::rateLimits);
            case "/api/sessions":
                return get(method, traffic::sessions);
            case "/api/access":
                return get(method, policy::access);
            case "/api/stats/live":
                return get(method, traffic::live);
            case STATS_PATH:
                return get(method, traffic::stats);
            case HISTORY_PATH:
                // The seed's page POSTs an entry and shows the list it gets back: Sluice records every request
                // itself and stores nothing a client posts (it would write into what operators read).
                if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.POST)) {
                    return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
                }
                return new Answer(HttpResponseStatus.OK, traffic.history(q, secrets()));
            default:
                break;
        }
        String base = "/api/monitoring/providers/";
        if (p.startsWith(base)) {
            int slash = p.indexOf('/', base.length());
            if (slash > base.length()) {
                String name = p.substring(base.length(), slash);
                String action = p.substring(slash + 1);
                ProviderConfig provider = config.current().provider(name).orElse(null);
                if (provider == null) {
                    return error(HttpResponseStatus.NOT_FOUND, "no provider named "
                            + Text.printable(name));
                }
                switch (action) {
                    case "tokens":
                        return get(method, () -> providers.tokens(provider));
                    case "rotate-token":
                        if (!method.equals(HttpMethod.POST)) {
                            return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST");
                        }
                        return providers.rotate(provider);
                    case "logs":
                        return get(method, () -> logs.recent(provider, q));
                    case "models":
                        return get(method, () -> providers.models(provider));
                    case "logs/clear":
                        if (!method.equals(HttpMethod.POST)) {
                            return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST");
                        }
                        return logs.clear(provider);
                    default:
                        break;
                }
            }
        }
        return error(HttpResponseStatus.NOT_FOUND, "no admin endpoint " + Text.printable(p));
    }

    /** Every provider key in force: masked wherever they might show. */
    private List<String> secrets() {
        List<String> keys = new java.util.ArrayList<>();
        config.current().providers().forEach(p -> keys.addAll(p.apiKeys()));
        return keys;
    }

    private static Answer get(HttpMethod method, Supplier<String> body) {
        if (!method.equals(HttpMethod.GET)) {
            return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET");
        }
        return new Answer(HttpResponseStatus.OK, body.get());
    }

    public static Answer error(HttpResponseStatus status, String message) {
        JsonText j = new JsonText().begin().field("success", false).field("error", message).end();
        return new Answer(status, j.toString());
    }

    /**
     * Whether the admin API answers a request carrying {@code authorization} (or {@code x-admin-key}): the admin key as
     * {@code x-admin-key}, {@code Authorization: Bearer <key>} or, for a browser, {@code Authorization: Basic} with
     * any user name and the key as password. Compared in constant time. See {@link AdminKey}.
     */
    public static boolean allowed(SluiceConfig config, String authorization, String adminKeyHeader) {
        return AdminKey.allowed(config, authorization, adminKeyHeader);
    }
}
