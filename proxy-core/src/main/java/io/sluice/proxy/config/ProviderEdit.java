package io.sluice.proxy.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.providers.EnvProviders;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One change to a provider, as {@code POST /api/monitoring/providers/:name/config} takes it: each field null when
 * the request leaves it as it is.
 *
 * @param enabled whether the provider takes requests
 * @param apiKeys its keys, replacing the old ones; empty to remove them all
 * @param baseUrl its API root as given; empty to go back to the type's default
 * @param models  its model ids, replacing the old ones; empty to go back to the type's defaults
 */
public record ProviderEdit(Boolean enabled, List<String> apiKeys, String baseUrl, List<String> models) {

    /** The fields a request may carry; camelCase spellings are taken too. */
    static final List<String> FIELDS = List.of("enabled", "api_key", "api_keys", "base_url", "models");
    private static final Map<String, String> SPELLINGS = Map.of("apiKey", "api_key", "apiKeys", "api_keys",
            "baseUrl", "base_url");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_KEYS = 64;

    public ProviderEdit {
        apiKeys = apiKeys == null ? null : List.copyOf(apiKeys);
        models = models == null ? null : List.copyOf(models);
    }

    /** Whether the edit changes nothing. */
    public boolean isEmpty() {
        return enabled == null && apiKeys == null && baseUrl == null && models == null;
    }

    /**
     * Reads a request body. Throws a {@link ConfigException} naming the field (never echoing a key) for JSON that is
     * not an object, an unknown field, or a value of the wrong kind.
     */
    public static ProviderEdit parse(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JacksonException e) {
            throw ConfigException.at("body", "not valid JSON (expected: an object with " + String.join(", ", FIELDS)
                    + ")");
        }
        if (root == null || !root.isObject()) {
            throw ConfigException.at("body", "not a JSON object (expected: an object with " + String.join(", ", FIELDS)
                    + ")");
        }
        Boolean enabled = null;
        List<String> keys = null;
        String baseUrl = null;
        List<String> models = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String field = SPELLINGS.getOrDefault(f.getKey(), f.getKey());
            JsonNode v = f.getValue();
            switch (field) {
                case "enabled" -> enabled = flag(v);
                case "api_key", "api_keys" -> {
                    if (keys != null) {
                        throw ConfigException.at(field, "given together with another key field (expected: one of"
                                + " api_key, api_keys)");
                    }
                    keys = keys(field, v);
                }
                case "base_url" -> baseUrl = v.isNull() ? "" : text(field, v).strip();
                case "models" -> models = list(field, v);
                default -> throw ConfigException.at(ConfigException.render(f.getKey()), "unknown field (expected: one"
                        + " of " + String.join(", ", FIELDS) + ")");
            }
        }
        return new ProviderEdit(enabled, keys, baseUrl, models);
    }

    private static Boolean flag(JsonNode v) {
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() || v.isInt()) {
            try {
                return EnvProviders.truthy("enabled", v.asText());
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid("enabled", v.asText(), "true or false");
            }
        }
        throw ConfigException.invalid("enabled", v.toString(), "true or false");
    }

    /** Keys from a string (one key, or several separated by commas) or an array of strings; null clears. */
    private static List<String> keys(String field, JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isNull()) {
            return out;
        }
        if (v.isTextual()) {
            for (String k : v.textValue().split(",")) {
                if (!k.isBlank()) {
                    out.add(k.strip());
                }
            }
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw ConfigException.at(field + "[" + i + "]", "not a string (expected: an API key)");
                }
                if (!v.get(i).textValue().isBlank()) {
                    out.add(v.get(i).textValue().strip());
                }
            }
        } else {
            throw ConfigException.at(field, "not a string or a list of strings (expected: API keys)");
        }
        if (out.size() > MAX_KEYS) {
            throw ConfigException.invalid(field, out.size() + " keys", "at most " + MAX_KEYS);
        }
        return out;
    }

    private static String text(String field, JsonNode v) {
        if (!v.isTextual()) {
            throw ConfigException.invalid(field, v.toString(), "a string");
        }
        return v.textValue();
    }

    /** Model ids from an array of strings or one string separated by commas or spaces, as {@code <P>_MODELS}. */
    private static List<String> list(String field, JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isNull()) {
            return out;
        }
        if (v.isTextual()) {
            for (String s : v.textValue().split("[,\\s]+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
            return out;
        }
        if (!v.isArray()) {
            throw ConfigException.invalid(field, v.toString(), "a list of model ids");
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(text(field + "[" + i + "]", v.get(i)));
        }
        return out;
    }
}
