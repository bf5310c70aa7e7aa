package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvSubstitutorTest {

    private static final Map<String, String> ENV = Map.of("HOST", "example.com", "PORT", "8080", "EMPTY", "");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
        "plain                       | plain",
        "${HOST}                     | example.com",
        "http://${HOST}:${PORT}/v1   | http://example.com:8080/v1",
        "${UNSET}                    | ''",
        "a${UNSET}b                  | ab",
        "${UNSET:-fallback}          | fallback",
        "${EMPTY:-fallback}          | fallback",
        "${EMPTY}                    | ''",
        "${HOST:-fallback}           | example.com",
        "${UNSET:-}                  | ''",
        "${UNSET:-a:-b}              | a:-b",
        "${UNSET:-http://x:1/v1}     | http://x:1/v1",
        "$${HOST}                    | ${HOST}",
        "cost: $5                    | cost: $5",
        "$                           | $",
        "$HOST                       | $HOST",
        "${HOST}$${HOST}${PORT}      | example.com${HOST}8080",
    })
    void substitutes(String text, String expected) {
        assertThat(EnvSubstitutor.substitute(text, "k", ENV)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"${HOST", "x ${", "${}", "${1X}", "${A B}", "${:-x}", "${HOST-x}"})
    void rejectsMalformedReferences(String text) {
        assertThatThrownBy(() -> EnvSubstitutor.substitute(text, "server.host", ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.host: " + ConfigException.render(text)
                        + " (expected: ${VAR} or ${VAR:-default} with VAR like [A-Za-z_][A-Za-z0-9_]*)");
    }

    @Test
    void valuesAreNotSubstitutedAgain() {
        Map<String, String> env = Map.of("A", "${B}", "B", "b");
        assertThat(EnvSubstitutor.substitute("${A}", "k", env)).isEqualTo("${B}");
    }

    @Test
    void aDefaultMayBeAReference() {
        // As docker compose v2 and the shell: the seeds' PORT under Sluice's own SLUICE_PORT (conf/sluice.yaml).
        assertThat(EnvSubstitutor.substitute("${UNSET:-${HOST}}", "k", ENV)).isEqualTo("example.com");
        assertThat(EnvSubstitutor.substitute("${SLUICE_PORT:-${PORT:-4000}}", "k", ENV)).isEqualTo("8080");
        assertThat(EnvSubstitutor.substitute("${SLUICE_PORT:-${NOPE:-4000}}", "k", ENV)).isEqualTo("4000");
        assertThat(EnvSubstitutor.substitute("${HOST:-${PORT}}x", "k", ENV)).isEqualTo("example.comx");
        assertThat(EnvSubstitutor.substitute("a${UNSET:-${UNSET:-${PORT}}}b", "k", ENV)).isEqualTo("a8080b");
        assertThatThrownBy(() -> EnvSubstitutor.substitute("${UNSET:-${HOST}", "k", ENV))
                .isInstanceOf(ConfigException.class);
    }
}
