package io.sluice.proxy.config;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * {@code tts:} of {@code sluice.yaml}, else the GitHub-Models seed's variables: {@code TTS_PROXY_TARGET} (its TTS
 * server; the seed defaults to {@value TtsConfig#SEED_TARGET}) and {@code ENABLE_TTS_PROXY}. Unlike the seed, whose
 * proxy is on by default, Sluice calls no TTS server it was not told of: one of them must be set.
 */
final class TtsSection {

    static final List<String> KEYS = List.of("enabled", "baseUrl", "urlTemplate", "apiKey", "model", "voice",
            "voices", "format", "maxTextChars", "cache");
    static final List<String> CACHE_KEYS = List.of("maxEntries", "maxBytes", "maxEntryBytes");

    private TtsSection() {
    }

    static TtsConfig read(ConfigNode n, Map<String, String> env) {
        n.object(KEYS);
        ConfigNode cache = n.get("cache").object(CACHE_KEYS);
        URI baseUrl = n.get("baseUrl").uri(ProviderChecks.EXPECTED_URL);
        String template = blankToNull(n.get("urlTemplate").text(null));
        String apiKey = blankToNull(n.get("apiKey").secret().text(null));
        String model = n.get("model").text(null);
        String voice = blankToNull(n.get("voice").text(null));
        List<String> voices = n.get("voices").strings();
        String format = n.get("format").text(null);
        int maxText = n.get("maxTextChars").intValue(TtsConfig.DEFAULT_MAX_TEXT_CHARS);
        int entries = cache.get("maxEntries").intValue(TtsConfig.DEFAULT_CACHE_ENTRIES);
        int bytes = cache.get("maxBytes").intValue(TtsConfig.DEFAULT_CACHE_BYTES);
        int entryBytes = cache.get("maxEntryBytes").intValue(Math.min(TtsConfig.DEFAULT_CACHE_ENTRY_BYTES, bytes));
        boolean fileTarget = baseUrl != null || template != null;
        String fromEnv = null;
        if (!fileTarget) {
            fromEnv = seedTemplate(env);
            template = fromEnv;
        }
        boolean enabled = n.get("enabled").bool(baseUrl != null || template != null);
        if (!enabled) {
            return TtsConfig.off();
        }
        String t = template;
        if (fromEnv != null) {
            return Records.envBuild("TTS_PROXY_TARGET", () -> new TtsConfig(true, null, t, apiKey, model, voice,
                    voices, format, maxText, entries, bytes, entryBytes));
        }
        return Records.build(n, () -> new TtsConfig(true, baseUrl, t, apiKey, model, voice, voices, format,
                maxText, entries, bytes, entryBytes));
    }

    /** The seed's TTS server as a template, or null when its variables do not turn it on. */
    private static String seedTemplate(Map<String, String> env) {
        String target = blankToNull(env.get("TTS_PROXY_TARGET"));
        if (!Records.envFlag(env, "ENABLE_TTS_PROXY", target != null)) {
            return null;
        }
        String t = target == null ? TtsConfig.SEED_TARGET : target.strip();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "/?{query}";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
