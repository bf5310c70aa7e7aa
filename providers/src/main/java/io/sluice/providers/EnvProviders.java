package io.sluice.providers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Providers configured by the seeds' environment conventions, with no config file entry:
 * <ul>
 *   <li>{@code <P>_ENABLED=1} (also {@code true}, {@code yes}, {@code on}) turns provider {@code P} on;</li>
 *   <li>keys from {@code <P>_API_KEY}, {@code <P>_API_KEY_2..N}, {@code <P>_TOKEN}, {@code <P>_TOKEN_1..N} and the
 *       descriptor's own key variables ({@code GITHUB_TOKEN}, {@code GITHUB_TOKEN_2}, …), in that order, duplicates
 *       dropped; each key keeps the name of its variable, which is what logs and the monitoring API show;</li>
 *   <li>{@code <P>_BASE_URL} (or the descriptor's own, e.g. {@code AZURE_OPENAI_ENDPOINT}) overrides the base URL;</li>
 *   <li>{@code <P>_MODELS=a,b,c} replaces the default model list (Azure also takes {@code _DEPLOYMENT(S)});
 *       {@code <P>_DISCOVER_MODELS=1} fetches the provider's own list;</li>
 *   <li>options such as {@code AZURE_OPENAI_API_VERSION} or {@code GITHUB_COPILOT_TOKEN_URL};</li>
 *   <li>{@code OPENAI_COMPATIBLE_<NAME>_BASE_URL} (and {@code ANTHROPIC_COMPATIBLE_…}) adds a provider named
 *       {@code openai-compatible-<name>}, on unless its {@code _ENABLED} says otherwise.</li>
 * </ul>
 * {@code P} is any of the descriptor's prefixes ({@code OPENAI} or the seed's {@code EXT_OPENAI}).
 */
public final class EnvProviders {

    /** A provider as the environment describes it. {@code keys} and {@code keyNames} line up. */
    public record EnvProvider(String name, ProviderDescriptor type, String enabledBy, List<String> keyNames,
                              List<String> keys, String baseUrl, List<String> models, Map<String, String> options,
                              Boolean discoverModels) {
    }

    private static final Pattern COMPATIBLE =
            Pattern.compile("(OPENAI|ANTHROPIC)_COMPATIBLE_([A-Z0-9][A-Z0-9_]*?)_(BASE_URL|ENABLED)");

    private EnvProviders() {
    }

    /**
     * Every provider the environment turns on, in catalog order, then the dynamic compatible ones by name.
     *
     * @throws IllegalArgumentException naming the variable, when a value is not usable (an {@code _ENABLED} that is
     *                                  neither true nor false)
     */
    public static List<EnvProvider> read(ProviderCatalog catalog, Map<String, String> env) {
        List<EnvProvider> out = new ArrayList<>();
        for (ProviderDescriptor d : catalog.all()) {
            if (d.compatibleFamily() || d.id().equals(ProviderCatalog.MOCK)) {
                continue;
            }
            String enabledBy = enabledVar(env, d.envPrefixes());
            if (enabledBy == null && d.enabledByKey() && noFlag(env, d.envPrefixes())) {
                enabledBy = d.keyVars().stream().filter(v -> nonEmpty(env.get(v))).findFirst().orElse(null);
            }
            if (enabledBy != null) {
                out.add(build(d.id(), d, d.envPrefixes(), enabledBy, env));
            }
        }
        Map<String, String> dynamic = new TreeMap<>();
        for (String var : env.keySet()) {
            Matcher m = COMPATIBLE.matcher(var);
            if (m.matches()) {
                dynamic.put(m.group(1) + "_COMPATIBLE_" + m.group(2), m.group(1));
            }
        }
        dynamic.forEach((prefix, family) -> {
            ProviderDescriptor d = catalog.byType(family.toLowerCase(Locale.ROOT) + "-compatible");
            String flag = env.get(prefix + "_ENABLED");
            boolean byBaseUrl = flag == null || flag.isBlank();
            boolean on = byBaseUrl ? nonEmpty(env.get(prefix + "_BASE_URL")) : truthy(prefix + "_ENABLED", flag);
            if (d != null && on) {
                String suffix = prefix.substring(family.length() + "_COMPATIBLE_".length());
                String name = d.id() + "-" + suffix.toLowerCase(Locale.ROOT).replace('_', '-');
                out.add(build(name, d, List.of(prefix), byBaseUrl ? prefix + "_BASE_URL" : prefix + "_ENABLED",
                        env));
            }
        });
        return out;
    }

    /** The {@code _ENABLED} variable that turns the provider on; null when none is set or it says false. */
    private static String enabledVar(Map<String, String> env, List<String> prefixes) {
        for (String p : prefixes) {
            String var = p + "_ENABLED";
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                return truthy(var, v) ? var : null;
            }
        }
        return null;
    }

    /** Whether none of the {@code <P>_ENABLED} variables is set (to anything). */
    private static boolean noFlag(Map<String, String> env, List<String> prefixes) {
        return prefixes.stream().map(p -> env.get(p + "_ENABLED")).allMatch(v -> v == null || v.isBlank());
    }

    /** Parses a boolean flag the way the seeds do: 1/true/yes/on, 0/false/no/off. */
    public static boolean truthy(String var, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off", "" -> false;
            default -> throw new IllegalArgumentException(var + ": \"" + value
                    + "\" (expected: 1, true, yes or on to enable; 0, false, no or off to disable)");
        };
    }

    private static EnvProvider build(String name, ProviderDescriptor d, List<String> prefixes, String enabledBy,
                                     Map<String, String> env) {
        List<String> stems = new ArrayList<>();
        for (String p : prefixes) {
            stems.add(p + "_API_KEY");
            stems.add(p + "_TOKEN");
        }
        stems.addAll(d.keyVars());
        List<String> keyNames = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String stem : stems) {
            for (String var : numbered(env, stem)) {
                String key = env.get(var).strip();
                if (!key.isEmpty() && !keys.contains(key)) {
                    keys.add(key);
                    keyNames.add(var);
                }
            }
        }
        String baseUrl = null;
        List<String> urlVars = new ArrayList<>();
        // Turned on by <P>_ENABLED, a provider takes its URL from <P>_BASE_URL, not from another of its prefixes:
        // with EXT_OPENAI_ENABLED, the seed's OPENAI_BASE_URL is GitHub Models' address, not OpenAI's.
        String enabling = prefixes.stream().filter(p -> enabledBy.equals(p + "_ENABLED")).findFirst().orElse(null);
        if (enabling != null) {
            urlVars.add(enabling + "_BASE_URL");
        } else {
            prefixes.forEach(p -> urlVars.add(p + "_BASE_URL"));
        }
        urlVars.addAll(d.baseUrlVars());
        for (String var : urlVars) {
            if (nonEmpty(env.get(var)) && !claimed(var, d, env)) {
                baseUrl = env.get(var).strip();
                break;
            }
        }
        List<String> models = null;
        for (String p : prefixes) {
            List<String> suffixes = d.pathStyle() == ProviderDescriptor.PathStyle.AZURE_DEPLOYMENT
                    ? List.of("_MODELS", "_DEPLOYMENTS", "_DEPLOYMENT") : List.of("_MODELS");
            for (String s : suffixes) {
                if (models == null && nonEmpty(env.get(p + s))) {
                    models = list(env.get(p + s));
                }
            }
        }
        Map<String, String> options = new LinkedHashMap<>();
        d.envOptions().forEach((suffix, option) -> {
            for (String p : prefixes) {
                String v = env.get(p + "_" + suffix);
                if (nonEmpty(v) && !options.containsKey(option)) {
                    options.put(option, v.strip());
                }
            }
        });
        Boolean discover = null;
        for (String p : prefixes) {
            String v = env.get(p + "_DISCOVER_MODELS");
            if (discover == null && nonEmpty(v)) {
                discover = truthy(p + "_DISCOVER_MODELS", v);
            }
        }
        return new EnvProvider(name, d, enabledBy, List.copyOf(keyNames), List.copyOf(keys), baseUrl, models,
                Map.copyOf(options), discover);
    }

    /**
     * Whether {@code var}, one of {@code d}'s borrowed URL variables, belongs to the provider whose prefix it carries
     * because that provider is turned on by it: the seed's {@code OPENAI_BASE_URL} is GitHub Models' address unless
     * {@code OPENAI_ENABLED} turns OpenAI on.
     */
    private static boolean claimed(String var, ProviderDescriptor d, Map<String, String> env) {
        if (!d.baseUrlVars().contains(var) || !var.endsWith("_BASE_URL")) {
            return false;
        }
        String owner = var.substring(0, var.length() - "_BASE_URL".length());
        if (d.envPrefixes().contains(owner)) {
            return false;
        }
        String flag = env.get(owner + "_ENABLED");
        try {
            return flag != null && !flag.isBlank() && truthy(owner + "_ENABLED", flag);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code stem} itself, then {@code stem_<n>} in numeric order. */
    private static List<String> numbered(Map<String, String> env, String stem) {
        List<String> out = new ArrayList<>();
        if (env.containsKey(stem)) {
            out.add(stem);
        }
        Pattern p = Pattern.compile(Pattern.quote(stem) + "_(\\d{1,4})");
        List<String> numberedVars = new ArrayList<>();
        for (String var : env.keySet()) {
            if (p.matcher(var).matches()) {
                numberedVars.add(var);
            }
        }
        numberedVars.sort(Comparator.comparingInt(v -> Integer.parseInt(v.substring(stem.length() + 1))));
        out.addAll(numberedVars);
        return out;
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split("[,\\s]+")) {
            if (!s.isEmpty() && !out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isBlank();
    }
}
