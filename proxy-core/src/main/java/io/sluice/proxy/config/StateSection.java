package io.sluice.proxy.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code state}: {@code redis.url} (or {@code SLUICE_REDIS_URL}), {@code namespace}, {@code instanceId} (or
 * {@code SLUICE_INSTANCE_ID}), {@code redis.commandTimeout}, {@code redis.maxBackoff}, {@code secret} (or
 * {@code SLUICE_STATE_SECRET}). Absent: the embedded state.
 */
final class StateSection {

    static final List<String> KEYS = List.of("redis", "namespace", "instanceId", "secret");
    static final List<String> REDIS_KEYS = List.of("url", "commandTimeout", "maxBackoff", "caFile");
    static final String ENV_URL = "SLUICE_REDIS_URL";
    static final String ENV_INSTANCE = "SLUICE_INSTANCE_ID";
    static final String ENV_SECRET = "SLUICE_STATE_SECRET";

    private StateSection() {
    }

    static StateConfig read(ConfigNode n, Map<String, String> env) {
        n.object(KEYS);
        ConfigNode redis = n.get("redis").object(REDIS_KEYS);
        ConfigNode urlNode = redis.get("url").secret();
        URI url = urlNode.uri("redis://[user:password@]host[:port][/db] or rediss://...");
        String envUrl = env.get(ENV_URL);
        if (url == null && envUrl != null && !envUrl.isBlank()) {
            try {
                url = new URI(envUrl.strip());
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException("environment: " + ENV_URL + ": not a URL (expected: redis://host:port)");
            }
        }
        String namespace = n.get("namespace").string(null, "a string");
        String instance = n.get("instanceId").string(null, "a string");
        if (instance == null && env.get(ENV_INSTANCE) != null && !env.get(ENV_INSTANCE).isBlank()) {
            instance = env.get(ENV_INSTANCE).strip();
        }
        String secret = n.get("secret").secret().string(null, "a string");
        if (secret == null && env.get(ENV_SECRET) != null && !env.get(ENV_SECRET).isBlank()) {
            secret = env.get(ENV_SECRET).strip();
        }
        String key = secret;
        Duration timeout = redis.get("commandTimeout").duration(null);
        Duration backoff = redis.get("maxBackoff").duration(null);
        String ca = redis.get("caFile").string(null, "a file path");
        java.nio.file.Path caFile = ca == null ? null : java.nio.file.Path.of(ca);
        URI u = url;
        String id = instance;
        return Records.build(n, () -> new StateConfig(u, namespace, id, timeout, backoff, key, caFile));
    }
}
