package io.sluice.proxy.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StrategyTest {

    @Test
    void parsesTheConfigSpellingsInAnyCase() {
        assertThat(Strategy.parse("round-robin")).isEqualTo(Strategy.ROUND_ROBIN);
        assertThat(Strategy.parse("Priority")).isEqualTo(Strategy.PRIORITY);
        assertThat(Strategy.parse("LEAST-BUSY")).isEqualTo(Strategy.LEAST_BUSY);
        assertThat(Strategy.parse("weighted")).isEqualTo(Strategy.WEIGHTED);
    }

    @Test
    void configNameRoundTrips() {
        for (Strategy s : Strategy.values()) {
            assertThat(Strategy.parse(s.configName())).isEqualTo(s);
        }
        assertThat(Strategy.ROUND_ROBIN.configName()).isEqualTo("round-robin");
    }

    @Test
    void unknownValuesNameTheValueAndTheChoices() {
        assertThatThrownBy(() -> Strategy.parse("random"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("strategy: \"random\" (expected: one of round-robin, priority, least-busy, weighted)");
        assertThatThrownBy(() -> Strategy.parse("round_robin")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Strategy.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strategy: null");
    }
}
