package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code state} section: embedded by default, {@code SLUICE_REDIS_URL}, its keys, and no password in errors. */
class StateConfigTest {

    private static StateConfig state(String yaml, Map<String, String> env) {
        return ConfigLoader.parse(yaml, env).state();
    }

    @Test
    void embeddedByDefault() {
        StateConfig s = state("", Map.of());
        assertThat(s.shared()).isFalse();
        assertThat(s.redisUrl()).isNull();
        assertThat(s.namespace()).isEqualTo("sluice");
        assertThat(s.instanceId()).isNotBlank().contains(":");
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void fromTheFileOrTheEnvironmentTheFileWinning() {
        StateConfig f = state("state:\n  namespace: prod\n  instanceId: eu-1\n  redis:\n"
                + "    url: rediss://app:pw@redis.internal:6380/2\n    commandTimeout: 500ms\n    maxBackoff: 3s\n",
                Map.of("SLUICE_REDIS_URL", "redis://other:6379"));
        assertThat(f.redisUrl()).isEqualTo(URI.create("rediss://app:pw@redis.internal:6380/2"));
        assertThat(f).extracting(StateConfig::namespace, StateConfig::instanceId, StateConfig::commandTimeout,
                StateConfig::maxBackoff).containsExactly("prod", "eu-1", Duration.ofMillis(500), Duration.ofSeconds(3));
        StateConfig e = state("", Map.of("SLUICE_REDIS_URL", "redis://127.0.0.1:6379", "SLUICE_INSTANCE_ID", "b-2"));
        assertThat(e.shared()).isTrue();
        assertThat(e.redisUrl()).isEqualTo(URI.create("redis://127.0.0.1:6379"));
        assertThat(e.instanceId()).isEqualTo("b-2");
    }

    @Test
    void thePasswordIsMaskedInTextAndErrors() {
        StateConfig s = state("state: {redis: {url: 'redis://app:s3cret-pass@h:6379'}}", Map.of());
        assertThat(s.redisUrlMasked()).isEqualTo("redis://app:****@h:6379");
        assertThat(s.toString()).doesNotContain("s3cret-pass");
        assertThatThrownBy(() -> state("state: {redis: {url: 'http://app:s3cret-pass@h:6379'}}", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("state.redis.url")
                .hasMessageContaining("redis://").hasMessageNotContaining("s3cret-pass");
        assertThatThrownBy(() -> state("", Map.of("SLUICE_REDIS_URL", "ftp://x:s3cret-pass@h")))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining("s3cret-pass");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> state("state: {namespace: 'a b'}", Map.of()))
                .hasMessageContaining("state.namespace");
        assertThatThrownBy(() -> state("state: {redis: {url: 'redis://h', maxBackoff: 0s}}", Map.of()))
                .hasMessageContaining("state.maxBackoff");
        assertThatThrownBy(() -> state("state: {redis: {hosts: x}}", Map.of()))
                .hasMessageContaining("hosts");
        assertThatThrownBy(() -> state("state: {redis: {url: 'rediss://h', caFile: /no/such/ca.pem}}", Map.of()))
                .hasMessageContaining("state.redis.caFile").hasMessageContaining("a readable PEM file");
        assertThatThrownBy(() -> state("state: {redis: {url: 'redis:///0'}}", Map.of()))
                .hasMessageContaining("a URL with a host");
    }

    @Test
    void theSecretFromTheFileOrTheEnvironmentMaskedAndLongEnough() {
        StateConfig f = state("state:\n  secret: file-secret-0123456789\n  redis:\n    url: redis://127.0.0.1:6379\n",
                Map.of("SLUICE_STATE_SECRET", "env-secret-0123456789"));
        assertThat(f.secret()).isEqualTo("file-secret-0123456789");
        assertThat(f.toString()).doesNotContain("file-secret");
        assertThat(state("", Map.of("SLUICE_STATE_SECRET", "env-secret-0123456789")).secret())
                .isEqualTo("env-secret-0123456789");
        assertThat(state("", Map.of()).secret()).isNull();
        assertThatThrownBy(() -> state("state:\n  secret: short-one\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("secret")
                .hasMessageContaining("at least 16").hasMessageNotContaining("short-one");
    }
}
