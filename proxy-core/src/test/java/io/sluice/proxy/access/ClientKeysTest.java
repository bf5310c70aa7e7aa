package io.sluice.proxy.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.config.AccessConfig;
import io.sluice.proxy.config.ClientKeyConfig;
import io.sluice.proxy.config.RateLimitConfig;
import io.sluice.proxy.config.Secrets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientKeysTest {

    private static final String TEAM = "sk-team-0123456789abcdef";
    private static final String CI = "sk-ci-000000000000000001";
    private static final String ADMIN = "admin-key-000000000000001";

    private static AccessConfig access(ClientKeyConfig... keys) {
        return new AccessConfig(List.of(keys), null, List.of(), List.of(), List.of());
    }

    @Test
    void sha256IsTheStandardDigest() {
        assertThat(Secrets.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void findsKeysByTheirHashWhetherConfiguredPlainOrHashed() {
        ClientKeys keys = ClientKeys.of(access(new ClientKeyConfig("team", TEAM, null, null, -1, true),
                new ClientKeyConfig("ci", null, "sha256:" + Secrets.sha256Hex(CI).toUpperCase(Locale.ROOT), null,
                        -1, true)),
                RateLimitConfig.off(), null, System::nanoTime);
        assertThat(keys.required()).isTrue();
        assertThat(keys.find(TEAM).name()).isEqualTo("team");
        assertThat(keys.find(CI).name()).isEqualTo("ci");
        assertThat(keys.find(TEAM + "x")).isNull();
        assertThat(keys.find(TEAM.substring(1))).isNull();
        assertThat(keys.find("")).isNull();
        assertThat(keys.find(null)).isNull();
        assertThat(keys.keys()).extracting(ClientKeys.Key::name).containsExactly("team", "ci");
    }

    @Test
    void noKeysMeansNoneRequiredAndTheAdminKeyIsNotAClientKeyThen() {
        ClientKeys keys = ClientKeys.of(AccessConfig.open(), RateLimitConfig.off(), ADMIN, System::nanoTime);
        assertThat(keys.required()).isFalse();
        assertThat(keys.find(ADMIN)).isNull();
    }

    @Test
    void theAdminKeyIsAnUnrestrictedClientKeyWhenKeysAreRequired() {
        ClientKeys keys = ClientKeys.of(access(new ClientKeyConfig("team", TEAM, null, List.of("m1"), 5, true)),
                RateLimitConfig.off(), ADMIN, System::nanoTime);
        ClientKeys.Key admin = keys.find(ADMIN);
        assertThat(admin.name()).isEqualTo(ClientKeys.ADMIN);
        assertThat(admin.allows("anything", "p", "x")).isTrue();
        assertThat(admin.limiter()).isNull();
        assertThat(keys.keys()).hasSize(1);
    }

    @Test
    void allowListMatchesTheRequestedIdOrProviderSlashUpstream() {
        ClientKeys.Key k = ClientKeys.of(access(new ClientKeyConfig("team", TEAM, null,
                List.of("gpt-4o", "claude-*", "openai/*"), -1, true)), RateLimitConfig.off(), null, System::nanoTime)
                .find(TEAM);
        assertThat(k.allows("gpt-4o", "azure", "gpt-4o")).isTrue();
        assertThat(k.allows("gpt-4o-mini", "azure", "gpt-4o-mini")).isFalse(); // exact unless a star says otherwise
        assertThat(k.allows("claude-3-5-sonnet", "anthropic", "claude-3-5-sonnet")).isTrue();
        assertThat(k.allows("fast", "openai", "gpt-4.1-nano")).isTrue(); // an alias that lands on openai
        assertThat(k.allows("fast", "groq", "llama")).isFalse();
        assertThat(k.allows("azure/gpt-4o", "azure", "gpt-4o")).isTrue(); // the upstream model alone
        assertThat(k.allows("claude", "anthropic", "claude-sonnet-4-5")).isTrue();
        assertThat(k.allows("o1.*", null, null)).isFalse(); // patterns are globs: '.' is a dot, not a regex
        assertThat(k.allows("openai/gpt-4.1", null, null)).isTrue();
        // A pattern with a provider does not match another provider's upstream model of the same spelling.
        assertThat(k.allows("router/openai/gpt-4.1", "router", "openai/gpt-4.1")).isFalse();
    }

    @Test
    void emptyAllowListAllowsEverything() {
        ClientKeys.Key k = ClientKeys.of(access(new ClientKeyConfig("team", TEAM, null, null, -1, true)),
                RateLimitConfig.off(), null, System::nanoTime).find(TEAM);
        assertThat(k.models()).isEmpty();
        assertThat(k.allows("whatever", "p", "m")).isTrue();
    }

    @Test
    void eachKeyHasItsOwnLimitOrTheDefaultPerClientKeyLimit() {
        AtomicLong now = new AtomicLong();
        ClientKeys keys = ClientKeys.of(access(new ClientKeyConfig("team", TEAM, null, null, 2, true),
                        new ClientKeyConfig("ci", CI, null, null, -1, true)),
                new RateLimitConfig(0, 0, 0, 60), null, now::get);
        ClientKeys.Key team = keys.find(TEAM);
        assertThat(team.limiter().perMinute()).isEqualTo(2);
        assertThat(team.limiter().tryAcquire()).isTrue();
        assertThat(team.limiter().tryAcquire()).isTrue();
        assertThat(team.limiter().tryAcquire()).isFalse();
        assertThat(keys.find(CI).limiter().perMinute()).isEqualTo(60);
        ClientKeys unlimited = ClientKeys.of(access(new ClientKeyConfig("team", TEAM, null, null, 0, true)),
                new RateLimitConfig(0, 0, 0, 60), null, now::get);
        assertThat(unlimited.find(TEAM).limiter()).isNull(); // rateLimit: 0 is "no limit" for this key
    }

    @Test
    void disabledKeysAreFoundAndSaySo() {
        ClientKeys keys = ClientKeys.of(access(new ClientKeyConfig("old", TEAM, null, null, -1, false)),
                RateLimitConfig.off(), null, System::nanoTime);
        assertThat(keys.find(TEAM).enabled()).isFalse();
    }

}
