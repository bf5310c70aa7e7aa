package io.sluice.proxy.usage;

/**
 * One finished request, as counted by the {@link UsageLedger}.
 *
 * @param epochMillis when the request finished
 * @param provider provider name, e.g. {@code openai}; never empty
 * @param model model name as sent upstream; never empty
 * @param key name of the provider key used, e.g. {@code OPENAI_API_KEY_2}, never the key itself; null if none
 * @param client name of the client key, never the key itself; null if none
 * @param status HTTP status returned to the client; 0 when no response was sent
 * @param promptTokens input tokens, cached ones included
 * @param completionTokens output tokens, reasoning ones included
 * @param cachedTokens the part of the prompt read from the provider's cache
 * @param reasoningTokens the part of the completion spent reasoning
 * @param estimated true when the provider reported no usage and the counts are our estimate
 * @param deduplicated true when dedup answered it (a cached or coalesced answer): no upstream call of its own, so
 *                     no tokens; the call that produced the answer has them
 */
public record UsageRecord(
        long epochMillis,
        String provider,
        String model,
        String key,
        String client,
        int status,
        long promptTokens,
        long completionTokens,
        long cachedTokens,
        long reasoningTokens,
        boolean estimated,
        boolean deduplicated) {

    public UsageRecord {
        requireName("provider", provider);
        requireName("model", model);
        // "" and null both mean "none": one spelling, so both land in the same aggregate
        key = key == null || key.isEmpty() ? null : key;
        client = client == null || client.isEmpty() ? null : client;
        if (status < 0 || status > 999) {
            throw new IllegalArgumentException("status: " + status + " (expected: 0..999)");
        }
        requireCount("promptTokens", promptTokens);
        requireCount("completionTokens", completionTokens);
        requireCount("cachedTokens", cachedTokens);
        requireCount("reasoningTokens", reasoningTokens);
    }

    public UsageRecord(long epochMillis, String provider, String model, String key, String client, int status,
                       long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens,
                       boolean estimated) {
        this(epochMillis, provider, model, key, client, status, promptTokens, completionTokens, cachedTokens,
                reasoningTokens, estimated, false);
    }

    /** A 4xx or 5xx, or no response at all. */
    public boolean isError() {
        return status >= 400 || status == 0;
    }

    private static void requireName(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + ": " + (value == null ? "null" : "\"\"")
                    + " (expected: a non-empty name)");
        }
    }

    private static void requireCount(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: >= 0)");
        }
    }
}
