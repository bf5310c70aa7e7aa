package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.UPSTREAM_KEY;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.Embedding;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.images.Image;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Embeddings and image generation with the official OpenAI Java SDK as the client: answered by the built-in mock, and
 * relayed to loopback upstreams as an OpenAI-compatible server and as Azure OpenAI, where the upstream must see its
 * own path, auth and model id, and the SDK exactly what the upstream said.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EmbeddingsImagesSdkTest {

    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** api.openai.com's shape, vectors cut short. */
    static final String EMBEDDINGS = "{\n"
            + "  \"object\": \"list\",\n"
            + "  \"data\": [\n"
            + "    {\"object\": \"embedding\", \"index\": 0,\n"
            + "     \"embedding\": [-0.006929283, -0.005336422, 0.00024047505, -0.0046527917]},\n"
            + "    {\"object\": \"embedding\", \"index\": 1,\n"
            + "     \"embedding\": [0.0137523, -0.0211409, 0.0019829, 0.0412255]}\n"
            + "  ],\n"
            + "  \"model\": \"text-embedding-3-small\",\n"
            + "  \"usage\": {\"prompt_tokens\": 5, \"total_tokens\": 5}\n"
            + "}\n";

    /** A 1×1 PNG. */
    static final String PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgA"
            + "AAABJRU5ErkJggg==";

    /** gpt-image-1's shape. */
    static final String IMAGES = "{\"created\": 1745341200, \"background\": \"opaque\", \"data\": [{\"b64_json\": \""
            + PIXEL + "\"}], \"output_format\": \"png\", \"quality\": \"low\", \"size\": \"1024x1024\","
            + " \"usage\": {\"input_tokens\": 12, \"input_tokens_details\": {\"image_tokens\": 0, \"text_tokens\": 12},"
            + " \"output_tokens\": 272, \"total_tokens\": 284}}";

    private TestUpstream upstream;
    private SluiceServer sluice;
    private OpenAIClient client;

    @BeforeEach
    void start() throws InterruptedException {
        upstream = new TestUpstream(r -> Reply.json(200, r.uri().contains("/images/") ? IMAGES : EMBEDDINGS));
        sluice = config().mock()
                .openAiCompatible("up", upstream, "text-embedding-3-small", "gpt-image-1")
                .provider("az", "azure", upstream, "", "my-embedder", "my-painter")
                .provider("claude", "anthropic", upstream, "/v1", "claude-sonnet-4-5")
                .provider("cursor", "cursor-agent", upstream, "/v1", "cursor-small")
                .start();
        client = Sdks.openAi(sluice, Sdks.CLIENT_KEY);
    }

    @AfterEach
    void close() {
        client.close();
        sluice.close();
        upstream.close();
    }

    /** What the SDK puts on the wire, captured by pointing it straight at a recording upstream. */
    private static String sentBySdk(Reply reply, Consumer<OpenAIClient> call) throws Exception {
        try (TestUpstream direct = new TestUpstream(r -> reply)) {
            OpenAIClient c = Sdks.openAi(direct.baseUrl().toString(), Sdks.CLIENT_KEY);
            try {
                call.accept(c);
            } finally {
                c.close();
            }
            return direct.take().body();
        }
    }

    private static void assertSpliced(TestUpstream.Received got, String sdkBody, String clientModel,
                                      String upstreamModel) {
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.header("content-type")).isEqualTo("application/json");
        assertThat(got.body()).doesNotContain("sk-client-key-never-forwarded");
        String field = "\"model\":\"" + clientModel + "\"";
        assertThat(sdkBody).contains(field);
        assertThat(got.body()).isEqualTo(sdkBody.replace(field, "\"model\":\"" + upstreamModel + "\""));
    }

    private static EmbeddingCreateParams.Builder embed(String model) {
        return EmbeddingCreateParams.builder().model(model).inputOfArrayOfStrings(List.of("first text", "second"));
    }

    static double norm(List<Float> v) {
        double sum = 0;
        for (float f : v) {
            sum += (double) f * f;
        }
        return Math.sqrt(sum);
    }

    static float[] littleEndianFloats(String b64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = bytes.getFloat();
        }
        return v;
    }

    static float[] array(List<Float> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    static void assertPng(String b64) {
        byte[] png = Base64.getDecoder().decode(b64);
        assertThat(png.length).isGreaterThan(PNG_SIGNATURE.length);
        assertThat(Arrays.copyOf(png, PNG_SIGNATURE.length)).containsExactly(PNG_SIGNATURE);
    }

    // ---- the built-in mock ----

    @Test
    void mockEmbeddingsAreUnitVectorsOnePerInput() {
        CreateEmbeddingResponse res = client.embeddings().create(embed("mock/text-embedding-3-small")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());

        assertThat(res.model()).isEqualTo("mock/text-embedding-3-small");
        assertThat(res.data()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Embedding e = res.data().get(i);
            assertThat(e.index()).isEqualTo(i);
            assertThat(e.embeddingValue().isFloats()).isTrue();
            assertThat(e.embedding()).hasSize(8);
            assertThat(norm(e.embedding())).isCloseTo(1.0, within(1e-5));
        }
        assertThat(res.data().get(0).embedding()).isNotEqualTo(res.data().get(1).embedding());
        assertThat(res.usage().promptTokens()).isEqualTo(5); // "first text" 3, "second" 2
        assertThat(res.usage().totalTokens()).isEqualTo(5);
    }

    @Test
    void mockEmbeddingsInBase64DecodeToTheSameVectors() {
        CreateEmbeddingResponse floats = client.embeddings().create(embed("mock/e").dimensions(256)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
        CreateEmbeddingResponse base64 = client.embeddings().create(embed("mock/e").dimensions(256)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());
        CreateEmbeddingResponse byDefault = client.embeddings().create(embed("mock/e").dimensions(256).build());

        for (int i = 0; i < 2; i++) {
            List<Float> expected = floats.data().get(i).embedding();
            assertThat(expected).hasSize(256);
            assertThat(norm(expected)).isCloseTo(1.0, within(1e-5));
            Embedding e = base64.data().get(i);
            assertThat(e.embeddingValue().isBase64()).isTrue();
            assertThat(littleEndianFloats(e.embeddingValue().asBase64())).containsExactly(array(expected));
            assertThat(e.embedding()).as("the SDK's own decoding").isEqualTo(expected);
            assertThat(byDefault.data().get(i).embedding()).isEqualTo(expected);
        }
    }

    @Test
    void mockImagesArePngs() {
        ImagesResponse res = client.images().generate(ImageGenerateParams.builder().model("mock/gpt-image-1")
                .prompt("a lighthouse at dusk").n(2).build());

        List<Image> data = res.data().orElseThrow();
        assertThat(data).hasSize(2);
        for (Image image : data) {
            assertPng(image.b64Json().orElseThrow());
            assertThat(image.revisedPrompt()).contains("a lighthouse at dusk");
            assertThat(image.url()).isEmpty();
        }
        assertThat(res.created()).isCloseTo(System.currentTimeMillis() / 1000, within(60L));
    }

    @Test
    void mockImagesAsDataUrls() {
        ImagesResponse res = client.images().generate(ImageGenerateParams.builder().model("mock/dall-e-3")
                .prompt("a red fox").responseFormat(ImageGenerateParams.ResponseFormat.URL).build());

        String url = res.data().orElseThrow().get(0).url().orElseThrow();
        assertThat(url).startsWith("data:image/png;base64,");
        assertPng(url.substring("data:image/png;base64,".length()));
    }

    @Test
    void mockRefusesAMissingPromptAsOpenAiDoes() {
        assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder().model("mock/gpt-image-1")
                .prompt("").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.code()).contains("invalid_request");
                    assertThat(e.getMessage()).contains("prompt");
                });
    }

    @Test
    void pathsWithoutV1AndThePerProviderRouteReachTheMock() throws Exception {
        withClient(Http.base(sluice), bare -> {
            assertThat(bare.embeddings().create(embed("mock/e").build()).data()).hasSize(2);
            assertThat(bare.images().generate(ImageGenerateParams.builder().model("mock/i").prompt("x").build())
                    .data().orElseThrow()).hasSize(1);
        });
        withClient(Http.base(sluice) + "/v1/providers/mock", forced -> {
            // A bare name "up" lists: the route names the provider, so the mock answers.
            CreateEmbeddingResponse res = forced.embeddings().create(embed("text-embedding-3-small").build());
            assertThat(res.model()).isEqualTo("text-embedding-3-small");
            assertThat(forced.images().generate(ImageGenerateParams.builder().model("gpt-image-1").prompt("x")
                    .build()).data().orElseThrow()).hasSize(1);
        });
        assertThat(upstream.requestsWaiting()).isZero();
    }

    private static void withClient(String baseUrl, ThrowingConsumer<OpenAIClient> body) throws Exception {
        OpenAIClient c = Sdks.openAi(baseUrl, Sdks.CLIENT_KEY);
        try {
            body.accept(c);
        } finally {
            c.close();
        }
    }

    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    // ---- relayed to an OpenAI-compatible upstream ----

    @Test
    void embeddingsRelayToTheUpstreamWithTheModelSpliced() throws Exception {
        EmbeddingCreateParams params = embed("up/text-embedding-3-small").dimensions(4).build();
        String sdkBody = sentBySdk(Reply.json(200, EMBEDDINGS), c -> c.embeddings().create(params));

        CreateEmbeddingResponse res = client.embeddings().create(params);

        assertThat(res.model()).isEqualTo("text-embedding-3-small");
        assertThat(res.data()).hasSize(2);
        assertThat(array(res.data().get(0).embedding()))
                .containsExactly(-0.006929283f, -0.005336422f, 0.00024047505f, -0.0046527917f);
        assertThat(array(res.data().get(1).embedding())).containsExactly(0.0137523f, -0.0211409f, 0.0019829f,
                0.0412255f);
        assertThat(res.usage().promptTokens()).isEqualTo(5);
        TestUpstream.Received got = upstream.take();
        assertThat(got.uri()).isEqualTo("/v1/embeddings");
        assertThat(got.header("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        assertThat(got.header("accept")).isEqualTo("application/json");
        assertSpliced(got, sdkBody, "up/text-embedding-3-small", "text-embedding-3-small");
    }

    @Test
    void upstreamEmbeddingsBytesReachTheClientUnchangedAndTheirUsageIsCounted() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/embeddings",
                "{\"input\":[\"a\",\"b\"],\"model\":\"up/text-embedding-3-small\",\"encoding_format\":\"float\"}");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).contains("application/json");
        assertThat(res.body()).isEqualTo(EMBEDDINGS);
        assertThat(json(upstream.take().body()).get("model").asText()).isEqualTo("text-embedding-3-small");

        String metrics = Http.get(sluice, "/metrics").body();
        assertThat(Prometheus.sample(metrics, "llm_tokens_total", "provider", "up", "model",
                "text-embedding-3-small", "kind", "prompt")).contains(5.0);
        assertThat(Prometheus.sample(metrics, "http_requests_total", "POST", "/v1/embeddings", "200"))
                .contains(1.0);
    }

    @Test
    void imagesRelayToTheUpstreamWithTheModelSpliced() throws Exception {
        ImageGenerateParams params = ImageGenerateParams.builder().model("up/gpt-image-1")
                .prompt("a lighthouse at dusk").n(1).size(ImageGenerateParams.Size._1024X1024).build();
        String sdkBody = sentBySdk(Reply.json(200, IMAGES), c -> c.images().generate(params));

        ImagesResponse res = client.images().generate(params);

        assertThat(res.created()).isEqualTo(1745341200L);
        assertThat(res.data().orElseThrow().get(0).b64Json()).contains(PIXEL);
        assertPng(PIXEL);
        assertThat(res.usage().orElseThrow().totalTokens()).isEqualTo(284);
        TestUpstream.Received got = upstream.take();
        assertThat(got.uri()).isEqualTo("/v1/images/generations");
        assertThat(got.header("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        assertSpliced(got, sdkBody, "up/gpt-image-1", "gpt-image-1");
    }

    @Test
    void perProviderRouteRelaysToThatProvider() throws Exception {
        withClient(Http.base(sluice) + "/v1/providers/up", forced -> {
            CreateEmbeddingResponse res = forced.embeddings().create(embed("text-embedding-3-small").build());

            assertThat(res.model()).isEqualTo("text-embedding-3-small");
            TestUpstream.Received got = upstream.take();
            assertThat(got.uri()).isEqualTo("/v1/embeddings");
            assertThat(json(got.body()).get("model").asText()).isEqualTo("text-embedding-3-small");

            forced.embeddings().create(embed("up/text-embedding-3-large").build());
            assertThat(json(upstream.take().body()).get("model").asText()).isEqualTo("text-embedding-3-large");
        });
    }

    // ---- relayed to Azure OpenAI ----

    @Test
    void azureGetsItsDeploymentPathAndApiKeyHeader() throws Exception {
        CreateEmbeddingResponse res = client.embeddings().create(embed("az/my-embedder").build());
        ImagesResponse images = client.images().generate(ImageGenerateParams.builder().model("az/my-painter")
                .prompt("a lighthouse").build());

        assertThat(res.data()).hasSize(2);
        assertThat(images.data().orElseThrow().get(0).b64Json()).contains(PIXEL);
        TestUpstream.Received embedding = upstream.take();
        assertThat(embedding.method()).isEqualTo("POST");
        assertThat(embedding.uri()).isEqualTo("/openai/deployments/my-embedder/embeddings?api-version=2024-10-21");
        assertThat(embedding.header("api-key")).isEqualTo(UPSTREAM_KEY);
        assertThat(embedding.header("authorization")).isNull();
        assertThat(json(embedding.body()).get("model").asText()).isEqualTo("my-embedder");
        TestUpstream.Received image = upstream.take();
        assertThat(image.uri()).isEqualTo("/openai/deployments/my-painter/images/generations?api-version=2024-10-21");
        assertThat(image.header("api-key")).isEqualTo(UPSTREAM_KEY);
    }

    // ---- providers that cannot ----

    @Test
    void providersWithoutTheOperationAre400UnsupportedOperation() {
        for (String model : new String[] {"claude/claude-sonnet-4-5", "cursor/cursor-small"}) {
            assertThatThrownBy(() -> client.embeddings().create(embed(model).build()))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.code()).contains("unsupported_operation");
                        assertThat(e.param()).contains("model");
                        assertThat(e.type()).contains("invalid_request_error");
                        assertThat(e.getMessage()).contains("provider " + model.substring(0, model.indexOf('/'))
                                + " does not support embeddings");
                    });
        }
        assertThatThrownBy(() -> client.images().generate(ImageGenerateParams.builder()
                .model("claude/claude-sonnet-4-5").prompt("x").build()))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.code()).contains("unsupported_operation"));
        assertThat(upstream.requestsWaiting()).as("nothing reached an upstream").isZero();
        assertThat(upstream.connections()).isZero();
    }
}
