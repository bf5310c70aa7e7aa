package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessConfigTest {

    private static final String KEY = "sk-team-0123456789abcdef";

    private static SluiceConfig parse(String yaml) {
        return parse(yaml, Map.of());
    }

    private static SluiceConfig parse(String yaml, Map<String, String> env) {
        return ConfigLoader.parse("providersFromEnv: false\n" + yaml, env);
    }

    @Test
    void defaultsAreOpenOnLoopback() {
        AccessConfig a = parse("").access();
        assertThat(a.clientKeys()).isEmpty();
        assertThat(a.keysRequired()).isFalse();
        assertThat(a.ipRules()).isFalse();
        a.checkExposure(ServerConfig.defaults()); // 127.0.0.1: fine
    }

    @Test
    void fullShorthandAndHashedKeys() {
        String hash = Secrets.sha256Hex("sk-ci-000000000000000001");
        SluiceConfig c = parse("""
                access:
                  clientKeys:
                    team:
                      key: ${TEAM_KEY}
                      models: [gpt-4o, "claude-*"]
                      rateLimit: 60
                    ci: {keyHash: "sha256:%s"}
                    quick: sk-quick-000000000000001
                    retired: {key: sk-retired-00000000000001, enabled: false}
                  ipAllow: [10.0.0.0/8, "2001:db8::/32"]
                  ipDeny: [10.9.0.0/16]
                  trustedProxies: [127.0.0.1]
                """.replace("%s", hash), Map.of("TEAM_KEY", KEY));
        AccessConfig a = c.access();
        assertThat(a.clientKeys()).extracting(ClientKeyConfig::name).containsExactly("team", "ci", "quick", "retired");
        ClientKeyConfig team = a.clientKeys().get(0);
        assertThat(team.key()).isEqualTo(KEY);
        assertThat(team.models()).containsExactly("gpt-4o", "claude-*");
        assertThat(team.rateLimit()).isEqualTo(60);
        assertThat(team.enabled()).isTrue();
        assertThat(a.clientKeys().get(1).sha256()).isEqualTo(hash);
        assertThat(a.clientKeys().get(2).rateLimit()).isEqualTo(-1);
        assertThat(a.clientKeys().get(3).enabled()).isFalse();
        assertThat(a.ipAllow()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32"));
        assertThat(a.ipDeny()).containsExactly(Cidr.parse("10.9.0.0/16"));
        assertThat(a.trustedProxies()).containsExactly(Cidr.parse("127.0.0.1"));
        assertThat(a.keysRequired()).isTrue();
        assertThat(a.toString()).doesNotContain(KEY).contains("sk-...cdef");
        a.checkExposure(c.server().withHost("0.0.0.0")); // keys: fine anywhere
    }

    @Test
    void keysAndRulesFromTheEnvironment() {
        AccessConfig a = parse("", Map.of("SLUICE_CLIENT_KEY", KEY, "SLUICE_CLIENT_KEY_2", "sk-two-00000000000000002",
                "SLUICE_CLIENT_KEY_10", "sk-ten-00000000000000010", "SLUICE_CLIENT_KEY_X", "ignored",
                "SLUICE_IP_ALLOW", "10.0.0.0/8, 192.0.2.0/24", "SLUICE_IP_DENY", "10.9.0.0/16",
                "SLUICE_TRUSTED_PROXIES", "127.0.0.1")).access();
        assertThat(a.clientKeys()).extracting(ClientKeyConfig::name)
                .containsExactly("SLUICE_CLIENT_KEY", "SLUICE_CLIENT_KEY_2", "SLUICE_CLIENT_KEY_10");
        assertThat(a.ipAllow()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.0.2.0/24"));
        assertThat(a.ipDeny()).hasSize(1);
        assertThat(a.trustedProxies()).hasSize(1);
        // The file's lists win over the variables; the variables' keys are added to the file's.
        AccessConfig both = parse(
                "access:\n  clientKeys: {team: sk-team-1111111111111111}\n  ipAllow: [192.0.2.0/24]\n",
                Map.of("SLUICE_CLIENT_KEY", KEY, "SLUICE_IP_ALLOW", "10.0.0.0/8")).access();
        assertThat(both.clientKeys()).extracting(ClientKeyConfig::name).containsExactly("team", "SLUICE_CLIENT_KEY");
        assertThat(both.ipAllow()).containsExactly(Cidr.parse("192.0.2.0/24"));
    }

    @Test
    void badKeysAreNamedButNeverShown() {
        assertThatThrownBy(() -> parse("access:\n  clientKeys: {team: short-secret}\n"))
                .hasMessage("access.clientKeys.team.key: a key of 12 characters (expected: at least 16, e.g. from "
                        + "`openssl rand -hex 24`)");
        assertThatThrownBy(() -> parse("access:\n  clientKeys: {team: {models: [m]}}\n"))
                .hasMessage("access.clientKeys.team.key: missing (expected: one of key, keyHash)");
        assertThatThrownBy(() -> parse("access:\n  clientKeys: {team: {key: " + KEY + ", keyHash: abc}}\n"))
                .hasMessageContaining("given together with keyHash").hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> parse("access:\n  clientKeys: {team: {keyHash: xyz}}\n"))
                .hasMessage("access.clientKeys.team.keyHash: \"xyz\" (expected: 64 hex digits, the key's SHA-256)");
        assertThatThrownBy(() -> parse("access:\n  clientKeys: {team: {key: " + KEY + ", modles: [m]}}\n"))
                .hasMessageContaining("access.clientKeys.team.modles: unknown key (did you mean models?");
        assertThatThrownBy(() -> parse("access:\n  clientKeys: {\"bad name\": " + KEY + "}\n"))
                .hasMessageContaining("access.clientKeys.bad name.name: \"bad name\"");
        assertThatThrownBy(() -> parse("access:\n  clientKeys: {a: " + KEY + ", b: " + KEY + "}\n"))
                .hasMessage("access.clientKeys.b: the same key as a (expected: a key of its own, so usage and limits"
                        + " tell clients apart)");
        assertThatThrownBy(() -> parse("access:\n  clientKeys: {a: {key: " + KEY + ", rateLimit: -5}}\n"))
                .hasMessageContaining("access.clientKeys.a.rateLimit: \"-5\"");
        assertThatThrownBy(() -> parse("access:\n  clientKeys: [" + KEY + "]\n"))
                .hasMessageContaining("access.clientKeys: a list (expected: a mapping of client key name")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void badRulesAreNamed() {
        assertThatThrownBy(() -> parse("access:\n  ipAllow: [10.0.0.0/8, corp.example.com]\n"))
                .hasMessageStartingWith("access.ipAllow[1]: \"corp.example.com\" (expected: an address or block like")
                .hasMessageContaining("not an IP address literal");
        assertThatThrownBy(() -> parse("access:\n  ipDeny: [192.168.1.5/24]\n"))
                .hasMessageContaining("did you mean 192.168.1.0/24?");
        assertThatThrownBy(() -> parse("", Map.of("SLUICE_IP_DENY", "10.0.0.0/99")))
                .hasMessageStartingWith("environment: SLUICE_IP_DENY: \"10.0.0.0/99\"");
        assertThatThrownBy(() -> parse("access:\n  ipallow: [10.0.0.0/8]\n"))
                .hasMessageContaining("access.ipallow: unknown key (did you mean ipAllow?");
        assertThatThrownBy(() -> parse("", Map.of("SLUICE_CLIENT_KEY", "tooshort")))
                .hasMessageStartingWith("environment (SLUICE_CLIENT_KEY): key: a key of 8 characters")
                .hasMessageNotContaining("tooshort");
    }

    @Test
    void theAdminKeyIsNoClientKey() {
        assertThatThrownBy(() -> parse("server: {adminKey: " + KEY + "}\naccess:\n  clientKeys: {a: " + KEY + "}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("access.clientKeys.a: the same key as server.adminKey")
                .hasMessageNotContaining(KEY);
        String hash = Secrets.sha256Hex(KEY);
        assertThatThrownBy(() -> parse("server: {adminKey: " + KEY + "}\naccess:\n  clientKeys: {ci: {keyHash: "
                + "\"sha256:" + hash + "\"}}\n"))
                .hasMessageContaining("access.clientKeys.ci: the same key as server.adminKey");
        assertThat(parse("server: {adminKey: admin-key-0000000000000001}\naccess:\n  clientKeys: {a: " + KEY
                + "}\n").access().clientKeys()).hasSize(1);
    }

    @Test
    void requireClientKeyMustAgreeWithTheKeys() {
        assertThatThrownBy(() -> parse("access:\n  requireClientKey: false\n  clientKeys: {a: " + KEY + "}\n"))
                .hasMessageContaining("access.requireClientKey: false while clientKeys are configured");
        assertThatThrownBy(() -> parse("access:\n  requireClientKey: true\n"))
                .hasMessageContaining("access.requireClientKey: true but no clientKeys are configured");
        assertThat(parse("access:\n  requireClientKey: true\n  clientKeys: {a: " + KEY + "}\n").access()
                .keysRequired()).isTrue();
    }

    @Test
    void anExposedBindNeedsKeysOrAWrittenOptOut() {
        SluiceConfig open = parse("server: {host: 0.0.0.0}\n");
        assertThatThrownBy(() -> open.access().checkExposure(open.server()))
                .hasMessageStartingWith("access: server.host 0.0.0.0 is reachable from other machines but no client"
                        + " keys are configured")
                .hasMessageContaining("access.requireClientKey: false to run an open relay on purpose");
        SluiceConfig optOut = parse("server: {host: 0.0.0.0}\naccess: {requireClientKey: false}\n");
        optOut.access().checkExposure(optOut.server());
        for (String loopback : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "::1"}) {
            open.access().checkExposure(open.server().withHost(loopback));
        }
    }
}
