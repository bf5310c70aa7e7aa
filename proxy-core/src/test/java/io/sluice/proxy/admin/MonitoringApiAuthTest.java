package io.sluice.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may call the admin API and open the dashboard. */
class MonitoringApiAuthTest {

    private static final String KEY = "admin-key-0001:with-colon";

    private static SluiceConfig config(String server) {
        return ConfigLoader.parse("server: {" + server + "}\nprovidersFromEnv: false\nproviders:\n  mock: {}\n",
                Map.of());
    }

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutAKeyOnlyALoopbackBindIsOpen() {
        assertThat(MonitoringApi.allowed(config("host: 127.0.0.1"), null, null)).isTrue();
        assertThat(MonitoringApi.allowed(config("host: 0.0.0.0"), null, null)).isFalse();
        assertThat(MonitoringApi.allowed(config("host: 0.0.0.0"), basic("ops:anything"), null)).isFalse();
    }

    @Test
    void theKeyAsBearerHeaderOrBasicPassword() {
        SluiceConfig c = config("host: 0.0.0.0, adminKey: \"" + KEY + "\"");
        assertThat(MonitoringApi.allowed(c, null, null)).isFalse();
        assertThat(MonitoringApi.allowed(c, "Bearer " + KEY, null)).isTrue();
        assertThat(MonitoringApi.allowed(c, "bearer " + KEY, null)).isTrue();
        assertThat(MonitoringApi.allowed(c, null, KEY)).isTrue();
        // Basic: any user name (even empty), the key as password; the password may itself hold a colon.
        assertThat(MonitoringApi.allowed(c, basic("ops:" + KEY), null)).isTrue();
        assertThat(MonitoringApi.allowed(c, basic(":" + KEY), null)).isTrue();
        assertThat(MonitoringApi.allowed(c, "basic  " + basic("x:" + KEY).substring(6) + " ", null)).isTrue();
        // the loopback bind needs the key too once one is set
        assertThat(MonitoringApi.allowed(config("host: 127.0.0.1, adminKey: k1"), null, null)).isFalse();
        assertThat(MonitoringApi.allowed(config("host: 127.0.0.1, adminKey: k1"), basic("u:k1"), null)).isTrue();
    }

    @Test
    void anythingElseIsRefused() {
        SluiceConfig c = config("host: 0.0.0.0, adminKey: \"" + KEY + "\"");
        assertThat(MonitoringApi.allowed(c, basic("ops:" + KEY + "x"), null)).isFalse();
        assertThat(MonitoringApi.allowed(c, basic(KEY), null)).as("no colon: the key is the user").isFalse();
        assertThat(MonitoringApi.allowed(c, basic(KEY + ":"), null)).as("key as user name").isFalse();
        assertThat(MonitoringApi.allowed(c, "Basic !!not-base64!!", null)).isFalse();
        assertThat(MonitoringApi.allowed(c, "Basic ", null)).isFalse();
        assertThat(MonitoringApi.allowed(c, "Digest " + KEY, null)).isFalse();
        assertThat(MonitoringApi.allowed(c, KEY, null)).isFalse();
        assertThat(MonitoringApi.allowed(c, "Bearer " + KEY, "wrong")).as("x-admin-key wins").isFalse();
    }
}
