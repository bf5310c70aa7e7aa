package io.sluice.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code responses}: the file's keys; {@code enabled} falls back to {@code SLUICE_RESPONSES_STORE}, then on. */
final class ResponsesSection {

    static final List<String> KEYS = List.of("store", "ttl", "maxResponses", "maxBytes", "maxResponseBytes");
    static final String ENV_STORE = "SLUICE_RESPONSES_STORE";

    private ResponsesSection() {
    }

    static ResponseStoreConfig read(ConfigNode n, Map<String, String> env) {
        n.object(KEYS);
        boolean enabled = n.get("store").bool(Records.envFlag(env, ENV_STORE, true));
        Duration ttl = n.get("ttl").duration(ResponseStoreConfig.DEFAULT_TTL);
        int maxResponses = n.get("maxResponses").intValue(ResponseStoreConfig.DEFAULT_MAX_RESPONSES);
        int maxBytes = n.get("maxBytes").intValue(ResponseStoreConfig.DEFAULT_MAX_BYTES);
        int maxResponseBytes = n.get("maxResponseBytes").intValue(ResponseStoreConfig.DEFAULT_MAX_RESPONSE_BYTES);
        return Records.build(n, () -> new ResponseStoreConfig(enabled, ttl, maxResponses, maxBytes,
                maxResponseBytes));
    }
}
