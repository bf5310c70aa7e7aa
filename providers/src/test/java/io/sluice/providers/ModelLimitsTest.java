package io.sluice.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 17 item 7: the catalog's context windows and output caps, sourced, and absent where not known. */
class ModelLimitsTest {

    @Test
    void everyGitHubModelWithLimitsIsInTheCatalogAndTheRestAreAbsent() {
        assertThat(GitHubModels.MODELS).containsAll(GitHubModels.LIMITS.keySet());
        ProviderDescriptor gh = ProviderCatalog.get().byType("github-models");
        // The seed's own figures (model-limits-utils.mjs) agree with the source.
        assertThat(gh.limits("openai/gpt-4o")).isEqualTo(ModelLimits.of(128_000, 16_384));
        assertThat(gh.limits("microsoft/phi-3-mini-4k-instruct").contextWindow()).isEqualTo(4_096);
        assertThat(gh.limits("ai21-labs/ai21-jamba-1.5-large").contextWindow()).isEqualTo(256_000);
        assertThat(gh.limits("OpenAI/GPT-4o-mini")).as("case-insensitive").isNotNull();
        // Not in the source for GitHub Models: absent, not invented.
        for (String unknown : List.of("openai/gpt-5", "openai/gpt-5-nano", "openai/text-embedding-3-small",
                "cohere/cohere-embed-v3-english")) {
            assertThat(gh.limits(unknown)).as(unknown).isNull();
        }
        assertThat(GitHubModels.LIMITS).hasSize(50);
    }

    @Test
    void everyTablesModelIsServedByItsType() {
        Map<String, Map<String, ModelLimits>> tables = Map.of("openai", CatalogLimits.OPENAI,
                "anthropic", CatalogLimits.ANTHROPIC, "gemini", CatalogLimits.GEMINI, "xai", CatalogLimits.XAI,
                "openrouter", CatalogLimits.OPENROUTER, "github-copilot", CatalogLimits.GITHUB_COPILOT,
                "claude-code", CatalogLimits.CLAUDE_CODE);
        tables.forEach((type, table) -> {
            ProviderDescriptor d = ProviderCatalog.get().byType(type);
            table.forEach((model, limits) -> {
                // Anthropic's table covers both Claude types' models: both call Anthropic's API.
                if (table != CatalogLimits.ANTHROPIC) {
                    assertThat(d.models()).as(type).contains(model);
                }
                assertThat(d.limits(model)).isEqualTo(limits);
                assertThat(limits.knowsContext()).as(type + "/" + model).isTrue();
            });
        });
        for (String type : List.of("anthropic", "claude-code")) {
            ProviderDescriptor d = ProviderCatalog.get().byType(type);
            assertThat(d.models().stream().filter(m -> d.limits(m) != null)).as(type)
                    .hasSize(d.models().size() - (type.equals("anthropic") ? 1 : 0)); // claude-3-5-sonnet-latest
        }
        assertThat(ProviderCatalog.get().byType("openai").limits("text-embedding-3-small").knowsOutput()).isFalse();
        assertThat(ProviderCatalog.get().byType("ollama").limits("llama3.2")).isNull();
        assertThat(ProviderCatalog.get().byType("mock").limits("echo")).isNull();
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> ModelLimits.of(-1, 0)).hasMessageContaining("expected: >= 0");
        assertThatThrownBy(() -> ModelLimits.of(1_000, 2_000)).hasMessageContaining("over the context window");
    }
}
