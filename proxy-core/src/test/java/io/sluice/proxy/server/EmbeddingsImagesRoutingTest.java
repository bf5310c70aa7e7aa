package io.sluice.proxy.server;

import static io.sluice.proxy.testing.Embedded.drain;
import static io.sluice.proxy.testing.Embedded.feed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.HttpWire.Message;
import io.sluice.proxy.testing.TestProxy;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@code POST /v1/embeddings} and {@code /v1/images/generations} through the real client pipeline: routing, the
 * errors of both endpoints, and the built-in mock's answers. Requests are fed split 1 byte, 7 bytes and whole.
 */
class EmbeddingsImagesRoutingTest {

    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private TestProxy proxy;
    private EmbeddedChannel client;

    @BeforeEach
    void setUp() {
        // Upstreams at the discard port: a request that reached one would fail with 502, never answer 400 at once.
        proxy = TestProxy.builder()
                .server("maxBodyBytes", 64 * 1024)
                .mock("0ms", 1)
                .openAiCompatible("up", "http://127.0.0.1:9/v1", "sk-test-0123456789abcdef", "text-embedding-3-small")
                .provider("claude", "anthropic", "http://127.0.0.1:9/v1", "sk-ant-0123456789", "claude-sonnet-4-5")
                .provider("cursor", "cursor-agent", "http://127.0.0.1:9/v1", "cur-0123456789", "cursor-small")
                .provider("local", "ollama", "http://127.0.0.1:9/v1", "none-0123456789", "nomic-embed-text")
                .providersYaml("  resp:\n    type: openai-compatible\n    dialect: responses\n"
                        + "    baseUrl: http://127.0.0.1:9/v1\n    models: [text-embedding-3-large]\n")
                .build();
        client = proxy.client();
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        proxy.close();
    }

    static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: sluice\r\n\r\n";
    }

    static String embeddings(String model, String input) {
        return post("/v1/embeddings", "{\"model\":\"" + model + "\",\"input\":" + input + "}");
    }

    private List<Message> send(String wire, int size) {
        feed(client, wire, size);
        List<Message> res = HttpWire.responses(drain(client));
        res.forEach(m -> assertThat(m.complete()).as("response complete").isTrue());
        return res;
    }

    private Message sendOne(String wire, int size) {
        List<Message> res = send(wire, size);
        assertThat(res).as("responses").hasSize(1);
        return res.get(0);
    }

    private static void assertError(Message res, int status, String code, String param) {
        assertThat(res.status()).isEqualTo(status);
        assertThat(res.header("content-type")).isEqualTo("application/json");
        JsonNode e = res.error();
        assertThat(e.get("type").asText()).isEqualTo(status == 404 ? "not_found_error" : "invalid_request_error");
        assertThat(e.get("code").asText()).isEqualTo(code);
        if (param == null) {
            assertThat(e.get("param").isNull()).isTrue();
        } else {
            assertThat(e.get("param").asText()).isEqualTo(param);
        }
    }

    static float[] floats(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            assertThat(array.get(i).isNumber()).isTrue();
            v[i] = array.get(i).floatValue();
        }
        return v;
    }

    static float[] fromBase64(String b64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining() % 4).isZero();
        float[] v = new float[bytes.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = bytes.getFloat();
        }
        return v;
    }

    static double norm(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += (double) f * f;
        }
        return Math.sqrt(sum);
    }

    // ---- embeddings from the mock ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void mockEmbeddingsAreOneUnitVectorPerInputAndDeterministic(int size) {
        Message res = sendOne(embeddings("mock/text-embedding-3-small", "[\"alpha\",\"beta\",\"alpha\",\"héllo ✓\"]"),
                size);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).isEqualTo("application/json");
        assertThat(res.header("content-length")).isEqualTo(Integer.toString(res.body().length));
        JsonNode list = res.json();
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("model").asText()).isEqualTo("mock/text-embedding-3-small");
        JsonNode data = list.get("data");
        assertThat(data).hasSize(4);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            JsonNode e = data.get(i);
            assertThat(e.get("object").asText()).isEqualTo("embedding");
            assertThat(e.get("index").asInt()).isEqualTo(i);
            float[] v = floats(e.get("embedding"));
            assertThat(v).hasSize(8);
            assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
            vectors.add(v);
        }
        assertThat(vectors.get(2)).as("same text, same vector").containsExactly(vectors.get(0));
        assertThat(Arrays.equals(vectors.get(0), vectors.get(1))).as("different texts differ").isFalse();
        // 4 characters a token, at least 1: alpha 2, beta 1, alpha 2, "héllo ✓" 2.
        assertThat(list.at("/usage/prompt_tokens").asInt()).isEqualTo(7);
        assertThat(list.at("/usage/total_tokens").asInt()).isEqualTo(7);
        assertThat(client.isOpen()).isTrue();
        assertThat(proxy.requests("POST", "/v1/embeddings", 200)).isEqualTo(1.0);
    }

    @Test
    void mockEmbeddingsDependOnTheTextOnly() {
        List<Message> res = send(embeddings("mock/a", "\"same text\"") + embeddings("mock/b", "[\"same text\"]"),
                Integer.MAX_VALUE);

        assertThat(floats(res.get(0).json().at("/data/0/embedding")))
                .containsExactly(floats(res.get(1).json().at("/data/0/embedding")));
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void mockEmbeddingsHonourDimensionsAndBase64(int size) {
        String asFloats = "{\"model\":\"mock/e\",\"input\":\"vector me\",\"dimensions\":48}";
        String asBase64 = "{\"model\":\"mock/e\",\"input\":\"vector me\",\"dimensions\":48,"
                + "\"encoding_format\":\"base64\"}";
        List<Message> res = send(post("/v1/embeddings", asFloats) + post("/v1/embeddings", asBase64), size);

        assertThat(res).extracting(Message::status).containsExactly(200, 200);
        float[] plain = floats(res.get(0).json().at("/data/0/embedding"));
        JsonNode encoded = res.get(1).json().at("/data/0/embedding");
        assertThat(encoded.isTextual()).isTrue();
        float[] decoded = fromBase64(encoded.asText());
        assertThat(plain).hasSize(48);
        assertThat(norm(plain)).isCloseTo(1.0, within(1e-5));
        assertThat(decoded).containsExactly(plain);
    }

    @Test
    void mockEmbeddingsTakeTokenArrays() {
        List<Message> res = send(embeddings("mock/e", "[15339, 1917]") + embeddings("mock/e", "[[15339, 1917], [9906]]")
                + embeddings("mock/e", "[[15339, 1917]]"), Integer.MAX_VALUE);

        assertThat(res).extracting(Message::status).containsExactly(200, 200, 200);
        assertThat(res.get(0).json().get("data")).hasSize(1);
        assertThat(res.get(0).json().at("/usage/prompt_tokens").asInt()).isEqualTo(2);
        assertThat(res.get(1).json().get("data")).hasSize(2);
        assertThat(res.get(1).json().at("/usage/prompt_tokens").asInt()).isEqualTo(3);
        float[] single = floats(res.get(0).json().at("/data/0/embedding"));
        assertThat(floats(res.get(1).json().at("/data/0/embedding"))).containsExactly(single);
        assertThat(floats(res.get(2).json().at("/data/0/embedding"))).containsExactly(single);
    }

    @Test
    void mockEmbeddingsRefuseWhatOpenAiRefuses() {
        String[] bodies = {
            "{\"model\":\"mock/e\"}",
            "{\"model\":\"mock/e\",\"input\":null}",
            "{\"model\":\"mock/e\",\"input\":[]}",
            "{\"model\":\"mock/e\",\"input\":[true]}",
            "{\"model\":\"mock/e\",\"input\":[1,-2]}",
            "{\"model\":\"mock/e\",\"input\":{\"text\":\"x\"}}",
            "{\"model\":\"mock/e\",\"input\":\"x\",\"dimensions\":0}",
            "{\"model\":\"mock/e\",\"input\":\"x\",\"dimensions\":4097}",
            "{\"model\":\"mock/e\",\"input\":\"x\",\"dimensions\":\"8\"}",
            "{\"model\":\"mock/e\",\"input\":\"x\",\"encoding_format\":\"hex\"}",
            "{\"model\":\"mock/e\",\"input\":[" + "\"x\",".repeat(300) + "\"x\"],\"dimensions\":4096}",
        };
        StringBuilder wire = new StringBuilder();
        for (String b : bodies) {
            wire.append(post("/v1/embeddings", b));
        }
        List<Message> res = send(wire.append(get("/health")).toString(), Integer.MAX_VALUE);

        assertThat(res).hasSize(bodies.length + 1);
        for (int i = 0; i < bodies.length; i++) {
            assertError(res.get(i), 400, "invalid_request", null);
        }
        assertThat(res.get(0).error().get("message").asText()).startsWith("input: missing (expected: a string");
        assertThat(res.get(7).error().get("message").asText())
                .isEqualTo("dimensions: 4097 (expected: an integer from 1 to 4096)");
        assertThat(res.get(9).error().get("message").asText())
                .isEqualTo("encoding_format: \"hex\" (expected: \"float\" or \"base64\")");
        assertThat(res.get(bodies.length).status()).isEqualTo(200);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void dimensionsUpToTheCapAreServed() {
        Message res = sendOne(post("/v1/embeddings", "{\"model\":\"mock/e\",\"input\":\"x\",\"dimensions\":4096}"),
                Integer.MAX_VALUE);

        float[] v = floats(res.json().at("/data/0/embedding"));
        assertThat(v).hasSize(4096);
        assertThat(norm(v)).isCloseTo(1.0, within(1e-5));
    }

    // ---- images from the mock ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void mockImagesArePngsAsBase64(int size) throws IOException {
        Message res = sendOne(post("/v1/images/generations",
                "{\"model\":\"mock/gpt-image-1\",\"prompt\":\"a lighthouse at dusk\",\"n\":3,\"size\":\"1024x1024\"}"),
                size);

        assertThat(res.status()).isEqualTo(200);
        JsonNode body = res.json();
        long now = System.currentTimeMillis() / 1000;
        assertThat(body.get("created").asLong()).isBetween(now - 60, now + 1);
        JsonNode data = body.get("data");
        assertThat(data).hasSize(3);
        List<String> images = new ArrayList<>();
        for (JsonNode image : data) {
            assertThat(image.get("revised_prompt").asText()).isEqualTo("a lighthouse at dusk");
            assertThat(image.has("url")).isFalse();
            String b64 = image.get("b64_json").asText();
            assertPng(Base64.getDecoder().decode(b64));
            images.add(b64);
        }
        assertThat(images).doesNotHaveDuplicates();
        assertThat(proxy.requests("POST", "/v1/images/generations", 200)).isEqualTo(1.0);
    }

    @Test
    void mockImagesAsDataUrls() throws IOException {
        Message res = sendOne(post("/images/generations",
                "{\"model\":\"mock/dall-e-3\",\"prompt\":\"a red fox\",\"response_format\":\"url\"}"),
                Integer.MAX_VALUE);

        assertThat(res.status()).isEqualTo(200);
        JsonNode data = res.json().get("data");
        assertThat(data).hasSize(1);
        String url = data.get(0).get("url").asText();
        assertThat(url).startsWith("data:image/png;base64,");
        assertThat(data.get(0).has("b64_json")).isFalse();
        assertPng(Base64.getDecoder().decode(url.substring("data:image/png;base64,".length())));
    }

    @Test
    void mockImagesRefuseWhatOpenAiRefuses() {
        String[] bodies = {
            "{\"model\":\"mock/i\"}",
            "{\"model\":\"mock/i\",\"prompt\":\"  \"}",
            "{\"model\":\"mock/i\",\"prompt\":42}",
            "{\"model\":\"mock/i\",\"prompt\":\"x\",\"n\":0}",
            "{\"model\":\"mock/i\",\"prompt\":\"x\",\"n\":11}",
            "{\"model\":\"mock/i\",\"prompt\":\"x\",\"response_format\":\"gif\"}",
        };
        StringBuilder wire = new StringBuilder();
        for (String b : bodies) {
            wire.append(post("/v1/images/generations", b));
        }
        List<Message> res = send(wire.toString(), Integer.MAX_VALUE);

        assertThat(res).hasSize(bodies.length);
        for (Message m : res) {
            assertError(m, 400, "invalid_request", null);
        }
        assertThat(res.get(0).error().get("message").asText())
                .isEqualTo("prompt: missing (expected: a non-empty string)");
        assertThat(res.get(4).error().get("message").asText()).isEqualTo("n: 11 (expected: an integer from 1 to 10)");
        assertThat(client.isOpen()).isTrue();
    }

    static void assertPng(byte[] png) throws IOException {
        assertThat(Arrays.copyOf(png, 8)).containsExactly(PNG_SIGNATURE);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("decodable PNG").isNotNull();
        assertThat(image.getWidth()).isEqualTo(16);
        assertThat(image.getHeight()).isEqualTo(16);
    }

    // ---- routing ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void pathAliasesAndThePerProviderRouteServeBothOperations(int size) {
        String viaModel = "{\"model\":\"mock/text-embedding-3-small\",\"input\":\"x\"}";
        // A bare name the provider "up" lists: the per-provider route sends it to the mock instead.
        String bare = "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}";
        String image = "{\"model\":\"gpt-image-1\",\"prompt\":\"x\"}";
        List<Message> res = send(post("/embeddings", viaModel) + post("/v1/embeddings/?trace=1", viaModel)
                + post("/v1/providers/mock/embeddings", bare) + post("/v1/providers/mock/images/generations", image)
                + post("/v1/providers/mock/embeddings", "{\"model\":\"mock/e\",\"input\":\"x\"}"), size);

        assertThat(res).extracting(Message::status).containsExactly(200, 200, 200, 200, 200);
        assertThat(res.get(2).json().get("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(res.get(3).json().at("/data/0/b64_json").isTextual()).isTrue();
        assertThat(proxy.requests("POST", "/v1/embeddings", 200)).isEqualTo(4.0);
        assertThat(proxy.requests("POST", "/v1/images/generations", 200)).isEqualTo(1.0);
    }

    @Test
    void unknownProviderOnThePerProviderRouteIs404() {
        Message res = sendOne(post("/v1/providers/nope/embeddings", "{\"model\":\"e\",\"input\":\"x\"}"),
                Integer.MAX_VALUE);

        assertError(res, 404, "provider_not_found", null);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void getIs405WithAllowPost(int size) {
        List<Message> res = send(get("/v1/embeddings") + get("/images/generations")
                + get("/v1/providers/mock/embeddings"), size);

        assertThat(res).hasSize(3);
        for (Message m : res) {
            assertError(m, 405, "method_not_allowed", null);
            assertThat(m.header("allow")).isEqualTo("POST");
        }
        assertThat(proxy.requests("GET", "/v1/embeddings", 405)).isEqualTo(2.0);
        assertThat(proxy.requests("GET", "/v1/images/generations", 405)).isEqualTo(1.0);
        assertThat(client.isOpen()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void badJsonMissingAndUnknownModelsAreRefusedLikeChat(int size) {
        List<Message> res = send(post("/v1/embeddings", "{\"model\":\"mock/e\",") + post("/v1/embeddings", "[1]")
                + post("/v1/images/generations", "{\"prompt\":\"x\"}") + post("/v1/embeddings", "{\"input\":\"x\"}")
                + embeddings("mokc/e", "\"x\"") + get("/health"), size);

        assertThat(res).hasSize(6);
        assertError(res.get(0), 400, "invalid_json", null);
        assertError(res.get(1), 400, "invalid_json", null);
        assertError(res.get(2), 400, "missing_model", null);
        assertError(res.get(3), 400, "missing_model", null);
        assertError(res.get(4), 404, "model_not_found", null);
        assertThat(res.get(5).status()).isEqualTo(200);
        assertThat(client.isOpen()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void providersThatCannotServeTheOperationAre400(int size) {
        List<Message> res = send(embeddings("claude/claude-sonnet-4-5", "\"x\"")
                + embeddings("cursor/cursor-small", "\"x\"")
                + post("/v1/images/generations", "{\"model\":\"local/nomic-embed-text\",\"prompt\":\"x\"}")
                + post("/v1/images/generations", "{\"model\":\"claude/claude-sonnet-4-5\",\"prompt\":\"x\"}")
                + post("/v1/providers/claude/embeddings", "{\"model\":\"claude-sonnet-4-5\",\"input\":\"x\"}")
                + embeddings("resp/text-embedding-3-large", "\"x\""), size);

        assertThat(res).hasSize(6);
        for (Message m : res) {
            assertError(m, 400, "unsupported_operation", "model");
            assertThat(m.header("connection")).isNull();
        }
        assertThat(res.get(0).error().get("message").asText()).isEqualTo("provider claude does not support embeddings");
        assertThat(res.get(1).error().get("message").asText()).isEqualTo("provider cursor does not support embeddings");
        assertThat(res.get(2).error().get("message").asText())
                .isEqualTo("provider local does not support image generation");
        assertThat(res.get(3).error().get("message").asText())
                .isEqualTo("provider claude does not support image generation");
        assertThat(res.get(4).error().get("message").asText()).isEqualTo("provider claude does not support embeddings");
        assertThat(res.get(5).error().get("message").asText())
                .isEqualTo("provider resp speaks the responses API, which has no OpenAI-compatible embeddings "
                        + "endpoint");
        assertThat(proxy.requests("POST", "/v1/embeddings", 400)).isEqualTo(4.0);
        assertThat(client.isOpen()).isTrue();
    }
}
