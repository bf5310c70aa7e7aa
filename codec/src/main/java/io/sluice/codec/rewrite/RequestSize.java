package io.sluice.codec.rewrite;

/**
 * How big a request is, for a budget that scales with it: read from the client's body as it arrived, whatever
 * dialect it goes out in.
 *
 * @param messages     turns in the conversation (OpenAI/Anthropic {@code messages}, Gemini {@code contents},
 *                     Responses {@code input} items, 1 for a string input)
 * @param tools        tools declared (Gemini: function declarations)
 * @param promptTokens the prompt's estimated tokens: body bytes / 4, the rule of thumb used wherever Sluice estimates
 */
public record RequestSize(int messages, int tools, long promptTokens) {

    /** Bytes per token of the estimate. */
    public static final int BYTES_PER_TOKEN = 4;

    public static long estimateTokens(long bodyBytes) {
        return (bodyBytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
    }
}
