package io.sluice.proxy.config;

/**
 * The request services around routing, each read from its own YAML section.
 *
 * @param claudeCliBypass Claude Code's housekeeping requests answered locally ({@code claudeCliBypass:})
 * @param systemPrompt    the global system prompt ({@code systemPrompt:}), off unless configured
 * @param thinkingBudget  the thinking budget ({@code thinkingBudget:}), passthrough unless configured
 */
public record ServicesConfig(BypassConfig claudeCliBypass, SystemPromptConfig systemPrompt,
                             ThinkingBudgetConfig thinkingBudget) {

    public ServicesConfig {
        claudeCliBypass = claudeCliBypass == null ? BypassConfig.defaults() : claudeCliBypass;
        systemPrompt = systemPrompt == null ? SystemPromptConfig.off() : systemPrompt;
        thinkingBudget = thinkingBudget == null ? ThinkingBudgetConfig.passthrough() : thinkingBudget;
    }

    public ServicesConfig(BypassConfig claudeCliBypass) {
        this(claudeCliBypass, null, null);
    }

    public static ServicesConfig defaults() {
        return new ServicesConfig(null, null, null);
    }
}
