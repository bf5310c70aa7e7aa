package io.sluice.proxy.admin;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.providers.Operation;
import io.sluice.providers.ProviderCatalog;
import io.sluice.providers.ProviderDescriptor;
import io.sluice.proxy.config.LiveConfig;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.ProviderEdits;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.schedule.CircuitBreaker;
import io.sluice.proxy.schedule.KeyScheduler;
import io.sluice.proxy.schedule.ProviderRuntime;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The providers and their keys: {@code /api/monitoring/providers} (every provider, enabled or not, configured,
 * healthy), {@code /providers/{name}/tokens} and {@code /providers/tokens/all} (per key: its name, never the key,
 * whether it is usable, cooling until when, failures, totals), {@code POST /providers/{name}/rotate-token} and
 * {@code POST /providers/{name}/test?model=&key=} (a live call with each key, through the {@link MonitoringApi.Probe}).
 */
final class ProviderEndpoints {

    private static final String BASE = "/api/monitoring/providers/";

    private final LiveConfig config;
    private final Function<ProviderConfig, ProviderRuntime> runtimes;
    private final Supplier<ModelRouter> router;
    private final LongSupplier epochMillis;
    private final Operations ops;
    private final MonitoringApi.Probe probe;

    ProviderEndpoints(LiveConfig config, Function<ProviderConfig, ProviderRuntime> runtimes,
                      Supplier<ModelRouter> router, LongSupplier epochMillis, Operations ops,
                      MonitoringApi.Probe probe) {
        this.config = config;
        this.runtimes = runtimes;
        this.router = router;
        this.epochMillis = epochMillis;
        this.ops = ops;
        this.probe = probe;
    }

    String providers() {
        ModelRouter r = router.get();
        JsonText j = new JsonText().begin().field("success", true).array("providers");
        for (ProviderConfig p : config.current().providers()) {
            ProviderRuntime rt = p.isMock() ? null : runtimes.apply(p);
            boolean configured = p.configured();
            CircuitBreaker.State breaker = rt == null ? CircuitBreaker.State.CLOSED : rt.breaker().state();
            long models = r.entries().stream().filter(e -> e.ownedBy().equals(p.name())).count();
            j.begin().field("name", p.name()).field("type", p.type())
                    .field("displayName", p.descriptor().displayName()).field("enabled", p.enabled())
                    .field("configured", configured).field("status", status(p))
                    .stringArray("maskedKeys", p.maskedApiKeys())
                    .field("env", ProviderEdits.envPrefix(p))
                    .field("healthy", p.enabled() && configured && breaker == CircuitBreaker.State.CLOSED)
                    .field("breaker", breaker.name().toLowerCase(Locale.ROOT))
                    .field("dialect", p.dialect())
                    .field("baseUrl", p.baseUrl() == null ? null : p.baseUrl().toString())
                    .field("modelCount", p.enabled() ? models : p.models().size())
                    .field("keys", p.apiKeys().size()).end();
        }
        j.endArray().field("total", config.current().providers().size())
                .field("enabled", config.current().enabledProviders().size())
                .field("configured", config.current().providers().stream().filter(ProviderConfig::configured).count());
        // The seed's available_types: every type Sluice knows, and whether a provider of it is configured here.
        j.array("available_types");
        List<String> unconfigured = new java.util.ArrayList<>();
        for (ProviderDescriptor d : ProviderCatalog.BUILT_IN) {
            if (d.id().equals(ProviderCatalog.MOCK)) {
                continue;
            }
            boolean present = config.current().providers().stream()
                    .anyMatch(p -> p.descriptor().id().equals(d.id()) && p.configured());
            if (!present) {
                unconfigured.add(d.id());
            }
            j.begin().field("type", d.id()).field("displayName", d.displayName())
                    .field("env", d.envPrefixes().isEmpty() ? null : d.envPrefixes().get(0))
                    .field("configured", present).end();
        }
        return j.endArray().stringArray("unconfigured_types", unconfigured).end().toString();
    }



    /** The seed's three states: 🟢 active, 🟡 disabled, 🔴 not configured (enabled, but without its key). */
    static String status(ProviderConfig p) {
        return !p.enabled() ? "disabled" : p.configured() ? "active" : "not_configured";
    }


    String tokens(ProviderConfig p) {
        return tokensJson(p).toString();
    }

    String allTokens() {
        List<ProviderConfig> withKeys = config.current().enabledProviders().stream()
                .filter(p -> !p.isMock() && !p.apiKeys().isEmpty()).toList();
        JsonText j = new JsonText().begin().field("success", true).array("providers");
        for (ProviderConfig p : withKeys) {
            j.raw(tokensJson(p).toString());
        }
        j.endArray().begin("tokens"); // the seed's shape: keyed by provider
        for (ProviderConfig p : withKeys) {
            j.name(p.name()).raw(tokensJson(p).toString());
        }
        return j.end().field("total_providers", withKeys.size()).end().toString();
    }

    private JsonText tokensJson(ProviderConfig p) {
        ProviderRuntime rt = p.isMock() ? null : runtimes.apply(p);
        JsonText j = new JsonText().begin().field("success", true).field("provider", p.name()).array("tokens");
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
        int current = rt == null ? -1 : rt.keys().lastPicked();
        return j.endArray().field("total", stats.size()).field("active", active).field("blocked", blocked)
                .field("current_token", current >= 0 && current < stats.size() ? stats.get(current).name() : null)
                .end();
    }

    /** The next request to {@code p} skips the key in turn. */
    MonitoringApi.Answer rotate(ProviderConfig p) {
        ProviderRuntime rt = p.isMock() || !p.enabled() ? null : runtimes.apply(p);
        if (rt == null || rt.keys().size() == 0) {
            return MonitoringApi.error(HttpResponseStatus.CONFLICT, "provider " + p.name() + " has no keys to rotate");
        }
        rt.keys().rotate();
        ops.log(p.name(), LogLevel.INFO, "rotation", "key rotated by the operator: the next request skips the key in "
                + "turn", null, null, null, null);
        return new MonitoringApi.Answer(HttpResponseStatus.OK, new JsonText().begin().field("success", true)
                .field("provider", p.name())
                .field("message", "the next request skips the key in turn").end().toString());
    }

    /**
     * Null when {@code model} may be sent to {@code provider}, else why not: the checks of a client's request (the
     * probe builds the same upstream URL, and a Gemini or Azure provider takes the model in its path, where {@code ?},
     * {@code /} or {@code #} would change the query or the path).
     */
    static String invalidModel(ProviderConfig provider, String model) {
        if (model == null) {
            return "provider " + provider.name() + " lists no model to test; pass ?model=";
        }
        String bad = ModelRouter.invalid(model);
        if (bad != null) {
            return "model: " + bad + ": `" + Text.printable(model) + "`";
        }
        if (provider.descriptor().modelInPath(Operation.CHAT) && !ProviderDescriptor.pathSafe(model)) {
            return "model: `" + Text.printable(model) + "` cannot be sent to provider " + provider.name()
                    + ", which takes the model in its URL path (expected: letters, digits, '.', '_', '-')";
        }
        return null;
    }

    /** {@code POST /api/monitoring/providers/{name}/test}: completes once the provider answered every key tried. */
    CompletableFuture<MonitoringApi.Answer> test(HttpMethod method, String p, QueryStringDecoder q, EventLoop loop) {
        if (!method.equals(HttpMethod.POST)) {
            return now(MonitoringApi.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST"));
        }
        String name = p.substring(BASE.length(), p.length() - "/test".length());
        ProviderConfig provider = config.current().provider(name).orElse(null);
        if (provider == null) {
            return now(MonitoringApi.error(HttpResponseStatus.NOT_FOUND, "no provider named "
                    + Text.printable(name)));
        }
        if (!provider.enabled()) {
            return now(MonitoringApi.error(HttpResponseStatus.CONFLICT, "provider "
                    + provider.name() + " is not enabled"));
        }
        String model = param(q, "model");
        if (model == null) {
            model = provider.models().isEmpty() ? null : provider.models().get(0);
        }
        String bad = invalidModel(provider, model);
        if (bad != null) {
            return now(MonitoringApi.error(HttpResponseStatus.BAD_REQUEST, bad));
        }
        String keyName = param(q, "key");
        int key = -1;
        if (keyName != null) {
            key = provider.keyNames().indexOf(keyName);
            if (key < 0) {
                return now(MonitoringApi.error(HttpResponseStatus.NOT_FOUND, "provider "
                        + provider.name() + " has no key named " + Text.printable(keyName)
                        + " (keys: " + String.join(", ", provider.keyNames()) + ")"));
            }
        }
        String m = model;
        return probe.test(provider, model, key, loop).thenApply(results -> {
            boolean all = !results.isEmpty() && results.stream().allMatch(MonitoringApi.ProbeResult::ok);
            // The seed's models_count and sample_models: what the provider serves, beside the live call's result.
            List<String> ids = router.get().entries().stream().filter(e -> e.ownedBy().equals(provider.name()))
                    .map(ModelRouter.ModelEntry::id).toList();
            JsonText j = new JsonText().begin().field("success", all).field("provider", provider.name())
                    .field("model", m).field("models_count", ids.size())
                    .stringArray("sample_models", ids.subList(0, Math.min(5, ids.size())))
                    .array("results");
            for (MonitoringApi.ProbeResult r : results) {
                j.begin().field("key", r.key()).field("status", r.status()).field("latencyMs", r.latencyMs())
                        .field("ok", r.ok()).field("reply", r.reply()).field("error", r.error()).end();
            }
            return new MonitoringApi.Answer(HttpResponseStatus.OK, j.endArray().end().toString());
        });
    }

    /**
     * {@code GET /api/monitoring/providers/{name}/models}: the ids clients use for this provider (as {@code /v1/models}
     * lists them, discovered ones included; its configured models when it is disabled), with the upstream model each
     * one sends.
     */
    String models(ProviderConfig p) {
        List<String[]> out = new java.util.ArrayList<>();
        if (p.enabled()) {
            ModelRouter r = router.get();
            for (ModelRouter.ModelEntry e : r.entries()) {
                ModelRouter.Route route = e.ownedBy().equals(p.name()) ? r.resolve(e.id()) : null;
                if (route != null && route.via() == null) { // aliases and combos are not the provider's models
                    out.add(new String[] {e.id(), route.upstreamModel()});
                }
            }
        } else {
            boolean seedIds = config.current().routing().seedIds();
            p.models().forEach(m -> out.add(new String[] {ModelRouter.publicId(p, m, seedIds), m}));
        }
        JsonText j = new JsonText().begin().field("success", true).field("provider", p.name())
                .field("enabled", p.enabled()).array("models");
        for (String[] m : out) {
            j.begin().field("id", m[0]).field("upstream", m[1]).end();
        }
        return j.endArray().field("count", out.size()).end().toString();
    }

    private static CompletableFuture<MonitoringApi.Answer> now(MonitoringApi.Answer a) {
        return CompletableFuture.completedFuture(a);
    }

    private static String param(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).strip();
    }
}
