package io.sluice.providers;

import java.util.List;
import java.util.Map;

/**
 * The GitHub Models catalog as the seed lists it: 58 ids in GitHub's {@code publisher/model} form, served at
 * {@code https://models.github.ai/inference} with a GitHub token, and reached through Sluice as
 * {@code atlas-<publisher>/<model>}.
 */
public final class GitHubModels {

    public static final List<String> MODELS = List.of(
            // OpenAI (17)
            "openai/gpt-4.1", "openai/gpt-4.1-mini", "openai/gpt-4.1-nano", "openai/gpt-4o", "openai/gpt-4o-mini",
            "openai/gpt-5", "openai/gpt-5-chat", "openai/gpt-5-mini", "openai/gpt-5-nano", "openai/o1",
            "openai/o1-mini", "openai/o1-preview", "openai/o3", "openai/o3-mini", "openai/o4-mini",
            "openai/text-embedding-3-large", "openai/text-embedding-3-small",
            // Microsoft (15)
            "microsoft/mai-ds-r1", "microsoft/phi-3-medium-128k-instruct", "microsoft/phi-3-medium-4k-instruct",
            "microsoft/phi-3-mini-128k-instruct", "microsoft/phi-3-mini-4k-instruct",
            "microsoft/phi-3-small-128k-instruct", "microsoft/phi-3-small-8k-instruct",
            "microsoft/phi-3.5-mini-instruct", "microsoft/phi-3.5-moe-instruct", "microsoft/phi-3.5-vision-instruct",
            "microsoft/phi-4", "microsoft/phi-4-mini-instruct", "microsoft/phi-4-mini-reasoning",
            "microsoft/phi-4-multimodal-instruct", "microsoft/phi-4-reasoning",
            // Meta (7)
            "meta/llama-3.2-11b-vision-instruct", "meta/llama-3.2-90b-vision-instruct", "meta/llama-3.3-70b-instruct",
            "meta/llama-4-maverick-17b-128e-instruct-fp8", "meta/llama-4-scout-17b-16e-instruct",
            "meta/meta-llama-3.1-405b-instruct", "meta/meta-llama-3.1-8b-instruct",
            // Mistral AI (6)
            "mistral-ai/codestral-2501", "mistral-ai/ministral-3b", "mistral-ai/mistral-large-2411",
            "mistral-ai/mistral-medium-2505", "mistral-ai/mistral-nemo", "mistral-ai/mistral-small-2503",
            // Cohere (5)
            "cohere/cohere-command-a", "cohere/cohere-command-r-08-2024", "cohere/cohere-command-r-plus-08-2024",
            "cohere/cohere-embed-v3-english", "cohere/cohere-embed-v3-multilingual",
            // DeepSeek (3)
            "deepseek/deepseek-r1", "deepseek/deepseek-r1-0528", "deepseek/deepseek-v3-0324",
            // AI21 Labs (2)
            "ai21-labs/ai21-jamba-1.5-large", "ai21-labs/ai21-jamba-1.5-mini",
            // xAI (2)
            "xai/grok-3", "xai/grok-3-mini",
            // Core42 (1)
            "core42/jais-30b-chat");

    /**
     * Context window and output cap of the catalog's models, as models.dev publishes them for GitHub Models
     * (https://models.dev; github.com/sst/models.dev, {@code providers/github-models/models/<publisher>/<model>.toml},
     * {@code [limit] context / output}; read from a mirror at commit d8afd39 of 2026-03-03). The seed's own figures
     * agree where it has any (gpt-4o 128,000; Phi-3-mini-4k 4,000; AI21-Jamba-1.5-Large 256,000). Models that source
     * does not list for GitHub Models are absent here, not guessed: the gpt-5 family and the four embedding models.
     * GitHub's free tier may cut a request shorter than the model's window; these are the models' own limits.
     */
    public static final Map<String, ModelLimits> LIMITS = Map.ofEntries(
            limit("ai21-labs/ai21-jamba-1.5-large", 256_000, 4_096),
            limit("ai21-labs/ai21-jamba-1.5-mini", 256_000, 4_096),
            limit("cohere/cohere-command-a", 128_000, 4_096),
            limit("cohere/cohere-command-r-08-2024", 128_000, 4_096),
            limit("cohere/cohere-command-r-plus-08-2024", 128_000, 4_096),
            limit("core42/jais-30b-chat", 8_192, 2_048),
            limit("deepseek/deepseek-r1", 65_536, 8_192),
            limit("deepseek/deepseek-r1-0528", 65_536, 8_192),
            limit("deepseek/deepseek-v3-0324", 128_000, 8_192),
            limit("meta/llama-3.2-11b-vision-instruct", 128_000, 8_192),
            limit("meta/llama-3.2-90b-vision-instruct", 128_000, 8_192),
            limit("meta/llama-3.3-70b-instruct", 128_000, 32_768),
            limit("meta/llama-4-maverick-17b-128e-instruct-fp8", 128_000, 8_192),
            limit("meta/llama-4-scout-17b-16e-instruct", 128_000, 8_192),
            limit("meta/meta-llama-3.1-405b-instruct", 128_000, 32_768),
            limit("meta/meta-llama-3.1-8b-instruct", 128_000, 32_768),
            limit("microsoft/mai-ds-r1", 65_536, 8_192),
            limit("microsoft/phi-3-medium-128k-instruct", 128_000, 4_096),
            limit("microsoft/phi-3-medium-4k-instruct", 4_096, 1_024),
            limit("microsoft/phi-3-mini-128k-instruct", 128_000, 4_096),
            limit("microsoft/phi-3-mini-4k-instruct", 4_096, 1_024),
            limit("microsoft/phi-3-small-128k-instruct", 128_000, 4_096),
            limit("microsoft/phi-3-small-8k-instruct", 8_192, 2_048),
            limit("microsoft/phi-3.5-mini-instruct", 128_000, 4_096),
            limit("microsoft/phi-3.5-moe-instruct", 128_000, 4_096),
            limit("microsoft/phi-3.5-vision-instruct", 128_000, 4_096),
            limit("microsoft/phi-4", 16_000, 4_096),
            limit("microsoft/phi-4-mini-instruct", 128_000, 4_096),
            limit("microsoft/phi-4-mini-reasoning", 128_000, 4_096),
            limit("microsoft/phi-4-multimodal-instruct", 128_000, 4_096),
            limit("microsoft/phi-4-reasoning", 128_000, 4_096),
            limit("mistral-ai/codestral-2501", 32_000, 8_192),
            limit("mistral-ai/ministral-3b", 128_000, 8_192),
            limit("mistral-ai/mistral-large-2411", 128_000, 32_768),
            limit("mistral-ai/mistral-medium-2505", 128_000, 32_768),
            limit("mistral-ai/mistral-nemo", 128_000, 8_192),
            limit("mistral-ai/mistral-small-2503", 128_000, 32_768),
            limit("openai/gpt-4.1", 128_000, 16_384),
            limit("openai/gpt-4.1-mini", 128_000, 16_384),
            limit("openai/gpt-4.1-nano", 128_000, 16_384),
            limit("openai/gpt-4o", 128_000, 16_384),
            limit("openai/gpt-4o-mini", 128_000, 16_384),
            limit("openai/o1", 200_000, 100_000),
            limit("openai/o1-mini", 128_000, 65_536),
            limit("openai/o1-preview", 128_000, 32_768),
            limit("openai/o3", 200_000, 100_000),
            limit("openai/o3-mini", 200_000, 100_000),
            limit("openai/o4-mini", 200_000, 100_000),
            limit("xai/grok-3", 128_000, 8_192),
            limit("xai/grok-3-mini", 128_000, 8_192));

    private GitHubModels() {
    }

    static Map.Entry<String, ModelLimits> limit(String model, int context, int output) {
        return Map.entry(model, ModelLimits.of(context, output));
    }
}
