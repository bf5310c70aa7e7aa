package io.sluice.providers;

import static io.sluice.providers.Capability.EMBEDDINGS;
import static io.sluice.providers.Capability.IMAGES;
import static io.sluice.providers.Capability.VISION;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Every provider type Sluice knows: the built-in descriptors below plus any contributed through
 * {@link ProviderDescriptor.Source}. The router and config loader read this list; they never name a provider.
 */
public final class ProviderCatalog {

    public static final String MOCK = "mock";
    public static final String OPENAI_COMPATIBLE = "openai-compatible";
    public static final String ANTHROPIC_COMPATIBLE = "anthropic-compatible";

    /** The built-in descriptors, in the order README and {@code /v1/models} list them. */
    public static final List<ProviderDescriptor> BUILT_IN = List.of(
            ProviderDescriptor.builder(MOCK).displayName("Built-in mock (offline)")
                    .auth(AuthScheme.NONE).env("MOCK").models("echo", "lorem").modelsPath(null)
                    .capabilities(EMBEDDINGS, IMAGES).build(),
            ProviderDescriptor.builder("openai").displayName("OpenAI")
                    .baseUrl("https://api.openai.com/v1").env("OPENAI", "EXT_OPENAI")
                    .models("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o4-mini", "o3",
                            "gpt-5", "gpt-5-mini", "text-embedding-3-small", "text-embedding-3-large", "gpt-image-1")
                    .limits(CatalogLimits.OPENAI)
                    .modelCapabilities(CatalogCapabilities.OPENAI).capabilities(VISION, EMBEDDINGS, IMAGES).build(),
            ProviderDescriptor.builder("anthropic").displayName("Anthropic")
                    .dialect("anthropic").auth(AuthScheme.X_API_KEY).baseUrl("https://api.anthropic.com/v1")
                    .bareHostPath("/v1") // ANTHROPIC_BASE_URL=https://api.anthropic.com, as the seed's .env writes it
                    .models("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1", "claude-3-5-sonnet-latest",
                            "claude-3-5-haiku-latest")
                    .limits(CatalogLimits.ANTHROPIC)
                    .modelCapabilities(CatalogCapabilities.ANTHROPIC).capabilities(VISION).build(),
            ProviderDescriptor.builder("gemini").displayName("Google Gemini").aliases("google").seedIdName("google")
                    .dialect("gemini").auth(AuthScheme.X_GOOG_API_KEY)
                    .baseUrl("https://generativelanguage.googleapis.com/v1beta")
                    .env("GEMINI", "GOOGLE_AI", "GOOGLE").keyVars("GOOGLE_API_KEY").baseUrlVars("GOOGLE_BASE_URL")
                    .models("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite", "gemini-2.0-flash")
                    .limits(CatalogLimits.GEMINI)
                    .modelCapabilities(CatalogCapabilities.GEMINI).capabilities(VISION, EMBEDDINGS).build(),
            ProviderDescriptor.builder("azure").displayName("Azure OpenAI").aliases("azure-openai")
                    .auth(AuthScheme.AZURE_API_KEY).pathStyle(ProviderDescriptor.PathStyle.AZURE_DEPLOYMENT)
                    .modelsPath(null)
                    .env("AZURE_OPENAI", "AZURE").baseUrlVars("AZURE_OPENAI_ENDPOINT")
                    .option(ProviderDescriptor.OPTION_API_VERSION, "2024-10-21", "API_VERSION")
                    .capabilities(VISION, EMBEDDINGS, IMAGES).build(),
            ProviderDescriptor.builder("ollama").displayName("Ollama (local)")
                    .auth(AuthScheme.NONE).baseUrl("http://localhost:11434/v1").bareHostPath("/v1")
                    .models("llama3.2", "llama3.1", "qwen2.5-coder", "mistral", "gemma3")
                    .quirks(new Quirks("max_tokens", Set.of())).discoverModels()
                    .capabilities(VISION, EMBEDDINGS).build(),
            ProviderDescriptor.builder("openrouter").displayName("OpenRouter")
                    .baseUrl("https://openrouter.ai/api/v1").header("X-Title", "Sluice")
                    .models("openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5",
                            "google/gemini-2.5-flash", "meta-llama/llama-3.3-70b-instruct", "deepseek/deepseek-chat")
                    .limits(CatalogLimits.OPENROUTER)
                    .modelCapabilities(CatalogCapabilities.OPENROUTER).capabilities(VISION, EMBEDDINGS).build(),
            ProviderDescriptor.builder("xai").displayName("xAI")
                    .baseUrl("https://api.x.ai/v1").env("XAI", "GROK")
                    .models("grok-4", "grok-3", "grok-3-mini", "grok-2-image")
                    .limits(CatalogLimits.XAI)
                    .modelCapabilities(CatalogCapabilities.XAI).capabilities(VISION, IMAGES).build(),
            ProviderDescriptor.builder("litellm").displayName("LiteLLM proxy")
                    .baseUrl("http://localhost:4000/v1").keyOptional().discoverModels()
                    .capabilities(VISION, EMBEDDINGS, IMAGES).build(),
            ProviderDescriptor.builder("github-models").displayName("GitHub Models (ATLAS)")
                    .aliases("atlas", "github").env("ATLAS", "GITHUB_MODELS").keyVars("GITHUB_TOKEN").enabledByKey()
                    // The GitHub-Models seed's .env: OPENAI_BASE_URL=https://models.github.ai/inference (its own
                    // address, unless OPENAI_ENABLED turns the openai provider on with it).
                    .baseUrlVars("OPENAI_BASE_URL")
                    .defaultLimits(30, 5) // the seed's free tier: 30 requests a minute, 5 at once
                    .baseUrl("https://models.github.ai/inference").modelPrefix("atlas-").modelsPath(null)
                    .header("X-GitHub-Api-Version", "2022-11-28")
                    .models(GitHubModels.MODELS).limits(GitHubModels.LIMITS)
                    .modelCapabilities(CatalogCapabilities.GITHUB_MODELS)
                    .capabilities(VISION, EMBEDDINGS).build(),
            ProviderDescriptor.builder("github-copilot").displayName("GitHub Copilot")
                    .aliases("githubcopilot", "copilot").env("GITHUB_COPILOT")
                    .auth(AuthScheme.COPILOT_TOKEN_EXCHANGE).baseUrl("https://api.githubcopilot.com").modelsPath(null)
                    .modelPrefix("ext-copilot-")
                    .option(ProviderDescriptor.OPTION_TOKEN_URL, "https://api.github.com/copilot_internal/v2/token",
                            "TOKEN_URL")
                    .header("Editor-Version", "vscode/1.95.0")
                    .header("Editor-Plugin-Version", "copilot-chat/0.22.4")
                    .header("Copilot-Integration-Id", "vscode-chat")
                    .header("Openai-Intent", "conversation-panel")
                    .header("User-Agent", "GitHubCopilotChat/0.22.4")
                    .models("gpt-4o", "gpt-4.1", "gpt-5", "gpt-5-mini", "o3-mini", "o4-mini", "claude-3.7-sonnet",
                            "claude-sonnet-4", "gemini-2.5-pro", "gpt-4", "gpt-4-turbo", "gpt-3.5-turbo",
                            "claude-3-opus", "claude-3-sonnet") // the last two: the seed's ext-copilot- ids
                    .limits(CatalogLimits.GITHUB_COPILOT)
                    .modelCapabilities(CatalogCapabilities.GITHUB_COPILOT).capabilities(VISION, EMBEDDINGS).build(),
            ProviderDescriptor.builder("claude-code").displayName("Claude Code (Anthropic for code)")
                    .aliases("claude_code").dialect("anthropic").auth(AuthScheme.X_API_KEY)
                    .baseUrl("https://api.anthropic.com/v1").bareHostPath("/v1").modelPrefix("ext-claude-code-")
                    .models("claude-sonnet-4-5", "claude-3-5-sonnet-20241022", "claude-3-opus-20240229",
                            "claude-3-sonnet-20240229", "claude-3-haiku-20240307")
                    .limits(CatalogLimits.CLAUDE_CODE)
                    .modelCapabilities(CatalogCapabilities.CLAUDE_CODE).capabilities(VISION).build(),
            ProviderDescriptor.builder("cursor-agent").displayName("Cursor Agent")
                    .aliases("cursor_agent", "cursor").baseUrl("https://api.cursor.sh/v1").modelPrefix("ext-cursor-")
                    .modelsPath(null)
                    .models("gpt-4-cursor", "gpt-3.5-turbo-cursor", "claude-cursor", "cursor-small", "cursor-medium")
                    .build(),
            ProviderDescriptor.builder("lead-worker").displayName("Lead Worker")
                    .aliases("lead_worker", "leadworker").baseUrl("https://api.leadworker.ai/v1")
                    .modelPrefix("ext-leadworker-").modelsPath(null)
                    .models("worker-gpt-4", "worker-claude-3", "worker-fast", "worker-accurate", "worker-balanced")
                    .build(),
            ProviderDescriptor.builder(OPENAI_COMPATIBLE).displayName("Any OpenAI-compatible server")
                    .keyOptional().compatibleFamily().capabilities(VISION, EMBEDDINGS, IMAGES).build(),
            ProviderDescriptor.builder(ANTHROPIC_COMPATIBLE).displayName("Any Anthropic-compatible server")
                    .dialect("anthropic").auth(AuthScheme.X_API_KEY).keyOptional().compatibleFamily().modelsPath(null)
                    .capabilities(VISION).build());

    private static final ProviderCatalog DEFAULT = new ProviderCatalog(withServiceLoaded());

    private final List<ProviderDescriptor> all;
    private final Map<String, ProviderDescriptor> byName = new LinkedHashMap<>();

    public ProviderCatalog(List<ProviderDescriptor> descriptors) {
        this.all = List.copyOf(descriptors);
        for (ProviderDescriptor d : all) {
            put(d.id(), d);
            for (String alias : d.aliases()) {
                put(alias, d);
            }
        }
    }

    /** The built-ins plus every {@link ProviderDescriptor.Source} on the class path. */
    public static ProviderCatalog get() {
        return DEFAULT;
    }

    private static List<ProviderDescriptor> withServiceLoaded() {
        List<ProviderDescriptor> out = new ArrayList<>(BUILT_IN);
        for (ProviderDescriptor.Source s : ServiceLoader.load(ProviderDescriptor.Source.class)) {
            out.addAll(s.descriptors());
        }
        return out;
    }

    private void put(String name, ProviderDescriptor d) {
        ProviderDescriptor old = byName.putIfAbsent(name, d);
        if (old != null && old != d) {
            throw new IllegalArgumentException("provider type " + name + " is defined twice (" + old + ", " + d + ")");
        }
    }

    public List<ProviderDescriptor> all() {
        return all;
    }

    /** The descriptor for a type name or alias; null when unknown. */
    public ProviderDescriptor byType(String type) {
        return type == null ? null : byName.get(type);
    }

    /**
     * The type a provider named {@code name} has when the config gives none: the type of that name or alias
     * ({@code anthropic}, {@code atlas}), or the compatible family its name starts with
     * ({@code openai-compatible-local}); null otherwise.
     */
    public ProviderDescriptor inferFromName(String name) {
        ProviderDescriptor d = byType(name);
        if (d != null || name == null) {
            return d;
        }
        for (ProviderDescriptor c : all) {
            if (c.compatibleFamily() && name.startsWith(c.id() + "-")) {
                return c;
            }
        }
        return null;
    }

    /** Every accepted type name, ids and aliases, sorted: for "expected: one of" messages. */
    public List<String> typeNames() {
        List<String> names = new ArrayList<>(byName.keySet());
        Collections.sort(names);
        return names;
    }
}
