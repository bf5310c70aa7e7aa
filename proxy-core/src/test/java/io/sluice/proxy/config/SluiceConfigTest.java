package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SluiceConfigTest {

    @Test
    void nullProvidersIsEmpty() {
        assertThat(new SluiceConfig(ServerConfig.defaults(), UpstreamConfig.defaults(), null).providers()).isEmpty();
    }

    @Test
    void requiresServerAndUpstream() {
        assertThatThrownBy(() -> new SluiceConfig(null, UpstreamConfig.defaults(), List.of()))
                .isInstanceOf(ConfigException.class).hasMessage("server: missing (expected: server settings)");
        assertThatThrownBy(() -> new SluiceConfig(ServerConfig.defaults(), null, List.of()))
                .hasMessage("upstream: missing (expected: upstream settings)");
    }

    @Test
    void providerNamesAreUnique() {
        List<ProviderConfig> twice = List.of(ProviderConfig.mock("m"), ProviderConfig.mock("m"));
        assertThatThrownBy(() -> new SluiceConfig(ServerConfig.defaults(), UpstreamConfig.defaults(), twice))
                .hasMessage("providers: \"m\" (expected: unique provider names)");
    }

    @Test
    void providersAreAnImmutableCopy() {
        List<ProviderConfig> list = new ArrayList<>(List.of(ProviderConfig.mock("a")));
        SluiceConfig config = new SluiceConfig(ServerConfig.defaults(), UpstreamConfig.defaults(), list);
        list.add(ProviderConfig.mock("b"));
        assertThat(config.providers()).hasSize(1);
        assertThatThrownBy(() -> config.providers().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void lookupAndEnabled() {
        ProviderConfig off = new ProviderConfig("off", "openai-compatible", URI.create("http://h"), null, null, null,
                false, null);
        SluiceConfig config = new SluiceConfig(ServerConfig.defaults(), UpstreamConfig.defaults(),
                List.of(ProviderConfig.mock("mock"), off));
        assertThat(config.provider("off")).contains(off);
        assertThat(config.provider("OFF")).isEmpty();
        assertThat(config.enabledProviders()).extracting(ProviderConfig::name).containsExactly("mock");
    }

    @Test
    void withersValidate() {
        SluiceConfig config = SluiceConfig.defaults();
        SluiceConfig moved = config.withServer(config.server().withHost("0.0.0.0").withPort(0));
        assertThat(moved.server().host()).isEqualTo("0.0.0.0");
        assertThat(moved.server().port()).isZero();
        assertThat(moved.server().readTimeout()).isEqualTo(config.server().readTimeout());
        assertThat(config.withUpstream(UpstreamConfig.defaults()).upstream()).isEqualTo(UpstreamConfig.defaults());
        assertThat(config.withProviders(List.of(ProviderConfig.mock("m"))).provider("m")).isPresent();
        assertThatThrownBy(() -> config.withProviders(List.of(ProviderConfig.mock("m"), ProviderConfig.mock("m"))))
                .hasMessage("providers: \"m\" (expected: unique provider names)");
        assertThatThrownBy(() -> config.server().withPort(65536)).hasMessage("port: 65536 (expected: 0..65535)");
        assertThatThrownBy(() -> config.server().withHost(" "))
                .hasMessage("host: \" \" (expected: a host name or IP address)");
    }

    @Test
    void serverRecordValidation() {
        ServerConfig d = ServerConfig.defaults();
        assertThatThrownBy(() -> new ServerConfig(null, 1, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 0,
                Duration.ZERO, 1)).hasMessage("host: null (expected: a host name or IP address)");
        assertThatThrownBy(() -> new ServerConfig("h", 1, 1, null, Duration.ofSeconds(1), 0, Duration.ZERO, 1))
                .hasMessageStartingWith("readTimeout: missing (expected: a duration like");
        assertThatThrownBy(() -> new ServerConfig("h", 1, 1, Duration.ofSeconds(-1), d.idleTimeout(), 0,
                Duration.ZERO, 1)).hasMessage("readTimeout: -1s (expected: > 0)");
        assertThatThrownBy(() -> new ServerConfig("h", 1, 1, d.readTimeout(), d.idleTimeout(), 0,
                Duration.ofMillis(-250), 1)).hasMessage("shutdownGrace: -250ms (expected: >= 0)");
        assertThat(new ServerConfig("h", 1, 1, d.readTimeout(), d.idleTimeout(), 3, Duration.ZERO, 1)
                .effectiveIoThreads()).isEqualTo(3);
    }

    @Test
    void configExceptionUnderAndIn() {
        ConfigException e = ConfigException.invalid("port", 70000, "0..65535");
        assertThat(e.key()).isEqualTo("port");
        assertThat(e.under("server").getMessage()).isEqualTo("server.port: 70000 (expected: 0..65535)");
        assertThat(e.under("server").key()).isEqualTo("server.port");
        assertThat(e.under("").getMessage()).isEqualTo("port: 70000 (expected: 0..65535)");
        assertThat(e.in(java.nio.file.Path.of("x.yaml")).getMessage())
                .isEqualTo("x.yaml: port: 70000 (expected: 0..65535)");
        assertThat(ConfigException.render("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
