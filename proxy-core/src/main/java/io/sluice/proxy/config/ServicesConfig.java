package io.sluice.proxy.config;

/**
 * The request services around routing, each read from its own YAML section.
 *
 * @param claudeCliBypass Claude Code's housekeeping requests answered locally ({@code claudeCliBypass:})
 * @param tts             the speech upstream of {@code /tts} ({@code tts:}), off unless configured
 * @param systemPrompt    the global system prompt ({@code systemPrompt:}), off unless configured
 * @param thinkingBudget  the thinking budget ({@code thinkingBudget:}), passthrough unless configured
 * @param dedup           request dedup and in-flight coalescing ({@code dedup:}), off unless enabled
 * @param responses       the store of Responses API answers ({@code responses:}), on unless switched off
 */
public record ServicesConfig(BypassConfig claudeCliBypass, TtsConfig tts, SystemPromptConfig systemPrompt,
                             ThinkingBudgetConfig thinkingBudget, DedupConfig dedup,
                             ResponseStoreConfig responses) {

    public ServicesConfig {
        claudeCliBypass = claudeCliBypass == null ? BypassConfig.defaults() : claudeCliBypass;
        tts = tts == null ? TtsConfig.off() : tts;
        systemPrompt = systemPrompt == null ? SystemPromptConfig.off() : systemPrompt;
        thinkingBudget = thinkingBudget == null ? ThinkingBudgetConfig.passthrough() : thinkingBudget;
        dedup = dedup == null ? DedupConfig.off() : dedup;
        responses = responses == null ? ResponseStoreConfig.defaults() : responses;
    }

    public ServicesConfig(BypassConfig claudeCliBypass, TtsConfig tts, SystemPromptConfig systemPrompt,
                          ThinkingBudgetConfig thinkingBudget, DedupConfig dedup) {
        this(claudeCliBypass, tts, systemPrompt, thinkingBudget, dedup, null);
    }

    public ServicesConfig(BypassConfig claudeCliBypass, TtsConfig tts, SystemPromptConfig systemPrompt,
                          ThinkingBudgetConfig thinkingBudget) {
        this(claudeCliBypass, tts, systemPrompt, thinkingBudget, null);
    }

    public ServicesConfig(BypassConfig claudeCliBypass) {
        this(claudeCliBypass, null, null, null, null);
    }

    public ServicesConfig(BypassConfig claudeCliBypass, TtsConfig tts) {
        this(claudeCliBypass, tts, null, null, null);
    }

    public ServicesConfig(BypassConfig claudeCliBypass, SystemPromptConfig systemPrompt,
                          ThinkingBudgetConfig thinkingBudget) {
        this(claudeCliBypass, null, systemPrompt, thinkingBudget, null);
    }

    public static ServicesConfig defaults() {
        return new ServicesConfig(null, null, null, null, null, null);
    }
}
