package io.sluice.proxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The speech upstream of {@code GET /tts} (issue 17 item 9), off unless configured: an OpenAI-compatible API
 * ({@code POST <baseUrl>/audio/speech} with {@code {model, input, voice, response_format}}) or a URL template
 * fetched with GET ({@code {text}}, {@code {voice}}, {@code {model}} and {@code {query}}, the client's whole query
 * without its {@code key}, are filled in, percent-encoded). The seed's {@code TTS_PROXY_TARGET} becomes the template
 * {@code <target>/?{query}}: its TTS server gets the query the seed forwarded.
 *
 * @param baseUrl         OpenAI-compatible API root, or null
 * @param urlTemplate     a GET URL with placeholders, or null; exactly one of the two when enabled
 * @param apiKey          sent as {@code Authorization: Bearer}, or null
 * @param model           the {@code model} of an {@code /audio/speech} request
 * @param voice           the voice when the client names none, or null (then {@value #DEFAULT_OPENAI_VOICE} for an
 *                        OpenAI-compatible API, nothing for a template)
 * @param voices          the voices clients may ask for; empty for any well-formed name
 * @param format          {@code response_format}: mp3, opus, aac, flac, wav or pcm
 * @param maxTextChars    longer texts are refused with 400
 * @param cacheEntries    audio files kept for repeats and {@code Range} requests; 0 turns the cache off
 * @param cacheBytes      bytes the cache holds at most
 * @param cacheEntryBytes one file larger than this streams through uncached
 */
public record TtsConfig(boolean enabled, URI baseUrl, String urlTemplate, String apiKey, String model, String voice,
                        List<String> voices, String format, int maxTextChars, int cacheEntries, int cacheBytes,
                        int cacheEntryBytes) {

    public static final String DEFAULT_MODEL = "tts-1";
    public static final String DEFAULT_OPENAI_VOICE = "alloy";
    public static final String DEFAULT_FORMAT = "mp3";
    /** OpenAI's {@code /audio/speech} takes at most 4,096 characters of input. */
    public static final int DEFAULT_MAX_TEXT_CHARS = 4096;
    public static final int DEFAULT_CACHE_ENTRIES = 64;
    public static final int DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
    public static final int DEFAULT_CACHE_ENTRY_BYTES = 16 * 1024 * 1024;
    /** The seed's {@code TTS_PROXY_TARGET} default: its local TTS container. */
    public static final String SEED_TARGET = "http://127.0.0.1:8080";
    /** Eviction scans the files for the least recently used: a bounded number of them. */
    static final int MAX_CACHE_ENTRIES = 10_000;
    public static final List<String> FORMATS = List.of("mp3", "opus", "aac", "flac", "wav", "pcm");
    public static final List<String> PLACEHOLDERS = List.of("{text}", "{voice}", "{model}", "{query}");
    /** A voice name goes into a JSON body or a URL: plain names only. */
    public static final Pattern VOICE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public TtsConfig {
        voices = voices == null ? List.of() : List.copyOf(voices);
        model = model == null || model.isBlank() ? DEFAULT_MODEL : model.strip();
        format = format == null ? DEFAULT_FORMAT : format.strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw ConfigException.invalid("format", format, "one of " + String.join(", ", FORMATS));
        }
        Check.range("maxTextChars", maxTextChars, 1, 1_000_000);
        Check.range("cache.maxEntries", cacheEntries, 0, MAX_CACHE_ENTRIES);
        Check.atLeast("cache.maxBytes", cacheBytes, 0);
        Check.range("cache.maxEntryBytes", cacheEntryBytes, 0, cacheBytes);
        for (int i = 0; i < voices.size(); i++) {
            if (voices.get(i) == null || !VOICE.matcher(voices.get(i)).matches()) {
                throw ConfigException.invalid("voices[" + i + "]", voices.get(i), "a voice name matching " + VOICE);
            }
        }
        if (voice != null && (!VOICE.matcher(voice).matches() || !voices.isEmpty() && !voices.contains(voice))) {
            throw ConfigException.invalid("voice", voice, voices.isEmpty() ? "a voice name matching " + VOICE
                    : "one of voices: " + String.join(", ", voices));
        }
        if (apiKey != null && (apiKey.isBlank() || apiKey.chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
            throw ConfigException.invalid("apiKey", Secrets.mask(apiKey), "a key without spaces or control"
                    + " characters");
        }
        if (baseUrl != null && urlTemplate != null) {
            throw ConfigException.at("urlTemplate", "set together with baseUrl (expected: one of them: baseUrl for"
                    + " an OpenAI-compatible /audio/speech API, urlTemplate for a GET URL)");
        }
        if (enabled && baseUrl == null && urlTemplate == null) {
            throw ConfigException.missing("baseUrl", "an OpenAI-compatible API root such as"
                    + " https://api.openai.com/v1, or urlTemplate, or enabled: false");
        }
        if (baseUrl != null) {
            baseUrl = checkUrl("baseUrl", baseUrl, true, null);
        }
        if (urlTemplate != null) {
            urlTemplate = urlTemplate.strip();
            if (!urlTemplate.contains("{text}") && !urlTemplate.contains("{query}")) {
                throw ConfigException.invalid("urlTemplate", urlTemplate, "an http or https URL with {text} or"
                        + " {query} in it");
            }
            String probe = urlTemplate;
            for (String p : PLACEHOLDERS) {
                probe = probe.replace(p, "x");
            }
            URI parsed;
            try {
                parsed = new URI(probe);
            } catch (URISyntaxException e) {
                throw ConfigException.invalid("urlTemplate", urlTemplate, "an http or https URL with"
                        + " placeholders " + String.join(", ", PLACEHOLDERS) + " only");
            }
            checkUrl("urlTemplate", parsed, false, urlTemplate);
        }
    }

    /** @param shown what to show of the value in errors (the template as written), or null for the URL */
    private static URI checkUrl(String key, URI url, boolean base, String shown) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw ConfigException.invalid(key, url.getRawUserInfo() != null
                    ? scheme + "://" + Secrets.HIDDEN + "@" + url.getHost() : shown != null ? shown : url.toString(),
                    ProviderChecks.EXPECTED_URL);
        }
        if (url.getRawUserInfo() != null) {
            throw ConfigException.invalid(key, scheme + "://" + Secrets.HIDDEN + "@" + url.getHost(),
                    ProviderChecks.EXPECTED_URL + " without credentials; put the key in apiKey");
        }
        if (base && (url.getRawQuery() != null || url.getRawFragment() != null)) {
            throw ConfigException.invalid(key, url.toString(), ProviderChecks.EXPECTED_URL
                    + " without query or fragment");
        }
        String text = url.toString();
        return base && text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : url;
    }

    /** No speech upstream: {@code /tts} answers 503. */
    public static TtsConfig off() {
        return new TtsConfig(false, null, null, null, null, null, null, null, DEFAULT_MAX_TEXT_CHARS,
                DEFAULT_CACHE_ENTRIES, DEFAULT_CACHE_BYTES, DEFAULT_CACHE_ENTRY_BYTES);
    }

    /** Whether the cache can hold anything. */
    public boolean caching() {
        return cacheEntries > 0 && cacheEntryBytes > 0;
    }

    /** The content type of {@link #format} (used when the upstream names none). */
    public String contentType() {
        return switch (format) {
            case "opus" -> "audio/ogg";
            case "aac" -> "audio/aac";
            case "flac" -> "audio/flac";
            case "wav" -> "audio/wav";
            case "pcm" -> "audio/pcm";
            default -> "audio/mpeg";
        };
    }

    @Override
    public String toString() {
        return "TtsConfig[enabled=" + enabled + ", baseUrl=" + baseUrl + ", urlTemplate=" + urlTemplate
                + ", apiKey=" + (apiKey == null ? null : Secrets.mask(apiKey)) + ", model=" + model + ", voice="
                + voice + ", format=" + format + ", maxTextChars=" + maxTextChars + ", cache=" + cacheEntries + "/"
                + cacheBytes + "/" + cacheEntryBytes + "]";
    }
}
