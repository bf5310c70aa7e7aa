package io.sluice.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of {@code serve} that do not need a running server. */
class ServeCommandTest {

    private static final SluiceConfig CONFIG = SluiceConfig.defaults().withProviders(List.of(
            ProviderConfig.mock("mock"),
            new ProviderConfig("off", "openai-compatible", URI.create("http://h"), null, null, null, false, null),
            new ProviderConfig("openai", "openai", null, null, null, null, true, null)));

    @Test
    void listeningLineNamesEnabledProviders() {
        assertThat(ServeCommand.listeningLine("127.0.0.1", 4000, CONFIG))
                .isEqualTo("Sluice listening on http://127.0.0.1:4000 (providers: mock, openai)");
        assertThat(ServeCommand.listeningLine("::1", 4001, SluiceConfig.defaults()))
                .isEqualTo("Sluice listening on http://[::1]:4001 (providers: none)");
    }

    @Test
    void overridesReplaceHostAndPortOnly() {
        SluiceConfig cfg = ServeCommand.withOverrides(CONFIG, "0.0.0.0", 0);
        assertThat(cfg.server().host()).isEqualTo("0.0.0.0");
        assertThat(cfg.server().port()).isZero();
        assertThat(cfg.server().maxBodyBytes()).isEqualTo(CONFIG.server().maxBodyBytes());
        assertThat(cfg.providers()).isEqualTo(CONFIG.providers());
        assertThat(ServeCommand.withOverrides(CONFIG, null, null)).isEqualTo(CONFIG);
    }

    @Test
    void badOverridesAreReportedAsOptions() {
        assertThatThrownBy(() -> ServeCommand.withOverrides(CONFIG, " ", null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--host: \" \" (expected: a host name or IP address)");
        assertThatThrownBy(() -> ServeCommand.withOverrides(CONFIG, null, -1))
                .hasMessage("--port: -1 (expected: 0..65535)");
    }
}
