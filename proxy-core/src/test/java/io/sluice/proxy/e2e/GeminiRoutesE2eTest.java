package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Gemini's model routes as {@code @google/genai} and {@code @ai-sdk/google} call them, on real sockets: the paged list
 * ({@code pageSize}, {@code pageToken}, {@code nextPageToken}), one model with slashes in its id, {@code :countTokens},
 * the AI SDK's {@code /v1beta/{provider}/{model}:generateContent} for ids with a slash, and Gemini's error shape on
 * every Gemini path: unknown model, unknown path, wrong method, missing key.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GeminiRoutesE2eTest {

    private static final String KEY = "sk-gemini-routes-00000000001";

    private SluiceServer sluice;

    @BeforeEach
    void start() throws Exception {
        sluice = TestConfig.startYaml("server: {host: 0.0.0.0, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n"
                + "providersFromEnv: false\naccess:\n  clientKeys:\n    team: " + KEY + "\n"
                + "providers:\n  mock:\n    mock: {chunkDelay: 0ms}\n  gm:\n    type: gemini\n"
                + "    baseUrl: http://127.0.0.1:9/v1beta\n    apiKeys: [sk-provider-000000000099]\n"
                + "    models: [gemini-2.5-flash, gemini-2.5-pro, text-embedding-004]\n");
    }

    @AfterEach
    void stop() {
        sluice.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return Http.get(sluice, path, "x-goog-api-key", KEY);
    }

    private static void assertGeminiError(HttpResponse<String> res, int code, String status) {
        assertThat(res.statusCode()).isEqualTo(code);
        JsonNode e = json(res.body()).path("error");
        assertThat(e.path("code").asInt()).isEqualTo(code);
        assertThat(e.path("status").asText()).isEqualTo(status);
        assertThat(e.path("message").asText()).isNotBlank();
    }

    @Test
    void listPagesThroughEveryModelInGeminisShape() throws Exception {
        List<String> all = new ArrayList<>();
        for (JsonNode m : json(Http.get(sluice, "/v1/models", "authorization", "Bearer " + KEY).body())
                .path("data")) {
            all.add(m.path("id").asText());
        }
        List<String> names = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            HttpResponse<String> res = get("/v1beta/models?pageSize=2" + (token == null ? "" : "&pageToken=" + token));
            assertThat(res.statusCode()).isEqualTo(200);
            JsonNode body = json(res.body());
            assertThat(body.path("models").size()).isBetween(1, 2);
            for (JsonNode m : body.path("models")) {
                names.add(m.path("name").asText());
                assertThat(m.path("supportedGenerationMethods").isArray()).isTrue();
                assertThat(m.path("displayName").asText()).isNotBlank();
            }
            token = body.hasNonNull("nextPageToken") ? body.path("nextPageToken").asText() : null;
            pages++;
        } while (token != null && pages < 50);
        assertThat(names).isEqualTo(all.stream().map(id -> "models/" + id).toList());
        assertThat(pages).isEqualTo((all.size() + 1) / 2);
        // Everything at once with ?key=, as the genai SDK may authenticate.
        JsonNode whole = json(Http.get(sluice, "/v1beta/models?key=" + KEY).body());
        assertThat(whole.path("models").size()).isEqualTo(all.size());
        assertThat(whole.has("nextPageToken")).isFalse();
        assertGeminiError(get("/v1beta/models?pageToken=garbage"), 400, "INVALID_ARGUMENT");
        // /v1/models with Gemini's key header answers in Gemini's shape too.
        assertThat(json(get("/v1/models").body()).path("models").size()).isEqualTo(all.size());
    }

    @Test
    void oneModelWithCatalogLimitsAndIdsWithSlashes() throws Exception {
        JsonNode flash = json(get("/v1beta/models/gemini-2.5-flash").body());
        assertThat(flash.path("name").asText()).isEqualTo("models/gemini-2.5-flash");
        assertThat(flash.path("inputTokenLimit").asInt()).isPositive();
        assertThat(flash.path("outputTokenLimit").asInt()).isPositive();
        assertThat(flash.path("supportedGenerationMethods")).extracting(JsonNode::asText)
                .contains("generateContent", "streamGenerateContent", "countTokens");
        JsonNode embed = json(get("/v1beta/models/gm/text-embedding-004").body());
        assertThat(embed.path("name").asText()).isEqualTo("models/gm/text-embedding-004");
        assertThat(embed.path("supportedGenerationMethods")).extracting(JsonNode::asText).contains("embedContent");
        JsonNode echo = json(get("/v1beta/models/mock%2Fecho").body());
        assertThat(echo.path("name").asText()).isEqualTo("models/mock/echo");
        assertThat(echo.has("inputTokenLimit")).isFalse(); // not known: not invented
        assertGeminiError(get("/v1beta/models/nope-9"), 404, "NOT_FOUND");
    }

    @Test
    void countTokensEstimatesBothBodyShapes() throws Exception {
        String contents = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + "word ".repeat(40)
                + "\"}]}]}";
        HttpResponse<String> res = Http.post(sluice, "/v1beta/models/gemini-2.5-flash:countTokens", contents,
                "x-goog-api-key", KEY);
        assertThat(res.statusCode()).isEqualTo(200);
        long n = json(res.body()).path("totalTokens").asLong();
        assertThat(n).isBetween(50L, 60L);
        HttpResponse<String> wrapped = Http.post(sluice, "/v1beta/models/mock/echo:countTokens",
                "{\"generateContentRequest\":{\"model\":\"models/mock/echo\"," + contents.substring(1) + "}",
                "x-goog-api-key", KEY);
        assertThat(json(wrapped.body()).path("totalTokens").asLong()).isEqualTo(n);
        assertGeminiError(Http.post(sluice, "/v1beta/models/gemini-2.5-flash:countTokens", "{\"contents\":",
                "x-goog-api-key", KEY), 400, "INVALID_ARGUMENT");
        assertGeminiError(Http.post(sluice, "/v1beta/models/gemini-2.5-flash:countTokens",
                "{\"generateContentRequest\":[]}", "x-goog-api-key", KEY), 400, "INVALID_ARGUMENT");
        assertGeminiError(get("/v1beta/models/gemini-2.5-flash:countTokens"), 405, "INVALID_ARGUMENT");
    }

    @Test
    void aiSdkPathsForModelIdsWithASlash() throws Exception {
        // @ai-sdk/google's getModelPath: an id with a slash goes under the base URL as it is.
        HttpResponse<String> res = Http.post(sluice, "/v1beta/mock/echo:generateContent", Bodies.gemini("hello"),
                "x-goog-api-key", KEY);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(json(res.body()).path("candidates").get(0).path("content").path("parts").get(0).path("text")
                .asText()).contains("hello");
        HttpResponse<String> stream = Http.post(sluice, "/v1beta/mock/echo:streamGenerateContent?alt=sse",
                Bodies.gemini("hi there"), "x-goog-api-key", KEY);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).startsWith("data: ").contains("finishReason");
    }

    @Test
    void everyGeminiPathAnswersErrorsInGeminisShape() throws Exception {
        assertGeminiError(get("/v1beta/files"), 404, "NOT_FOUND");
        assertGeminiError(get("/v1beta/cachedContents/x"), 404, "NOT_FOUND");
        assertGeminiError(get("/v1beta/models/gemini-2.5-flash:generateContent"), 405, "INVALID_ARGUMENT");
        assertGeminiError(Http.post(sluice, "/v1beta/models", "{}", "x-goog-api-key", KEY), 405, "INVALID_ARGUMENT");
        assertGeminiError(Http.post(sluice, "/v1beta/models/nope-9:generateContent", Bodies.gemini("x"),
                "x-goog-api-key", KEY), 404, "NOT_FOUND");
        assertGeminiError(Http.get(sluice, "/v1beta/models"), 401, "UNAUTHENTICATED");
        assertGeminiError(Http.get(sluice, "/v1beta/models?key=wrong-key-0000000000"), 401, "UNAUTHENTICATED");
        assertGeminiError(Http.post(sluice, "/v1beta/models/gemini-2.5-flash:countTokens", "{}"), 401,
                "UNAUTHENTICATED");
    }
}
