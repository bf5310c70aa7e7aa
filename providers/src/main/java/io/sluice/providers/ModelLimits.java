package io.sluice.providers;

/**
 * What one model can take and give in one request: its context window (prompt and answer together, in tokens) and
 * the most tokens it writes in one answer. A figure that is not known is 0, never guessed: Sluice then says it does
 * not know rather than inventing a limit.
 *
 * @param contextWindow   tokens of prompt plus answer the model accepts, 0 when unknown
 * @param maxOutputTokens tokens the model writes at most in one answer, 0 when unknown (or not a text model)
 */
public record ModelLimits(int contextWindow, int maxOutputTokens) {

    public ModelLimits {
        if (contextWindow < 0 || maxOutputTokens < 0) {
            throw new IllegalArgumentException("limits: " + contextWindow + "/" + maxOutputTokens
                    + " (expected: >= 0, 0 for unknown)");
        }
        if (contextWindow > 0 && maxOutputTokens > contextWindow) {
            throw new IllegalArgumentException("limits: output " + maxOutputTokens + " over the context window "
                    + contextWindow);
        }
    }

    /** Both figures known or not: context and output. */
    public static ModelLimits of(int contextWindow, int maxOutputTokens) {
        return new ModelLimits(contextWindow, maxOutputTokens);
    }

    /** Only the context window is known (embedding models: they write no text). */
    public static ModelLimits context(int contextWindow) {
        return new ModelLimits(contextWindow, 0);
    }

    public boolean knowsContext() {
        return contextWindow > 0;
    }

    public boolean knowsOutput() {
        return maxOutputTokens > 0;
    }
}
