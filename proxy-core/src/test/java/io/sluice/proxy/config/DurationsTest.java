package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "250ms, 250",
        "30s, 30000",
        "5m, 300000",
        "1h, 3600000",
        "1500, 1500",
        "0, 0",
        "0s, 0",
        "' 30s ', 30000",
    })
    void parses(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "s", "-1s", "1.5s", "30 s", "30S", "5d", "1h30m", "PT30S", "ms", "99999999999999999999h"})
    void rejects(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(expected: a duration like 250ms, 30s, 5m, 1h, or integer milliseconds)");
    }

    @ParameterizedTest
    @CsvSource({
        "3600000, 1h",
        "7200000, 2h",
        "300000, 5m",
        "90000, 90s",
        "30000, 30s",
        "250, 250ms",
        "1500, 1500ms",
        "0, 0ms",
        "-5000, -5s",
    })
    void formatsInTheLargestExactUnit(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text.replace("-", ""))).isEqualTo(Duration.ofMillis(Math.abs(millis)));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 999, 1000, 61_000, 3_600_000, 86_400_000})
    void formatRoundTrips(long millis) {
        Duration d = Duration.ofMillis(millis);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1h", "5m", "30s", "250ms"})
    void parseRoundTrips(String text) {
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
    }

    @org.junit.jupiter.api.Test
    void subMillisecondFallsBackToIso() {
        assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
    }
}
