package io.sluice.providers;

import java.util.Map;

/**
 * Whether the built-in catalogs' models reason, read images and call tools, per provider type, as models.dev publishes
 * them (https://models.dev; {@code providers/<provider>/models/<model>.toml} and the {@code models/<maker>/<model>.toml}
 * a {@code base_model} points to: {@code reasoning}, {@code modalities.input} contains {@code "image"},
 * {@code tool_call}; read from the anomalyco/models.dev mirror at commit f3fc692 of 2026-07-02, older revisions for
 * models since removed there). The limits are {@link CatalogLimits}'; {@link ProviderDescriptor#capabilities} joins the
 * two. A model that source does not list is absent, never guessed.
 *
 * <p>GitHub Models: models.dev marks every non-OpenAI model of that provider as reasoning, Phi-4 and Llama 3.3
 * included, which their makers' model cards contradict; only the OpenAI models and the ones made to reason
 * (DeepSeek R1, MAI-DS-R1, Phi-4 reasoning) are taken, the others stay unknown.
 */
public final class CatalogCapabilities {

    private static final ModelCapabilities REASONS = ModelCapabilities.of(true, true, true);
    private static final ModelCapabilities DOES_NOT_REASON = ModelCapabilities.of(false, true, true);
    private static final ModelCapabilities REASONS_TEXT_ONLY = ModelCapabilities.of(true, false, true);
    private static final ModelCapabilities DOES_NOT_REASON_TEXT_ONLY = ModelCapabilities.of(false, false, true);

    public static final Map<String, ModelCapabilities> OPENAI = Map.ofEntries(
            Map.entry("gpt-4o", DOES_NOT_REASON),
            Map.entry("gpt-4o-mini", DOES_NOT_REASON),
            Map.entry("gpt-4.1", DOES_NOT_REASON),
            Map.entry("gpt-4.1-mini", DOES_NOT_REASON),
            Map.entry("gpt-4.1-nano", DOES_NOT_REASON),
            Map.entry("o1", REASONS),
            Map.entry("o3", REASONS),
            Map.entry("o3-mini", REASONS_TEXT_ONLY),
            Map.entry("o4-mini", REASONS),
            Map.entry("gpt-5", REASONS),
            Map.entry("gpt-5-mini", REASONS));

    public static final Map<String, ModelCapabilities> ANTHROPIC = Map.ofEntries(
            Map.entry("claude-sonnet-4-5", REASONS),
            Map.entry("claude-haiku-4-5", REASONS),
            Map.entry("claude-opus-4-1", REASONS),
            Map.entry("claude-sonnet-4-20250514", REASONS),
            Map.entry("claude-3-7-sonnet-20250219", REASONS),
            Map.entry("claude-3-5-haiku-latest", DOES_NOT_REASON),
            Map.entry("claude-3-5-sonnet-20241022", DOES_NOT_REASON),
            Map.entry("claude-3-opus-20240229", DOES_NOT_REASON),
            Map.entry("claude-3-sonnet-20240229", DOES_NOT_REASON),
            Map.entry("claude-3-haiku-20240307", DOES_NOT_REASON));

    public static final Map<String, ModelCapabilities> GEMINI = Map.ofEntries(
            Map.entry("gemini-2.5-flash", REASONS),
            Map.entry("gemini-2.5-pro", REASONS),
            Map.entry("gemini-2.5-flash-lite", REASONS),
            Map.entry("gemini-2.0-flash", DOES_NOT_REASON));

    public static final Map<String, ModelCapabilities> XAI = Map.ofEntries(
            Map.entry("grok-4", REASONS_TEXT_ONLY),
            Map.entry("grok-3", DOES_NOT_REASON_TEXT_ONLY),
            Map.entry("grok-3-mini", REASONS_TEXT_ONLY));

    public static final Map<String, ModelCapabilities> OPENROUTER = Map.ofEntries(
            Map.entry("openai/gpt-4o", DOES_NOT_REASON),
            Map.entry("openai/gpt-4o-mini", DOES_NOT_REASON),
            Map.entry("anthropic/claude-sonnet-4.5", REASONS),
            Map.entry("google/gemini-2.5-flash", REASONS),
            Map.entry("meta-llama/llama-3.3-70b-instruct", DOES_NOT_REASON_TEXT_ONLY),
            Map.entry("deepseek/deepseek-chat", DOES_NOT_REASON_TEXT_ONLY));

    public static final Map<String, ModelCapabilities> GITHUB_COPILOT = Map.ofEntries(
            Map.entry("gpt-4o", DOES_NOT_REASON),
            Map.entry("gpt-4.1", DOES_NOT_REASON),
            Map.entry("gpt-5", REASONS),
            Map.entry("gpt-5-mini", REASONS),
            Map.entry("claude-sonnet-4", REASONS),
            Map.entry("gemini-2.5-pro", REASONS));

    /** GitHub Models (see the class comment for the models left unknown); its o-series is listed without tools. */
    public static final Map<String, ModelCapabilities> GITHUB_MODELS = Map.ofEntries(
            Map.entry("openai/gpt-4o", DOES_NOT_REASON),
            Map.entry("openai/gpt-4o-mini", DOES_NOT_REASON),
            Map.entry("openai/gpt-4.1", DOES_NOT_REASON),
            Map.entry("openai/gpt-4.1-mini", DOES_NOT_REASON),
            Map.entry("openai/gpt-4.1-nano", DOES_NOT_REASON),
            Map.entry("openai/o1", ModelCapabilities.of(true, true, false)),
            Map.entry("openai/o1-mini", ModelCapabilities.of(true, false, false)),
            Map.entry("openai/o1-preview", ModelCapabilities.of(true, false, false)),
            Map.entry("openai/o3", ModelCapabilities.of(true, true, false)),
            Map.entry("openai/o3-mini", ModelCapabilities.of(true, false, false)),
            Map.entry("openai/o4-mini", ModelCapabilities.of(true, true, false)),
            Map.entry("deepseek/deepseek-r1", REASONS_TEXT_ONLY),
            Map.entry("deepseek/deepseek-r1-0528", REASONS_TEXT_ONLY),
            Map.entry("microsoft/mai-ds-r1", REASONS_TEXT_ONLY),
            Map.entry("microsoft/phi-4-reasoning", REASONS_TEXT_ONLY),
            Map.entry("microsoft/phi-4-mini-reasoning", REASONS_TEXT_ONLY));

    /** The Claude Code type calls Anthropic's API with Anthropic's models. */
    public static final Map<String, ModelCapabilities> CLAUDE_CODE = ANTHROPIC;

    private CatalogCapabilities() {
    }
}
