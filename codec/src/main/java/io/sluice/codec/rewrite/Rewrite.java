package io.sluice.codec.rewrite;

/**
 * What to change in one request. Either part may be null: nothing to do there.
 *
 * @param systemPrompt the global system prompt and how it meets the client's
 * @param thinking     the thinking budget to set, or to strip
 */
public record Rewrite(SystemPrompt systemPrompt, Thinking thinking) {

    /** A system prompt to put in the request's own place for it. */
    public record SystemPrompt(PromptMode mode, String text) {
        public SystemPrompt {
            if (mode == null || text == null || text.isEmpty()) {
                throw new IllegalArgumentException("system prompt: mode and a non-empty text expected");
            }
        }
    }

    /**
     * The thinking (reasoning) configuration to give the request.
     *
     * @param strip  remove the client's thinking configuration (the provider's default applies)
     * @param budget when not stripping: the thinking budget in tokens, 0 for thinking off
     * @param inject when not stripping: also give it to a request that did not ask for thinking
     */
    public record Thinking(boolean strip, int budget, boolean inject) {

        public Thinking {
            if (budget < 0) {
                throw new IllegalArgumentException("budget: " + budget + " (expected: >= 0)");
            }
        }

        public static Thinking stripped() {
            return new Thinking(true, 0, false);
        }

        public static Thinking budget(int budget, boolean inject) {
            return new Thinking(false, budget, inject);
        }
    }

    /** Whether there is nothing to do. */
    public boolean isEmpty() {
        return systemPrompt == null && thinking == null;
    }
}
