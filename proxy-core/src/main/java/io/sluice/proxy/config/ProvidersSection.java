package io.sluice.proxy.config;

import io.sluice.providers.EnvProviders;
import io.sluice.providers.ProviderCatalog;
import io.sluice.providers.ProviderDescriptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code providers}: the file's providers, each with its keys, models and limits; and the providers the environment
 * turns on ({@code ANTHROPIC_ENABLED=1}, …) that the file does not configure.
 */
final class ProvidersSection {

    static final List<String> PROVIDER_KEYS = List.of("type", "baseUrl", "apiKey", "apiKeys", "models", "headers",
            "enabled", "mock", "dialect", "prefix", "options", "discoverModels", "strategy", "weights", "rateLimit",
            "maxConcurrent", "proxy"); // proxy: read by ProxySection
    static final List<String> MOCK_KEYS = List.of("chunkDelay", "chunkWords");

    private ProvidersSection() {
    }

    /** The file's providers, in file order; a mutable list, so the environment's can be added. */
    static List<ProviderConfig> read(ConfigNode n) {
        List<ProviderConfig> providers = new ArrayList<>();
        n.entries("a mapping of provider name to settings").forEach((name, settings) -> {
            ProviderConfig.checkName(n.path(), name);
            providers.add(provider(name, settings));
        });
        return providers;
    }

    /**
     * Providers the environment turns on ({@code ANTHROPIC_ENABLED=1}, …) that the file does not already configure,
     * by name or by type: the file's entry always wins.
     */
    static List<ProviderConfig> fromEnv(List<ProviderConfig> configured, Map<String, String> env) {
        List<EnvProviders.EnvProvider> found;
        try {
            found = EnvProviders.read(ProviderCatalog.get(), env);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("environment: " + e.getMessage(), e);
        }
        List<ProviderConfig> out = new ArrayList<>();
        for (EnvProviders.EnvProvider e : found) {
            boolean inFile = configured.stream().anyMatch(p -> p.name().equals(e.name())
                    || (!e.type().compatibleFamily() && p.type().equals(e.type().id())));
            if (inFile) {
                continue;
            }
            String where = "environment (" + e.enabledBy() + ")";
            // Enabled without a key: it starts "not configured" (the monitoring API says so, its requests are refused
            // naming the variable to set), as the seed shows such a provider, rather than stopping startup.
            URI baseUrl;
            try {
                baseUrl = e.baseUrl() == null ? null : new URI(e.baseUrl());
            } catch (URISyntaxException x) {
                throw new ConfigException(where + ": " + e.name() + ".baseUrl: \"" + e.baseUrl() + "\" (expected: "
                        + ProviderChecks.EXPECTED_URL + ")", x);
            }
            try {
                out.add(new ProviderConfig(e.name(), e.type().id(), baseUrl, e.keys(), e.models(), Map.of(), true,
                        null, null, e.keyNames(), null, e.options(), e.discoverModels()));
            } catch (ConfigException x) {
                throw new ConfigException(where + ": " + x.getMessage(), x);
            }
        }
        return out;
    }

    private static ProviderConfig provider(String name, ConfigNode n) {
        n.object(PROVIDER_KEYS);
        // "mock:" or "openai:" alone is enough: a provider named after a type has that type unless told otherwise.
        // "openai-compatible-local:" is an openai-compatible provider.
        ProviderDescriptor inferred = ProviderCatalog.get().inferFromName(name);
        String type = n.get("type").text(inferred == null ? null : inferred.id());
        URI baseUrl = n.get("baseUrl").uri(ProviderChecks.EXPECTED_URL);
        List<String> apiKeys = apiKeys(n);
        List<String> models = n.get("models").strings();
        Map<String, String> headers = n.get("headers").secret().stringMap(); // e.g. Authorization
        boolean enabled = n.get("enabled").bool(ProviderConfig.DEFAULT_ENABLED);
        MockSettings mock = mock(n.get("mock"));
        String dialect = n.get("dialect").text(null);
        String prefix = n.get("prefix").text(null);
        Map<String, String> options = n.get("options").stringMap();
        Boolean discover = n.get("discoverModels").isAbsent() ? null : n.get("discoverModels").bool(false);
        String strategy = n.get("strategy").text(null);
        List<Integer> weights = new ArrayList<>();
        List<String> weightText = n.get("weights").strings();
        if (weightText != null) {
            for (String w : weightText) {
                try {
                    weights.add(Integer.valueOf(w.strip()));
                } catch (NumberFormatException e) {
                    throw ConfigException.invalid(n.path() + ".weights", w, "integers");
                }
            }
        }
        long rateLimit = n.get("rateLimit").intValue(-1);
        int maxConcurrent = n.get("maxConcurrent").intValue(0);
        return Records.build(n, () -> new ProviderConfig(name, type, baseUrl, apiKeys, models, headers, enabled, mock,
                dialect, null, prefix, options, discover,
                new ProviderLimits(strategy, weights, rateLimit, maxConcurrent)));
    }

    /** {@code apiKey: x} is shorthand for {@code apiKeys: [x]}. */
    private static List<String> apiKeys(ConfigNode n) {
        ConfigNode single = n.get("apiKey").secret();
        ConfigNode list = n.get("apiKeys").secret();
        if (single.isAbsent()) {
            return list.strings();
        }
        if (!list.isAbsent()) {
            throw ConfigException.at(single.path(), "given together with apiKeys (expected: one of apiKey, apiKeys)");
        }
        List<String> keys = new ArrayList<>(1);
        keys.add(single.text(null));
        return keys;
    }

    private static MockSettings mock(ConfigNode n) {
        if (n.isAbsent()) {
            return null;
        }
        n.object(MOCK_KEYS);
        Duration chunkDelay = n.get("chunkDelay").duration(MockSettings.DEFAULT_CHUNK_DELAY);
        int chunkWords = n.get("chunkWords").intValue(MockSettings.DEFAULT_CHUNK_WORDS);
        return Records.build(n, () -> new MockSettings(chunkDelay, chunkWords));
    }
}
