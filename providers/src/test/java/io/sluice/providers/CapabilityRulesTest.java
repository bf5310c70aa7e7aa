package io.sluice.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Reasoning;
import org.junit.jupiter.api.Test;

class CapabilityRulesTest {

    private static final ProviderDescriptor OPENAI = ProviderCatalog.get().byType("openai");

    private static HubRequest request(Reasoning reasoning, Integer maxTokens) {
        HubRequest r = new HubRequest();
        r.reasoning = reasoning;
        r.maxTokens = maxTokens;
        return r;
    }

    @Test
    void aModelKnownNotToReasonLosesReasoningAndGetsItsOutputCap() {
        HubRequest r = request(Reasoning.ofEffort("medium"), 32_000);

        assertThat(CapabilityRules.apply(r, OPENAI.modelCapabilities("gpt-4o"))).containsExactly(
                "dropped reasoning effort medium (the model does not reason)",
                "clamped max tokens 32000 to the model's 16384");
        assertThat(r.reasoning).isNull();
        assertThat(r.maxTokens).isEqualTo(16_384);
    }

    @Test
    void aReasoningModelKeepsReasoningAndACapUnderItsMaximum() {
        HubRequest r = request(Reasoning.ofBudget(31_999), 32_000);

        assertThat(CapabilityRules.apply(r, OPENAI.modelCapabilities("O3"))).isEmpty();
        assertThat(r.reasoning).isEqualTo(Reasoning.ofBudget(31_999));
        assertThat(r.maxTokens).isEqualTo(32_000);
    }

    @Test
    void anUnknownModelIsLeftAlone() {
        HubRequest r = request(Reasoning.ofBudget(0), 1_000_000);

        assertThat(CapabilityRules.apply(r, OPENAI.modelCapabilities("ft:gpt-4o:acme"))).isEmpty();
        assertThat(CapabilityRules.apply(r, ModelCapabilities.UNKNOWN)).isEmpty();
        assertThat(r.reasoning).isEqualTo(Reasoning.ofBudget(0));
        assertThat(r.maxTokens).isEqualTo(1_000_000);
    }

    @Test
    void aKnownCapAloneClampsAndAKnownFlagAloneDrops() {
        HubRequest r = request(Reasoning.ofEffort("high"), 9000);
        CapabilityRules.apply(r, new ModelCapabilities(ModelLimits.of(0, 8192), null, null, null));
        assertThat(r.maxTokens).isEqualTo(8192);
        assertThat(r.reasoning).isNotNull();

        CapabilityRules.apply(r, ModelCapabilities.of(false, null, null));
        assertThat(r.reasoning).isNull();
        assertThat(r.maxTokens).isEqualTo(8192);
    }

    @Test
    void catalogsJoinLimitsAndFlags() {
        assertThat(OPENAI.modelCapabilities("gpt-4.1"))
                .isEqualTo(new ModelCapabilities(ModelLimits.of(1_047_576, 32_768), false, true, true));
        assertThat(ProviderCatalog.get().byType("anthropic").modelCapabilities("claude-3-5-haiku-latest").reasoning())
                .isFalse();
        assertThat(ProviderCatalog.get().byType("anthropic").modelCapabilities("claude-sonnet-4-5").reasoning())
                .isTrue();
        assertThat(ProviderCatalog.get().byType("gemini").modelCapabilities("gemini-2.5-flash").reasoning()).isTrue();
        assertThat(ProviderCatalog.get().byType("xai").modelCapabilities("grok-3-mini").reasoning()).isTrue();
        assertThat(ProviderCatalog.get().byType("xai").modelCapabilities("grok-3").reasoning()).isFalse();
        // models.dev's GitHub Models flags for non-OpenAI models are not believed: unknown.
        ProviderDescriptor github = ProviderCatalog.get().byType("github-models");
        assertThat(github.modelCapabilities("microsoft/phi-4").reasoning()).isNull();
        assertThat(github.modelCapabilities("microsoft/phi-4").maxOutputTokens()).isEqualTo(4096);
        assertThat(ProviderCatalog.get().byType("ollama").modelCapabilities("llama3.2").isUnknown()).isTrue();
    }

    @Test
    void whatAProviderReportsWinsOverTheCatalog() {
        ModelCapabilities catalog = OPENAI.modelCapabilities("gpt-4o");
        ModelCapabilities merged = catalog.with(new ModelCapabilities(ModelLimits.of(0, 4096), null, null, false));

        assertThat(merged).isEqualTo(new ModelCapabilities(ModelLimits.of(128_000, 4096), false, true, false));
        assertThat(catalog.with(ModelCapabilities.UNKNOWN)).isSameAs(catalog);
        assertThat(catalog.with(null)).isSameAs(catalog);
    }
}
