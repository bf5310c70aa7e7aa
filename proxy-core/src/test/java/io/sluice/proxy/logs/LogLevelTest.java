package io.sluice.proxy.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogLevelTest {

    @Test
    void parsesCaseInsensitivelyAndAcceptsWarning() {
        assertThat(LogLevel.parse("debug")).isEqualTo(LogLevel.DEBUG);
        assertThat(LogLevel.parse("INFO")).isEqualTo(LogLevel.INFO);
        assertThat(LogLevel.parse("Warn")).isEqualTo(LogLevel.WARN);
        assertThat(LogLevel.parse("WARNING")).isEqualTo(LogLevel.WARN);
        assertThat(LogLevel.parse(" error ")).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void rejectsUnknownLevelsListingTheAllowedOnes() {
        assertThatThrownBy(() -> LogLevel.parse("verbose"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("level: 'verbose' (expected one of: debug, info, warn, error)");
        assertThatThrownBy(() -> LogLevel.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wireIsLowerCaseAndMinimumFiltersBySeverity() {
        assertThat(LogLevel.WARN.wire()).isEqualTo("warn");
        assertThat(LogLevel.ERROR.isAtLeast(LogLevel.WARN)).isTrue();
        assertThat(LogLevel.INFO.isAtLeast(LogLevel.WARN)).isFalse();
        assertThat(LogLevel.DEBUG.isAtLeast(null)).isTrue();
    }
}
