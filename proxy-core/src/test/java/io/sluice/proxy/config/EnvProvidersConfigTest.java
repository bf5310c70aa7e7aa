package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code <P>_ENABLED} and friends merge with the file. */
class EnvProvidersConfigTest {

    @Test
    void environmentAloneAddsAProviderWithNamedKeys() {
        SluiceConfig c = ConfigLoader.parse("", Map.of("ANTHROPIC_ENABLED", "1",
                "ANTHROPIC_API_KEY", "sk-ant-0123456789abcd", "ANTHROPIC_TOKEN_2", "sk-ant-2222222222abcd",
                "ANTHROPIC_BASE_URL", "http://127.0.0.1:9/v1/"));
        ProviderConfig p = c.provider("anthropic").orElseThrow();
        assertThat(p.enabled()).isTrue();
        assertThat(p.keyNames()).containsExactly("ANTHROPIC_API_KEY", "ANTHROPIC_TOKEN_2");
        assertThat(p.baseUrl()).hasToString("http://127.0.0.1:9/v1");
        assertThat(p.dialect()).isEqualTo("anthropic");
        assertThat(p.models()).contains("claude-sonnet-4-5");
        assertThat(p.toString()).doesNotContain("0123456789", "2222222222");
    }

    @Test
    void theSeedsGooglePrefixEnablesGeminiAndGoogleNamesIt() {
        SluiceConfig c = ConfigLoader.parse("", Map.of("GOOGLE_ENABLED", "1", "GOOGLE_API_KEY", "AIzaSy0123456789abcd",
                "GOOGLE_BASE_URL", "http://127.0.0.1:9/v1beta"));
        ProviderConfig p = c.provider("google").orElseThrow();
        assertThat(p.name()).isEqualTo("gemini");
        assertThat(p.enabled()).isTrue();
        assertThat(p.keyNames()).containsExactly("GOOGLE_API_KEY");
        assertThat(p.baseUrl()).hasToString("http://127.0.0.1:9/v1beta");
        assertThat(c.provider("gemini")).contains(p);
    }

    @Test
    void theFileWinsByNameAndByType() {
        String yaml = """
                providers:
                  atlas:
                    apiKey: gho_from_file_000001
                    models: [openai/gpt-4o]
                  openai:
                    enabled: false
                """;
        SluiceConfig c = ConfigLoader.parse(yaml, Map.of("ATLAS_ENABLED", "1", "GITHUB_TOKEN", "gho_env_0000000001",
                "OPENAI_ENABLED", "1", "OPENAI_API_KEY", "sk-env-0000000001"));
        assertThat(c.providers()).extracting(ProviderConfig::name).containsExactly("atlas", "openai");
        ProviderConfig atlas = c.provider("atlas").orElseThrow();
        assertThat(atlas.type()).isEqualTo("github-models"); // the seed's name is a spelling of the type
        assertThat(atlas.apiKeys()).containsExactly("gho_from_file_000001");
        assertThat(atlas.prefix()).isEqualTo("atlas-");
        assertThat(c.provider("openai").orElseThrow().enabled()).isFalse();
    }

    @Test
    void aProviderEnabledWithoutItsKeyStartsNotConfigured() {
        // Issue 16: as the seed shows it ("not configured"), not a startup error; its requests are refused (e2e).
        SluiceConfig xai = ConfigLoader.parse("", Map.of("XAI_ENABLED", "yes"));
        assertThat(xai.provider("xai").orElseThrow().enabled()).isTrue();
        assertThat(xai.provider("xai").orElseThrow().apiKeys()).isEmpty();
        assertThat(ConfigLoader.parse("", Map.of("ATLAS_ENABLED", "1")).provider("atlas").orElseThrow().apiKeys())
                .isEmpty();
        // Ollama and LiteLLM run locally without keys.
        SluiceConfig c = ConfigLoader.parse("", Map.of("OLLAMA_ENABLED", "1", "LITELLM_ENABLED", "1"));
        assertThat(c.provider("ollama").orElseThrow().apiKeys()).isEmpty();
        assertThat(c.provider("ollama").orElseThrow().baseUrl()).hasToString("http://localhost:11434/v1");
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("OPENAI_ENABLED", "maybe")))
                .hasMessage("environment: OPENAI_ENABLED: \"maybe\" (expected: 1, true, yes or on to enable; "
                        + "0, false, no or off to disable)");
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("OLLAMA_ENABLED", "1",
                "OLLAMA_BASE_URL", "ftp://x")))
                .hasMessage("environment (OLLAMA_ENABLED): baseUrl: \"ftp://x\" (expected: http or https URL)");
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("AZURE_OPENAI_ENABLED", "1",
                "AZURE_OPENAI_API_KEY", "k-0000000000001")))
                .hasMessageContaining("baseUrl: missing (expected: http or https URL, required for type azure)");
    }

    @Test
    void optionsComeFromTheEnvironmentToo() {
        SluiceConfig c = ConfigLoader.parse("", Map.of("AZURE_OPENAI_ENABLED", "1",
                "AZURE_OPENAI_API_KEY", "k-0000000000001", "AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com",
                "AZURE_OPENAI_API_VERSION", "2025-01-01-preview", "GITHUB_COPILOT_ENABLED", "1",
                "GITHUB_COPILOT_API_KEY", "gho_000000000001", "GITHUB_COPILOT_TOKEN_URL", "http://127.0.0.1:1/t"));
        assertThat(c.provider("azure").orElseThrow().option("apiVersion")).isEqualTo("2025-01-01-preview");
        assertThat(c.provider("github-copilot").orElseThrow().option("tokenUrl")).isEqualTo("http://127.0.0.1:1/t");
        assertThat(ConfigLoader.parse("", Map.of("GITHUB_COPILOT_ENABLED", "1", "GITHUB_COPILOT_API_KEY",
                "gho_000000000001")).provider("github-copilot").orElseThrow().option("tokenUrl"))
                .isEqualTo("https://api.github.com/copilot_internal/v2/token");
    }

    @Test
    void optionsInTheFileAreChecked() {
        assertThatThrownBy(() -> ConfigLoader.parse("providers:\n  openai:\n    options: {apiVersion: x}\n",
                Map.of())).hasMessage("providers.openai.apiVersion: \"x\" (expected: no options for type openai)");
        assertThatThrownBy(() -> ConfigLoader.parse("providers:\n  azure:\n    baseUrl: https://r.example\n"
                + "    options: {apiVerison: x}\n", Map.of()))
                .hasMessage("providers.azure.apiVerison: \"x\" (expected: one of apiVersion for type azure)");
        assertThatThrownBy(() -> ConfigLoader.parse("providers:\n  copilot:\n    options: {tokenUrl: nope}\n",
                Map.of())).hasMessage("providers.copilot.tokenUrl: \"nope\" (expected: http or https URL)");
        assertThatThrownBy(() -> ConfigLoader.parse("providers:\n  openai:\n    prefix: \"my prefix\"\n",
                Map.of())).hasMessageContaining("providers.openai.prefix: \"my prefix\" (expected: a model prefix");
    }

    @Test
    void discoveryDefaultsFromTheTypeAndIsRefusedWithoutAList() {
        SluiceConfig c = ConfigLoader.parse("", Map.of("OLLAMA_ENABLED", "1", "OPENAI_ENABLED", "1",
                "OPENAI_API_KEY", "sk-0000000000001", "OPENAI_DISCOVER_MODELS", "1", "LITELLM_ENABLED", "1",
                "LITELLM_DISCOVER_MODELS", "off"));
        assertThat(c.provider("ollama").orElseThrow().discoverModels()).isTrue();
        assertThat(c.provider("openai").orElseThrow().discoverModels()).isTrue();
        assertThat(c.provider("litellm").orElseThrow().discoverModels()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.parse("providers:\n  azure:\n    baseUrl: https://r.example\n"
                + "    discoverModels: true\n", Map.of()))
                .hasMessage("providers.azure.discoverModels: \"true\" (expected: false: type azure has no model "
                        + "list to fetch)");
    }

    @Test
    void dynamicCompatibleProvidersAndTheSwitch() {
        Map<String, String> env = Map.of("OPENAI_COMPATIBLE_LM_STUDIO_BASE_URL", "http://127.0.0.1:1234/v1",
                "OPENAI_COMPATIBLE_LM_STUDIO_MODELS", "qwen3-8b");
        SluiceConfig c = ConfigLoader.parse("", env);
        ProviderConfig p = c.provider("openai-compatible-lm-studio").orElseThrow();
        assertThat(p.type()).isEqualTo("openai-compatible");
        assertThat(p.models()).containsExactly("qwen3-8b");
        assertThat(ConfigLoader.parse("providersFromEnv: false\n", env).providers()).isEmpty();
        // A file entry named like a compatible provider takes the family's type.
        assertThat(ConfigLoader.parse("providers:\n  anthropic-compatible-proxy:\n    baseUrl: http://127.0.0.1:9\n",
                Map.of()).providers().get(0).dialect()).isEqualTo("anthropic");
    }
}
