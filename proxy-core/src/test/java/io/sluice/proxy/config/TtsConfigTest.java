package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The {@code tts:} section and the seed's TTS variables: off by default, validated like the rest. */
class TtsConfigTest {

    private static TtsConfig tts(String yaml, Map<String, String> env) {
        return ConfigLoader.parse(yaml, env).services().tts();
    }

    @Test
    void offUnlessConfigured() {
        TtsConfig off = tts("", Map.of());
        assertThat(off.enabled()).isFalse();
        assertThat(off.caching()).isTrue();
        assertThat(tts("tts:\n  baseUrl: https://api.openai.com/v1\n  enabled: false\n", Map.of()).enabled())
                .isFalse();
    }

    @Test
    void theSeedsVariables() {
        TtsConfig target = tts("", Map.of("TTS_PROXY_TARGET", "http://tts.local:8080/"));
        assertThat(target.enabled()).isTrue();
        assertThat(target.urlTemplate()).isEqualTo("http://tts.local:8080/?{query}");
        assertThat(tts("", Map.of("ENABLE_TTS_PROXY", "1")).urlTemplate())
                .isEqualTo("http://127.0.0.1:8080/?{query}"); // the seed's default server
        assertThat(tts("", Map.of("ENABLE_TTS_PROXY", "0", "TTS_PROXY_TARGET", "http://x:1")).enabled()).isFalse();
        assertThatThrownBy(() -> tts("", Map.of("ENABLE_TTS_PROXY", "maybe")))
                .hasMessageContaining("ENABLE_TTS_PROXY: \"maybe\" (expected: 1, true, yes or on");
        assertThatThrownBy(() -> tts("", Map.of("TTS_PROXY_TARGET", "ftp://x")))
                .hasMessage("environment (TTS_PROXY_TARGET): urlTemplate: \"ftp://x/?{query}\""
                        + " (expected: http or https URL)");
        // The file wins over the environment.
        assertThat(tts("tts:\n  baseUrl: http://127.0.0.1:9/v1/\n", Map.of("TTS_PROXY_TARGET", "http://x:1"))
                .baseUrl().toString()).isEqualTo("http://127.0.0.1:9/v1");
    }

    @Test
    void valuesAreChecked() {
        assertThatThrownBy(() -> tts("tts:\n  baseUrl: http://a/v1\n  urlTemplate: http://b/?text={text}\n",
                Map.of())).hasMessageStartingWith("tts.urlTemplate: set together with baseUrl");
        assertThatThrownBy(() -> tts("tts:\n  urlTemplate: http://b/speak\n", Map.of()))
                .hasMessage("tts.urlTemplate: \"http://b/speak\" (expected: an http or https URL with {text} or"
                        + " {query} in it)");
        assertThatThrownBy(() -> tts("tts:\n  baseUrl: http://a/v1\n  format: ogg\n", Map.of()))
                .hasMessage("tts.format: \"ogg\" (expected: one of mp3, opus, aac, flac, wav, pcm)");
        assertThatThrownBy(() -> tts("tts:\n  baseUrl: http://a/v1\n  voices: [anatol]\n  voice: natalia\n",
                Map.of())).hasMessage("tts.voice: \"natalia\" (expected: one of voices: anatol)");
        assertThatThrownBy(() -> tts("tts:\n  baseUrl: http://a/v1\n  cache: {maxBytes: 10, maxEntryBytes: 20}\n",
                Map.of())).hasMessage("tts.cache.maxEntryBytes: 20 (expected: 0..10)");
        assertThatThrownBy(() -> tts("tts:\n  enabled: true\n", Map.of()))
                .hasMessageStartingWith("tts.baseUrl: missing");
        assertThatThrownBy(() -> tts("tts:\n  baseUrl: http://a/v1\n  maxTextChars: 0\n", Map.of()))
                .hasMessage("tts.maxTextChars: 0 (expected: 1..1000000)");
        assertThatThrownBy(() -> tts("tts:\n  baseUrl: http://u:p@a/v1\n", Map.of()))
                .hasMessageContaining("****").hasMessageNotContaining("u:p");
        assertThatThrownBy(() -> tts("tts:\n  baseUrl: http://a/v1\n  prot: 1\n", Map.of()))
                .hasMessageStartingWith("tts.prot: unknown key");
        TtsConfig keyed = tts("tts:\n  baseUrl: http://a/v1\n  apiKey: sk-secret-0123456789abcdef\n", Map.of());
        assertThat(keyed.toString()).doesNotContain("sk-secret-0123456789abcdef").contains("sk-...cdef");
        assertThatThrownBy(() -> tts("tts:\n  baseUrl: http://a/v1\n  apiKey: \"sk secret\"\n", Map.of()))
                .hasMessageContaining("tts.apiKey").hasMessageNotContaining("sk secret");
    }

    /** The commented example in conf/sluice.yaml loads once its lines are uncommented. */
    @Test
    void theBundledExampleLoads() throws IOException {
        String conf = Files.readString(BundledConfigTest.confDir().resolve("sluice.yaml"));
        String block = conf.substring(conf.indexOf("#tts:"));
        block = block.substring(0, block.indexOf("\n\n")); // the section ends at the blank line
        String yaml = block.lines().filter(l -> l.startsWith("#") && !l.startsWith("#  #"))
                .map(l -> l.substring(1)).collect(Collectors.joining("\n"));
        TtsConfig t = tts(yaml, Map.of("OPENAI_API_KEY", "sk-0123456789abcdef"));
        assertThat(t.enabled()).isTrue();
        assertThat(t.baseUrl().toString()).isEqualTo("https://api.openai.com/v1");
        assertThat(t.voices()).containsExactly("alloy", "nova");
        assertThat(t.cacheEntries()).isEqualTo(TtsConfig.DEFAULT_CACHE_ENTRIES);
        assertThat(t.cacheBytes()).isEqualTo(TtsConfig.DEFAULT_CACHE_BYTES);
        assertThat(t.cacheEntryBytes()).isEqualTo(TtsConfig.DEFAULT_CACHE_ENTRY_BYTES);
        assertThat(t.maxTextChars()).isEqualTo(TtsConfig.DEFAULT_MAX_TEXT_CHARS);
        assertThat(t.contentType()).isEqualTo("audio/mpeg");
    }
}
