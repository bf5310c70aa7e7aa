package io.sluice.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ModelDiscoveryTest {

    @Test
    void readsOpenAiAnthropicGeminiAndOllamaLists() throws IOException {
        assertThat(ModelDiscovery.parse("{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o\",\"object\":\"model\"},"
                + "{\"id\":\"o3\",\"owned_by\":{\"x\":[1]}}]}")).containsExactly("gpt-4o", "o3");
        assertThat(ModelDiscovery.parse("{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\","
                + "\"display_name\":\"Claude\"}],\"has_more\":false,\"first_id\":\"a\"}"))
                .containsExactly("claude-sonnet-4-5");
        assertThat(ModelDiscovery.parse("{\"models\":[{\"name\":\"models/gemini-2.5-flash\","
                + "\"supportedGenerationMethods\":[\"generateContent\"]}],\"nextPageToken\":\"x\"}"))
                .containsExactly("gemini-2.5-flash");
        assertThat(ModelDiscovery.parse("{\"models\":[{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\","
                + "\"details\":{\"family\":\"llama\"}}]}")).containsExactly("llama3.2:latest");
    }

    @Test
    void skipsBadIdsAndDuplicates() throws IOException {
        assertThat(ModelDiscovery.parse("{\"data\":[{\"id\":\"a b\"},{\"id\":\"../x\"},{\"id\":\"\"},{\"id\":5},"
                + "{\"id\":\"ok\"},{\"id\":\"ok\"}]}")).containsExactly("ok");
    }

    @Test
    void rejectsWhatIsNotAModelList() {
        assertThatThrownBy(() -> ModelDiscovery.parse("[]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> ModelDiscovery.parse("{\"error\":{\"message\":\"no\"}}"))
                .hasMessageContaining("no data or models list");
        assertThatThrownBy(() -> ModelDiscovery.parse("{\"data\":[")).isInstanceOf(IOException.class);
    }
}
