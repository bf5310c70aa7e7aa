package io.sluice.proxy.route;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.config.EditDistance;
import io.sluice.proxy.config.Glob;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Model name → provider + upstream model id. Built once from the config; a lookup is a few map reads, a prefix scan
 * and, only when nothing else matched, the wildcard list.
 *
 * <p>Resolution order, first hit wins:
 * <ol>
 *   <li>an <b>alias</b> ({@code routing.aliases}), which may name another alias or a combo;</li>
 *   <li>a <b>combo</b> ({@code routing.combos}): its first model serves, the others are its fallbacks;</li>
 *   <li>an <b>exact id</b> listed by {@code /v1/models} ({@code openai/gpt-4o}, {@code atlas-openai/gpt-4o},
 *       {@code ext-copilot-gpt-4o}), then a bare model id of an enabled provider, in config order;</li>
 *   <li>a <b>prefix</b>, longest first: {@code ext-<provider>-<model>} for every provider, and a provider's own
 *       ({@code atlas-<publisher>/<model>}, {@code ext-claude-code-<model>});</li>
 *   <li>{@code <provider>/<model>} for an enabled provider;</li>
 *   <li>a <b>wildcard</b> ({@code routing.wildcards}), most specific first (most literal characters).</li>
 * </ol>
 * Prefix, {@code provider/} and wildcard routes accept any model id: the provider decides whether it exists.
 */
public final class ModelRouter {

    /** One provider + model pair: a route's primary or one of its fallbacks. */
    public record Target(ProviderConfig provider, String upstreamModel) {
    }

    /**
     * A resolved route.
     *
     * @param via       the alias or combo name that led here, or null
     * @param fallbacks what to try, in order, when the primary fails before answering (the scheduler's business)
     */
    public record Route(ProviderConfig provider, String upstreamModel, String via, List<Target> fallbacks) {

        public Route(ProviderConfig provider, String upstreamModel) {
            this(provider, upstreamModel, null, List.of());
        }

        public Target target() {
            return new Target(provider, upstreamModel);
        }
    }

    /** One {@code /v1/models} entry. */
    public record ModelEntry(String id, String ownedBy) {
    }

    public static final int MAX_MODEL_LENGTH = 256;

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(ModelRouter.class);

    private record Prefix(String text, ProviderConfig provider) {
    }

    private record Wildcard(Glob glob, String target, int order) {
    }

    private final Map<String, ProviderConfig> byName = new LinkedHashMap<>();
    private final boolean seedIds;
    /** Catalog ids by their name without the publisher ({@code gpt-4o-mini} for {@code openai/gpt-4o-mini}). */
    private final Map<String, Target> shortIds = new HashMap<>();
    private static final String GITHUB_MODELS = "github-models";
    private final Map<String, Target> exact = new HashMap<>();
    private final List<Prefix> prefixes = new ArrayList<>();
    private final List<Wildcard> wildcards = new ArrayList<>();
    private final Map<String, Route> named = new HashMap<>();
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    private final List<ModelEntry> entries = new ArrayList<>();
    /** Public id → the model part to compare a misspelt id with ("gpt-4o" for "atlas-openai/gpt-4o"). */
    private final Map<String, String> modelPart = new HashMap<>();
    private final List<String> publicIds;
    private final boolean log;

    public ModelRouter(SluiceConfig config) {
        this(config, Map.of());
    }

    /**
     * @param discovered provider name → model ids fetched from the provider ({@link ModelDiscovery}), served after
     *                   the configured ones
     */
    public ModelRouter(SluiceConfig config, Map<String, List<String>> discovered) {
        this(config, discovered, true);
    }

    private ModelRouter(SluiceConfig config, Map<String, List<String>> discovered, boolean log) {
        this.log = log;
        List<ProviderConfig> enabled = config.enabledProviders();
        this.seedIds = config.routing().seedIds();
        for (ProviderConfig p : enabled) {
            byName.put(p.name(), p);
            prefixes.add(new Prefix("ext-" + p.name() + "-", p));
            String seedName = seedName(p);
            if (!seedName.equals(p.name())) {
                prefixes.add(new Prefix("ext-" + seedName + "-", p)); // ext-google-gemini-pro
            }
            if (p.prefix() != null) {
                prefixes.add(new Prefix(p.prefix(), p));
            }
        }
        prefixes.sort(Comparator.comparingInt((Prefix x) -> x.text().length()).reversed());
        Map<ProviderConfig, List<String>> models = new LinkedHashMap<>();
        for (ProviderConfig p : enabled) {
            List<String> all = new ArrayList<>(p.models());
            for (String m : discovered.getOrDefault(p.name(), List.of())) {
                if (!all.contains(m)) {
                    all.add(m);
                }
            }
            models.put(p, all);
        }
        for (ProviderConfig p : enabled) {
            for (String m : models.get(p)) {
                String id = publicId(p, m, seedIds);
                exact.putIfAbsent(id, new Target(p, m));
                exact.putIfAbsent(p.name() + '/' + m, new Target(p, m));
                entries.add(new ModelEntry(id, p.name()));
                modelPart.put(id, m);
            }
        }
        // Bare names: in the seeds' id form, GitHub Models' catalog first (the GitHub-Models seed's bare ids,
        // gpt-4o-mini, are its models; the other providers are reached there by ext- ids), then config order.
        List<ProviderConfig> bare = new ArrayList<>(enabled);
        if (seedIds) {
            bare.sort(Comparator.comparingInt((ProviderConfig p) -> p.type().equals(GITHUB_MODELS) ? 0 : 1));
            for (ProviderConfig p : bare) {
                if (p.type().equals(GITHUB_MODELS)) {
                    for (String m : models.get(p)) {
                        int slash = m.lastIndexOf('/');
                        if (slash > 0 && slash < m.length() - 1) {
                            exact.putIfAbsent(m.substring(slash + 1), new Target(p, m));
                        }
                    }
                }
            }
        }
        for (ProviderConfig p : bare) {
            for (String m : models.get(p)) {
                exact.putIfAbsent(m, new Target(p, m));
                int slash = m.lastIndexOf('/');
                if (slash > 0 && slash < m.length() - 1) {
                    // The seeds' bare ids: gpt-4o-mini, Phi-3.5-mini-instruct, Meta-Llama-3.1-405B-Instruct are
                    // today's openai/gpt-4o-mini, microsoft/phi-3.5-mini-instruct, meta/meta-llama-3.1-405b-instruct.
                    shortIds.putIfAbsent(m.substring(slash + 1).toLowerCase(Locale.ROOT), new Target(p, m));
                }
            }
        }
        int order = 0;
        for (Map.Entry<String, String> w : config.routing().wildcards().entrySet()) {
            wildcards.add(new Wildcard(new Glob(w.getKey()), w.getValue(), order++));
        }
        wildcards.sort(Comparator.comparingLong((Wildcard w) -> w.glob().specificity()).reversed()
                .thenComparingInt(Wildcard::order));
        resolveNamed(config);
        List<String> ids = new ArrayList<>(entries.size());
        entries.forEach(e -> ids.add(e.id()));
        this.publicIds = Collections.unmodifiableList(ids);
    }

    /**
     * The id {@code /v1/models} lists for model {@code m} of {@code p}: its own prefix ({@code atlas-},
     * {@code ext-copilot-}), else the seeds' {@code ext-<provider>-<model>} ({@code routing.modelIds: seed}, the
     * default) or {@code <provider>/<model>}. The mock, which the seeds do not have, keeps {@code mock/}.
     */
    public static String publicId(ProviderConfig p, String m, boolean seedIds) {
        if (p.prefix() != null) {
            return p.prefix() + m;
        }
        return seedIds && !p.isMock() ? "ext-" + seedName(p) + "-" + m : p.name() + '/' + m;
    }

    /** The provider's name in seed ids: its configured name, or the seeds' for its type when so named. */
    static String seedName(ProviderConfig p) {
        String seed = p.descriptor().seedIdName();
        return seed != null && p.name().equals(p.descriptor().id()) ? seed : p.name();
    }

    private void resolveNamed(SluiceConfig config) {
        Map<String, String> aliases = config.routing().aliases();
        Map<String, List<String>> combos = config.routing().combos();
        combos.forEach((name, chain) -> {
            List<Target> targets = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String m : chain) {
                Route r = aliases.containsKey(m) ? null : resolveBase(m);
                if (r == null) {
                    missing.add(m);
                } else {
                    targets.add(r.target());
                }
            }
            if (!missing.isEmpty() && log) {
                LOG.info("combo {}: skipping {} (no enabled provider serves them)", name, missing);
            }
            if (targets.isEmpty()) {
                unavailable.put(name, "combo " + name + ": no enabled provider serves any of " + chain);
                return;
            }
            Target first = targets.get(0);
            named.put(name, new Route(first.provider(), first.upstreamModel(), name,
                    List.copyOf(targets.subList(1, targets.size()))));
            entries.add(new ModelEntry(name, first.provider().name()));
        });
        aliases.forEach((name, target) -> {
            List<String> path = new ArrayList<>();
            path.add(name);
            String t = target;
            while (aliases.containsKey(t)) { // loops were refused by RoutingConfig
                path.add(t);
                t = aliases.get(t);
            }
            Route r = named.containsKey(t) ? named.get(t) : resolveBase(t);
            if (r == null) {
                String why = unavailable.containsKey(t) ? unavailable.get(t) : "no enabled provider serves " + t;
                unavailable.put(name, "alias " + name + " -> " + target + ": " + why);
                if (log) {
                    LOG.info("alias {} -> {}: {}", name, target, why);
                }
                return;
            }
            named.put(name, new Route(r.provider(), r.upstreamModel(), name, r.fallbacks()));
            entries.add(new ModelEntry(name, r.provider().name()));
        });
    }

    /** The route for {@code model}, or null when nothing matches ({@link #unavailable} may say why). */
    public Route resolve(String model) {
        Route r = named.get(model);
        return r != null ? r : resolveBase(model);
    }

    /** Steps 3–6: everything but aliases and combos. */
    private Route resolveBase(String model) {
        Target t = exact.get(model);
        if (t != null) {
            return new Route(t.provider(), t.upstreamModel());
        }
        for (Prefix p : prefixes) {
            if (model.length() > p.text().length() && model.startsWith(p.text())) {
                return new Route(p.provider(), model.substring(p.text().length()));
            }
        }
        int slash = model.indexOf('/');
        if (slash > 0 && slash < model.length() - 1) {
            ProviderConfig p = byName.get(model.substring(0, slash));
            if (p != null) {
                return new Route(p, model.substring(slash + 1));
            }
        }
        for (Wildcard w : wildcards) {
            Matcher m = w.glob().captures(model);
            if (m != null) {
                String target = w.target();
                int s = target.indexOf('/');
                ProviderConfig p = byName.get(s < 0 ? target : target.substring(0, s));
                if (p != null) {
                    String upstream = s < 0 ? model : Glob.expand(target.substring(s + 1), m);
                    if (!upstream.isEmpty()) {
                        return new Route(p, upstream);
                    }
                }
            }
        }
        Target s = model.indexOf('/') < 0 ? shortIds.get(model.toLowerCase(Locale.ROOT)) : null;
        return s == null ? null : new Route(s.provider(), s.upstreamModel()); // last: a catalog id's own name
    }

    /**
     * The route for {@code model} on one named provider ({@code /v1/providers/{provider}/…}), or null when that
     * provider is not enabled. The model may carry the provider's own prefix or name; otherwise it goes as it is.
     */
    public Route resolveIn(String provider, String model) {
        ProviderConfig p = named(provider);
        if (p == null) {
            return null;
        }
        Route r = resolve(model);
        if (r != null && r.provider() == p) {
            return r;
        }
        for (String prefix : new String[] {p.name() + "/", "ext-" + p.name() + "-", p.prefix()}) {
            if (prefix != null && model.length() > prefix.length() && model.startsWith(prefix)) {
                return new Route(p, model.substring(prefix.length()));
            }
        }
        return new Route(p, model);
    }

    /** The enabled provider called {@code name}, or the one whose type (or a seed spelling of it) it names. */
    private ProviderConfig named(String name) {
        ProviderConfig p = byName.get(name);
        return p != null ? p : SluiceConfig.onlyOfType(byName.values(), name);
    }

    /** Why an alias or combo named {@code model} does not resolve (its providers are off), or null. */
    public String unavailable(String model) {
        return unavailable.get(model);
    }

    /**
     * Null when {@code model} is an acceptable model id, else what is wrong with it. Model ids end up in upstream
     * bodies, URL paths (Gemini, Azure) and logs: no control characters or whitespace, no backslash, no {@code ..}
     * path segment, at most {@value #MAX_MODEL_LENGTH} characters.
     */
    public static String invalid(String model) {
        if (model.length() > MAX_MODEL_LENGTH) {
            return "model id is longer than " + MAX_MODEL_LENGTH + " characters";
        }
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            if (c <= 0x20 || c == 0x7f || Character.isISOControl(c) || Character.isWhitespace(c)) {
                return "model id contains a space or control character";
            }
            if (c == '\\') {
                return "model id contains a backslash";
            }
        }
        int start = 0; // each '/'-separated segment; no split(): this runs on every request
        for (int i = 0; i <= model.length(); i++) {
            if (i == model.length() || model.charAt(i) == '/') {
                int len = i - start;
                if ((len == 1 || len == 2) && model.charAt(start) == '.'
                        && (len == 1 || model.charAt(start + 1) == '.')) {
                    return "model id contains a . or .. path segment";
                }
                start = i + 1;
            }
        }
        return null;
    }

    /** Every id {@code /v1/models} lists: provider models, then combos, then aliases. */
    public List<ModelEntry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** Every id served, in {@link #entries()} order. */
    public List<String> modelIds() {
        return publicIds;
    }

    /** Enabled providers by name, in config order. */
    public Map<String, ProviderConfig> providers() {
        return Collections.unmodifiableMap(byName);
    }

    /** Up to {@code max} served ids that look like {@code model}, closest first, for "did you mean" errors. */
    public List<String> closeMatches(String model, int max) {
        String needle = model.toLowerCase(Locale.ROOT);
        List<Map.Entry<String, Integer>> scored = new ArrayList<>();
        for (String id : publicIds) {
            String hay = id.toLowerCase(Locale.ROOT);
            String tail = tail(modelPart.getOrDefault(id, id).toLowerCase(Locale.ROOT));
            int d = Math.min(EditDistance.between(needle, hay), EditDistance.between(tail(needle), tail));
            if (hay.contains(needle) || needle.contains(tail)) {
                d = Math.min(d, 1);
            }
            if (d <= Math.max(3, needle.length() / 3)) {
                scored.add(Map.entry(id, d));
            }
        }
        scored.sort(Map.Entry.comparingByValue());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < scored.size() && out.size() < max; i++) {
            if (!out.contains(scored.get(i).getKey())) {
                out.add(scored.get(i).getKey());
            }
        }
        return out;
    }

    /** The model part of an id: after the last {@code /}. */
    private static String tail(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }
}
