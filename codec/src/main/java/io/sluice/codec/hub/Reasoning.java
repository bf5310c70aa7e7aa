package io.sluice.codec.hub;

/**
 * How much the model should think. Dialects speak either an effort level (OpenAI {@code reasoning_effort}, Responses
 * {@code reasoning.effort}) or a token budget (Anthropic {@code thinking.budget_tokens}, Gemini
 * {@code thinkingConfig.thinkingBudget}); this record holds whichever the client gave and converts on demand with one
 * table (the one LiteLLM and most gateways use: low 1024, medium 2048, high 4096).
 *
 * @param effort       {@code minimal|low|medium|high}, or null
 * @param budgetTokens a token budget, or null; 0 means thinking off
 */
public record Reasoning(String effort, Integer budgetTokens) {

    public static final int LOW_BUDGET = 1024;
    public static final int MEDIUM_BUDGET = 2048;
    public static final int HIGH_BUDGET = 4096;

    public static Reasoning ofEffort(String effort) {
        return new Reasoning(effort, null);
    }

    public static Reasoning ofBudget(int budgetTokens) {
        return new Reasoning(null, budgetTokens);
    }

    /** The budget to send to a budget dialect: the given one, else the effort's table value. */
    public int budget() {
        if (budgetTokens != null) {
            return budgetTokens;
        }
        return switch (effort == null ? "medium" : effort) {
            case "minimal", "none" -> 0;
            case "low" -> LOW_BUDGET;
            case "high" -> HIGH_BUDGET;
            default -> MEDIUM_BUDGET;
        };
    }

    /** The effort to send to an effort dialect: the given one, else the nearest table level for the budget. */
    public String effortLevel() {
        if (effort != null) {
            return effort;
        }
        int b = budgetTokens;
        if (b <= 0) {
            return "minimal";
        }
        if (b <= LOW_BUDGET) {
            return "low";
        }
        return b <= MEDIUM_BUDGET ? "medium" : "high";
    }

    /** Whether the client asked for thinking at all (a zero budget or {@code minimal} effort turns it off). */
    public boolean enabled() {
        return budget() > 0;
    }
}
