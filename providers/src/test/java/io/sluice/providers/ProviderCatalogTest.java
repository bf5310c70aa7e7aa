package io.sluice.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The built-in catalog. Table rows are loops inside one test, each assertion naming its row: the project's leak guard
 * runs a few garbage collections after every test, so one invocation per row would make the module slow.
 */
class ProviderCatalogTest {

    /** The built-ins alone, whatever {@link ProviderDescriptor.Source}s the test class path holds. */
    private static final ProviderCatalog CATALOG = new ProviderCatalog(ProviderCatalog.BUILT_IN);

    @Test
    void sixteenBuiltInsWithUniqueIdsAndEveryIdAndAliasResolves() {
        List<String> ids = ProviderCatalog.BUILT_IN.stream().map(ProviderDescriptor::id).toList();
        assertThat(ids).hasSize(16).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches(ProviderDescriptor.ID_PATTERN))
                .startsWith(ProviderCatalog.MOCK, "openai", "anthropic")
                .contains(ProviderCatalog.OPENAI_COMPATIBLE, ProviderCatalog.ANTHROPIC_COMPATIBLE);
        assertThat(CATALOG.all()).isEqualTo(ProviderCatalog.BUILT_IN);
        for (ProviderDescriptor d : ProviderCatalog.BUILT_IN) {
            assertThat(CATALOG.byType(d.id())).as(d.id()).isSameAs(d);
            for (String alias : d.aliases()) {
                assertThat(CATALOG.byType(alias)).as(alias).isSameAs(d);
            }
        }
    }

    @Test
    void aliases() {
        String[][] table = {
                {"atlas", "github-models"},
                {"github", "github-models"},
                {"githubcopilot", "github-copilot"},
                {"copilot", "github-copilot"},
                {"google", "gemini"},
                {"claude_code", "claude-code"},
                {"cursor_agent", "cursor-agent"},
                {"cursor", "cursor-agent"},
                {"lead_worker", "lead-worker"},
                {"leadworker", "lead-worker"},
                {"azure-openai", "azure"},
        };
        for (String[] row : table) {
            ProviderDescriptor d = CATALOG.byType(row[0]);
            assertThat(d).as("byType " + row[0]).isNotNull();
            assertThat(d.id()).as("byType " + row[0]).isEqualTo(row[1]);
            assertThat(d.aliases()).as(row[1] + " aliases").contains(row[0]);
            assertThat(CATALOG.inferFromName(row[0])).as("inferFromName " + row[0]).isSameAs(d);
        }
    }

    @Test
    void unknownTypesAndInferenceFromNames() {
        assertThat(CATALOG.byType("nope")).isNull();
        assertThat(CATALOG.byType(null)).isNull();
        assertThat(CATALOG.byType("OpenAI")).as("type names are case-sensitive").isNull();

        assertThat(CATALOG.inferFromName("openai").id()).isEqualTo("openai");
        assertThat(CATALOG.inferFromName("openai-compatible").id()).isEqualTo(ProviderCatalog.OPENAI_COMPATIBLE);
        assertThat(CATALOG.inferFromName("openai-compatible-local").id()).isEqualTo(ProviderCatalog.OPENAI_COMPATIBLE);
        assertThat(CATALOG.inferFromName("anthropic-compatible-x").id())
                .isEqualTo(ProviderCatalog.ANTHROPIC_COMPATIBLE);
        assertThat(CATALOG.inferFromName("nope")).isNull();
        assertThat(CATALOG.inferFromName("openai-local")).as("only the compatible families take suffixes").isNull();
        assertThat(CATALOG.inferFromName("my-openai-compatible-x")).isNull();
        assertThat(CATALOG.inferFromName(null)).isNull();
    }

    @Test
    void typeNamesAreEveryIdAndAliasSorted() {
        List<String> expected = new ArrayList<>();
        for (ProviderDescriptor d : ProviderCatalog.BUILT_IN) {
            expected.add(d.id());
            expected.addAll(d.aliases());
        }
        assertThat(CATALOG.typeNames()).isSorted().containsExactlyInAnyOrderElementsOf(expected)
                .contains("atlas", "github-models", "copilot", "azure-openai");
    }

    @Test
    void duplicateIdOrAliasThrows() {
        ProviderDescriptor dup1 = ProviderDescriptor.builder("dup").build();
        ProviderDescriptor dup2 = ProviderDescriptor.builder("dup").build();
        assertThatThrownBy(() -> new ProviderCatalog(List.of(dup1, dup2)))
                .as("same id").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dup");

        ProviderDescriptor one = ProviderDescriptor.builder("one").aliases("shared").build();
        ProviderDescriptor two = ProviderDescriptor.builder("two").aliases("one").build();
        assertThatThrownBy(() -> new ProviderCatalog(List.of(one, two)))
                .as("alias = another id").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one");

        ProviderDescriptor three = ProviderDescriptor.builder("three").aliases("shared").build();
        assertThatThrownBy(() -> new ProviderCatalog(List.of(one, three)))
                .as("same alias").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shared");

        List<ProviderDescriptor> withClash = new ArrayList<>(ProviderCatalog.BUILT_IN);
        withClash.add(ProviderDescriptor.builder("my-atlas").aliases("atlas").build());
        assertThatThrownBy(() -> new ProviderCatalog(withClash))
                .as("a source clashing with a built-in alias").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("atlas");
    }

    @Test
    void serviceLoadedSourcesJoinTheBuiltIns() {
        ProviderCatalog c = ProviderCatalog.get();
        assertThat(c).isSameAs(ProviderCatalog.get());
        assertThat(c.all()).startsWith(ProviderCatalog.BUILT_IN.toArray(ProviderDescriptor[]::new))
                .hasSize(ProviderCatalog.BUILT_IN.size() + 1);
        assertThat(c.byType(TestSource.ID)).isNotNull();
        assertThat(c.byType(TestSource.ALIAS)).isSameAs(c.byType(TestSource.ID));
        assertThat(c.typeNames()).contains(TestSource.ID, TestSource.ALIAS);
    }

    @Test
    void descriptorTable() {
        // id, dialect, auth, default base URL, model prefix
        Object[][] table = {
                {"mock", "openai", AuthScheme.NONE, null, null},
                {"openai", "openai", AuthScheme.BEARER, "https://api.openai.com/v1", null},
                {"anthropic", "anthropic", AuthScheme.X_API_KEY, "https://api.anthropic.com/v1", null},
                {"gemini", "gemini", AuthScheme.X_GOOG_API_KEY, "https://generativelanguage.googleapis.com/v1beta",
                        null},
                {"azure", "openai", AuthScheme.AZURE_API_KEY, null, null},
                {"ollama", "openai", AuthScheme.NONE, "http://localhost:11434/v1", null},
                {"openrouter", "openai", AuthScheme.BEARER, "https://openrouter.ai/api/v1", null},
                {"xai", "openai", AuthScheme.BEARER, "https://api.x.ai/v1", null},
                {"litellm", "openai", AuthScheme.BEARER, "http://localhost:4000/v1", null},
                {"github-models", "openai", AuthScheme.BEARER, "https://models.github.ai/inference", "atlas-"},
                {"github-copilot", "openai", AuthScheme.COPILOT_TOKEN_EXCHANGE, "https://api.githubcopilot.com",
                        "ext-copilot-"},
                {"claude-code", "anthropic", AuthScheme.X_API_KEY, "https://api.anthropic.com/v1",
                        "ext-claude-code-"},
                {"cursor-agent", "openai", AuthScheme.BEARER, "https://api.cursor.sh/v1", "ext-cursor-"},
                {"lead-worker", "openai", AuthScheme.BEARER, "https://api.leadworker.ai/v1", "ext-leadworker-"},
                {"openai-compatible", "openai", AuthScheme.BEARER, null, null},
                {"anthropic-compatible", "anthropic", AuthScheme.X_API_KEY, null, null},
        };
        List<Object> tableIds = new ArrayList<>();
        for (Object[] row : table) {
            String id = (String) row[0];
            tableIds.add(id);
            ProviderDescriptor d = CATALOG.byType(id);
            assertThat(d).as(id).isNotNull();
            assertThat(d.id()).as(id + " id").isEqualTo(id);
            assertThat(d.dialect()).as(id + " dialect").isEqualTo(row[1]);
            assertThat(d.auth()).as(id + " auth").isEqualTo(row[2]);
            assertThat(d.defaultBaseUrl()).as(id + " base URL")
                    .isEqualTo(row[3] == null ? null : URI.create((String) row[3]));
            assertThat(d.modelPrefix()).as(id + " model prefix").isEqualTo(row[4]);
        }
        assertThat(tableIds).as("the table covers every built-in, in order")
                .containsExactlyElementsOf(ProviderCatalog.BUILT_IN.stream().map(ProviderDescriptor::id).toList());
    }

    @Test
    void headersAndOptions() {
        ProviderDescriptor copilot = CATALOG.byType("github-copilot");
        assertThat(copilot.headers()).containsExactly(
                entry("Editor-Version", "vscode/1.95.0"),
                entry("Editor-Plugin-Version", "copilot-chat/0.22.4"),
                entry("Copilot-Integration-Id", "vscode-chat"),
                entry("Openai-Intent", "conversation-panel"),
                entry("User-Agent", "GitHubCopilotChat/0.22.4"));
        assertThat(copilot.options()).containsExactly(
                entry(ProviderDescriptor.OPTION_TOKEN_URL, "https://api.github.com/copilot_internal/v2/token"));
        assertThat(copilot.envOptions()).containsExactly(entry("TOKEN_URL", ProviderDescriptor.OPTION_TOKEN_URL));

        assertThat(CATALOG.byType("github-models").headers())
                .containsExactly(entry("X-GitHub-Api-Version", "2022-11-28"));
        assertThat(CATALOG.byType("openrouter").headers()).containsExactly(entry("X-Title", "Sluice"));
        assertThat(CATALOG.byType("openai").headers()).isEmpty();

        ProviderDescriptor azure = CATALOG.byType("azure");
        assertThat(azure.pathStyle()).isEqualTo(ProviderDescriptor.PathStyle.AZURE_DEPLOYMENT);
        assertThat(azure.options()).containsExactly(entry(ProviderDescriptor.OPTION_API_VERSION, "2024-10-21"));
        assertThat(azure.envOptions()).containsExactly(entry("API_VERSION", ProviderDescriptor.OPTION_API_VERSION));
        assertThat(azure.models()).as("deployments are the user's").isEmpty();
        assertThat(ProviderCatalog.BUILT_IN.stream().filter(d -> d != azure).map(ProviderDescriptor::pathStyle))
                .containsOnly(ProviderDescriptor.PathStyle.STANDARD);
    }

    @Test
    void envConventions() {
        assertThat(CATALOG.byType("openai").envPrefixes()).containsExactly("OPENAI", "EXT_OPENAI");
        assertThat(CATALOG.byType("gemini").envPrefixes()).containsExactly("GEMINI", "GOOGLE_AI", "GOOGLE");
        assertThat(CATALOG.byType("gemini").keyVars()).containsExactly("GOOGLE_API_KEY");
        assertThat(CATALOG.byType("gemini").baseUrlVars()).containsExactly("GOOGLE_BASE_URL");
        assertThat(CATALOG.byType("azure").envPrefixes()).containsExactly("AZURE_OPENAI", "AZURE");
        assertThat(CATALOG.byType("azure").baseUrlVars()).containsExactly("AZURE_OPENAI_ENDPOINT");
        assertThat(CATALOG.byType("github-models").envPrefixes()).containsExactly("ATLAS", "GITHUB_MODELS");
        assertThat(CATALOG.byType("github-models").keyVars()).containsExactly("GITHUB_TOKEN");
        assertThat(CATALOG.byType("github-copilot").envPrefixes()).containsExactly("GITHUB_COPILOT");
        assertThat(CATALOG.byType("github-copilot").keyVars()).isEmpty();
        assertThat(CATALOG.byType("xai").envPrefixes()).containsExactly("XAI", "GROK");
        assertThat(CATALOG.byType("claude-code").envPrefixes()).as("default: id upper-cased, - as _")
                .containsExactly("CLAUDE_CODE");
        assertThat(CATALOG.byType("lead-worker").envPrefixes()).containsExactly("LEAD_WORKER");
    }

    @Test
    void keyRequirementAndCompatibleFamilies() {
        assertThat(ProviderCatalog.BUILT_IN.stream().filter(d -> !d.keyRequired()).map(ProviderDescriptor::id))
                .containsExactlyInAnyOrder("mock", "ollama", "litellm", "openai-compatible", "anthropic-compatible");
        assertThat(ProviderCatalog.BUILT_IN.stream().filter(ProviderDescriptor::compatibleFamily)
                .map(ProviderDescriptor::id)).containsExactly("openai-compatible", "anthropic-compatible");
    }

    @Test
    void capabilities() {
        for (ProviderDescriptor d : ProviderCatalog.BUILT_IN) {
            assertThat(d.capabilities()).as(d.id()).contains(Capability.STREAMING, Capability.TOOLS);
            assertThat(d.supports(Operation.CHAT)).as(d.id() + " chat").isTrue();
        }
        ProviderDescriptor openai = CATALOG.byType("openai");
        assertThat(openai.supports(Operation.EMBEDDINGS)).isTrue();
        assertThat(openai.supports(Operation.IMAGES)).isTrue();
        ProviderDescriptor anthropic = CATALOG.byType("anthropic");
        assertThat(anthropic.supports(Operation.EMBEDDINGS)).isFalse();
        assertThat(anthropic.supports(Operation.IMAGES)).isFalse();
        ProviderDescriptor ollama = CATALOG.byType("ollama");
        assertThat(ollama.supports(Operation.EMBEDDINGS)).isTrue();
        assertThat(ollama.supports(Operation.IMAGES)).isFalse();
        assertThat(CATALOG.byType("mock").supports(Operation.IMAGES)).isTrue();
    }

    @Test
    void quirksAndDefaultModels() {
        assertThat(CATALOG.byType("ollama").quirks()).isEqualTo(new Quirks("max_tokens", Set.of()));
        assertThat(CATALOG.byType("github-models").models()).isEqualTo(GitHubModels.MODELS);
        for (ProviderDescriptor d : ProviderCatalog.BUILT_IN) {
            if (!d.id().equals("ollama")) {
                assertThat(d.quirks()).as(d.id() + " quirks").isSameAs(Quirks.NONE);
            }
            if (d.modelInPath(Operation.CHAT)) {
                assertThat(d.models()).as(d.id() + " models go into a path")
                        .allMatch(ProviderDescriptor::pathSafe);
            }
            assertThat(d.models()).as(d.id() + " models").doesNotHaveDuplicates();
        }
    }
}
