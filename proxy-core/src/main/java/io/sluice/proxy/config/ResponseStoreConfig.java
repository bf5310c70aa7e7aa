package io.sluice.proxy.config;

import java.time.Duration;

/**
 * Sluice's store of Responses API answers ({@code previous_response_id}, {@code item_reference},
 * {@code GET /v1/responses/{id}}): on by default, as OpenAI stores unless {@code store: false}. Kept in memory
 * and, with a {@code dataDir}, in {@code <dataDir>/responses/responses.jsonl}. The oldest go first at a cap.
 *
 * @param enabled          whether answers are kept at all; off, a reference to an earlier answer is a 404 unless the
 *                         provider itself speaks the Responses API
 * @param ttl              how long an answer is kept (OpenAI keeps 30 days: {@code 720h})
 * @param maxResponses     answers kept at most
 * @param maxBytes         bytes (stored JSON: input and answer) kept at most
 * @param maxResponseBytes an answer with its expanded input larger than this is not stored
 */
public record ResponseStoreConfig(boolean enabled, Duration ttl, int maxResponses, int maxBytes,
                                  int maxResponseBytes) {

    public static final Duration DEFAULT_TTL = Duration.ofDays(30);
    public static final int DEFAULT_MAX_RESPONSES = 10_000;
    public static final int DEFAULT_MAX_BYTES = 256 << 20;
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 16 << 20;
    static final Duration MAX_TTL = Duration.ofDays(3650);

    public ResponseStoreConfig {
        Check.positive("ttl", ttl);
        if (ttl.compareTo(MAX_TTL) > 0) {
            throw ConfigException.invalid("ttl", ttl, "> 0 and <= 87600h");
        }
        Check.range("maxResponses", maxResponses, 1, 10_000_000);
        Check.range("maxResponseBytes", maxResponseBytes, 1024, 1 << 30);
        if (maxBytes < maxResponseBytes) {
            throw ConfigException.invalid("maxBytes", maxBytes, ">= maxResponseBytes (" + maxResponseBytes + ")");
        }
    }

    public static ResponseStoreConfig defaults() {
        return new ResponseStoreConfig(true, DEFAULT_TTL, DEFAULT_MAX_RESPONSES, DEFAULT_MAX_BYTES,
                DEFAULT_MAX_RESPONSE_BYTES);
    }

    public static ResponseStoreConfig off() {
        return new ResponseStoreConfig(false, DEFAULT_TTL, DEFAULT_MAX_RESPONSES, DEFAULT_MAX_BYTES,
                DEFAULT_MAX_RESPONSE_BYTES);
    }
}
