package io.sluice.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code dedup}: the file's keys; {@code enabled} falls back to {@code SLUICE_DEDUP_ENABLED}, then off. */
final class DedupSection {

    static final List<String> KEYS = List.of("enabled", "window", "maxEntries", "maxBytes", "maxEntryBytes",
            "maxLagBytes", "maxBodyBytes", "ignoreFields");
    static final String ENV_ENABLED = "SLUICE_DEDUP_ENABLED";

    private DedupSection() {
    }

    static DedupConfig read(ConfigNode n, Map<String, String> env) {
        n.object(KEYS);
        boolean enabled = n.get("enabled").bool(Records.envFlag(env, ENV_ENABLED, false));
        Duration window = n.get("window").duration(DedupConfig.DEFAULT_WINDOW);
        int maxEntries = n.get("maxEntries").intValue(DedupConfig.DEFAULT_MAX_ENTRIES);
        int maxBytes = n.get("maxBytes").intValue(DedupConfig.DEFAULT_MAX_BYTES);
        int maxEntryBytes = n.get("maxEntryBytes").intValue(DedupConfig.DEFAULT_MAX_ENTRY_BYTES);
        int maxLagBytes = n.get("maxLagBytes").intValue(DedupConfig.DEFAULT_MAX_LAG_BYTES);
        int maxBodyBytes = n.get("maxBodyBytes").intValue(DedupConfig.DEFAULT_MAX_BODY_BYTES);
        List<String> ignore = n.get("ignoreFields").strings();
        return Records.build(n, () -> new DedupConfig(enabled, window, maxEntries, maxBytes, maxEntryBytes,
                maxLagBytes, maxBodyBytes, ignore));
    }
}
