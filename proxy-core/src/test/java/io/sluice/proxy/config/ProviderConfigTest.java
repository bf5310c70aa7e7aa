package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProviderConfigTest {

    private static ProviderConfig compatible(String baseUrl) {
        return new ProviderConfig("up", "openai-compatible", URI.create(baseUrl), null, null, null, true, null);
    }

    private static ProviderConfig openai(List<String> keys, Map<String, String> headers) {
        return new ProviderConfig("openai", "openai", null, keys, null, headers, true, null);
    }

    @Test
    void mockFactoryHasDefaults() {
        ProviderConfig mock = ProviderConfig.mock("mock");
        assertThat(mock.isMock()).isTrue();
        assertThat(mock.models()).containsExactly("echo", "lorem");
        assertThat(mock.mock()).isEqualTo(MockSettings.defaults());
        assertThat(mock.mock().chunkDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(mock.mock().chunkWords()).isEqualTo(1);
        assertThat(mock.baseUrl()).isNull();
        assertThat(mock.apiKeys()).isEmpty();
        assertThat(mock.headers()).isEmpty();
        assertThat(mock.enabled()).isTrue();
    }

    @Test
    void mockWithEmptyModelListGetsTheDefaultModels() {
        ProviderConfig mock = new ProviderConfig("m", "mock", null, null, List.of(), null, true, null);
        assertThat(mock.models()).containsExactly("echo", "lorem");
    }

    @Test
    void openAiDefaultsItsBaseUrl() {
        assertThat(openai(null, null).baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(openai(null, null).isMock()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:8080/v1, http://127.0.0.1:8080/v1",
        "http://127.0.0.1:8080/v1/, http://127.0.0.1:8080/v1",
        "https://host/, https://host",
        "https://host, https://host",
        "HTTPS://Host/api, HTTPS://Host/api",
    })
    void normalizesTrailingSlash(String given, String expected) {
        assertThat(compatible(given).baseUrl()).isEqualTo(URI.create(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x", "localhost:8080", "/v1", "http:opaque", "file:///etc/passwd", "http:///v1"})
    void rejectsNonHttpUrls(String url) {
        assertThatThrownBy(() -> compatible(url))
                .isInstanceOf(ConfigException.class)
                .hasMessage("baseUrl: \"" + url + "\" (expected: http or https URL)");
    }

    @Test
    void rejectsQueryAndFragment() {
        assertThatThrownBy(() -> compatible("http://h/v1?x=1"))
                .hasMessage("baseUrl: \"http://h/v1?x=1\" (expected: http or https URL without query or fragment)");
        assertThatThrownBy(() -> compatible("http://h/v1#top"))
                .hasMessage("baseUrl: \"http://h/v1#top\" (expected: http or https URL without query or fragment)");
    }

    @Test
    void rejectsCredentialsInTheUrlWithoutShowingThem() {
        assertThatThrownBy(() -> compatible("https://user:hunter2@h/v1"))
                .hasMessage("baseUrl: \"https://****@h/v1\" (expected: http or https URL without credentials; "
                        + "put them in apiKeys or headers)")
                .message().doesNotContain("hunter2");
    }

    @Test
    void dropsEmptyKeysAndTrimsTheRest() {
        List<String> keys = Arrays.asList("", "  ", null, " sk-proj-0123456789abcd\n", "k2-0123456789ab");
        assertThat(openai(keys, null).apiKeys()).containsExactly("sk-proj-0123456789abcd", "k2-0123456789ab");
    }

    @Test
    void collectionsAreImmutableCopies() {
        List<String> keys = new ArrayList<>(List.of("k-0123456789ab"));
        Map<String, String> headers = new LinkedHashMap<>(Map.of("X-A", "1"));
        ProviderConfig p = openai(keys, headers);
        keys.add("other");
        headers.put("X-B", "2");
        assertThat(p.apiKeys()).containsExactly("k-0123456789ab");
        assertThat(p.headers()).containsOnlyKeys("X-A");
        assertThatThrownBy(() -> p.apiKeys().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.models().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringMasksKeysAndHeaderValues() {
        ProviderConfig p = new ProviderConfig("openai", "openai", null, List.of("sk-proj-0123456789abcd", "tiny"),
                List.of("gpt-4o"), Map.of("Authorization", "Bearer abcdefghijklmnop"), true, null);
        assertThat(p.toString())
                .isEqualTo("ProviderConfig[name=openai, type=openai, baseUrl=https://api.openai.com/v1, "
                        + "apiKeys=[sk-...abcd, ****], models=[gpt-4o], headers={Authorization=Bea...mnop}, "
                        + "enabled=true, mock=null, dialect=openai, keyNames=[apiKeys[0], apiKeys[1]], prefix=null, "
                        + "options={}, discoverModels=false, limits=ProviderLimits[strategy=round-robin, weights=[], "
                        + "rateLimit=-1, maxConcurrent=0]]")
                .doesNotContain("0123456789")
                .doesNotContain("tiny");
        assertThat(p.maskedApiKeys()).containsExactly("sk-...abcd", "****");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X Custom", "X:Y", "X(1)", "Ä"})
    void rejectsInvalidHeaderNames(String name) {
        assertThatThrownBy(() -> openai(null, Map.of(name, "v")))
                .hasMessage("headers: " + ConfigException.render(name) + " (expected: an HTTP header name)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host", "content-length", "Transfer-Encoding", "CONNECTION", "Upgrade"})
    void rejectsHeadersTheProxyManages(String name) {
        assertThatThrownBy(() -> openai(null, Map.of(name, "v")))
                .hasMessageStartingWith("headers: \"" + name + "\" (expected: a header the proxy does not set itself");
    }

    @Test
    void rejectsHeaderNamesDifferingOnlyInCase() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-A", "1");
        headers.put("x-a", "2");
        assertThatThrownBy(() -> openai(null, headers))
                .hasMessage("headers: \"x-a\" (expected: unique header names (ignoring case))");
    }

    @Test
    void rejectsHeaderValuesThatWouldSplitTheRequestWithoutShowingThem() {
        assertThatThrownBy(() -> openai(null, Map.of("X-A", "secret-value\r\nX-Injected: 1")))
                .hasMessage("headers.X-A: \"sec...d: 1\" (expected: a value without CR, LF or NUL)");
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("X-A", null);
        assertThatThrownBy(() -> openai(null, nullValue)).hasMessage("headers.X-A: missing (expected: a header value)");
    }

    @Test
    void emptyHeaderValueIsAllowed() {
        assertThat(openai(null, Map.of("X-Empty", "")).headers()).containsEntry("X-Empty", "");
    }

    @Test
    void rejectsBlankOrPaddedModels() {
        assertThatThrownBy(() -> new ProviderConfig("p", "openai", null, null, List.of(" gpt"), null, true, null))
                .hasMessage("models[0]: \" gpt\" (expected: a model id without surrounding spaces)");
        assertThatThrownBy(() -> new ProviderConfig("p", "openai", null, null, Arrays.asList("a", null), null, true,
                null)).hasMessage("models[1]: null (expected: a model id without surrounding spaces)");
    }

    @Test
    void rejectsBadNamesAndTypes() {
        assertThatThrownBy(() -> new ProviderConfig(null, "mock", null, null, null, null, true, null))
                .hasMessage("name: null (expected: a provider name matching [a-z0-9][a-z0-9_-]*)");
        assertThatThrownBy(() -> new ProviderConfig("Mock", "mock", null, null, null, null, true, null))
                .hasMessage("name: \"Mock\" (expected: a provider name matching [a-z0-9][a-z0-9_-]*)");
        assertThatThrownBy(() -> new ProviderConfig("m", "MOCK", null, null, null, null, true, null))
                .hasMessage("type: \"MOCK\" (expected: one of mock, openai, anthropic, gemini, azure, ollama, "
                        + "openrouter, xai, litellm, github-models, github-copilot, claude-code, cursor-agent, "
                        + "lead-worker, openai-compatible, anthropic-compatible)");
    }

    @Test
    void mockSettingsValidation() {
        assertThat(new MockSettings(Duration.ZERO, 1).chunkDelay()).isZero();
        assertThatThrownBy(() -> new MockSettings(Duration.ofMillis(-1), 1))
                .hasMessage("chunkDelay: -1ms (expected: >= 0)");
        assertThatThrownBy(() -> new MockSettings(null, 1))
                .hasMessage(
                        "chunkDelay: missing (expected: a duration like 250ms, 30s, 5m, 1h, or integer milliseconds)");
        assertThatThrownBy(() -> new MockSettings(Duration.ZERO, 0)).hasMessage("chunkWords: 0 (expected: >= 1)");
    }
}
