package io.sluice.proxy.config;

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
 */
public record ProviderConfig(String name, String type, URI baseUrl, List<String> apiKeys, List<String> models,
                             Map<String, String> headers, boolean enabled, MockSettings mock, String dialect) {

    public static final String TYPE_MOCK = "mock";
    public static final String TYPE_OPENAI = "openai";
    public static final String TYPE_OPENAI_COMPATIBLE = "openai-compatible";
    public static final String TYPE_ANTHROPIC = "anthropic";
    public static final String TYPE_ANTHROPIC_COMPATIBLE = "anthropic-compatible";
    public static final String TYPE_GEMINI = "gemini";
    public static final List<String> TYPES = List.of(TYPE_MOCK, TYPE_OPENAI, TYPE_OPENAI_COMPATIBLE, TYPE_ANTHROPIC,
            TYPE_ANTHROPIC_COMPATIBLE, TYPE_GEMINI);

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

    public ProviderConfig {
        checkName("name", name);
        if (type == null) {
            throw ConfigException.missing("type", "one of " + String.join(", ", TYPES));
        }
        if (!TYPES.contains(type)) {
            throw ConfigException.invalid("type", type, "one of " + String.join(", ", TYPES));
        }
        baseUrl = ProviderChecks.baseUrl(type, baseUrl);
        apiKeys = ProviderChecks.apiKeys(apiKeys);
        models = ProviderChecks.models(type, models);
        headers = ProviderChecks.headers(headers);
        mock = ProviderChecks.mock(type, mock);
        dialect = ProviderChecks.dialect(type, dialect);
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
                + ", enabled=" + enabled + ", mock=" + mock + ", dialect=" + dialect + "]";
    }
}
