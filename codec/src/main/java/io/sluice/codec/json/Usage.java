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
 * @param cacheWriteTokens prompt tokens written to the provider's cache (Anthropic {@code cache_creation_input_tokens})
 *
 * <p>{@code promptTokens} follows OpenAI: every input token, cached reads and cache writes included. Anthropic reports
 * {@code input_tokens} without them; its dialect adds and subtracts on the way in and out.
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens,
                    long reasoningTokens, long cacheWriteTokens) {

    /** The value of a count the provider did not report. */
    public static final long ABSENT = -1;

    public Usage(long promptTokens, long completionTokens, long totalTokens, long cachedTokens, long reasoningTokens) {
        this(promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens, ABSENT);
    }

    /** Prompt + completion when the provider gave both and no total (Anthropic, Gemini without totalTokenCount). */
    public static long sum(long promptTokens, long completionTokens) {
        return promptTokens < 0 || completionTokens < 0 ? ABSENT : promptTokens + completionTokens;
    }
}
