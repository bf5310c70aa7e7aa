package io.sluice.proxy.usage;

/**
 * Counts over a set of requests.
 *
 * @param requests requests finished
 * @param errors the part of {@code requests} answered with a 4xx or 5xx, or not answered (status 0)
 * @param estimatedRequests the part of {@code requests} whose token counts are estimates
 * @param dedupRequests the part of {@code requests} answered by dedup (cached or coalesced), without tokens
 */
public record UsageTotals(
        long requests,
        long errors,
        long promptTokens,
        long completionTokens,
        long cachedTokens,
        long reasoningTokens,
        long estimatedRequests,
        long dedupRequests) {

    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, 0, 0);

    public UsageTotals(long requests, long errors, long promptTokens, long completionTokens, long cachedTokens,
                       long reasoningTokens, long estimatedRequests) {
        this(requests, errors, promptTokens, completionTokens, cachedTokens, reasoningTokens, estimatedRequests, 0);
    }

    /** Prompt plus completion tokens. */
    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
