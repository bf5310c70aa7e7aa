package io.sluice.proxy.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.providers.ModelLimits;
import org.junit.jupiter.api.Test;

/** How /v1/recommend-model reads a model: sizes and reasoning from its name, context from the catalog. */
class ModelProfileTest {

    @Test
    void sizesFromTheName() {
        ModelProfile nano = ModelProfile.of("openai/gpt-4.1-nano", ModelLimits.of(128_000, 16_384));
        assertThat(nano.speed).isEqualTo(5);
        assertThat(nano.quality).isEqualTo(2);
        assertThat(nano.cost).isEqualTo(5);
        assertThat(nano.context).isEqualTo(3);
        assertThat(nano.tasks).contains("general", "quick", "budget").doesNotContain("complex");
        assertThat(nano.why).anyMatch(w -> w.contains("(nano)")).anyMatch(w -> w.contains("128,000 tokens"));

        ModelProfile large = ModelProfile.of("meta/meta-llama-3.1-405b-instruct", ModelLimits.of(128_000, 32_768));
        assertThat(large.speed).isEqualTo(2);
        assertThat(large.quality).isEqualTo(5);
        assertThat(large.tasks).contains("complex", "research", "analysis");
        assertThat(ModelProfile.of("meta/meta-llama-3.1-8b-instruct", null).speed).isEqualTo(4);
        assertThat(ModelProfile.of("mistral-ai/ministral-3b", null).speed).isEqualTo(5);
        // The smallest size word wins: a 90B vision model is large; "mini" beats no word.
        assertThat(ModelProfile.of("meta/llama-3.2-90b-vision-instruct", null).quality).isEqualTo(5);
        assertThat(ModelProfile.of("meta/llama-3.2-90b-vision-instruct", null).tasks).contains("vision");
        assertThat(ModelProfile.of("microsoft/phi-4", null).speed).isEqualTo(3);
    }

    @Test
    void reasoningAndContext() {
        ModelProfile o4 = ModelProfile.of("openai/o4-mini", ModelLimits.of(200_000, 100_000));
        assertThat(o4.tasks).contains("reasoning", "long-context", "documents");
        assertThat(o4.speed).isEqualTo(3);
        assertThat(o4.quality).isEqualTo(4);
        assertThat(o4.context).isEqualTo(4);
        assertThat(ModelProfile.of("deepseek/deepseek-r1", null).tasks).contains("reasoning", "complex");
        assertThat(ModelProfile.of("openai/gpt-5", null).tasks).contains("reasoning");
        assertThat(ModelProfile.of("gpt-4.1", ModelLimits.of(1_047_576, 32_768)).context).isEqualTo(5);
        ModelProfile unknown = ModelProfile.of("echo", null);
        assertThat(unknown.context).isZero();
        assertThat(unknown.why).anyMatch(w -> w.contains("not in the catalog"));
        assertThat(ModelProfile.of("mistral-ai/codestral-2501", null).tasks).contains("code");
    }

    @Test
    void notChatModels() {
        assertThat(ModelProfile.notChat("openai/text-embedding-3-small")).isTrue();
        assertThat(ModelProfile.notChat("cohere/cohere-embed-v3-english")).isTrue();
        assertThat(ModelProfile.notChat("gpt-image-1")).isTrue();
        assertThat(ModelProfile.notChat("openai/gpt-4o")).isFalse();
    }
}
