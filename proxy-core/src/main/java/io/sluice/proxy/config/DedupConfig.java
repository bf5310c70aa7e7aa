package io.sluice.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Request dedup and in-flight coalescing (issue 17 item 3): a model request whose canonical signature equals one in
 * flight attaches to it (one upstream call for all), one that equals a recent finished answer is served from a bounded
 * cache. Off unless {@code dedup.enabled} or {@code SLUICE_DEDUP_ENABLED=1}.
 *
 * @param enabled       whether requests are signed and deduplicated at all
 * @param window        how long a finished 2xx answer is served again; zero coalesces in-flight requests only
 * @param maxEntries    finished answers kept at most; the oldest go first
 * @param maxBytes      bytes held at most for finished answers and the records of answers in flight together
 * @param maxEntryBytes an answer larger than this is not cached, and late joiners cannot attach once it passed it
 * @param maxLagBytes   how far (bytes not yet taken by its socket) one client may fall behind the fastest client of
 *                      a shared answer before it is cut with an error event; the upstream never waits for it
 * @param maxBodyBytes  requests with larger bodies are not signed (the signature's work budget), just sent
 * @param ignoreFields  top-level request fields left out of the signature: they do not change the answer
 */
public record DedupConfig(boolean enabled, Duration window, int maxEntries, int maxBytes, int maxEntryBytes,
                          int maxLagBytes, int maxBodyBytes, List<String> ignoreFields) {

    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ENTRIES = 1000;
    public static final int DEFAULT_MAX_BYTES = 64 << 20;
    public static final int DEFAULT_MAX_ENTRY_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_LAG_BYTES = 4 << 20;
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** End-user ids and bookkeeping the providers do not answer from. */
    public static final List<String> DEFAULT_IGNORE_FIELDS = List.of("user", "metadata", "safety_identifier",
            "prompt_cache_key");
    static final Duration MAX_WINDOW = Duration.ofHours(24);
    private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9_.$-]{1,64}");

    public DedupConfig {
        Check.notNull("window", window, Durations.EXPECTED);
        if (window.isNegative() || window.compareTo(MAX_WINDOW) > 0) {
            throw ConfigException.invalid("window", window, "0s..24h");
        }
        Check.range("maxEntries", maxEntries, 1, 1_000_000);
        Check.range("maxEntryBytes", maxEntryBytes, 1024, 1 << 30);
        if (maxBytes < maxEntryBytes) {
            throw ConfigException.invalid("maxBytes", maxBytes, ">= maxEntryBytes (" + maxEntryBytes + ")");
        }
        if (maxLagBytes < maxEntryBytes) {
            // A late joiner is handed up to maxEntryBytes at once: it must not be cut for that alone.
            throw ConfigException.invalid("maxLagBytes", maxLagBytes, ">= maxEntryBytes (" + maxEntryBytes + ")");
        }
        Check.range("maxBodyBytes", maxBodyBytes, 1, Integer.MAX_VALUE);
        ignoreFields = ignoreFields == null ? DEFAULT_IGNORE_FIELDS : List.copyOf(ignoreFields);
        for (int i = 0; i < ignoreFields.size(); i++) {
            String f = ignoreFields.get(i);
            if (f == null || !FIELD.matcher(f).matches()) {
                throw ConfigException.invalid("ignoreFields[" + i + "]", f, "a top-level request field name");
            }
            if (f.equals("model") || f.equals("messages") || f.equals("input") || f.equals("contents")) {
                throw ConfigException.invalid("ignoreFields[" + i + "]", f, "a field that does not change the"
                        + " answer; " + f + " does");
            }
        }
    }

    /** Off, with the defaults for when it is switched on. */
    public static DedupConfig off() {
        return defaults(false);
    }

    public static DedupConfig defaults(boolean enabled) {
        return new DedupConfig(enabled, DEFAULT_WINDOW, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES,
                DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_LAG_BYTES, DEFAULT_MAX_BODY_BYTES, DEFAULT_IGNORE_FIELDS);
    }
}
