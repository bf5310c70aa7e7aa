package io.sluice.providers;

import java.util.List;

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

    private GitHubModels() {
    }
}
