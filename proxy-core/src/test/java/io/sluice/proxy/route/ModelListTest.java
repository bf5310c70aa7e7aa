package io.sluice.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.providers.ModelCapabilities;
import io.sluice.providers.ModelLimits;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What providers' model lists report of their models, as {@link ModelCapabilities}. */
class ModelListTest {

    @Test
    void readsOpenRoutersLimitsParametersAndModalities() throws IOException {
        ModelList list = ModelList.parse("{\"data\":[{\"id\":\"openai/gpt-4o\",\"name\":\"OpenAI: GPT-4o\","
                + "\"context_length\":128000,\"architecture\":{\"modality\":\"text+image->text\","
                + "\"input_modalities\":[\"text\",\"image\",\"file\"],\"output_modalities\":[\"text\"]},"
                + "\"pricing\":{\"prompt\":\"0.0000025\"},\"top_provider\":{\"context_length\":128000,"
                + "\"max_completion_tokens\":16384,\"is_moderated\":true},\"supported_parameters\":[\"max_tokens\","
                + "\"temperature\",\"tools\",\"tool_choice\",\"response_format\"]},"
                + "{\"id\":\"deepseek/deepseek-r1\",\"context_length\":163840,\"architecture\":{\"input_modalities\":"
                + "[\"text\"]},\"top_provider\":{\"max_completion_tokens\":null},\"supported_parameters\":"
                + "[\"reasoning\",\"include_reasoning\",\"max_tokens\"]}]}", 100);

        assertThat(list.ids()).containsExactly("openai/gpt-4o", "deepseek/deepseek-r1");
        assertThat(list.capabilities().get("openai/gpt-4o"))
                .isEqualTo(new ModelCapabilities(ModelLimits.of(128_000, 16_384), false, true, true));
        assertThat(list.capabilities().get("deepseek/deepseek-r1"))
                .isEqualTo(new ModelCapabilities(ModelLimits.of(163_840, 0), true, false, false));
    }

    @Test
    void readsGeminisTokenLimitsAndThinkingFlag() throws IOException {
        ModelList list = ModelList.parse("{\"models\":[{\"name\":\"models/gemini-2.5-flash\",\"version\":\"001\","
                + "\"inputTokenLimit\":1048576,\"outputTokenLimit\":65536,\"supportedGenerationMethods\":"
                + "[\"generateContent\"],\"temperature\":1,\"thinking\":true},{\"name\":\"models/gemini-2.0-flash\","
                + "\"inputTokenLimit\":1048576,\"outputTokenLimit\":8192}]}", 100);

        assertThat(list.capabilities().get("gemini-2.5-flash"))
                .isEqualTo(new ModelCapabilities(ModelLimits.of(1_048_576, 65_536), true, null, null));
        // No thinking flag is not a "does not think": unknown stays unknown.
        assertThat(list.capabilities().get("gemini-2.0-flash"))
                .isEqualTo(new ModelCapabilities(ModelLimits.of(1_048_576, 8_192), null, null, null));
    }

    @Test
    void listsThatReportNothingGiveNoCapabilities() throws IOException {
        ModelList list = ModelList.parse("{\"data\":[{\"type\":\"model\",\"id\":\"Claude-Sonnet-4-5\","
                + "\"display_name\":\"Claude\"},{\"id\":\"qwen\",\"max_model_len\":32768}]}", 100);

        assertThat(list.ids()).containsExactly("Claude-Sonnet-4-5", "qwen");
        assertThat(list.capabilities()).containsOnlyKeys("qwen");
        assertThat(list.capabilities().get("qwen").limits()).isEqualTo(ModelLimits.of(32_768, 0));
    }

    @Test
    void anOutputCapOverTheWindowIsNotBelieved() throws IOException {
        ModelList list = ModelList.parse("{\"data\":[{\"id\":\"m\",\"context_length\":4096,"
                + "\"top_provider\":{\"max_completion_tokens\":8192}}]}", 100);

        assertThat(list.capabilities().get("m").limits()).isEqualTo(ModelLimits.of(4096, 0));
    }
}
