package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code systemPrompt:} and {@code thinkingBudget:} in YAML: defaults, shapes, and errors that name the key. */
class RewriteConfigTest {

    private static ServicesConfig parse(String yaml) {
        return ConfigLoader.parse("server: {port: 0}\n" + yaml, Map.of()).services();
    }

    private static void refused(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void offAndPassthroughByDefault() {
        ServicesConfig c = parse("");
        assertThat(c.systemPrompt().active()).isFalse();
        assertThat(c.thinkingBudget().active()).isFalse();
        assertThat(c.thinkingBudget().mode()).isEqualTo(ThinkingBudgetConfig.Mode.PASSTHROUGH);
        assertThat(SluiceConfig.defaults().services().systemPrompt()).isEqualTo(SystemPromptConfig.off());
    }

    @Test
    void aPromptAloneEnablesItWithTheDefaultMode() {
        SystemPromptConfig p = parse("systemPrompt: {prompt: Be kind.}\n").systemPrompt();
        assertThat(p.active()).isTrue();
        assertThat(p.mode()).isEqualTo(SystemPromptConfig.Mode.APPEND);
        assertThat(parse("systemPrompt: {prompt: Be kind., enabled: false}\n").systemPrompt().active()).isFalse();
    }

    @Test
    void rulesKeepTheirOrderAndTargets() {
        SystemPromptConfig p = parse("systemPrompt:\n  rules:\n"
                + "    - {prompt: A, mode: REPLACE, clientKeys: [team-a]}\n"
                + "    - {prompt: B, models: [\"claude-*\", \"openai/*\"]}\n").systemPrompt();
        assertThat(p.rules()).containsExactly(
                new SystemPromptConfig.Rule("A", SystemPromptConfig.Mode.REPLACE, List.of("team-a"), List.of()),
                new SystemPromptConfig.Rule("B", SystemPromptConfig.Mode.APPEND, List.of(),
                        List.of("claude-*", "openai/*")));
        assertThat(SystemPromptConfig.CODEC.parse(SystemPromptConfig.CODEC.write(p))).isEqualTo(p);
    }

    @Test
    void systemPromptErrorsNameTheKey() {
        refused("systemPrompt: {prompt: x, mode: sideways}\n",
                "systemPrompt.mode: \"sideways\" (expected: prepend, append or replace)");
        refused("systemPrompt: {rules: [{prompt: x, mode: middle}]}\n", "systemPrompt.rules[0].mode: \"middle\"");
        refused("systemPrompt: {rules: [{mode: append}]}\n", "systemPrompt.rules[0].prompt: missing");
        refused("systemPrompt: {rules: [{prompt: x, modelz: [a]}]}\n",
                "systemPrompt.rules[0].modelz: unknown key (did you mean models?");
        refused("systemPrompt: {rules: [{prompt: x, clientKeys: [\"\"]}]}\n",
                "systemPrompt.rules[0].clientKeys[0]: \"\" (expected: a client key name)");
        refused("systemPrompt: {enabled: true}\n", "systemPrompt.prompt: missing");
        refused("systemPrompt: {prompt: [a]}\n", "systemPrompt.prompt: a list (expected: the system prompt text)");
        refused("systemPrompt: {rules: {prompt: x}}\n", "systemPrompt.rules: a mapping (expected: a list of rules");
        refused("systemPrompt: {prompt: \"" + "x".repeat(SystemPromptConfig.MAX_PROMPT_CHARS + 1) + "\"}\n",
                "systemPrompt.prompt: \"100001 characters\" (expected: at most 100000)");
        refused("systemPromt: {prompt: x}\n", "did you mean systemPrompt?");
    }

    @Test
    void thinkingBudget() {
        ThinkingBudgetConfig t = parse("thinkingBudget: {mode: Custom, customBudget: 2048, inject: true,"
                + " models: [\"claude-*\"]}\n").thinkingBudget();
        assertThat(t).isEqualTo(new ThinkingBudgetConfig(ThinkingBudgetConfig.Mode.CUSTOM, 2048, true,
                ThinkingBudgetConfig.DEFAULT_MIN_BUDGET, ThinkingBudgetConfig.DEFAULT_MAX_BUDGET, List.of("claude-*")));
        assertThat(ThinkingBudgetConfig.CODEC.parse(ThinkingBudgetConfig.CODEC.write(t))).isEqualTo(t);
        assertThat(parse("thinkingBudget: {mode: adaptive, minBudget: 30000}\n").thinkingBudget().maxBudget())
                .isEqualTo(30000);
        refused("thinkingBudget: {mode: always}\n",
                "thinkingBudget.mode: \"always\" (expected: passthrough, auto, custom or adaptive)");
        refused("thinkingBudget: {mode: custom, budget: 200000}\n", "thinkingBudget.budget: 200000 (expected: 0..");
        refused("thinkingBudget: {mode: custom, customBudget: -5}\n", "thinkingBudget.customBudget: -5");
        refused("thinkingBudget: {mode: adaptive, minBudget: 4000, maxBudget: 2000}\n",
                "thinkingBudget.maxBudget: 2000 (expected: >= minBudget (4000))");
        refused("thinkingBudget: {mode: custom, budget: lots}\n", "thinkingBudget.budget: \"lots\" (expected: an int");
        refused("thinkingBudget: {mode: custom, budgt: 1}\n",
                "thinkingBudget.budgt: unknown key (did you mean budget?");
    }
}
