package io.sluice.proxy.config;

import io.sluice.providers.ProviderCatalog;
import io.sluice.providers.ProviderDescriptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies a {@link ProviderEdit} to a config, with the rules config loading applies (the same record constructors),
 * and says which {@code .env} variables describe the result, so that the next start finds what runs now:
 * {@code <P>_ENABLED}, {@code <P>_API_KEY} (then {@code _2}, {@code _3} …), {@code <P>_BASE_URL}, {@code <P>_MODELS}.
 * A provider type not running yet is made the way {@code <P>_ENABLED=1} would make it at start.
 */
public final class ProviderEdits {

    /** The outcome: the config to put in force, the provider as it is in it, and the variables to write. */
    public record Result(SluiceConfig next, ProviderConfig provider, boolean created, String prefix,
                         Map<String, String> set, Set<String> remove) {
    }

    private static final Pattern COMPATIBLE = Pattern.compile("(openai|anthropic)-compatible-([a-z0-9][a-z0-9-]*)");
    /** Request field names for the record's: errors name what the client sent. */
    private static final Map<String, String> FIELD_NAMES = Map.of("baseUrl", "base_url", "apiKeys", "api_keys",
            "keyNames", "api_keys");

    private ProviderEdits() {
    }

    /**
     * {@code edit} applied to provider {@code name} (a name, type or seed alias) of {@code current}; null when no
     * provider or type goes by that name. Throws a {@link ConfigException} naming the request field otherwise.
     */
    public static Result apply(SluiceConfig current, ConfigSource source, String name, ProviderEdit edit) {
        ProviderConfig existing = current.provider(name).orElse(null);
        ProviderDescriptor type = existing != null ? existing.descriptor() : typeOf(name);
        if (type == null || type.id().equals(ProviderCatalog.MOCK) && existing == null) {
            return null;
        }
        Map<String, String> env = source.env();
        String prefix = existing != null ? prefix(existing, name, env) : prefix(type, name);
        Map<String, String> set = new LinkedHashMap<>();
        Set<String> remove = new LinkedHashSet<>();
        try {
            check(type, edit);
            List<String> keyNames = prefix == null ? null
                    : variables(current, existing, env, prefix, edit, set, remove);
            if (existing != null) {
                return edited(current, existing, edit, keyNames, prefix, set, remove);
            }
            if (prefix == null) {
                return null;
            }
            if (edit.enabled() == null) {
                set.put(prefix + "_ENABLED", "1"); // configuring a type turns it on unless told otherwise
            }
            return created(current, env, type, edit, prefix, set, remove);
        } catch (ConfigException e) {
            throw field(e);
        }
    }

    /** The checks of config loading, on the values as sent, before any variable is derived from them. */
    private static void check(ProviderDescriptor type, ProviderEdit edit) {
        if (edit.apiKeys() != null) {
            ProviderChecks.apiKeys(edit.apiKeys());
        }
        if (edit.baseUrl() != null && !edit.baseUrl().isEmpty()) {
            ProviderChecks.baseUrl(type, uri(edit.baseUrl()));
        }
        if (edit.models() != null && !edit.models().isEmpty()) {
            ProviderChecks.models(type, edit.models());
        }
    }

    private static Result edited(SluiceConfig current, ProviderConfig p, ProviderEdit edit, List<String> keyNames,
                                 String prefix, Map<String, String> set, Set<String> remove) {
        if (p.isMock() && (edit.apiKeys() != null || edit.baseUrl() != null)) {
            throw ConfigException.at(edit.apiKeys() != null ? "api_key" : "base_url", "provider " + p.name()
                    + " is the built-in mock (expected: only enabled and models)");
        }
        List<String> keys = edit.apiKeys() != null ? edit.apiKeys() : p.apiKeys();
        List<String> names = edit.apiKeys() != null ? keyNames : p.keyNames();
        URI base = edit.baseUrl() == null ? p.baseUrl() : edit.baseUrl().isEmpty() ? null : uri(edit.baseUrl());
        List<String> models = edit.models() == null ? p.models() : edit.models().isEmpty() ? null : edit.models();
        boolean enabled = edit.enabled() != null ? edit.enabled() : p.enabled();
        ProviderConfig next = new ProviderConfig(p.name(), p.type(), base, keys, models, p.headers(), enabled,
                p.mock(), p.dialect(), names, p.prefix(), p.options(), p.discoverModels(), p.limits());
        List<ProviderConfig> all = new ArrayList<>(current.providers());
        all.set(all.indexOf(p), next);
        return new Result(current.withProviders(all), next, false, prefix, set, remove);
    }

    private static Result created(SluiceConfig current, Map<String, String> env, ProviderDescriptor type,
                                  ProviderEdit edit, String prefix, Map<String, String> set, Set<String> remove) {
        Map<String, String> next = new HashMap<>(env);
        next.keySet().removeAll(remove);
        next.putAll(set);
        if (Boolean.FALSE.equals(edit.enabled())) {
            next.put(prefix + "_ENABLED", "1"); // made as at start, then switched off
        }
        boolean hasBase = type.defaultBaseUrl() != null || isSet(next.get(prefix + "_BASE_URL"))
                || type.baseUrlVars().stream().anyMatch(v -> isSet(next.get(v)));
        if (!hasBase) {
            throw ConfigException.missing("base_url", ProviderChecks.EXPECTED_URL + ", required for type "
                    + type.id());
        }
        ProviderConfig made = null;
        for (ProviderConfig p : ProvidersSection.fromEnv(current.providers(), next)) {
            if (p.type().equals(type.id()) && (made == null || !type.compatibleFamily())) {
                made = p;
            }
        }
        if (made == null) {
            throw new IllegalStateException(prefix + "_ENABLED made no provider of type " + type.id());
        }
        if (Boolean.FALSE.equals(edit.enabled())) {
            made = new ProviderConfig(made.name(), made.type(), made.baseUrl(), made.apiKeys(), made.models(),
                    made.headers(), false, made.mock(), made.dialect(), made.keyNames(), made.prefix(),
                    made.options(), made.discoverModels(), made.limits());
        }
        List<ProviderConfig> all = new ArrayList<>(current.providers());
        all.add(made);
        return new Result(current.withProviders(all), made, true, prefix, set, remove);
    }

    /**
     * Fills {@code set} and {@code remove} with the variables {@code edit} changes under {@code prefix}; returns the
     * names the new keys go by (their variables).
     */
    private static List<String> variables(SluiceConfig current, ProviderConfig p, Map<String, String> env,
                                          String prefix, ProviderEdit edit, Map<String, String> set,
                                          Set<String> remove) {
        if (edit.enabled() != null) {
            set.put(prefix + "_ENABLED", edit.enabled() ? "1" : "0");
        }
        List<String> keyNames = new ArrayList<>();
        if (edit.apiKeys() != null) {
            // The old keys' variables go (unless another provider reads them too), so the next start has these only.
            Set<String> shared = new LinkedHashSet<>();
            for (ProviderConfig other : current.providers()) {
                if (other != p) {
                    shared.addAll(other.keyNames());
                }
            }
            if (p != null) {
                p.keyNames().stream().filter(env::containsKey).filter(v -> !shared.contains(v)).forEach(remove::add);
            }
            Pattern own = Pattern.compile(Pattern.quote(prefix) + "_(API_KEY|TOKEN)(_\\d{1,4})?");
            env.keySet().stream().filter(v -> own.matcher(v).matches()).forEach(remove::add);
            for (int i = 0; i < edit.apiKeys().size(); i++) {
                String var = prefix + "_API_KEY" + (i == 0 ? "" : "_" + (i + 1));
                set.put(var, edit.apiKeys().get(i));
                remove.remove(var);
                keyNames.add(var);
            }
        }
        if (edit.baseUrl() != null) {
            if (edit.baseUrl().isEmpty()) {
                remove.add(prefix + "_BASE_URL");
                if (p != null) {
                    p.descriptor().baseUrlVars().stream().filter(env::containsKey).forEach(remove::add);
                }
            } else {
                set.put(prefix + "_BASE_URL", edit.baseUrl());
            }
        }
        if (edit.models() != null) {
            if (edit.models().isEmpty()) {
                remove.add(prefix + "_MODELS");
            } else {
                set.put(prefix + "_MODELS", String.join(",", edit.models()));
            }
        }
        return keyNames;
    }

    /** The type {@code name} names when no provider does: a type id or seed alias, or a compatible provider's name. */
    private static ProviderDescriptor typeOf(String name) {
        ProviderDescriptor d = ProviderCatalog.get().byType(name.toLowerCase(Locale.ROOT));
        if (d != null && !d.compatibleFamily()) {
            return d;
        }
        return COMPATIBLE.matcher(name).matches() ? ProviderCatalog.get().inferFromName(name) : null;
    }

    /** The variable prefix of a type not running yet: the seed's spelling when {@code name} is one. */
    private static String prefix(ProviderDescriptor d, String name) {
        if (d.compatibleFamily()) {
            return name.toUpperCase(Locale.ROOT).replace('-', '_');
        }
        for (String p : d.envPrefixes()) {
            if (p.equalsIgnoreCase(name)) {
                return p;
            }
        }
        return d.envPrefixes().isEmpty() ? null : d.envPrefixes().get(0);
    }

    /**
     * The variable prefix of provider {@code p} without looking at the environment ({@code ANTHROPIC},
     * {@code OPENAI_COMPATIBLE_LOCAL}), or null when its type has none.
     */
    public static String envPrefix(ProviderConfig p) {
        ProviderDescriptor d = p.descriptor();
        if (d.compatibleFamily()) {
            return p.name().toUpperCase(Locale.ROOT).replace('-', '_');
        }
        return d.envPrefixes().isEmpty() ? null : d.envPrefixes().get(0);
    }

    /** The variable prefix that describes running provider {@code p}: the one its variables already use. */
    private static String prefix(ProviderConfig p, String name, Map<String, String> env) {
        ProviderDescriptor d = p.descriptor();
        if (d.compatibleFamily()) {
            return envPrefix(p);
        }
        for (String pfx : d.envPrefixes()) {
            String flag = env.get(pfx + "_ENABLED");
            if (flag != null && !flag.isBlank() || env.containsKey(pfx + "_BASE_URL")
                    || p.keyNames().stream().anyMatch(k -> k.startsWith(pfx + "_"))) {
                return pfx;
            }
        }
        return prefix(d, name);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw ConfigException.invalid("base_url", text, ProviderChecks.EXPECTED_URL);
        }
    }

    /** The error with the request's field name in front instead of the record's. */
    private static ConfigException field(ConfigException e) {
        String key = e.key();
        for (Map.Entry<String, String> f : FIELD_NAMES.entrySet()) {
            if (key.equals(f.getKey()) || key.startsWith(f.getKey() + "[")) {
                return new ConfigException(f.getValue() + key.substring(f.getKey().length())
                        + e.getMessage().substring(key.length()), e);
            }
        }
        return e;
    }
}
