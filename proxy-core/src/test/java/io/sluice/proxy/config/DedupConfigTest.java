package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code dedup} section: off by default, the environment switch, the file's keys and their errors. */
class DedupConfigTest {

    @Test
    void offByDefaultWithDocumentedDefaults() {
        DedupConfig d = dedup("", Map.of());
        assertThat(d).isEqualTo(DedupConfig.off());
        assertThat(d.enabled()).isFalse();
        assertThat(d.window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxEntries()).isEqualTo(1000);
        assertThat(d.maxBytes()).isEqualTo(64 << 20);
        assertThat(d.maxEntryBytes()).isEqualTo(1 << 20);
        assertThat(d.maxLagBytes()).isEqualTo(4 << 20);
        assertThat(d.maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(d.ignoreFields()).containsExactly("user", "metadata", "safety_identifier", "prompt_cache_key");
    }

    @Test
    void theEnvironmentSwitchesItOnAndTheFileWins() {
        assertThat(dedup("", Map.of("SLUICE_DEDUP_ENABLED", "1")).enabled()).isTrue();
        assertThat(dedup("", Map.of("SLUICE_DEDUP_ENABLED", "true")).enabled()).isTrue();
        assertThat(dedup("", Map.of("SLUICE_DEDUP_ENABLED", "0")).enabled()).isFalse();
        assertThat(dedup("dedup: {window: 5s}\n", Map.of("SLUICE_DEDUP_ENABLED", "1")))
                .extracting(DedupConfig::enabled, DedupConfig::window).containsExactly(true, Duration.ofSeconds(5));
        assertThat(dedup("dedup: {enabled: false}\n", Map.of("SLUICE_DEDUP_ENABLED", "1"))
                .enabled()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("SLUICE_DEDUP_ENABLED", "maybe")))
                .hasMessageStartingWith("environment: SLUICE_DEDUP_ENABLED");
    }

    @Test
    void everyKeyIsRead() {
        DedupConfig d = ConfigLoader.parse("""
                dedup:
                  enabled: true
                  window: 0
                  maxEntries: 10
                  maxBytes: 1048576
                  maxEntryBytes: 65536
                  maxLagBytes: 131072
                  maxBodyBytes: 4096
                  ignoreFields: [user]
                """, Map.of()).services().dedup();
        assertThat(d).isEqualTo(new DedupConfig(true, Duration.ZERO, 10, 1 << 20, 65536, 131072, 4096,
                List.of("user")));
        assertThat(dedup("dedup: {ignoreFields: []}\n", Map.of()).ignoreFields()).isEmpty();
    }

    @Test
    void errorsNameTheKeyTheValueAndWhatWasExpected() {
        assertError("dedup: {maxEntries: 0}\n").hasMessage("dedup.maxEntries: 0 (expected: 1..1000000)");
        assertError("dedup: {window: -1s}\n").hasMessageStartingWith("dedup.window: ");
        assertError("dedup: {window: 2d}\n").hasMessageStartingWith("dedup.window: ");
        assertError("dedup: {window: 25h}\n").hasMessage("dedup.window: 25h (expected: 0s..24h)");
        assertError("dedup: {maxEntryBytes: 10}\n")
                .hasMessage("dedup.maxEntryBytes: 10 (expected: 1024..1073741824)");
        assertError("dedup: {maxBytes: 2048, maxEntryBytes: 4096}\n")
                .hasMessage("dedup.maxBytes: 2048 (expected: >= maxEntryBytes (4096))");
        assertError("dedup: {maxLagBytes: 2048, maxEntryBytes: 4096}\n")
                .hasMessage("dedup.maxLagBytes: 2048 (expected: >= maxEntryBytes (4096))");
        assertError("dedup: {maxBodyBytes: 0}\n").hasMessageStartingWith("dedup.maxBodyBytes: 0 (expected: ");
        assertError("dedup: {ignoreFields: [messages]}\n").hasMessage("dedup.ignoreFields[0]: \"messages\""
                + " (expected: a field that does not change the answer; messages does)");
        assertError("dedup: {ignoreFields: [\"a b\"]}\n")
                .hasMessage("dedup.ignoreFields[0]: \"a b\" (expected: a top-level request field name)");
        assertError("dedup: {enabled: perhaps}\n").hasMessageStartingWith("dedup.enabled: \"perhaps\" (expected: ");
        assertError("dedup: {windw: 1s}\n").hasMessageStartingWith("dedup.windw: unknown key (did you mean window?");
        assertError("dedup: true\n").hasMessageStartingWith("dedup: true (expected: a mapping with keys enabled,");
    }

    @Test
    void theBundledConfigsCommentedBlockIsValidAndSaysTheDefaults() throws IOException {
        String text = Files.readString(BundledConfigTest.confDir().resolve("sluice.yaml"));
        int at = text.indexOf("#dedup:");
        assertThat(at).isPositive();
        StringBuilder block = new StringBuilder();
        for (String line : text.substring(at).split("\n")) {
            if (!line.startsWith("#")) {
                break;
            }
            block.append(line.substring(1)).append('\n');
        }
        assertThat(dedup(block.toString(), Map.of())).isEqualTo(DedupConfig.defaults(true));
        assertThat(ConfigLoader.load(BundledConfigTest.confDir().resolve("sluice.yaml"), Map.of()).services().dedup()
                .enabled()).isFalse();
    }

    private static DedupConfig dedup(String yaml, Map<String, String> env) {
        return ConfigLoader.parse(yaml, env).services().dedup();
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertError(String yaml) {
        return assertThatThrownBy(() -> ConfigLoader.parse(yaml, Map.of())).isInstanceOf(ConfigException.class);
    }
}
