package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code responses} section: on by default, the environment switch, the file's keys and their errors. */
class ResponseStoreConfigTest {

    private static ResponseStoreConfig responses(String yaml, Map<String, String> env) {
        return ConfigLoader.parse(yaml, env).services().responses();
    }

    @Test
    void onByDefaultWithDocumentedDefaults() {
        ResponseStoreConfig r = responses("", Map.of());
        assertThat(r).isEqualTo(ResponseStoreConfig.defaults());
        assertThat(r.enabled()).isTrue();
        assertThat(r.ttl()).isEqualTo(Duration.ofDays(30));
        assertThat(r.maxResponses()).isEqualTo(10_000);
        assertThat(r.maxBytes()).isEqualTo(256 << 20);
        assertThat(r.maxResponseBytes()).isEqualTo(16 << 20);
    }

    @Test
    void everyKeyIsReadAndTheEnvironmentSwitchesItOff() {
        assertThat(responses("responses: {store: false, ttl: 1h, maxResponses: 5, maxBytes: 4096,"
                + " maxResponseBytes: 2048}\n", Map.of()))
                .isEqualTo(new ResponseStoreConfig(false, Duration.ofHours(1), 5, 4096, 2048));
        assertThat(responses("", Map.of("SLUICE_RESPONSES_STORE", "0")).enabled()).isFalse();
        assertThat(responses("responses: {store: true}\n", Map.of("SLUICE_RESPONSES_STORE", "0")).enabled())
                .isTrue();
    }

    @Test
    void errorsNameTheKeyTheValueAndWhatWasExpected() {
        assertError("responses: {ttl: 0}\n").hasMessage("responses.ttl: 0ms (expected: > 0)");
        assertError("responses: {ttl: 100000h}\n").hasMessageStartingWith("responses.ttl: ");
        assertError("responses: {maxResponses: 0}\n")
                .hasMessage("responses.maxResponses: 0 (expected: 1..10000000)");
        assertError("responses: {maxBytes: 2048, maxResponseBytes: 4096}\n")
                .hasMessage("responses.maxBytes: 2048 (expected: >= maxResponseBytes (4096))");
        assertError("responses: {maxResponseBytes: 10}\n")
                .hasMessage("responses.maxResponseBytes: 10 (expected: 1024..1073741824)");
        assertError("responses: {tll: 1h}\n").hasMessageStartingWith("responses.tll: unknown key (did you mean ttl?");
    }

    @Test
    void theBundledConfigsCommentedBlockIsValidAndSaysTheDefaults() throws IOException {
        String text = Files.readString(BundledConfigTest.confDir().resolve("sluice.yaml"));
        int at = text.indexOf("#responses:");
        assertThat(at).isPositive();
        StringBuilder block = new StringBuilder();
        for (String line : text.substring(at).split("\n")) {
            if (!line.startsWith("#")) {
                break;
            }
            block.append(line.substring(1)).append('\n');
        }
        assertThat(responses(block.toString(), Map.of())).isEqualTo(ResponseStoreConfig.defaults());
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertError(String yaml) {
        return assertThatThrownBy(() -> ConfigLoader.parse(yaml, Map.of())).isInstanceOf(ConfigException.class);
    }
}
