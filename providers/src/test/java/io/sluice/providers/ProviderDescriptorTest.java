package io.sluice.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.codec.dialect.Dialects;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Paths, path safety and the builder. Table rows are loops inside one test, each assertion naming its row: the
 * project's leak guard runs a few garbage collections after every test, so one invocation per row would be slow.
 */
class ProviderDescriptorTest {

    private static final ProviderCatalog CATALOG = new ProviderCatalog(ProviderCatalog.BUILT_IN);
    private static final ProviderDescriptor OPENAI = CATALOG.byType("openai");
    private static final ProviderDescriptor ANTHROPIC = CATALOG.byType("anthropic");
    private static final ProviderDescriptor GEMINI = CATALOG.byType("gemini");
    private static final ProviderDescriptor AZURE = CATALOG.byType("azure");

    // ---- path ----

    @Test
    void standardPaths() {
        assertThat(OPENAI.path(Operation.CHAT, "openai", "gpt-4o", false, Map.of())).isEqualTo("/chat/completions");
        assertThat(OPENAI.path(Operation.CHAT, "openai", "gpt-4o", true, Map.of())).isEqualTo("/chat/completions");
        assertThat(OPENAI.path(Operation.EMBEDDINGS, "openai", "text-embedding-3-small", false, Map.of()))
                .isEqualTo("/embeddings");
        assertThat(OPENAI.path(Operation.IMAGES, "openai", "gpt-image-1", false, Map.of()))
                .isEqualTo("/images/generations");
        assertThat(OPENAI.path(Operation.CHAT, "responses", "gpt-4o", true, Map.of()))
                .as("an OpenAI provider configured for the Responses API").isEqualTo("/responses");

        assertThat(ANTHROPIC.path(Operation.CHAT, "anthropic", "claude-sonnet-4-5", false, Map.of()))
                .isEqualTo("/messages");
        assertThat(ANTHROPIC.path(Operation.CHAT, "anthropic", "claude-sonnet-4-5", true, Map.of()))
                .isEqualTo("/messages");

        assertThat(GEMINI.path(Operation.CHAT, "gemini", "gemini-2.5-flash", false, Map.of()))
                .isEqualTo("/models/gemini-2.5-flash:generateContent")
                .isEqualTo(Dialects.GEMINI.path("gemini-2.5-flash", false));
        assertThat(GEMINI.path(Operation.CHAT, "gemini", "gemini-2.5-flash", true, Map.of()))
                .isEqualTo("/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
                .isEqualTo(Dialects.GEMINI.path("gemini-2.5-flash", true));
    }

    @Test
    void azureChatPaths() {
        assertThat(AZURE.path(Operation.CHAT, "openai", "gpt-4o", false, Map.of()))
                .isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
        assertThat(AZURE.path(Operation.CHAT, "openai", "gpt-4o", true, Map.of()))
                .as("streaming is a body flag")
                .isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
        assertThat(AZURE.path(Operation.CHAT, "openai", "gpt-4o", false,
                Map.of(ProviderDescriptor.OPTION_API_VERSION, "2025-04-01-preview")))
                .as("configured apiVersion wins")
                .isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=2025-04-01-preview");
        assertThat(AZURE.path(Operation.CHAT, "openai", "gpt-4o", false, Map.of("unrelated", "x")))
                .endsWith("?api-version=2024-10-21");
        assertThat(AZURE.path(Operation.CHAT, "openai", "gpt-4o", false,
                Map.of(ProviderDescriptor.OPTION_API_VERSION, "2025&x=1")))
                .as("the version is query-encoded").endsWith("?api-version=2025%26x%3D1");
        assertThat(AZURE.path(Operation.CHAT, "responses", "gpt-4o", true, Map.of()))
                .as("the Responses API is not per deployment").isEqualTo("/openai/v1/responses?api-version=2024-10-21");
    }

    @Test
    void azureEmbeddingsAndImagesPaths() {
        assertThat(AZURE.path(Operation.EMBEDDINGS, "openai", "text-embedding-3-small", false, Map.of()))
                .isEqualTo("/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21");
        assertThat(AZURE.path(Operation.IMAGES, "openai", "dall-e-3", false,
                Map.of(ProviderDescriptor.OPTION_API_VERSION, "2024-02-01")))
                .isEqualTo("/openai/deployments/dall-e-3/images/generations?api-version=2024-02-01");
        assertThat(AZURE.path(Operation.EMBEDDINGS, "responses", "text-embedding-3-small", false, Map.of()))
                .as("only chat moves to the Responses API")
                .isEqualTo("/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21");
    }

    // ---- pathSafe / modelInPath ----

    @Test
    void pathSafe() {
        String[] safe = {"gpt-4o", "gemini-2.5-flash", "llama3.2", "Phi_4", "a", "..a", "a..b"};
        String[] unsafe = {null, "", "../x", "a/b", "..", ".", "a b", "a%2f", "a\\b", "a?b", "a#b", "a:b",
                "gpt-4o\n", "models/gemini-2.5-flash", "é"};
        for (String m : safe) {
            assertThat(ProviderDescriptor.pathSafe(m)).as("safe: %s", m).isTrue();
        }
        for (String m : unsafe) {
            assertThat(ProviderDescriptor.pathSafe(m)).as("unsafe: %s", m).isFalse();
        }
    }

    @Test
    void modelInPath() {
        for (Operation op : Operation.values()) {
            assertThat(AZURE.modelInPath(op)).as("azure " + op).isTrue();
            assertThat(OPENAI.modelInPath(op)).as("openai " + op).isFalse();
            assertThat(ANTHROPIC.modelInPath(op)).as("anthropic " + op).isFalse();
        }
        assertThat(GEMINI.modelInPath(Operation.CHAT)).isTrue();
        assertThat(GEMINI.modelInPath(Operation.EMBEDDINGS)).isTrue();
        assertThat(GEMINI.modelInPath(Operation.IMAGES)).isFalse();
        assertThat(GEMINI.path(Operation.EMBEDDINGS, "gemini", "text-embedding-004", false, Map.of()))
                .isEqualTo("/models/text-embedding-004:batchEmbedContents");
    }

    // ---- builder ----

    @Test
    void builderDefaults() {
        ProviderDescriptor d = ProviderDescriptor.builder("my-local_llm").build();
        assertThat(d.id()).isEqualTo("my-local_llm");
        assertThat(d.displayName()).isEqualTo("my-local_llm");
        assertThat(d.dialect()).isEqualTo("openai");
        assertThat(d.auth()).isEqualTo(AuthScheme.BEARER);
        assertThat(d.envPrefixes()).containsExactly("MY_LOCAL_LLM");
        assertThat(d.capabilities()).containsExactlyInAnyOrder(Capability.STREAMING, Capability.TOOLS);
        assertThat(d.quirks()).isSameAs(Quirks.NONE);
        assertThat(d.pathStyle()).isEqualTo(ProviderDescriptor.PathStyle.STANDARD);
        assertThat(d.defaultBaseUrl()).isNull();
        assertThat(d.modelPrefix()).isNull();
        assertThat(d.aliases()).isEmpty();
        assertThat(d.models()).isEmpty();
        assertThat(d.headers()).isEmpty();
        assertThat(d.options()).isEmpty();
        assertThat(d.keyRequired()).isTrue();
        assertThat(d.compatibleFamily()).isFalse();
        assertThat(d).hasToString("ProviderDescriptor[my-local_llm]");

        assertThat(ProviderDescriptor.builder("a").keyOptional().build().keyRequired()).isFalse();
        assertThat(ProviderDescriptor.builder("b").auth(AuthScheme.NONE).build().keyRequired()).isFalse();
        assertThat(ProviderDescriptor.builder("c").auth(AuthScheme.X_API_KEY).build().keyRequired()).isTrue();

        ProviderDescriptor h = ProviderDescriptor.builder("h").header("b", "1").header("a", "2").header("c", "3")
                .build();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("b", "1");
        expected.put("a", "2");
        expected.put("c", "3");
        assertThat(h.headers()).as("headers keep their order").containsExactlyEntriesOf(expected);
    }

    @Test
    void descriptorsAreImmutableAndIndependentOfTheirBuilder() {
        ProviderDescriptor d = CATALOG.byType("github-copilot");
        assertThatThrownBy(() -> d.models().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.capabilities().add(Capability.IMAGES))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.aliases().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.options().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);

        ProviderDescriptor.Builder b = ProviderDescriptor.builder("shared").models("one").header("h", "1");
        ProviderDescriptor first = b.build();
        b.models("two").header("h2", "2");
        assertThat(first.models()).containsExactly("one");
        assertThat(first.headers()).containsOnlyKeys("h");
    }

    @Test
    void invalidIdsAndDialectsThrow() {
        for (String id : Arrays.asList(null, "", "Upper", "-leading-dash", "_x", "has space", "dot.ted", "slash/ed")) {
            assertThatThrownBy(() -> ProviderDescriptor.builder(id).build()).as("id %s", id)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("id: ");
        }
        assertThatThrownBy(() -> ProviderDescriptor.builder("x").dialect("cohere").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cohere");
        assertThatThrownBy(() -> ProviderDescriptor.builder("x").dialect(null).build())
                .isInstanceOf(IllegalArgumentException.class);
        Dialects.ALL.forEach(dl -> assertThat(ProviderDescriptor.builder("x").dialect(dl.name()).build().dialect())
                .isEqualTo(dl.name()));
    }

    // ---- AuthScheme / Operation ----

    @Test
    void authSchemeHeaders() {
        Object[][] table = {
                {AuthScheme.BEARER, "authorization", "Bearer k"},
                {AuthScheme.X_API_KEY, "x-api-key", "k"},
                {AuthScheme.X_GOOG_API_KEY, "x-goog-api-key", "k"},
                {AuthScheme.AZURE_API_KEY, "api-key", "k"},
                {AuthScheme.COPILOT_TOKEN_EXCHANGE, "authorization", "Bearer k"},
                {AuthScheme.NONE, "authorization", "Bearer k"},
        };
        assertThat(table.length).as("one row per scheme").isEqualTo(AuthScheme.values().length);
        for (Object[] row : table) {
            AuthScheme scheme = (AuthScheme) row[0];
            Map<String, String> headers = new LinkedHashMap<>();
            scheme.apply("k", headers::put);
            assertThat(headers).as(scheme.name()).containsExactly(Map.entry((String) row[1], (String) row[2]));
            Map<String, String> none = new LinkedHashMap<>();
            scheme.apply(null, none::put);
            assertThat(none).as(scheme + " without a key").isEmpty();
            assertThat(scheme.keyOptional()).as(scheme + " keyOptional").isEqualTo(scheme == AuthScheme.NONE);
        }
        assertThat(Operation.CHAT.needs()).isNull();
        assertThat(Operation.EMBEDDINGS.needs()).isEqualTo(Capability.EMBEDDINGS);
        assertThat(Operation.IMAGES.needs()).isEqualTo(Capability.IMAGES);
    }
}
