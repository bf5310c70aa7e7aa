package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void showsFirstThreeAndLastFour() {
        assertThat(Secrets.mask("sk-proj-0123456789abcd")).isEqualTo("sk-...abcd");
    }

    @Test
    void twelveCharactersIsTheShortestPartiallyShown() {
        assertThat(Secrets.mask("sk-456789abc")).isEqualTo("sk-...9abc");
        assertThat(Secrets.mask("sk-456789ab")).isEqualTo("****");
    }

    @Test
    void shortAndEmptySecretsAreFullyHidden() {
        assertThat(Secrets.mask("foo")).isEqualTo("****");
        assertThat(Secrets.mask("")).isEqualTo("****");
    }

    @Test
    void nullIsShownAsNull() {
        assertThat(Secrets.mask(null)).isEqualTo("null");
    }

    @Test
    void maskAllReplacesEveryOccurrence() {
        String key = "sk-proj-0123456789abcd";
        String body = "{\"error\":\"invalid key " + key + "\",\"echo\":\"" + key + "\"}";
        assertThat(Secrets.maskAll(body, List.of(key)))
                .isEqualTo("{\"error\":\"invalid key sk-...abcd\",\"echo\":\"sk-...abcd\"}")
                .doesNotContain(key);
    }

    @Test
    void maskAllMasksTheLongerOfOverlappingKeysWhole() {
        String shortKey = "sk-0123456789ab";
        String longKey = shortKey + "cdefgh";
        assertThat(Secrets.maskAll("a " + longKey + " b " + shortKey, List.of(shortKey, longKey)))
                .isEqualTo("a sk-...efgh b sk-...89ab");
    }

    @Test
    void maskAllIgnoresEmptyAndNullSecrets() {
        assertThat(Secrets.maskAll("text", Arrays.asList("", null))).isEqualTo("text");
        assertThat(Secrets.maskAll("text", List.of())).isEqualTo("text");
        assertThat(Secrets.maskAll(null, List.of("x"))).isNull();
    }
}
