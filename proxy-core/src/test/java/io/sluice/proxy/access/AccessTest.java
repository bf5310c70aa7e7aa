package io.sluice.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessTest {

    private static final String KEY = "sk-client-0123456789abcd";

    private static Access access(String yaml) {
        SluiceConfig c = ConfigLoader.parse("providersFromEnv: false\n" + yaml, Map.of());
        return new Access(c, System::nanoTime);
    }

    @Test
    void withoutKeysEveryoneIsAdmittedAndNobodyNamed() {
        Access a = access("");
        assertThat(a.authenticate(null)).isEqualTo(new Access.Verdict(null, null));
        assertThat(a.checkAddress(new InetSocketAddress("203.0.113.9", 1), null)).isNull();
    }

    @Test
    void missingInvalidAndDisabledKeysAre401WithoutEchoingTheKey() {
        Access a = access("access:\n  clientKeys:\n    team: " + KEY + "\n    old: {key: sk-old-0123456789abcdef, "
                + "enabled: false}\n");
        Access.Denial missing = a.authenticate(null).denial();
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.code()).isEqualTo("missing_api_key");
        assertThat(missing.reason()).isEqualTo("missing_key");
        String wrong = "sk-wrong-key-00000000009999";
        Access.Denial invalid = a.authenticate(wrong).denial();
        assertThat(invalid.code()).isEqualTo("invalid_api_key");
        assertThat(invalid.message()).contains("sk-...9999").doesNotContain(wrong);
        Access.Denial disabled = a.authenticate("sk-old-0123456789abcdef").denial();
        assertThat(disabled.message()).isEqualTo("client key 'old' is disabled");
        assertThat(disabled.reason()).isEqualTo("disabled_key");
        Access.Verdict ok = a.authenticate(KEY);
        assertThat(ok.denial()).isNull();
        assertThat(ok.key().name()).isEqualTo("team");
    }

    @Test
    void modelCheckNamesTheKeyAndModel() {
        Access a = access("access:\n  clientKeys:\n    team: {key: " + KEY + ", models: [m1]}\n");
        ClientKeys.Key k = a.authenticate(KEY).key();
        assertThat(Access.checkModel(k, "m1", "p", "m1")).isNull();
        Access.Denial d = Access.checkModel(k, "m2", "p", "m2");
        assertThat(d.status()).isEqualTo(403);
        assertThat(d.code()).isEqualTo("model_not_allowed");
        assertThat(d.message()).isEqualTo("model `m2` is not allowed for client key 'team'");
        assertThat(Access.checkModel(null, "m2", "p", "m2")).isNull();
    }

    @Test
    void addressRulesOnRealSocketAddresses() {
        Access a = access("access:\n  ipAllow: [10.0.0.0/8]\n  ipDeny: [10.9.0.0/16]\n");
        assertThat(a.checkAddress(new InetSocketAddress("10.1.2.3", 5), null)).isNull();
        Access.Denial d = a.checkAddress(new InetSocketAddress("10.9.2.3", 5), null);
        assertThat(d.status()).isEqualTo(403);
        assertThat(d.code()).isEqualTo("ip_not_allowed");
        assertThat(d.message()).isEqualTo("requests from 10.9.2.3 are not allowed");
        assertThat(a.checkAddress(new InetSocketAddress("127.0.0.1", 5), "10.1.2.3")).isNotNull(); // untrusted XFF
        assertThat(a.checkAddress(null, null)).isNotNull(); // an address we cannot read is refused
    }
}
