package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

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

        ProviderConfig openai = config.provider("openai").orElseThrow();
        assertThat(openai.enabled()).isFalse();
        assertThat(openai.apiKeys()).isEmpty();
        assertThat(openai.baseUrl()).isEqualTo(ProviderConfig.DEFAULT_OPENAI_BASE_URL);
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
