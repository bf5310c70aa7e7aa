package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsing and applying a runtime provider edit, with config loading's rules and the request's field names. */
class ProviderEditTest {

    @Test
    void parsesEveryFieldInBothSpellings() {
        ProviderEdit e = ProviderEdit.parse("{\"enabled\":\"1\",\"apiKeys\":[\" a \",\"b\"],\"baseUrl\":\"http://h/v1\","
                + "\"models\":\"m1, m2\"}");
        assertThat(e).isEqualTo(new ProviderEdit(true, List.of("a", "b"), "http://h/v1", List.of("m1", "m2")));
        assertThat(ProviderEdit.parse("{\"api_key\":\"k1,k2\"}").apiKeys()).containsExactly("k1", "k2");
        assertThat(ProviderEdit.parse("{\"api_key\":null}").apiKeys()).isEmpty();
        assertThat(ProviderEdit.parse("{\"base_url\":null}").baseUrl()).isEmpty();
        assertThat(ProviderEdit.parse("{}").isEmpty()).isTrue();
    }

    @Test
    void refusesNamingTheField() {
        assertThatThrownBy(() -> ProviderEdit.parse("[1]")).hasMessageStartingWith("body: not a JSON object");
        assertThatThrownBy(() -> ProviderEdit.parse("{\"x\":1}")).hasMessageStartingWith("\"x\": unknown field");
        assertThatThrownBy(() -> ProviderEdit.parse("{\"enabled\":[]}")).hasMessageStartingWith("enabled:");
        assertThatThrownBy(() -> ProviderEdit.parse("{\"api_keys\":[1]}")).hasMessageStartingWith("api_keys[0]:");
        assertThatThrownBy(() -> ProviderEdit.parse("{\"base_url\":3}")).hasMessageStartingWith("base_url:");
    }

    private static SluiceConfig config(Map<String, String> env) {
        return ConfigLoader.parse("server: {port: 0}\n", env);
    }

    @Test
    void anEditReplacesTheKeysAndTheirVariables() {
        Map<String, String> env = Map.of("OPENAI_ENABLED", "1", "OPENAI_API_KEY", "old-1", "OPENAI_API_KEY_2", "old-2");
        SluiceConfig c = config(env);
        ConfigSource src = new ConfigSource(null, null, env, Set.of(), Set.of());
        ProviderEdits.Result r = ProviderEdits.apply(c, src, "openai",
                new ProviderEdit(null, List.of("new-1", "new-2", "new-3"), null, null));
        assertThat(r.provider().apiKeys()).containsExactly("new-1", "new-2", "new-3");
        assertThat(r.provider().keyNames()).containsExactly("OPENAI_API_KEY", "OPENAI_API_KEY_2", "OPENAI_API_KEY_3");
        assertThat(r.set()).containsExactly(Map.entry("OPENAI_API_KEY", "new-1"),
                Map.entry("OPENAI_API_KEY_2", "new-2"), Map.entry("OPENAI_API_KEY_3", "new-3"));
        assertThat(r.remove()).isEmpty();
        assertThat(r.created()).isFalse();
        assertThat(r.next().provider("openai").orElseThrow()).isSameAs(r.provider());
    }

    @Test
    void removingKeysDropsEveryVariableThatFedThem() {
        Map<String, String> env = Map.of("EXT_OPENAI_ENABLED", "1", "EXT_OPENAI_API_KEY", "a", "EXT_OPENAI_TOKEN_1",
                "b");
        SluiceConfig c = config(env);
        ProviderEdits.Result r = ProviderEdits.apply(c, new ConfigSource(null, null, env, Set.of(), Set.of()),
                "openai", new ProviderEdit(null, List.of(), null, null));
        assertThat(r.provider().apiKeys()).isEmpty();
        assertThat(r.remove()).containsExactlyInAnyOrder("EXT_OPENAI_API_KEY", "EXT_OPENAI_TOKEN_1");
    }

    @Test
    void aNewTypeIsMadeAsItsEnabledVariableWouldMakeIt() {
        SluiceConfig c = config(Map.of());
        ProviderEdits.Result r = ProviderEdits.apply(c, ConfigSource.none(), "ollama",
                new ProviderEdit(null, null, "http://127.0.0.1:11434", null));
        assertThat(r.created()).isTrue();
        assertThat(r.provider().baseUrl().toString()).isEqualTo("http://127.0.0.1:11434/v1");
        assertThat(r.set()).containsEntry("OLLAMA_ENABLED", "1").containsEntry("OLLAMA_BASE_URL",
                "http://127.0.0.1:11434");
        ProviderEdits.Result off = ProviderEdits.apply(c, ConfigSource.none(), "xai",
                new ProviderEdit(false, List.of("k"), null, null));
        assertThat(off.provider().enabled()).isFalse();
        assertThat(off.set()).containsEntry("XAI_ENABLED", "0");
        assertThat(ProviderEdits.apply(c, ConfigSource.none(), "nope", new ProviderEdit(true, null, null, null)))
                .isNull();
    }

    @Test
    void errorsNameTheRequestFieldAndNeverTheKey() {
        SluiceConfig c = config(Map.of("OPENAI_ENABLED", "1"));
        assertThatThrownBy(() -> ProviderEdits.apply(c, ConfigSource.none(), "openai",
                new ProviderEdit(null, List.of("dup-secret-1", "dup-secret-1"), null, null)))
                .hasMessageStartingWith("api_keys[1]:").hasMessageNotContaining("dup-secret-1");
        assertThatThrownBy(() -> ProviderEdits.apply(c, ConfigSource.none(), "openai",
                new ProviderEdit(null, null, "https://h/v1?x=1", null))).hasMessageStartingWith("base_url:");
        assertThatThrownBy(() -> ProviderEdits.apply(c, ConfigSource.none(), "openai",
                new ProviderEdit(null, null, null, List.of("a", "a")))).hasMessageStartingWith("models[1]:");
    }
}
