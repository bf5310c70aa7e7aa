package io.sluice.proxy.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.service.GeminiPath.Method;
import org.junit.jupiter.api.Test;

/** Gemini's model paths as the SDKs build them, and the route family each lands on. */
class GeminiPathTest {

    @Test
    void everyMethodOfTheModelResource() {
        assertThat(GeminiPath.parse("/v1beta/models/gemini-2.5-flash:generateContent"))
                .isEqualTo(new GeminiPath("gemini-2.5-flash", Method.GENERATE));
        assertThat(GeminiPath.parse("/v1/models/gemini-2.5-flash:streamGenerateContent"))
                .isEqualTo(new GeminiPath("gemini-2.5-flash", Method.STREAM));
        assertThat(GeminiPath.parse("/v1beta/models/openai/gpt-4.1:countTokens"))
                .isEqualTo(new GeminiPath("openai/gpt-4.1", Method.COUNT_TOKENS));
        assertThat(GeminiPath.parse("/v1beta/models/text-embedding-004:embedContent").method()).isEqualTo(Method.EMBED);
        assertThat(GeminiPath.parse("/v1beta/models/up%2Femb:batchEmbedContents"))
                .isEqualTo(new GeminiPath("up/emb", Method.BATCH_EMBED));
        assertThat(GeminiPath.parseAny("/v1beta/models/mock/echo")).isEqualTo(new GeminiPath("mock/echo", Method.GET));
        assertThat(GeminiPath.parse("/v1beta/models/mock/echo")).isNull(); // no method: not a call
        assertThat(GeminiPath.parse("/v1beta/models/:generateContent")).isNull();
        assertThat(GeminiPath.parse("/v1beta/models/bad%zz:generateContent")).isNull();
    }

    @Test
    void aiSdkModelIdsWithASlashComeWithoutTheModelsPrefix() {
        // @ai-sdk/google's getModelPath('oai/gpt-4o') is 'oai/gpt-4o': the URL is {baseURL}/oai/gpt-4o:generateContent.
        assertThat(GeminiPath.parse("/v1beta/oai/gpt-4o:generateContent"))
                .isEqualTo(new GeminiPath("oai/gpt-4o", Method.GENERATE));
        assertThat(GeminiPath.parse("/v1beta/tunedModels/mine:streamGenerateContent"))
                .isEqualTo(new GeminiPath("tunedModels/mine", Method.STREAM));
        assertThat(GeminiPath.parseAny("/v1beta/files/abc")).isNull(); // no method: another resource
        assertThat(GeminiPath.parse("/v1beta/gpt-4o:generateContent")).isNull(); // no slash: not the SDK's form
    }

    @Test
    void routeFamilies() {
        assertThat(RouteFamily.of("/v1beta/models")).isEqualTo(RouteFamily.GEMINI_MODELS);
        assertThat(RouteFamily.of("/v1beta/models/gemini-2.5-pro")).isEqualTo(RouteFamily.GEMINI_MODELS);
        assertThat(RouteFamily.of("/v1beta/oai/gpt-4o:generateContent")).isEqualTo(RouteFamily.GEMINI);
        assertThat(RouteFamily.of("/v1beta/models/x:countTokens")).isEqualTo(RouteFamily.GEMINI_COUNT_TOKENS);
        assertThat(RouteFamily.of("/v1beta/models/x:batchEmbedContents")).isEqualTo(RouteFamily.GEMINI_EMBED);
        assertThat(RouteFamily.of("/v1/models")).isEqualTo(RouteFamily.MODELS);
        assertThat(RouteFamily.of("/v1/models/openai/gpt-4.1")).isEqualTo(RouteFamily.MODELS);
        assertThat(RouteFamily.of("/v1/models/ft:gpt-4o:org:abc")).isEqualTo(RouteFamily.MODELS);
        assertThat(RouteFamily.of("/models/gpt-4o")).isEqualTo(RouteFamily.MODELS);
        assertThat(RouteFamily.of("/v1beta/files")).isEqualTo(RouteFamily.OTHER);
        assertThat(ModelsService.id("/v1/models/openai%2Fgpt-4.1")).isEqualTo("openai/gpt-4.1");
        assertThat(ModelsService.id("/models/a%2Fb")).isEqualTo("a/b");
        assertThat(ModelsService.id("/v1/models/")).isNull();
        assertThat(ModelsService.id("/v1beta/models")).isNull();
    }
}
