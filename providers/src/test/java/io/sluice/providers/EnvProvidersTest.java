package io.sluice.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.sluice.providers.EnvProviders.EnvProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link EnvProviders#read} on explicit env maps; nothing reads the real environment. */
class EnvProvidersTest {

    /** The built-ins alone, whatever {@link ProviderDescriptor.Source}s the test class path holds. */
    private static final ProviderCatalog CATALOG = new ProviderCatalog(ProviderCatalog.BUILT_IN);

    private static List<EnvProvider> read(String... keysAndValues) {
        return EnvProviders.read(CATALOG, env(keysAndValues));
    }

    /** An env map iterating in the reverse of the argument order, so no expectation can lean on map order. */
    private static Map<String, String> env(String... keysAndValues) {
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            pairs.add(new String[] {keysAndValues[i], keysAndValues[i + 1]});
        }
        Collections.reverse(pairs);
        Map<String, String> env = new LinkedHashMap<>();
        pairs.forEach(p -> env.put(p[0], p[1]));
        return env;
    }

    private static EnvProvider only(List<EnvProvider> found) {
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static List<String> names(List<EnvProvider> found) {
        return found.stream().map(EnvProvider::name).toList();
    }

    // ---- enabling ----

    @Test
    void anthropicEnabledWithKey() {
        EnvProvider p = only(read("ANTHROPIC_ENABLED", "1", "ANTHROPIC_API_KEY", "sk-ant-1"));
        assertThat(p.name()).isEqualTo("anthropic");
        assertThat(p.type()).isSameAs(CATALOG.byType("anthropic"));
        assertThat(p.enabledBy()).isEqualTo("ANTHROPIC_ENABLED");
        assertThat(p.keyNames()).containsExactly("ANTHROPIC_API_KEY");
        assertThat(p.keys()).containsExactly("sk-ant-1");
        assertThat(p.baseUrl()).isNull();
        assertThat(p.models()).as("unset: the descriptor's defaults apply").isNull();
        assertThat(p.options()).isEmpty();
        assertThatThrownBy(() -> p.keys().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.keyNames().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.options().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);

        EnvProvider viaDefault = only(EnvProviders.read(ProviderCatalog.get(),
                env("ANTHROPIC_ENABLED", "1", "ANTHROPIC_API_KEY", "k")));
        assertThat(viaDefault.type()).isSameAs(ProviderCatalog.get().byType("anthropic"));
    }

    @Test
    void enableFlags() {
        for (String v : List.of("1", "true", "yes", "on", "TRUE", "Yes", "ON", " 1 ")) {
            assertThat(names(read("ANTHROPIC_ENABLED", v, "ANTHROPIC_API_KEY", "k"))).as("'%s'", v)
                    .containsExactly("anthropic");
        }
        for (String v : List.of("0", "false", "no", "off", "FALSE", "Off", "", "  ")) {
            assertThat(read("ANTHROPIC_ENABLED", v, "ANTHROPIC_API_KEY", "k")).as("'%s'", v).isEmpty();
        }
        assertThat(read("ANTHROPIC_API_KEY", "k", "OPENAI_API_KEY", "k2"))
                .as("a key alone enables nothing").isEmpty();
        // ...but GitHub Models, which its seed starts from GITHUB_TOKEN alone, unless a switch says otherwise.
        assertThat(names(read("ANTHROPIC_API_KEY", "k", "GITHUB_TOKEN", "ghp"))).containsExactly("github-models");
        assertThat(read("GITHUB_TOKEN", "ghp", "ATLAS_ENABLED", "0")).isEmpty();
        assertThat(read("GITHUB_TOKEN", "", "ANTHROPIC_API_KEY", "k")).isEmpty();
        assertThat(read()).isEmpty();
        assertThat(EnvProviders.truthy("V", "on")).isTrue();
        assertThat(EnvProviders.truthy("V", "off")).isFalse();
    }

    @Test
    void unusableFlagsThrowNamingTheVariable() {
        assertThatThrownBy(() -> read("ANTHROPIC_ENABLED", "maybe", "ANTHROPIC_API_KEY", "k"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ANTHROPIC_ENABLED")
                .hasMessageContaining("maybe");
        assertThatThrownBy(() -> EnvProviders.truthy("SOME_VAR", "2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("SOME_VAR: \"2\"");
        assertThatThrownBy(() -> read(
                "OPENAI_COMPATIBLE_MY_LOCAL_BASE_URL", "http://127.0.0.1:1234/v1",
                "OPENAI_COMPATIBLE_MY_LOCAL_ENABLED", "sure"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OPENAI_COMPATIBLE_MY_LOCAL_ENABLED");
    }

    @Test
    void catalogOrderThenCompatibleByName() {
        List<EnvProvider> found = read(
                "OPENAI_COMPATIBLE_ZED_BASE_URL", "http://z/v1",
                "ANTHROPIC_COMPATIBLE_X_BASE_URL", "http://x/v1",
                "OLLAMA_ENABLED", "1",
                "ANTHROPIC_ENABLED", "1", "ANTHROPIC_API_KEY", "a",
                "OPENAI_ENABLED", "1", "OPENAI_API_KEY", "o",
                "OPENAI_COMPATIBLE_ABC_BASE_URL", "http://a/v1");
        assertThat(names(found)).containsExactly("openai", "anthropic", "ollama", "anthropic-compatible-x",
                "openai-compatible-abc", "openai-compatible-zed");
    }

    // ---- keys ----

    @Test
    void keyOrderAndNaming() {
        EnvProvider p = only(read(
                "ANTHROPIC_ENABLED", "1",
                "ANTHROPIC_TOKEN_10", "t10",
                "ANTHROPIC_TOKEN_2", "t2",
                "ANTHROPIC_TOKEN", "t",
                "ANTHROPIC_API_KEY_2", "k2",
                "ANTHROPIC_TOKEN_1", "t1",
                "ANTHROPIC_API_KEY", "k",
                "ANTHROPIC_TOKEN_9", "t9"));
        assertThat(p.keyNames()).containsExactly("ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY_2", "ANTHROPIC_TOKEN",
                "ANTHROPIC_TOKEN_1", "ANTHROPIC_TOKEN_2", "ANTHROPIC_TOKEN_9", "ANTHROPIC_TOKEN_10");
        assertThat(p.keys()).containsExactly("k", "k2", "t", "t1", "t2", "t9", "t10");

        List<String> kv = new ArrayList<>(List.of("OPENAI_ENABLED", "1"));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            kv.add("OPENAI_TOKEN_" + i);
            kv.add("t" + i);
            expected.add("OPENAI_TOKEN_" + i);
        }
        assertThat(only(read(kv.toArray(String[]::new))).keyNames()).as("numeric, not lexical")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void duplicateBlankAndUnrelatedKeys() {
        EnvProvider dup = only(read(
                "ANTHROPIC_ENABLED", "1",
                "ANTHROPIC_API_KEY", "same",
                "ANTHROPIC_API_KEY_2", "other",
                "ANTHROPIC_TOKEN", " same ",
                "ANTHROPIC_TOKEN_1", "other"));
        assertThat(dup.keyNames()).as("duplicates by value keep the first name")
                .containsExactly("ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY_2");
        assertThat(dup.keys()).containsExactly("same", "other");

        EnvProvider blank = only(read(
                "ANTHROPIC_ENABLED", "1",
                "ANTHROPIC_API_KEY", "   ",
                "ANTHROPIC_API_KEY_2", "",
                "ANTHROPIC_TOKEN", "  tok  "));
        assertThat(blank.keyNames()).containsExactly("ANTHROPIC_TOKEN");
        assertThat(blank.keys()).containsExactly("tok");

        EnvProvider unrelated = only(read(
                "ANTHROPIC_ENABLED", "1",
                "ANTHROPIC_API_KEY", "k",
                "ANTHROPIC_API_KEY_OLD", "old",
                "ANTHROPIC_API_KEY_", "empty-number",
                "ANTHROPIC_TOKEN_12345", "too-long",
                "ANTHROPIC_TOKENS", "plural"));
        assertThat(unrelated.keyNames()).containsExactly("ANTHROPIC_API_KEY");
    }

    @Test
    void githubCopilotNumberedTokensAndTokenUrl() {
        EnvProvider p = only(read(
                "GITHUB_COPILOT_ENABLED", "1",
                "GITHUB_COPILOT_TOKEN_2", "gho_b",
                "GITHUB_COPILOT_TOKEN_1", "gho_a"));
        assertThat(p.name()).isEqualTo("github-copilot");
        assertThat(p.keyNames()).containsExactly("GITHUB_COPILOT_TOKEN_1", "GITHUB_COPILOT_TOKEN_2");
        assertThat(p.keys()).containsExactly("gho_a", "gho_b");
        assertThat(p.options()).isEmpty();

        EnvProvider withUrl = only(read(
                "GITHUB_COPILOT_ENABLED", "1",
                "GITHUB_COPILOT_TOKEN", "gho_a",
                "GITHUB_COPILOT_TOKEN_URL", "https://ghe.example/copilot_internal/v2/token"));
        assertThat(withUrl.keyNames()).as("TOKEN_URL is an option, not a key").containsExactly("GITHUB_COPILOT_TOKEN");
        assertThat(withUrl.options()).containsExactly(
                entry(ProviderDescriptor.OPTION_TOKEN_URL, "https://ghe.example/copilot_internal/v2/token"));
    }

    @Test
    void atlasTakesGithubTokens() {
        EnvProvider p = only(read(
                "ATLAS_ENABLED", "1",
                "GITHUB_TOKEN_3", "ghp_3",
                "GITHUB_TOKEN", "ghp_1",
                "GITHUB_TOKEN_2", "ghp_2"));
        assertThat(p.name()).isEqualTo("github-models");
        assertThat(p.enabledBy()).isEqualTo("ATLAS_ENABLED");
        assertThat(p.keyNames()).containsExactly("GITHUB_TOKEN", "GITHUB_TOKEN_2", "GITHUB_TOKEN_3");
        assertThat(p.keys()).containsExactly("ghp_1", "ghp_2", "ghp_3");

        EnvProvider q = only(read(
                "GITHUB_MODELS_ENABLED", "1",
                "GITHUB_TOKEN", "ghp_1",
                "GITHUB_MODELS_TOKEN", "ghp_m",
                "ATLAS_API_KEY", "ghp_a"));
        assertThat(q.enabledBy()).isEqualTo("GITHUB_MODELS_ENABLED");
        assertThat(q.keyNames()).as("prefix keys, in prefix order, before the descriptor's own key variables")
                .containsExactly("ATLAS_API_KEY", "GITHUB_MODELS_TOKEN", "GITHUB_TOKEN");
    }

    @Test
    void secondaryPrefixes() {
        EnvProvider openai = only(read("EXT_OPENAI_ENABLED", "1", "EXT_OPENAI_API_KEY", "sk-1"));
        assertThat(openai.name()).isEqualTo("openai");
        assertThat(openai.enabledBy()).isEqualTo("EXT_OPENAI_ENABLED");
        assertThat(openai.keyNames()).containsExactly("EXT_OPENAI_API_KEY");

        EnvProvider gemini = only(read("GOOGLE_AI_ENABLED", "1", "GOOGLE_API_KEY", "AIza-1"));
        assertThat(gemini.name()).isEqualTo("gemini");
        assertThat(gemini.keyNames()).containsExactly("GOOGLE_API_KEY");
        assertThat(gemini.keys()).containsExactly("AIza-1");

        EnvProvider xai = only(read("GROK_ENABLED", "yes", "GROK_API_KEY", "xai-1"));
        assertThat(xai.name()).isEqualTo("xai");
        assertThat(xai.keyNames()).containsExactly("GROK_API_KEY");
    }

    // ---- base URL, models, options ----

    @Test
    void baseUrls() {
        EnvProvider ollama = only(read("OLLAMA_ENABLED", "1", "OLLAMA_BASE_URL", " http://gpu-box:11434/v1 "));
        assertThat(ollama.name()).isEqualTo("ollama");
        assertThat(ollama.baseUrl()).isEqualTo("http://gpu-box:11434/v1");
        assertThat(ollama.keys()).isEmpty();
        assertThat(ollama.keyNames()).isEmpty();

        EnvProvider gemini = only(read("GEMINI_ENABLED", "1", "GEMINI_API_KEY", "k",
                "GOOGLE_BASE_URL", "https://proxy.example/v1beta"));
        assertThat(gemini.baseUrl()).as("the descriptor's own base URL variable").isEqualTo(
                "https://proxy.example/v1beta");
    }

    @Test
    void azureFromEnvironment() {
        EnvProvider p = only(read(
                "AZURE_OPENAI_ENABLED", "1",
                "AZURE_OPENAI_ENDPOINT", "https://my-resource.openai.azure.com",
                "AZURE_OPENAI_API_KEY", "az-key",
                "AZURE_OPENAI_API_VERSION", "2025-01-01-preview",
                "AZURE_OPENAI_DEPLOYMENT", "gpt4o-prod"));
        assertThat(p.name()).isEqualTo("azure");
        assertThat(p.baseUrl()).isEqualTo("https://my-resource.openai.azure.com");
        assertThat(p.keyNames()).containsExactly("AZURE_OPENAI_API_KEY");
        assertThat(p.keys()).containsExactly("az-key");
        assertThat(p.models()).containsExactly("gpt4o-prod");
        assertThat(p.options()).containsExactly(entry(ProviderDescriptor.OPTION_API_VERSION, "2025-01-01-preview"));
        assertThat(p.type().path(Operation.CHAT, p.type().dialect(), p.models().get(0), false, p.options()))
                .isEqualTo("/openai/deployments/gpt4o-prod/chat/completions?api-version=2025-01-01-preview");
    }

    @Test
    void azurePrecedence() {
        EnvProvider p = only(read(
                "AZURE_ENABLED", "1",
                "AZURE_API_KEY", "k",
                "AZURE_OPENAI_ENDPOINT", "https://endpoint.example",
                "AZURE_BASE_URL", "https://base.example",
                "AZURE_OPENAI_DEPLOYMENT", "one",
                "AZURE_OPENAI_DEPLOYMENTS", "two,three",
                "AZURE_MODELS", "four"));
        assertThat(p.enabledBy()).isEqualTo("AZURE_ENABLED");
        assertThat(p.keyNames()).containsExactly("AZURE_API_KEY");
        assertThat(p.baseUrl()).as("<P>_BASE_URL before the descriptor's own variable")
                .isEqualTo("https://base.example");
        assertThat(p.models()).as("the canonical prefix first; _MODELS, _DEPLOYMENTS, _DEPLOYMENT in that order")
                .containsExactly("two", "three");

        EnvProvider openai = only(read("OPENAI_ENABLED", "1", "OPENAI_API_KEY", "k", "OPENAI_DEPLOYMENT", "x"));
        assertThat(openai.models()).as("_DEPLOYMENT is Azure's alone").isNull();
    }

    @Test
    void modelsListIsSplitTrimmedAndDeduplicated() {
        ProviderCatalog catalog = new ProviderCatalog(List.of(
                ProviderDescriptor.builder("xyz").baseUrl("http://xyz.example/v1").build()));
        EnvProvider p = only(EnvProviders.read(catalog, env("XYZ_ENABLED", "1", "XYZ_MODELS", "a, b,,c")));
        assertThat(p.name()).isEqualTo("xyz");
        assertThat(p.models()).containsExactly("a", "b", "c");

        assertThat(only(EnvProviders.read(catalog, env("XYZ_ENABLED", "1", "XYZ_MODELS", " a b\tc,a "))).models())
                .containsExactly("a", "b", "c");
        assertThat(only(EnvProviders.read(catalog, env("XYZ_ENABLED", "1", "XYZ_MODELS", "  "))).models())
                .as("blank is unset").isNull();
    }

    // ---- dynamic compatible providers ----

    @Test
    void openAiCompatibleFromItsBaseUrl() {
        EnvProvider p = only(read(
                "OPENAI_COMPATIBLE_MY_LOCAL_BASE_URL", "http://127.0.0.1:1234/v1",
                "OPENAI_COMPATIBLE_MY_LOCAL_API_KEY", "lm-studio",
                "OPENAI_COMPATIBLE_MY_LOCAL_MODELS", "qwen2.5-7b,llama-3.1-8b"));
        assertThat(p.name()).isEqualTo("openai-compatible-my-local");
        assertThat(p.type()).isSameAs(CATALOG.byType(ProviderCatalog.OPENAI_COMPATIBLE));
        assertThat(p.enabledBy()).isEqualTo("OPENAI_COMPATIBLE_MY_LOCAL_BASE_URL");
        assertThat(p.baseUrl()).isEqualTo("http://127.0.0.1:1234/v1");
        assertThat(p.keyNames()).containsExactly("OPENAI_COMPATIBLE_MY_LOCAL_API_KEY");
        assertThat(p.models()).containsExactly("qwen2.5-7b", "llama-3.1-8b");
        assertThat(CATALOG.inferFromName(p.name())).isSameAs(p.type());
    }

    @Test
    void openAiCompatibleFlag() {
        assertThat(read(
                "OPENAI_COMPATIBLE_MY_LOCAL_BASE_URL", "http://127.0.0.1:1234/v1",
                "OPENAI_COMPATIBLE_MY_LOCAL_ENABLED", "0")).as("disabled explicitly").isEmpty();
        assertThat(only(read(
                "OPENAI_COMPATIBLE_MY_LOCAL_BASE_URL", "http://127.0.0.1:1234/v1",
                "OPENAI_COMPATIBLE_MY_LOCAL_ENABLED", "true")).enabledBy())
                .isEqualTo("OPENAI_COMPATIBLE_MY_LOCAL_ENABLED");
        assertThat(only(read(
                "OPENAI_COMPATIBLE_MY_LOCAL_BASE_URL", "http://127.0.0.1:1234/v1",
                "OPENAI_COMPATIBLE_MY_LOCAL_ENABLED", " ")).enabledBy())
                .as("a blank flag is no flag: the base URL turned it on")
                .isEqualTo("OPENAI_COMPATIBLE_MY_LOCAL_BASE_URL");
        assertThat(read("OPENAI_COMPATIBLE_MY_LOCAL_BASE_URL", " ")).as("blank base URL, no flag").isEmpty();
    }

    @Test
    void anthropicCompatibleAndNoLeakIntoNamedProviders() {
        EnvProvider p = only(read("ANTHROPIC_COMPATIBLE_X_BASE_URL", "http://127.0.0.1:8080/v1",
                "ANTHROPIC_COMPATIBLE_X_API_KEY", "k"));
        assertThat(p.name()).isEqualTo("anthropic-compatible-x");
        assertThat(p.type()).isSameAs(CATALOG.byType(ProviderCatalog.ANTHROPIC_COMPATIBLE));
        assertThat(p.baseUrl()).isEqualTo("http://127.0.0.1:8080/v1");
        assertThat(p.keyNames()).containsExactly("ANTHROPIC_COMPATIBLE_X_API_KEY");

        List<EnvProvider> found = read(
                "OPENAI_ENABLED", "1", "OPENAI_API_KEY", "real",
                "OPENAI_COMPATIBLE_LOCAL_BASE_URL", "http://127.0.0.1:1234/v1",
                "OPENAI_COMPATIBLE_LOCAL_API_KEY", "local");
        assertThat(names(found)).containsExactly("openai", "openai-compatible-local");
        assertThat(found.get(0).keys()).containsExactly("real");
        assertThat(found.get(0).baseUrl()).isNull();
        assertThat(found.get(1).keys()).containsExactly("local");
    }

    @Test
    void mockAndCompatibleFamiliesNeverComeFromTheirOwnPrefixes() {
        assertThat(read(
                "MOCK_ENABLED", "1",
                "OPENAI_COMPATIBLE_ENABLED", "1",
                "OPENAI_COMPATIBLE_API_KEY", "k",
                "OPENAI_COMPATIBLE_BASE_URL", "http://127.0.0.1:1234/v1",
                "ANTHROPIC_COMPATIBLE_ENABLED", "1",
                "ANTHROPIC_COMPATIBLE_API_KEY", "k",
                "ANTHROPIC_COMPATIBLE_BASE_URL", "http://127.0.0.1:8080/v1")).isEmpty();
    }
}
