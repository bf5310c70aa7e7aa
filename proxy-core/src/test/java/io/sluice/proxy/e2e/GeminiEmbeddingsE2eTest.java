package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Gemini's {@code :embedContent} and {@code :batchEmbedContents} (as {@code @ai-sdk/google}'s embedding model sends
 * them) on an OpenAI-compatible provider: the upstream sees an OpenAI {@code /embeddings} request with its own model
 * and key, the client Gemini's answer shape with the vectors in order; bad bodies and providers without embeddings
 * are refused in Gemini's error shape.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GeminiEmbeddingsE2eTest {

    private static final String BATCH = "{\"requests\":[{\"model\":\"models/up/text-embedding-3-small\","
            + "\"content\":{\"role\":\"user\",\"parts\":[{\"text\":\"first text\"}]},\"outputDimensionality\":4},"
            + "{\"model\":\"models/up/text-embedding-3-small\",\"content\":{\"role\":\"user\",\"parts\":"
            + "[{\"text\":\"second\"}]},\"outputDimensionality\":4}]}";

    /** generativelanguage.googleapis.com's batchEmbedContents answer, vectors cut short. */
    static final String GEMINI_BATCH = "{\n  \"embeddings\": [\n"
            + "    {\"values\": [0.013168523, -0.008711934, -0.046782676]},\n"
            + "    {\"values\": [-0.0035745092, 0.0221237, -0.023587327]}\n  ]\n}\n";

    private TestUpstream upstream;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws Exception {
        upstream = new TestUpstream(r -> r.uri().contains(":batchEmbedContents") ? Reply.json(200, GEMINI_BATCH)
                : Reply.json(200, EmbeddingsImagesSdkTest.EMBEDDINGS).header("x-request-id", "req_embed_1"));
        sluice = TestConfig.config().mock().openAiCompatible("up", upstream, "text-embedding-3-small")
                .provider("gm", "gemini", upstream, "/v1beta", "gemini-2.5-flash", "text-embedding-004")
                .provider("claude", "anthropic", upstream, "/v1", "claude-sonnet-4-5").start();
    }

    @AfterEach
    void stop() {
        sluice.close();
        upstream.close();
    }

    @Test
    void batchEmbedContentsBecomesOneOpenAiCallAndComesBackInGeminisShape() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1beta/models/up/text-embedding-3-small:batchEmbedContents",
                BATCH, "x-goog-api-key", "sk-client");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.headers().firstValue("x-request-id")).hasValue("req_embed_1");
        JsonNode e = json(res.body()).path("embeddings");
        assertThat(e).hasSize(2);
        assertThat(e.get(0).path("values").get(0).asDouble()).isEqualTo(-0.006929283);
        assertThat(e.get(1).path("values").get(3).asDouble()).isEqualTo(0.0412255);
        TestUpstream.Received got = upstream.take();
        assertThat(got.uri()).isEqualTo("/v1/embeddings");
        assertThat(got.header("authorization")).isEqualTo("Bearer " + TestConfig.UPSTREAM_KEY);
        JsonNode sent = json(got.body());
        assertThat(sent.path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(sent.path("input")).extracting(JsonNode::asText).containsExactly("first text", "second");
        assertThat(sent.path("dimensions").asInt()).isEqualTo(4);
        assertThat(sent.path("encoding_format").asText()).isEqualTo("float");
    }

    @Test
    void embedContentAnswersOneEmbedding() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1beta/models/text-embedding-3-small:embedContent",
                "{\"model\":\"models/text-embedding-3-small\",\"content\":{\"parts\":[{\"text\":\"a\"},"
                        + "{\"text\":\"b\"}]},\"taskType\":\"RETRIEVAL_QUERY\"}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(json(res.body()).path("embedding").path("values")).hasSize(4);
        assertThat(json(upstream.take().body()).path("input")).extracting(JsonNode::asText).containsExactly("a\nb");
        // The built-in mock embeds too (it speaks OpenAI's API).
        HttpResponse<String> mock = Http.post(sluice, "/v1beta/models/mock/echo:embedContent",
                "{\"content\":{\"parts\":[{\"text\":\"hello\"}]}}");
        assertThat(mock.statusCode()).as(mock.body()).isEqualTo(200);
        assertThat(json(mock.body()).path("embedding").path("values").size()).isPositive();
    }

    @Test
    void aGeminiProviderGetsOneBatchCallForItsOwnModel() throws Exception {
        // Gemini's client, Gemini's provider: embedContent goes as a batch of one naming the upstream model.
        HttpResponse<String> one = Http.post(sluice, "/v1beta/models/gm/text-embedding-004:embedContent",
                "{\"content\":{\"parts\":[{\"text\":\"hello\"}]},\"outputDimensionality\":3}",
                "x-goog-api-key", "sk-client");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(json(one.body()).path("embedding").path("values").get(0).asDouble()).isEqualTo(0.013168523);
        TestUpstream.Received got = upstream.take();
        assertThat(got.uri()).isEqualTo("/v1beta/models/text-embedding-004:batchEmbedContents");
        assertThat(got.header("x-goog-api-key")).isEqualTo(TestConfig.UPSTREAM_KEY);
        JsonNode sent = json(got.body()).path("requests");
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).path("model").asText()).isEqualTo("models/text-embedding-004");
        assertThat(sent.get(0).path("content").path("parts").get(0).path("text").asText()).isEqualTo("hello");
        assertThat(sent.get(0).path("outputDimensionality").asInt()).isEqualTo(3);
        // OpenAI's client on /v1/embeddings, Gemini's provider: the answer in OpenAI's shape, in order.
        HttpResponse<String> openAi = Http.post(sluice, "/v1/embeddings",
                "{\"model\":\"gm/text-embedding-004\",\"input\":[\"a\",\"b\"]}");
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(200);
        JsonNode data = json(openAi.body()).path("data");
        assertThat(data).hasSize(2);
        assertThat(data.get(1).path("index").asInt()).isEqualTo(1);
        assertThat(data.get(1).path("embedding").get(2).asDouble()).isEqualTo(-0.023587327);
        assertThat(json(upstream.take().body()).path("requests")).hasSize(2);
        HttpResponse<String> tokens = Http.post(sluice, "/v1/embeddings",
                "{\"model\":\"gm/text-embedding-004\",\"input\":[[1,2,3]]}");
        assertThat(tokens.statusCode()).isEqualTo(400);
        assertThat(tokens.body()).contains("only strings");
    }

    @Test
    void badBodiesAndProvidersWithoutEmbeddingsAreRefusedInGeminisShape() throws Exception {
        assertError(Http.post(sluice, "/v1beta/models/text-embedding-3-small:batchEmbedContents",
                "{\"requests\":[]}"), 400, "requests");
        assertError(Http.post(sluice, "/v1beta/models/text-embedding-3-small:embedContent",
                "{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AA==\"}}]}}"), 400,
                "only text parts");
        assertError(Http.post(sluice, "/v1beta/models/text-embedding-3-small:embedContent", "[1]"), 400, "");
        assertError(Http.post(sluice, "/v1beta/models/claude-sonnet-4-5:embedContent",
                "{\"content\":{\"parts\":[{\"text\":\"a\"}]}}"), 400, "does not support embeddings");
        assertError(Http.post(sluice, "/v1beta/models/nope-9:embedContent",
                "{\"content\":{\"parts\":[{\"text\":\"a\"}]}}"), 404, "nope-9");
        assertError(Http.get(sluice, "/v1beta/models/text-embedding-3-small:embedContent"), 405, "POST");
        assertThat(upstream.requestsWaiting()).isZero();
    }

    private static void assertError(HttpResponse<String> res, int status, String says) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        JsonNode e = json(res.body()).path("error");
        assertThat(e.path("code").asInt()).isEqualTo(status);
        assertThat(e.path("status").asText()).isNotBlank();
        assertThat(e.path("message").asText()).contains(says);
    }
}
