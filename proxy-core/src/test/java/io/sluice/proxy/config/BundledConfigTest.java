package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.route.ModelRouter;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The files under conf/ are part of the product: they must load, and mean what their comments say. */
class BundledConfigTest {

    /** The repository's conf/ directory, found from the module directory surefire runs in. */
    static Path confDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("conf/sluice.yaml")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir.resolve("conf");
            }
        }
        throw new IllegalStateException("conf/sluice.yaml not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void defaultConfigServesTheMockOfflineOnLocalhost() {
        SluiceConfig config = ConfigLoader.load(confDir().resolve("sluice.yaml"), Map.of());
        assertThat(config.server()).isEqualTo(ServerConfig.defaults());
        assertThat(config.upstream()).isEqualTo(UpstreamConfig.defaults());
        assertThat(config.enabledProviders()).extracting(ProviderConfig::name).containsExactly("mock");

        ProviderConfig mock = config.provider("mock").orElseThrow();
        assertThat(mock.models()).containsExactly("echo", "lorem");
        assertThat(mock.mock()).isEqualTo(MockSettings.defaults());

        assertThat(config.provider("openai")).isEmpty();
        ModelRouter router = new ModelRouter(config);
        assertThat(router.resolve("default").upstreamModel()).isEqualTo("echo");
        // Only the mock is on: the combo's Claude entries are skipped and it falls through to the mock.
        assertThat(router.resolve("any-claude").provider().name()).isEqualTo("mock");
    }

    /** The seed's PORT, METRICS_ENABLED and METRICS_PATH, with Sluice's own SLUICE_PORT first. */
    @Test
    void theSeedsServerAndMetricsVariablesWork() {
        Path file = confDir().resolve("sluice.yaml");
        SluiceConfig seed = ConfigLoader.load(file, Map.of("PORT", "3010", "METRICS_ENABLED", "0",
                "METRICS_PATH", "/prom"));
        assertThat(seed.server().port()).isEqualTo(3010);
        assertThat(seed.ops().metricsEnabled()).isFalse();
        assertThat(seed.ops().metricsPath()).isEqualTo("/prom");
        assertThat(ConfigLoader.load(file, Map.of("PORT", "3010", "SLUICE_PORT", "4001")).server().port())
                .isEqualTo(4001);
        SluiceConfig plain = ConfigLoader.load(file, Map.of());
        assertThat(plain.ops().metricsEnabled()).isTrue();
        assertThat(plain.ops().metricsPath()).isEqualTo("/metrics");
        // A file of one's own, without a metrics section, reads the same variables.
        SluiceConfig own = ConfigLoader.parse("server: {port: 0}\n", Map.of("METRICS_ENABLED", "false",
                "METRICS_PATH", "/m"));
        assertThat(own.ops().metricsEnabled()).isFalse();
        assertThat(own.ops().metricsPath()).isEqualTo("/m");
        assertThatThrownBy(() -> ConfigLoader.parse("metrics: {path: /v1/models}\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.path");
        assertThatThrownBy(() -> ConfigLoader.parse("server: {port: 0}\n", Map.of("METRICS_ENABLED", "maybe")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("METRICS_ENABLED");
    }

    /** Every provider of the seeds, configured by environment variables alone. */
    @Test
    void theSeedsEnvironmentAloneEnablesEveryProvider() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("EXT_OPENAI_ENABLED", "1");
        env.put("EXT_OPENAI_API_KEY", "sk-proj-0123456789abcd");
        env.put("ANTHROPIC_ENABLED", "1");
        env.put("ANTHROPIC_API_KEY", "sk-ant-api03-0123456789abcd");
        env.put("GOOGLE_AI_ENABLED", "1");
        env.put("GOOGLE_API_KEY", "AIzaSy0123456789abcd");
        env.put("AZURE_OPENAI_ENABLED", "1");
        env.put("AZURE_OPENAI_API_KEY", "azure-0123456789abcd");
        env.put("AZURE_OPENAI_ENDPOINT", "https://my-resource.openai.azure.com");
        env.put("AZURE_OPENAI_DEPLOYMENT", "gpt4o-prod");
        env.put("OLLAMA_ENABLED", "1");
        env.put("OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1");
        env.put("OPENROUTER_ENABLED", "1");
        env.put("OPENROUTER_API_KEY", "sk-or-v1-0123456789abcd");
        env.put("XAI_ENABLED", "1");
        env.put("XAI_API_KEY", "xai-0123456789abcd");
        env.put("LITELLM_ENABLED", "1");
        env.put("LITELLM_BASE_URL", "http://127.0.0.1:4001/v1");
        env.put("LITELLM_MODELS", "gpt-4o,claude-3-5-sonnet");
        env.put("ATLAS_ENABLED", "1");
        env.put("GITHUB_TOKEN", "gho_0123456789abcd1");
        env.put("GITHUB_TOKEN_2", "gho_0123456789abcd2");
        env.put("GITHUB_COPILOT_ENABLED", "1");
        env.put("GITHUB_COPILOT_TOKEN_1", "gho_0123456789abcd3");
        env.put("GITHUB_COPILOT_TOKEN_2", "gho_0123456789abcd4");
        env.put("CLAUDE_CODE_ENABLED", "1");
        env.put("CLAUDE_CODE_TOKEN_1", "sk-ant-api03-cc0123456789");
        env.put("CURSOR_AGENT_ENABLED", "1");
        env.put("CURSOR_AGENT_API_KEY", "cursor-0123456789abcd");
        env.put("LEAD_WORKER_ENABLED", "1");
        env.put("LEAD_WORKER_TOKEN_1", "lw-0123456789abcd");
        env.put("OPENAI_COMPATIBLE_VLLM_BASE_URL", "http://127.0.0.1:8000/v1");
        SluiceConfig config = ConfigLoader.load(confDir().resolve("sluice.yaml"), env);
        assertThat(config.enabledProviders()).extracting(ProviderConfig::name).containsExactly("mock", "openai",
                "anthropic", "gemini", "azure", "ollama", "openrouter", "xai", "litellm", "github-models",
                "github-copilot", "claude-code", "cursor-agent", "lead-worker", "openai-compatible-vllm");
        assertThat(config.provider("github-models").orElseThrow().keyNames())
                .containsExactly("GITHUB_TOKEN", "GITHUB_TOKEN_2");
        assertThat(config.provider("github-copilot").orElseThrow().keyNames())
                .containsExactly("GITHUB_COPILOT_TOKEN_1", "GITHUB_COPILOT_TOKEN_2");
        assertThat(config.provider("azure").orElseThrow().models()).containsExactly("gpt4o-prod");
        assertThat(config.provider("litellm").orElseThrow().models()).containsExactly("gpt-4o", "claude-3-5-sonnet");
        ModelRouter router = new ModelRouter(config);
        assertThat(router.entries()).filteredOn(e -> e.ownedBy().equals("github-models")).hasSize(58);
        assertThat(router.resolve("any-claude").provider().name()).isEqualTo("anthropic");
        assertThat(router.resolve("any-claude").fallbacks()).hasSize(4);
        assertThat(router.resolve("ext-claude-code-claude-3-5-sonnet-20241022").provider().name())
                .isEqualTo("claude-code");
        assertThat(router.resolve("ext-leadworker-worker-fast").provider().name()).isEqualTo("lead-worker");
        assertThat(router.resolve("ext-cursor-cursor-small").provider().name()).isEqualTo("cursor-agent");
    }

    @Test
    void theCommentedAccessBlockIsValidOnceUncommentedAndExposingNeedsIt() throws IOException {
        String text = Files.readString(confDir().resolve("sluice.yaml"));
        int at = text.indexOf("#access:");
        assertThat(at).isPositive();
        String access = text.substring(at).lines().map(l -> l.startsWith("#") ? l.substring(1) : l)
                .filter(l -> !l.contains("requireClientKey: false")) // the opt-out is for configs without keys
                .collect(java.util.stream.Collectors.joining("\n"));
        Map<String, String> env = Map.of("TEAM_A_KEY", "sk-team-a-0123456789abcd", "LAPTOP_KEY",
                "sk-laptop-0123456789abcd", "SLUICE_HOST", "0.0.0.0");
        SluiceConfig config = ConfigLoader.parse(text.substring(0, at) + access + "\n", env);
        assertThat(config.access().clientKeys()).extracting(ClientKeyConfig::name).containsExactly("team-a", "laptop");
        assertThat(config.access().clientKeys().get(0).rateLimit()).isEqualTo(120);
        assertThat(config.access().ipAllow()).hasSize(1);
        config.access().checkExposure(config.server());
        SluiceConfig exposedWithoutKeys = ConfigLoader.load(confDir().resolve("sluice.yaml"),
                Map.of("SLUICE_HOST", "0.0.0.0"));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> exposedWithoutKeys.access().checkExposure(exposedWithoutKeys.server()))
                .hasMessageContaining("no client keys are configured");
        SluiceConfig exposedWithEnvKey = ConfigLoader.load(confDir().resolve("sluice.yaml"),
                Map.of("SLUICE_HOST", "0.0.0.0", "SLUICE_CLIENT_KEY", "sk-env-key-0123456789ab"));
        exposedWithEnvKey.access().checkExposure(exposedWithEnvKey.server());
    }

    @Test
    void theCommentedRewriteBlocksAreValidOnceUncommented() throws IOException {
        String text = Files.readString(confDir().resolve("sluice.yaml"));
        int from = text.indexOf("#systemPrompt:");
        int to = text.indexOf("\n# Who may use the proxy");
        assertThat(from).isPositive();
        assertThat(to).isGreaterThan(from);
        String blocks = text.substring(from, to).lines().filter(l -> !l.startsWith("# ") || l.startsWith("#  "))
                .map(l -> l.startsWith("#") ? l.substring(1) : l).collect(java.util.stream.Collectors.joining("\n"));
        SluiceConfig config = ConfigLoader.parse(text.substring(0, from) + blocks + "\n" + text.substring(to),
                Map.of());
        assertThat(config.services().systemPrompt().active()).isTrue();
        assertThat(config.services().systemPrompt().rules()).hasSize(1);
        assertThat(config.services().thinkingBudget().mode()).isEqualTo(ThinkingBudgetConfig.Mode.CUSTOM);
        assertThat(config.services().thinkingBudget().budget()).isEqualTo(ThinkingBudgetConfig.DEFAULT_BUDGET);
        assertThat(config.services().thinkingBudget().maxBudget()).isEqualTo(ThinkingBudgetConfig.DEFAULT_MAX_BUDGET);
    }

    @Test
    void defaultConfigEnablesOpenAiFromTheEnvironment() {
        SluiceConfig config = ConfigLoader.load(confDir().resolve("sluice.yaml"), Map.of(
                "OPENAI_ENABLED", "true", "OPENAI_API_KEY", "sk-proj-0123456789abcd",
                "OPENAI_API_KEY_3", "sk-proj-3333333333abcd", "SLUICE_PORT", "4100"));
        assertThat(config.server().port()).isEqualTo(4100);
        assertThat(config.enabledProviders()).extracting(ProviderConfig::name).containsExactly("mock", "openai");
        assertThat(config.provider("openai").orElseThrow().apiKeys())
                .containsExactly("sk-proj-0123456789abcd", "sk-proj-3333333333abcd");
    }

    @Test
    void defaultConfigEnablesAnthropicAndGeminiFromTheEnvironment() {
        SluiceConfig config = ConfigLoader.load(confDir().resolve("sluice.yaml"), Map.of(
                "ANTHROPIC_ENABLED", "true", "ANTHROPIC_API_KEY", "sk-ant-api03-0123456789abcd",
                "GEMINI_ENABLED", "true", "GEMINI_API_KEY", "AIzaSy0123456789abcd"));
        assertThat(config.enabledProviders()).extracting(ProviderConfig::name)
                .containsExactly("mock", "anthropic", "gemini");
        assertThat(config.provider("gemini").orElseThrow().keyNames()).containsExactly("GEMINI_API_KEY");
        ProviderConfig anthropic = config.provider("anthropic").orElseThrow();
        assertThat(anthropic.dialect()).isEqualTo("anthropic");
        assertThat(anthropic.baseUrl()).hasToString("https://api.anthropic.com/v1");
        assertThat(anthropic.apiKeys()).containsExactly("sk-ant-api03-0123456789abcd");
        ProviderConfig gemini = config.provider("gemini").orElseThrow();
        assertThat(gemini.dialect()).isEqualTo("gemini");
        assertThat(gemini.baseUrl()).hasToString("https://generativelanguage.googleapis.com/v1beta");
    }

    @Test
    void openAiCompatibleExampleLoads() {
        SluiceConfig config = ConfigLoader.load(confDir().resolve("examples/openai-compatible.yaml"), Map.of());
        ProviderConfig local = config.provider("local").orElseThrow();
        assertThat(local.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/v1"));
        assertThat(local.apiKeys()).isEmpty();
        assertThat(local.enabled()).isTrue();
        assertThat(config.provider("mock")).isPresent();
    }

    @Test
    void everyExampleLoads() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(confDir().resolve("examples"))) {
            examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(examples).isNotEmpty();
        for (Path example : examples) {
            assertThat(ConfigLoader.load(example, Map.of()).providers()).as(example.toString()).isNotEmpty();
        }
    }
}
