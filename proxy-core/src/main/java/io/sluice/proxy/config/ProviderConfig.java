package io.sluice.proxy.config;

import io.sluice.providers.ProviderCatalog;
import io.sluice.providers.ProviderDescriptor;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One upstream provider.
 *
 * @param name    unique id, used in model ids ({@code name/model}), metrics and logs; matches {@link #NAME_PATTERN}
 * @param type    one of {@link #TYPES}
 * @param baseUrl API root without trailing slash; defaults to {@link #DEFAULT_OPENAI_BASE_URL} for {@code openai},
 *                required for {@code openai-compatible}, null unless given for {@code mock}
 * @param apiKeys credentials, trimmed, empty ones dropped (an unset {@code ${VAR}} gives an empty one); may be empty
 * @param models  model ids this provider serves; defaults to {@link #DEFAULT_MOCK_MODELS} for {@code mock}
 * @param headers extra headers sent with every upstream request, in file order
 * @param enabled whether the proxy routes to this provider
 * @param mock    mock streaming settings; non-null exactly when {@code type} is {@code mock}
 * @param dialect the wire format the provider speaks, one of {@link #DIALECTS}; defaults from the type
 *                ({@code anthropic*} → anthropic, {@code gemini} → gemini, otherwise openai); {@code responses} selects
 *                OpenAI's Responses API for an {@code openai} or {@code openai-compatible} provider
 * @param keyNames where each key came from ({@code GITHUB_TOKEN_2}, {@code apiKeys[1]}): the name logs and the
 *                 monitoring API show instead of the key; same order and size as {@code apiKeys}
 * @param prefix   the model prefix clients may use besides {@code <name>/} and {@code ext-<name>-}; defaults to the
 *                 type's ({@code atlas-} for github-models); may be null
 * @param options  type-specific settings ({@code apiVersion} for azure, {@code tokenUrl} for github-copilot) with
 *                 the type's defaults filled in
 * @param discoverModels whether {@code GET <baseUrl>/models} is fetched (at start and every few minutes) and its ids
 *                 served besides {@code models}; defaults from the type (on for ollama and litellm)
 * @param limits   key strategy and weights, rate limit and concurrency of this provider
 */
public record ProviderConfig(String name, String type, URI baseUrl, List<String> apiKeys, List<String> models,
                             Map<String, String> headers, boolean enabled, MockSettings mock, String dialect,
                             List<String> keyNames, String prefix, Map<String, String> options,
                             Boolean discoverModels, ProviderLimits limits) {

    public static final String TYPE_MOCK = "mock";
    public static final String TYPE_OPENAI = "openai";
    public static final String TYPE_OPENAI_COMPATIBLE = "openai-compatible";
    public static final String TYPE_ANTHROPIC = "anthropic";
    public static final String TYPE_ANTHROPIC_COMPATIBLE = "anthropic-compatible";
    public static final String TYPE_GEMINI = "gemini";
    /** Every provider type, catalog order; the seeds' spellings ({@code atlas}, …) are accepted too. */
    public static final List<String> TYPES =
            ProviderCatalog.get().all().stream().map(ProviderDescriptor::id).toList();

    public static final String DIALECT_OPENAI = "openai";
    public static final String DIALECT_ANTHROPIC = "anthropic";
    public static final String DIALECT_GEMINI = "gemini";
    public static final String DIALECT_RESPONSES = "responses";
    public static final List<String> DIALECTS = List.of(DIALECT_OPENAI, DIALECT_ANTHROPIC, DIALECT_GEMINI,
            DIALECT_RESPONSES);

    public static final URI DEFAULT_OPENAI_BASE_URL = URI.create("https://api.openai.com/v1");
    public static final URI DEFAULT_ANTHROPIC_BASE_URL = URI.create("https://api.anthropic.com/v1");
    public static final URI DEFAULT_GEMINI_BASE_URL = URI.create("https://generativelanguage.googleapis.com/v1beta");
    public static final List<String> DEFAULT_MOCK_MODELS = List.of("echo", "lorem");
    public static final boolean DEFAULT_ENABLED = true;
    public static final Pattern NAME_PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    /** A model prefix: what clients put before the upstream id ({@code atlas-}, {@code ext-copilot-}). */
    public static final Pattern PREFIX_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*[-_./:]");

    public ProviderConfig {
        checkName("name", name);
        if (type == null) {
            throw ConfigException.missing("type", "one of " + String.join(", ", TYPES));
        }
        ProviderDescriptor d = ProviderCatalog.get().byType(type);
        if (d == null) {
            throw ConfigException.invalid("type", type, "one of " + String.join(", ", TYPES));
        }
        type = d.id(); // "atlas" and "githubcopilot" are spellings of github-models and github-copilot
        baseUrl = ProviderChecks.baseUrl(d, baseUrl);
        keyNames = ProviderChecks.keyNames(apiKeys, keyNames);
        apiKeys = ProviderChecks.apiKeys(apiKeys);
        models = ProviderChecks.models(d, models);
        headers = ProviderChecks.headers(headers);
        mock = ProviderChecks.mock(type, mock);
        dialect = ProviderChecks.dialect(d, dialect);
        prefix = ProviderChecks.prefix(d, prefix);
        options = ProviderChecks.options(d, options);
        if (discoverModels == null) {
            discoverModels = d.discoverByDefault() && d.modelsPath() != null;
        } else if (discoverModels && d.modelsPath() == null) {
            throw ConfigException.invalid("discoverModels", "true", "false: type " + d.id()
                    + " has no model list to fetch");
        }
        limits = limits == null ? ProviderLimits.defaults() : limits;
        if (!limits.weights().isEmpty() && limits.weights().size() != apiKeys.size()) {
            throw ConfigException.invalid("weights", limits.weights().toString(),
                    "one weight per key (" + apiKeys.size() + " keys)");
        }
    }

    public ProviderConfig(String name, String type, URI baseUrl, List<String> apiKeys, List<String> models,
                          Map<String, String> headers, boolean enabled, MockSettings mock, String dialect,
                          List<String> keyNames, String prefix, Map<String, String> options,
                          Boolean discoverModels) {
        this(name, type, baseUrl, apiKeys, models, headers, enabled, mock, dialect, keyNames, prefix, options,
                discoverModels, null);
    }

    /** A provider that fetches its model list when its type does by default. */
    public ProviderConfig(String name, String type, URI baseUrl, List<String> apiKeys, List<String> models,
                          Map<String, String> headers, boolean enabled, MockSettings mock, String dialect,
                          List<String> keyNames, String prefix, Map<String, String> options) {
        this(name, type, baseUrl, apiKeys, models, headers, enabled, mock, dialect, keyNames, prefix, options, null,
                null);
    }

    /** A provider with keys named by position and the type's prefix and options. */
    public ProviderConfig(String name, String type, URI baseUrl, List<String> apiKeys, List<String> models,
                          Map<String, String> headers, boolean enabled, MockSettings mock, String dialect) {
        this(name, type, baseUrl, apiKeys, models, headers, enabled, mock, dialect, null, null, null, null, null);
    }

    /** A provider speaking its type's default dialect. */
    public ProviderConfig(String name, String type, URI baseUrl, List<String> apiKeys, List<String> models,
                          Map<String, String> headers, boolean enabled, MockSettings mock) {
        this(name, type, baseUrl, apiKeys, models, headers, enabled, mock, null);
    }

    /** An enabled mock provider with default models and streaming settings. */
    public static ProviderConfig mock(String name) {
        return new ProviderConfig(name, TYPE_MOCK, null, List.of(), null, Map.of(), true, null);
    }

    /** Validates a provider name; {@code key} is where the name came from, for the error message. */
    public static void checkName(String key, String name) {
        if (name == null || !NAME_PATTERN.matcher(name).matches()) {
            throw ConfigException.invalid(key, name, "a provider name matching " + NAME_PATTERN.pattern());
        }
    }

    public boolean isMock() {
        return TYPE_MOCK.equals(type);
    }

    /** Whether it has what its type needs to be called: a key, unless the type takes none ("not configured"). */
    public boolean configured() {
        return !descriptor().keyRequired() || !apiKeys.isEmpty();
    }

    /** What the catalog knows about this provider's type. */
    public ProviderDescriptor descriptor() {
        return ProviderCatalog.get().byType(type);
    }

    /** The value of option {@code name}: configured, else the type's default; null when the type has no such option. */
    public String option(String name) {
        return options.get(name);
    }

    /** The API keys as {@link Secrets#mask} shows them, safe to log. */
    public List<String> maskedApiKeys() {
        return apiKeys.stream().map(Secrets::mask).toList();
    }

    /** Like the record's, but keys and header values are masked: this string ends up in logs. */
    @Override
    public String toString() {
        Map<String, String> maskedHeaders = new LinkedHashMap<>();
        headers.forEach((k, v) -> maskedHeaders.put(k, Secrets.mask(v)));
        return "ProviderConfig[name=" + name + ", type=" + type + ", baseUrl=" + baseUrl
                + ", apiKeys=" + maskedApiKeys() + ", models=" + models + ", headers=" + maskedHeaders
                + ", enabled=" + enabled + ", mock=" + mock + ", dialect=" + dialect + ", keyNames=" + keyNames
                + ", prefix=" + prefix + ", options=" + options + ", discoverModels=" + discoverModels
                + ", limits=" + limits + "]";
    }
}
