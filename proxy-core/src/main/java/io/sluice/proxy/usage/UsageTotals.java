package io.sluice.proxy.usage;

/**
 * Counts over a set of requests.
 *
 * @param requests requests finished
 * @param errors the part of {@code requests} answered with a 4xx or 5xx, or not answered (status 0)
 * @param estimatedRequests the part of {@code requests} whose token counts are estimates
 */
public record UsageTotals(
        long requests,
        long errors,
        long promptTokens,
        long completionTokens,
        long cachedTokens,
        long reasoningTokens,
        long estimatedRequests) {

    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0, 0, 0);

    /** Prompt plus completion tokens. */
    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
