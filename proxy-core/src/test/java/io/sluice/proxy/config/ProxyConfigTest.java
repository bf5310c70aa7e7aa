package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The outbound proxy's configuration: proxy URLs, no-proxy rules as curl and Go read them, the precedence of a
 * provider's own proxy, {@code upstream.proxy} and the environment, the setting's JSON, and errors that name the key
 * and never show a password.
 */
class ProxyConfigTest {

    private static SluiceConfig load(String yaml, Map<String, String> env) {
        return ConfigLoader.parse("providersFromEnv: false\n" + yaml, env);
    }

    private static ProxySettings proxy(String yaml, Map<String, String> env) {
        return load(yaml, env).upstream().proxy();
    }

    @Test
    void proxyUrlsParseWithDefaultsAndDecodedCredentials() {
        ProxyUri p = ProxyUri.parse("k", "http://us%40er:p%3Ass+w@proxy.corp:3128/");
        assertThat(p.kind()).isEqualTo(ProxyUri.Kind.HTTP);
        assertThat(p.host()).isEqualTo("proxy.corp");
        assertThat(p.port()).isEqualTo(3128);
        assertThat(p.username()).isEqualTo("us@er");
        assertThat(p.password()).isEqualTo("p:ss+w");
        assertThat(p.masked()).isEqualTo("http://us%40er:****@proxy.corp:3128");
        assertThat(p.toString()).isEqualTo(p.masked());
        assertThat(p.unmasked()).isEqualTo("http://us%40er:p%3Ass%2Bw@proxy.corp:3128");
        assertThat(ProxyUri.parse("k", p.unmasked())).isEqualTo(p);
        assertThat(p.address()).isEqualTo("http://proxy.corp:3128");

        assertThat(ProxyUri.parse("k", "proxy.corp:8080")).isEqualTo(new ProxyUri(ProxyUri.Kind.HTTP, "proxy.corp",
                8080, null, null)); // no scheme: HTTP, as curl and Go read it
        assertThat(ProxyUri.parse("k", "http://proxy.corp").port()).isEqualTo(80);
        assertThat(ProxyUri.parse("k", "socks5://h").port()).isEqualTo(1080);
        assertThat(ProxyUri.parse("k", "SOCKS5H://[::1]:9050").host()).isEqualTo("::1");
        assertThat(ProxyUri.parse("k", "socks5h://[::1]:9050").masked()).isEqualTo("socks5h://[::1]:9050");
        assertThat(ProxyUri.parse("k", "http://user@h:1").masked()).isEqualTo("http://user@h:1");
        assertThat(ProxyUri.parse("k", " None ")).isSameAs(ProxyUri.NONE);
        assertThat(ProxyUri.parse("k", "direct").isNone()).isTrue();
    }

    @Test
    void badProxyUrlsNameTheKeyAndNeverShowThePassword() {
        assertThatThrownBy(() -> ProxyUri.parse("upstream.proxy", "ftp://bob:hunter2@h:21"))
                .hasMessageStartingWith("upstream.proxy: \"ftp://****@h:21\" (expected: http://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ProxyUri.parse("upstream.proxy", "https://bob:hunter2@h:443"))
                .hasMessageContaining("TLS to the proxy itself is not supported").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ProxyUri.parse("p", "http://bob:hun ter2@h:1"))
                .hasMessageContaining("percent-encoded").hasMessageNotContaining("hun ter2");
        assertThatThrownBy(() -> ProxyUri.parse("p", "http://h:99999")).hasMessageStartingWith("p: \"http://h:99999\"");
        assertThatThrownBy(() -> ProxyUri.parse("p", "http://h:1/path")).hasMessageContaining("no path");
    }

    @Test
    void noProxyMatchesAsCurlDoesWithGosPortsAndBlocks() {
        NoProxy n = NoProxy.parse("NO_PROXY", "localhost, .internal,example.com , 10.0.0.0/8,::1,"
                + "[fd00::]/8, api.test:8443, 192.168.1.7/24");
        assertThat(n.matches("localhost", 11434)).isTrue();
        assertThat(n.matches("LOCALHOST.", 1)).isTrue();
        assertThat(n.matches("svc.internal", 443)).isTrue();
        assertThat(n.matches("internal", 443)).isTrue(); // curl: a leading dot is ignored
        assertThat(n.matches("api.example.com", 443)).isTrue();
        assertThat(n.matches("notexample.com", 443)).isFalse();
        assertThat(n.matches("example.com.evil", 443)).isFalse();
        assertThat(n.matches("10.20.30.40", 80)).isTrue();
        assertThat(n.matches("11.0.0.1", 80)).isFalse();
        assertThat(n.matches("[::1]", 80)).isTrue();
        assertThat(n.matches("fd12::7", 80)).isTrue();
        assertThat(n.matches("api.test", 8443)).isTrue();
        assertThat(n.matches("api.test", 443)).isFalse();
        assertThat(n.matches("192.168.1.200", 80)).as("host bits ignored, as curl does").isTrue();
        assertThat(n.matches("127.0.0.1", 80)).as("loopback only when listed (curl)").isFalse();
        assertThat(NoProxy.parse("NO_PROXY", "*").matches("anything.at.all", 1)).isTrue();
        assertThat(NoProxy.parse("x", "*.corp.example").matches("a.corp.example", 1)).isTrue();
        assertThat(NoProxy.EMPTY.matches("localhost", 1)).isFalse();
        assertThat(n.entries()).hasSize(8);
        assertThat(NoProxy.parse("x", "a,b")).isEqualTo(NoProxy.of("y", List.of("a", "b")));

        assertThatThrownBy(() -> NoProxy.parse("NO_PROXY", "ok.com,10.0.0.0/33"))
                .hasMessage("NO_PROXY[1]: \"10.0.0.0/33\" (expected: an address block with a prefix of 0..32 bits)");
        assertThatThrownBy(() -> NoProxy.parse("n", "host:99999")).hasMessageStartingWith("n[0]: \"host:99999\"");
        assertThatThrownBy(() -> NoProxy.parse("n", "bad/host")).hasMessageStartingWith("n[0]: ");
        assertThatThrownBy(() -> NoProxy.parse("n", "[::1")).hasMessageStartingWith("n[0]: ");
    }

    @Test
    void precedenceIsTheProvidersThenTheGlobalThenTheEnvironmentsByScheme() {
        ProxySettings s = proxy("""
                upstream: {proxy: "http://global:3128", noProxy: "skip.me, 10.0.0.0/8"}
                providers:
                  own: {type: openai-compatible, baseUrl: "http://own/v1", proxy: "socks5h://u:p@s:1080"}
                  off: {type: openai-compatible, baseUrl: "http://off/v1", proxy: none}
                  plain: {type: openai-compatible, baseUrl: "http://plain/v1"}
                """, Map.of("HTTPS_PROXY", "http://env:1"));
        assertThat(s.route("own", true, "skip.me", 443).masked()).isEqualTo("socks5h://u:****@s:1080");
        assertThat(s.route("off", true, "api.x", 443)).isNull();
        assertThat(s.route("plain", true, "api.x", 443).masked()).isEqualTo("http://global:3128");
        assertThat(s.route("plain", true, "skip.me", 443)).isNull();
        assertThat(s.route("plain", false, "10.1.1.1", 80)).isNull();
        assertThat(s.choose("plain", true, "skip.me", 443).because()).isEqualTo("noProxy matches skip.me");
        assertThat(s.choose("own", true, "skip.me", 443).because()).isEqualTo("providers.own.proxy");

        ProxySettings env = proxy("", Map.of("HTTPS_PROXY", "http://secure:1", "http_proxy", "http://plain:2",
                "HTTP_PROXY", "http://ignored:3", "no_proxy", "local", "NO_PROXY", "other"));
        assertThat(env.route("p", true, "api.x", 443).host()).isEqualTo("secure");
        assertThat(env.route("p", false, "api.x", 80).host()).as("lower case first").isEqualTo("plain");
        assertThat(env.route("p", false, "local", 80)).isNull();
        assertThat(env.route("p", false, "other", 80)).isNotNull();

        ProxySettings all = proxy("", Map.of("ALL_PROXY", "socks5://all:1080", "https_proxy", ""));
        assertThat(all.route("p", true, "h", 443).kind()).isEqualTo(ProxyUri.Kind.SOCKS5);
        assertThat(all.route("p", false, "h", 80).kind()).isEqualTo(ProxyUri.Kind.SOCKS5);

        ProxySettings none = proxy("upstream: {proxy: none}\n", Map.of("HTTPS_PROXY", "http://env:1"));
        assertThat(none.route("p", true, "h", 443)).as("none ignores the environment").isNull();
        assertThat(none.any()).isFalse();

        ProxySettings yamlBypass = proxy("upstream: {noProxy: [a.b]}\n", Map.of("HTTPS_PROXY", "http://e:1",
                "NO_PROXY", "c.d"));
        assertThat(yamlBypass.route("p", true, "c.d", 443)).as("upstream.noProxy replaces NO_PROXY").isNotNull();
        assertThat(yamlBypass.route("p", true, "a.b", 443)).isNull();

        assertThat(proxy("", Map.of()).any()).isFalse();
        assertThat(proxy("", Map.of()).route("p", true, "h", 443)).isNull();
    }

    @Test
    void configErrorsNameTheKeyOrVariableAndMaskThePassword() {
        assertThatThrownBy(() -> load("upstream: {proxy: \"gopher://u:sekrit@h:1\"}\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("upstream.proxy: \"gopher://****@h:1\"")
                .hasMessageNotContaining("sekrit");
        assertThatThrownBy(() -> load("providers:\n  p: {type: openai, proxy: \"socks4://u:sekrit@h\"}\n",
                Map.of())).hasMessageStartingWith("providers.p.proxy: ").hasMessageNotContaining("sekrit");
        assertThatThrownBy(() -> load("providers:\n  p: {type: openai, proxy: [1]}\n", Map.of()))
                .hasMessageStartingWith("providers.p.proxy: a list");
        assertThatThrownBy(() -> load("", Map.of("HTTPS_PROXY", "ftp://u:sekrit@h")))
                .hasMessageStartingWith("environment: HTTPS_PROXY: \"ftp://****@h\"").hasMessageNotContaining("sekrit");
        assertThatThrownBy(() -> load("", Map.of("no_proxy", "a,1.2.3.4/40")))
                .hasMessageStartingWith("environment: no_proxy[1]: \"1.2.3.4/40\"");
        assertThatThrownBy(() -> load("upstream: {noProxy: [\"a b/c\"]}\n", Map.of()))
                .hasMessageStartingWith("upstream.noProxy[");
        assertThatThrownBy(() -> load("upstream: {proxyy: x}\n", Map.of())).hasMessageContaining("did you mean proxy");
    }

    @Test
    void theSettingsJsonMasksPasswordsAndASentBackMaskKeepsTheOneInForce() {
        ProxySettings inForce = new ProxySettings(true, ProxyUri.parse("g", "http://bob:hunter22@p:3128"), null,
                null, NoProxy.parse("n", "localhost"), Map.of("eu", ProxyUri.parse("e", "socks5h://s:1")));
        ProxySettingsCodec codec = new ProxySettingsCodec(() -> inForce);

        JsonNode shown = codec.show(inForce);
        assertThat(shown.toString()).doesNotContain("hunter22");
        assertThat(shown.path("global").asText()).isEqualTo("http://bob:****@p:3128");
        assertThat(shown.path("noProxy").get(0).asText()).isEqualTo("localhost");
        assertThat(shown.at("/providers/eu").asText()).isEqualTo("socks5h://s:1");
        assertThat(codec.write(inForce).path("global").asText()).isEqualTo("http://bob:hunter22@p:3128");
        assertThat(codec.parse(codec.write(inForce))).isEqualTo(inForce);

        ProxySettings back = new Setting<>("proxy", inForce, codec, null).parse(shown.toString());
        assertThat(back).isEqualTo(inForce);
        assertThat(back.global().password()).isEqualTo("hunter22");

        Setting<ProxySettings> s = new Setting<>("proxy", inForce, codec, null);
        assertThatThrownBy(() -> s.parse("{\"proxy\":\"http://bob:****@elsewhere:3128\"}"))
                .hasMessageStartingWith("global: \"http://bob:****@elsewhere:3128\""); // "proxy" spells global
        assertThatThrownBy(() -> s.parse("{\"providers\":{\"Bad Name\":\"none\"}}"))
                .hasMessageStartingWith("providers.Bad Name: ");
        assertThatThrownBy(() -> s.parse("{\"enabled\":\"yes\"}")).hasMessageStartingWith("enabled: ");
        assertThatThrownBy(() -> s.parse("{\"colour\":1}")).hasMessageContaining("unknown field");
        assertThatThrownBy(() -> s.parse("{\"global\":{}}")).hasMessageStartingWith("global: a mapping (expected: http://");

        ProxySettings seed = s.parse("{\"https_proxy\":\"http://h:1\",\"no_proxy\":\"a,b\",\"enabled\":false}");
        assertThat(seed.httpsProxy().host()).isEqualTo("h");
        assertThat(seed.noProxy().entries()).containsExactly("a", "b");
        assertThat(seed.route("x", true, "z", 443)).as("disabled: all direct").isNull();
        assertThat(s.parse("{}")).isEqualTo(ProxySettings.none());
    }
}
