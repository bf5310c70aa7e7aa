package io.sluice.codec.json;

/**
 * Token counts an OpenAI-compatible provider reported for one response; -1 ({@link #ABSENT}) where it reported none.
 * Only reported numbers are recorded: accounting must never invent usage.
 *
 * @param promptTokens     {@code usage.prompt_tokens}
 * @param completionTokens {@code usage.completion_tokens}
 * @param totalTokens      {@code usage.total_tokens}
 * @param cachedTokens     {@code usage.prompt_tokens_details.cached_tokens}
 * @param reasoningTokens  {@code usage.completion_tokens_details.reasoning_tokens}
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens,
                    long reasoningTokens) {

    /** The value of a count the provider did not report. */
    public static final long ABSENT = -1;
}
