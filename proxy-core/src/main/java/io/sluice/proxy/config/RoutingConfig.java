package io.sluice.proxy.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How model names beyond {@code <provider>/<model>} and prefixes resolve. Checked for shape here; whether targets
 * resolve is the router's business (a target on a disabled provider is reported at startup, not an error).
 *
 * @param aliases   name → model (or combo) it stands for: {@code fast: openai/gpt-4o-mini}
 * @param wildcards glob → target, in file order: {@code "claude-*": anthropic}, {@code "*-large": azure/$1-lg};
 *                  the target is a provider name (the model goes unchanged) or {@code provider/template}, where
 *                  {@code $1}… are the texts the {@code *}s matched and {@code $0} the whole model
 * @param combos    name → ordered models tried in turn: the first serves, the rest are its fallbacks
 * @param modelIds  the form {@code /v1/models} lists: {@code seed} ({@code ext-<provider>-<model>}, the seeds' ids,
 *                  and each special provider's own prefix) or {@code provider} ({@code <provider>/<model>}); both
 *                  forms route either way
 */
public record RoutingConfig(Map<String, String> aliases, Map<String, String> wildcards,
                            Map<String, List<String>> combos, String modelIds) {

    public static final String SEED_IDS = "seed";
    public static final String PROVIDER_IDS = "provider";

    public RoutingConfig(Map<String, String> aliases, Map<String, String> wildcards,
                         Map<String, List<String>> combos) {
        this(aliases, wildcards, combos, SEED_IDS);
    }

    public RoutingConfig {
        modelIds = modelIds == null ? SEED_IDS : modelIds.strip().toLowerCase(java.util.Locale.ROOT);
        if (!modelIds.equals(SEED_IDS) && !modelIds.equals(PROVIDER_IDS)) {
            throw ConfigException.invalid("modelIds", modelIds, "seed (ext-<provider>-<model>) or provider "
                    + "(<provider>/<model>)");
        }
        aliases = names("aliases", aliases);
        wildcards = patterns(wildcards);
        combos = combos(combos);
        Set<String> both = new HashSet<>(aliases.keySet());
        both.retainAll(combos.keySet());
        if (!both.isEmpty()) {
            throw ConfigException.invalid("combos", both.iterator().next(), "a name not also used by an alias");
        }
        checkAliasLoops(aliases);
    }

    /** Each alias must end at a model, not come back to itself. */
    private static void checkAliasLoops(Map<String, String> aliases) {
        aliases.forEach((name, target) -> {
            List<String> path = new java.util.ArrayList<>();
            path.add(name);
            String t = target;
            while (aliases.containsKey(t)) {
                if (path.contains(t)) {
                    path.add(t);
                    throw ConfigException.invalid("aliases." + name, target,
                            "an alias that does not loop (" + String.join(" -> ", path) + ")");
                }
                path.add(t);
                t = aliases.get(t);
            }
        });
    }

    public static RoutingConfig empty() {
        return new RoutingConfig(Map.of(), Map.of(), Map.of());
    }

    /** Whether {@code /v1/models} lists the seeds' {@code ext-<provider>-<model>} ids. */
    public boolean seedIds() {
        return modelIds.equals(SEED_IDS);
    }

    private static Map<String, String> names(String section, Map<String, String> in) {
        if (in == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((name, target) -> {
            checkModel(section, name, "a name without spaces or control characters");
            checkModel(section + "." + name, target, "a model id");
            out.put(name, target);
        });
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, String> patterns(Map<String, String> in) {
        if (in == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((glob, target) -> {
            checkModel("wildcards", glob, "a glob pattern such as claude-* or */gpt-4*");
            if (glob.indexOf('*') < 0) {
                throw ConfigException.invalid("wildcards", glob, "a pattern with at least one *; use aliases for "
                        + "exact names");
            }
            checkModel("wildcards." + glob, target, "a provider name or provider/template");
            out.put(glob, target);
        });
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, List<String>> combos(Map<String, List<String>> in) {
        if (in == null) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        in.forEach((name, chain) -> {
            checkModel("combos", name, "a name without spaces or control characters");
            if (chain == null || chain.isEmpty()) {
                throw ConfigException.missing("combos." + name, "a list of one or more models");
            }
            List<String> copy = new ArrayList<>(chain.size());
            for (int i = 0; i < chain.size(); i++) {
                checkModel("combos." + name + "[" + i + "]", chain.get(i), "a model id");
                copy.add(chain.get(i));
            }
            out.put(name, List.copyOf(copy));
        });
        return Collections.unmodifiableMap(out);
    }

    private static void checkModel(String at, String value, String expected) {
        if (value == null || value.isEmpty() || value.length() > 256
                || value.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
            throw ConfigException.invalid(at, value, expected);
        }
    }
}
