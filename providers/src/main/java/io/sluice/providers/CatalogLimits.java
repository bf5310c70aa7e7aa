package io.sluice.providers;

import java.util.Map;

/**
 * Context windows and output caps of the built-in catalog's default models, per provider type, as models.dev
 * publishes them (https://models.dev; github.com/sst/models.dev, {@code providers/<provider>/models/<model>.toml},
 * {@code [limit] context / output}; read from a mirror at commit d8afd39 of 2026-03-03). A model that source does
 * not list for that provider is absent, never guessed: {@code claude-3-5-sonnet-latest}, the image models, Copilot's
 * {@code o3-mini}, {@code o4-mini}, {@code claude-3.7-sonnet}, {@code gpt-4}, {@code gpt-4-turbo},
 * {@code gpt-3.5-turbo}, and every model of the local and agent types (Ollama, LiteLLM, Cursor, Lead Worker, the
 * compatible families), whose limits depend on what the server runs. Embedding models only have a context window.
 * GitHub Models' own table is {@link GitHubModels#LIMITS}.
 */
public final class CatalogLimits {

    public static final Map<String, ModelLimits> OPENAI = Map.ofEntries(
            GitHubModels.limit("gpt-4o", 128_000, 16_384),
            GitHubModels.limit("gpt-4o-mini", 128_000, 16_384),
            GitHubModels.limit("gpt-4.1", 1_047_576, 32_768),
            GitHubModels.limit("gpt-4.1-mini", 1_047_576, 32_768),
            GitHubModels.limit("gpt-4.1-nano", 1_047_576, 32_768),
            GitHubModels.limit("o4-mini", 200_000, 100_000),
            GitHubModels.limit("o3", 200_000, 100_000),
            GitHubModels.limit("gpt-5", 400_000, 128_000),
            GitHubModels.limit("gpt-5-mini", 400_000, 128_000),
            Map.entry("text-embedding-3-small", ModelLimits.context(8_191)),
            Map.entry("text-embedding-3-large", ModelLimits.context(8_191)));

    public static final Map<String, ModelLimits> ANTHROPIC = Map.ofEntries(
            GitHubModels.limit("claude-sonnet-4-5", 200_000, 64_000),
            GitHubModels.limit("claude-haiku-4-5", 200_000, 64_000),
            GitHubModels.limit("claude-opus-4-1", 200_000, 32_000),
            GitHubModels.limit("claude-3-5-haiku-latest", 200_000, 8_192),
            GitHubModels.limit("claude-3-5-sonnet-20241022", 200_000, 8_192),
            GitHubModels.limit("claude-3-opus-20240229", 200_000, 4_096),
            GitHubModels.limit("claude-3-sonnet-20240229", 200_000, 4_096),
            GitHubModels.limit("claude-3-haiku-20240307", 200_000, 4_096));

    public static final Map<String, ModelLimits> GEMINI = Map.ofEntries(
            GitHubModels.limit("gemini-2.5-flash", 1_048_576, 65_536),
            GitHubModels.limit("gemini-2.5-pro", 1_048_576, 65_536),
            GitHubModels.limit("gemini-2.5-flash-lite", 1_048_576, 65_536),
            GitHubModels.limit("gemini-2.0-flash", 1_048_576, 8_192));

    public static final Map<String, ModelLimits> XAI = Map.ofEntries(
            GitHubModels.limit("grok-4", 256_000, 64_000),
            GitHubModels.limit("grok-3", 131_072, 8_192),
            GitHubModels.limit("grok-3-mini", 131_072, 8_192));

    public static final Map<String, ModelLimits> OPENROUTER = Map.ofEntries(
            GitHubModels.limit("openai/gpt-4o", 128_000, 16_384),
            GitHubModels.limit("openai/gpt-4o-mini", 128_000, 16_384),
            GitHubModels.limit("anthropic/claude-sonnet-4.5", 1_000_000, 64_000),
            GitHubModels.limit("google/gemini-2.5-flash", 1_048_576, 65_535),
            GitHubModels.limit("meta-llama/llama-3.3-70b-instruct", 131_072, 16_384),
            GitHubModels.limit("deepseek/deepseek-chat", 163_840, 163_840));

    /** GitHub Copilot serves some models with a smaller window than their makers do. */
    public static final Map<String, ModelLimits> GITHUB_COPILOT = Map.ofEntries(
            GitHubModels.limit("gpt-4o", 64_000, 16_384),
            GitHubModels.limit("gpt-4.1", 64_000, 16_384),
            GitHubModels.limit("gpt-5", 128_000, 128_000),
            GitHubModels.limit("gpt-5-mini", 128_000, 64_000),
            GitHubModels.limit("claude-sonnet-4", 128_000, 16_000),
            GitHubModels.limit("gemini-2.5-pro", 128_000, 64_000));

    /** The Claude Code type calls Anthropic's API with Anthropic's models: the same figures. */
    public static final Map<String, ModelLimits> CLAUDE_CODE = ANTHROPIC;

    private CatalogLimits() {
    }
}
