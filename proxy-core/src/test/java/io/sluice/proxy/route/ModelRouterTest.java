package io.sluice.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelRouterTest {

    /** Providers and routing as a user would write them; the env adds atlas and copilot the seed's way. */
    private static final String YAML = """
            providersFromEnv: true
            providers:
              mock: {}
              openai:
                apiKey: sk-test-0000000000001
                models: [gpt-4o, gpt-4o-mini, gpt-4.1]
              anthropic:
                apiKey: sk-ant-test-000000001
                models: [claude-sonnet-4-5, claude-haiku-4-5]
              openrouter:
                apiKey: sk-or-test-0000000001
                models: [openai/gpt-4o, anthropic/claude-sonnet-4.5, x-ai/grok-4]
              openai-compatible-local:
                baseUrl: http://127.0.0.1:8080/v1
                models: [qwen2.5-coder]
              gemini:
                enabled: false
                apiKey: g-test-000000000000001
            routing:
              aliases:
                fast: openai/gpt-4o-mini
                smart: sonnet
                sonnet: anthropic/claude-sonnet-4-5
                coder: coding
                flash: gemini/gemini-2.5-flash
              combos:
                coding: [anthropic/claude-sonnet-4-5, openai/gpt-4.1, gemini/gemini-2.5-pro, mock/echo]
                offline: [gemini/gemini-2.5-pro]
              wildcards:
                "claude-*": anthropic
                "claude-3-*": openrouter/anthropic/$0
                "*/llama-*": openai-compatible-local/llama-$2
                "gpt-5*": openai
            """;

    private static final Map<String, String> ENV = Map.of(
            "ATLAS_ENABLED", "1", "GITHUB_TOKEN", "gho_test_00000000001",
            "GITHUB_COPILOT_ENABLED", "true", "GITHUB_COPILOT_TOKEN_1", "gho_test_00000000002");

    private static final ModelRouter ROUTER = new ModelRouter(ConfigLoader.parse(YAML, ENV));

    static Stream<Arguments> table() {
        return Stream.of(
                // exact public ids and bare ids
                Arguments.of("openai/gpt-4o", "openai", "gpt-4o"),
                // Bare names: GitHub Models' catalog first in the seeds' id form (the GitHub-Models seed's ids).
                Arguments.of("gpt-4o", "github-models", "openai/gpt-4o"),
                Arguments.of("mock/echo", "mock", "echo"),
                Arguments.of("echo", "mock", "echo"),
                Arguments.of("claude-haiku-4-5", "anthropic", "claude-haiku-4-5"),
                // a bare id of one provider that looks like another's provider/model: the provider's own id wins
                Arguments.of("anthropic/claude-sonnet-4.5", "openrouter", "anthropic/claude-sonnet-4.5"),
                Arguments.of("x-ai/grok-4", "openrouter", "x-ai/grok-4"),
                // prefixes: the seed's ext-<provider>- and the descriptors' own
                Arguments.of("ext-anthropic-claude-3-5-sonnet", "anthropic", "claude-3-5-sonnet"),
                Arguments.of("ext-openai-gpt-4.1-nano", "openai", "gpt-4.1-nano"),
                Arguments.of("ext-openai-compatible-local-phi4", "openai-compatible-local", "phi4"),
                Arguments.of("atlas-openai/gpt-4o", "github-models", "openai/gpt-4o"),
                Arguments.of("atlas-meta/llama-3.3-70b-instruct", "github-models", "meta/llama-3.3-70b-instruct"),
                Arguments.of("atlas-some/unlisted-model", "github-models", "some/unlisted-model"),
                Arguments.of("ext-copilot-gpt-4o", "github-copilot", "gpt-4o"),
                Arguments.of("ext-github-copilot-claude-sonnet-4", "github-copilot", "claude-sonnet-4"),
                // <provider>/<model> for models not listed
                Arguments.of("openai/o3-pro", "openai", "o3-pro"),
                Arguments.of("openai-compatible-local/anything:7b", "openai-compatible-local", "anything:7b"),
                // the GitHub Models catalog is listed bare too, after every provider's own ids
                Arguments.of("openai/gpt-5", "github-models", "openai/gpt-5"),
                Arguments.of("deepseek/deepseek-r1", "github-models", "deepseek/deepseek-r1"),
                // aliases, chains of aliases, an alias of a combo
                Arguments.of("fast", "openai", "gpt-4o-mini"),
                Arguments.of("smart", "anthropic", "claude-sonnet-4-5"),
                Arguments.of("coder", "anthropic", "claude-sonnet-4-5"),
                // wildcards: most specific wins, templates expand
                Arguments.of("claude-opus-4-1", "anthropic", "claude-opus-4-1"),
                Arguments.of("claude-3-opus", "github-copilot", "claude-3-opus"), // the seed's ext-copilot- id
                Arguments.of("meta/llama-3.1-8b", "openai-compatible-local", "llama-3.1-8b"),
                Arguments.of("gpt-5-codex", "openai", "gpt-5-codex"));
    }

    @ParameterizedTest(name = "{0} -> {1} / {2}")
    @MethodSource("table")
    void resolves(String model, String provider, String upstream) {
        ModelRouter.Route r = ROUTER.resolve(model);
        assertThat(r).as(model).isNotNull();
        assertThat(r.provider().name()).isEqualTo(provider);
        assertThat(r.upstreamModel()).isEqualTo(upstream);
    }

    @Test
    void unknownModelsAndDisabledProvidersDoNotResolve() {
        assertThat(ROUTER.resolve("nope")).isNull();
        assertThat(ROUTER.resolve("gemini/gemini-2.5-flash")).isNull(); // gemini is disabled
        assertThat(ROUTER.resolve("ext-gemini-gemini-2.5-flash")).isNull();
        assertThat(ROUTER.resolve("ext-anthropic-")).isNull(); // a prefix with nothing after it
        assertThat(ROUTER.resolve("openai/")).isNull();
        assertThat(ROUTER.closeMatches("gpt-4-o", 3)).contains("ext-openai-gpt-4o");
        assertThat(ROUTER.closeMatches("atlas-openai/gpt4o", 3)).contains("atlas-openai/gpt-4o");
    }

    @Test
    void combosServeTheirFirstAvailableEntryAndKeepTheRestAsFallbacks() {
        ModelRouter.Route r = ROUTER.resolve("coding");
        assertThat(r.provider().name()).isEqualTo("anthropic");
        assertThat(r.via()).isEqualTo("coding");
        // gemini is disabled: skipped, not a fallback
        assertThat(r.fallbacks()).extracting(t -> t.provider().name() + ":" + t.upstreamModel())
                .containsExactly("openai:gpt-4.1", "mock:echo");
        assertThat(ROUTER.resolve("offline")).isNull();
        assertThat(ROUTER.unavailable("offline")).contains("no enabled provider serves any of");
        assertThat(ROUTER.resolve("flash")).isNull();
        assertThat(ROUTER.unavailable("flash")).startsWith("alias flash -> gemini/gemini-2.5-flash");
    }

    @Test
    void perProviderRoutePinsTheProvider() {
        assertThat(ROUTER.resolveIn("openrouter", "openai/gpt-4o").upstreamModel()).isEqualTo("openai/gpt-4o");
        assertThat(ROUTER.resolveIn("openrouter", "openai/gpt-4o").provider().name()).isEqualTo("openrouter");
        assertThat(ROUTER.resolveIn("openai", "openai/gpt-4o").upstreamModel()).isEqualTo("gpt-4o");
        assertThat(ROUTER.resolveIn("openai", "ext-openai-o1").upstreamModel()).isEqualTo("o1");
        assertThat(ROUTER.resolveIn("github-models", "atlas-openai/gpt-4o").upstreamModel())
                .isEqualTo("openai/gpt-4o");
        assertThat(ROUTER.resolveIn("anthropic", "whatever-model").upstreamModel()).isEqualTo("whatever-model");
        assertThat(ROUTER.resolveIn("gemini", "gemini-2.5-flash")).isNull();
        assertThat(ROUTER.resolveIn("nope", "x")).isNull();
    }

    /** Issue 16: the seeds' ids by default, every listed id routes; routing.modelIds: provider lists the other. */
    @Test
    void theSeedsIdsAreListedAndEveryListedIdRoutes() {
        for (ModelRouter.ModelEntry e : ROUTER.entries()) {
            ModelRouter.Route r = ROUTER.resolve(e.id());
            assertThat(r).as(e.id()).isNotNull();
            assertThat(r.provider().name()).as(e.id()).isEqualTo(e.ownedBy());
        }
        assertThat(ROUTER.modelIds()).contains("ext-openai-gpt-4o", "ext-anthropic-claude-sonnet-4-5",
                "atlas-openai/gpt-4o", "ext-copilot-gpt-4o", "mock/echo");
        ModelRouter provider = new ModelRouter(ConfigLoader.parse(YAML + "  modelIds: provider\n", ENV));
        assertThat(provider.modelIds()).contains("openai/gpt-4o", "anthropic/claude-sonnet-4-5",
                "atlas-openai/gpt-4o").doesNotContain("ext-openai-gpt-4o");
        assertThat(provider.resolve("ext-openai-gpt-4o").upstreamModel()).isEqualTo("gpt-4o");

        SluiceConfig google = ConfigLoader.parse("providersFromEnv: false\nproviders:\n  gemini:\n"
                + "    apiKey: AIzaSy0123456789abcd\n    models: [gemini-pro]\n", Map.of());
        ModelRouter g = new ModelRouter(google);
        assertThat(g.modelIds()).containsExactly("ext-google-gemini-pro");
        assertThat(g.resolve("ext-google-gemini-pro").upstreamModel()).isEqualTo("gemini-pro");
        assertThat(g.resolve("ext-gemini-gemini-pro").upstreamModel()).isEqualTo("gemini-pro");
        assertThat(g.resolve("gemini/gemini-pro").upstreamModel()).isEqualTo("gemini-pro");
    }

    @Test
    void modelsListPublicIdsOwnedByTheirProvider() {
        List<ModelRouter.ModelEntry> e = ROUTER.entries();
        assertThat(e).contains(new ModelRouter.ModelEntry("ext-openai-gpt-4o", "openai"),
                new ModelRouter.ModelEntry("mock/echo", "mock"),
                new ModelRouter.ModelEntry("atlas-openai/gpt-4o", "github-models"),
                new ModelRouter.ModelEntry("atlas-core42/jais-30b-chat", "github-models"),
                new ModelRouter.ModelEntry("ext-copilot-gpt-4o", "github-copilot"),
                new ModelRouter.ModelEntry("coding", "anthropic"),
                new ModelRouter.ModelEntry("fast", "openai"));
        assertThat(e.stream().filter(x -> x.id().startsWith("atlas-"))).hasSize(58);
        assertThat(e).extracting(ModelRouter.ModelEntry::id).doesNotHaveDuplicates()
                .doesNotContain("flash", "offline")
                .noneMatch(id -> id.startsWith("gemini"));
    }

    @Test
    void sanitisesModelIds() {
        assertThat(ModelRouter.invalid("openai/gpt-4o")).isNull();
        assertThat(ModelRouter.invalid("qwen2.5-coder:7b")).isNull();
        assertThat(ModelRouter.invalid("a b")).contains("space or control");
        assertThat(ModelRouter.invalid("a\u0000b")).contains("control");
        assertThat(ModelRouter.invalid("gpt\n4")).contains("control");
        assertThat(ModelRouter.invalid("../../etc/passwd")).contains("..");
        assertThat(ModelRouter.invalid("gemini/./x")).contains(".");
        assertThat(ModelRouter.invalid("a\\b")).contains("backslash");
        assertThat(ModelRouter.invalid("x".repeat(257))).contains("longer than 256");
    }

    @Test
    void aliasLoopsAreConfigErrors() {
        String yaml = """
                providers:
                  mock: {}
                routing:
                  aliases:
                    a: b
                    b: c
                    c: a
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessage("routing.aliases.a: \"b\" (expected: an alias that does not loop (a -> b -> c -> a))");
    }

    @Test
    void routingShapeErrorsNameTheKey() {
        assertThatThrownBy(() -> ConfigLoader.parse("routing:\n  wildcards:\n    exact: mock\n", Map.of()))
                .hasMessageContaining("routing.wildcards: \"exact\" (expected: a pattern with at least one *");
        assertThatThrownBy(() -> ConfigLoader.parse("routing:\n  combos:\n    c: []\n", Map.of()))
                .hasMessageContaining("routing.combos.c: missing");
        assertThatThrownBy(() -> ConfigLoader.parse(
                "routing:\n  aliases:\n    x: mock/echo\n  combos:\n    x: [mock/echo]\n", Map.of()))
                .hasMessageContaining("a name not also used by an alias");
        assertThatThrownBy(() -> ConfigLoader.parse("routing:\n  alias: {}\n", Map.of()))
                .hasMessageContaining("did you mean aliases?");
    }

    @Test
    void noProvidersNoRoutes() {
        ModelRouter r = new ModelRouter(SluiceConfig.defaults());
        assertThat(r.resolve("gpt-4o")).isNull();
        assertThat(r.entries()).isEmpty();
    }
}
