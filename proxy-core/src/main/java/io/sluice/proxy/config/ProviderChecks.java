package io.sluice.proxy.config;

import io.sluice.providers.ProviderDescriptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Validation and normalization of {@link ProviderConfig} fields. */
final class ProviderChecks {

    static final String EXPECTED_URL = "http or https URL";

    /** Headers the proxy sets itself per exchange; a fixed value would corrupt the framing. */
    private static final Set<String> RESERVED_HEADERS =
            Set.of("host", "content-length", "transfer-encoding", "connection", "upgrade");

    private ProviderChecks() {
    }

    static URI baseUrl(ProviderDescriptor d, URI url) {
        if (url == null) {
            if (d.defaultBaseUrl() != null || d.id().equals(ProviderConfig.TYPE_MOCK)) {
                return d.defaultBaseUrl();
            }
            throw ConfigException.missing("baseUrl", EXPECTED_URL + ", required for type " + d.id());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw ConfigException.invalid("baseUrl", withoutUserInfo(url), EXPECTED_URL);
        }
        if (url.getRawUserInfo() != null) {
            throw ConfigException.invalid("baseUrl", withoutUserInfo(url),
                    EXPECTED_URL + " without credentials; put them in apiKeys or headers");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw ConfigException.invalid("baseUrl", url.toString(), EXPECTED_URL + " without query or fragment");
        }
        String text = url.toString();
        // Paths are appended to the base ("/chat/completions"), so "…/v1/" would give "…/v1//chat/completions".
        text = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        String path = url.getRawPath();
        if (d.bareHostPath() != null && (path == null || path.isEmpty() || path.equals("/"))) {
            text += d.bareHostPath(); // OLLAMA_BASE_URL=http://localhost:11434, as the seed writes it
        }
        return URI.create(text);
    }

    static List<String> apiKeys(List<String> keys) {
        if (keys == null) {
            return List.of();
        }
        List<String> clean = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i) == null ? "" : keys.get(i).strip();
            if (key.isEmpty()) {
                continue; // unset ${VAR}: this key is simply not configured
            }
            String at = "apiKeys[" + i + "]";
            if (key.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw ConfigException.invalid(at, Secrets.mask(key), "a key without whitespace or control characters");
            }
            if (clean.contains(key)) {
                throw ConfigException.invalid(at, Secrets.mask(key), "unique keys");
            }
            clean.add(key);
        }
        return List.copyOf(clean);
    }

    /** Names for the keys that survive {@link #apiKeys}: given ones, else {@code apiKeys[i]} by position. */
    static List<String> keyNames(List<String> keys, List<String> names) {
        if (keys == null) {
            return List.of();
        }
        if (names != null && names.size() != keys.size()) {
            throw ConfigException.invalid("keyNames", String.valueOf(names.size()),
                    keys.size() + " names, one per key");
        }
        List<String> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i) == null ? "" : keys.get(i).strip();
            if (!key.isEmpty()) {
                out.add(names == null ? "apiKeys[" + i + "]" : names.get(i));
            }
        }
        return List.copyOf(out);
    }

    static String prefix(ProviderDescriptor d, String prefix) {
        if (prefix == null) {
            return d.modelPrefix();
        }
        if (!ProviderConfig.PREFIX_PATTERN.matcher(prefix).matches()) {
            throw ConfigException.invalid("prefix", prefix, "a model prefix matching "
                    + ProviderConfig.PREFIX_PATTERN.pattern() + ", e.g. atlas- or team/");
        }
        return prefix;
    }

    static Map<String, String> options(ProviderDescriptor d, Map<String, String> options) {
        Map<String, String> out = new LinkedHashMap<>(d.options());
        if (options != null) {
            options.forEach((k, v) -> {
                if (!d.options().containsKey(k)) {
                    throw ConfigException.invalid(k, v, d.options().isEmpty() ? "no options for type " + d.id()
                            : "one of " + String.join(", ", d.options().keySet()) + " for type " + d.id());
                }
                if (v == null || v.isBlank() || v.chars().anyMatch(Character::isISOControl)) {
                    throw ConfigException.invalid(k, v, "a non-empty value without control characters");
                }
                out.put(k, v.strip());
            });
        }
        String tokenUrl = out.get(ProviderDescriptor.OPTION_TOKEN_URL);
        if (tokenUrl != null) {
            URI u;
            try {
                u = new URI(tokenUrl);
            } catch (URISyntaxException e) {
                throw ConfigException.invalid(ProviderDescriptor.OPTION_TOKEN_URL, tokenUrl, EXPECTED_URL);
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                throw ConfigException.invalid(ProviderDescriptor.OPTION_TOKEN_URL, tokenUrl, EXPECTED_URL);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    static List<String> models(ProviderDescriptor d, List<String> models) {
        if (models == null || models.isEmpty()) {
            return d.models();
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            String model = models.get(i);
            if (model == null || model.isBlank() || !model.equals(model.strip())) {
                throw ConfigException.invalid("models[" + i + "]", model, "a model id without surrounding spaces");
            }
            if (!seen.add(model)) {
                throw ConfigException.invalid("models[" + i + "]", model, "unique model ids");
            }
        }
        return List.copyOf(models);
    }

    static Map<String, String> headers(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Set<String> seen = new HashSet<>();
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (name == null || name.isEmpty() || !name.chars().allMatch(ProviderChecks::isTokenChar)) {
                throw ConfigException.invalid("headers", name, "an HTTP header name");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED_HEADERS.contains(lower)) {
                throw ConfigException.invalid("headers", name, "a header the proxy does not set itself, not one of "
                        + String.join(", ", RESERVED_HEADERS.stream().sorted().toList()));
            }
            if (!seen.add(lower)) {
                throw ConfigException.invalid("headers", name, "unique header names (ignoring case)");
            }
            String at = "headers." + name;
            if (value == null) {
                throw ConfigException.missing(at, "a header value");
            }
            if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw ConfigException.invalid(at, Secrets.mask(value), "a value without CR, LF or NUL");
            }
            copy.put(name, value);
        });
        return Collections.unmodifiableMap(copy);
    }

    static MockSettings mock(String type, MockSettings mock) {
        if (type.equals(ProviderConfig.TYPE_MOCK)) {
            return mock == null ? MockSettings.defaults() : mock;
        }
        if (mock != null) {
            throw ConfigException.at("mock",
                    "not allowed here (expected: only with type mock, this is type " + type + ")");
        }
        return null;
    }

    static String dialect(ProviderDescriptor d, String dialect) {
        String type = d.id();
        String byType = d.dialect();
        if (dialect == null) {
            return byType;
        }
        if (!ProviderConfig.DIALECTS.contains(dialect)) {
            throw ConfigException.invalid("dialect", dialect, "one of " + String.join(", ", ProviderConfig.DIALECTS));
        }
        boolean openAiFamily = byType.equals(ProviderConfig.DIALECT_OPENAI)
                && !type.equals(ProviderConfig.TYPE_MOCK);
        if (!dialect.equals(byType) && !(openAiFamily && dialect.equals(ProviderConfig.DIALECT_RESPONSES))) {
            throw ConfigException.invalid("dialect", dialect, byType + " for type " + type
                    + (openAiFamily ? " (or responses)" : ""));
        }
        return dialect;
    }

    /** RFC 9110 §5.6.2 tchar. */
    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static String withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) {
            return url.toString();
        }
        try {
            return new URI(url.getScheme(), Secrets.HIDDEN, url.getHost(), url.getPort(), url.getPath(),
                    url.getQuery(), url.getFragment()).toString();
        } catch (URISyntaxException e) {
            return url.getScheme() + "://" + Secrets.HIDDEN + "@" + url.getHost();
        }
    }
}
