package io.sluice.bench.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mock over real sockets on 127.0.0.1: every route, stream and JSON, overrides, delays, faults. */
class MockUpstreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNKS = 6;
    private static final int CHUNK_BYTES = 9;
    private static final String TEXT = String.join("", AnswerTemplates.texts(CHUNKS, CHUNK_BYTES));

    private static MockUpstream mock;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        mock = MockUpstream.start(MockUpstreamSettings.builder().port(0).chunks(CHUNKS).chunkBytes(CHUNK_BYTES)
                .seed(7).build());
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    // ---- OpenAI ----

    @Test
    void openAiJsonEchoesModelAndCarriesUsage() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.path("object").asText()).isEqualTo("chat.completion");
        assertThat(n.path("id").asText())
                .isEqualTo("chatcmpl-mock-" + r.headers().firstValue("x-mock-seq").orElseThrow());
        assertThat(n.path("created").asLong()).isCloseTo(System.currentTimeMillis() / 1000, within(5L));
        assertThat(n.path("model").asText()).isEqualTo("gpt-4o-mini");
        JsonNode choice = n.path("choices").get(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isEqualTo(TEXT);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(n.path("usage").path("completion_tokens").asInt()).isEqualTo(CHUNKS);
        assertThat(n.path("usage").path("total_tokens").asInt())
                .isEqualTo(n.path("usage").path("prompt_tokens").asInt() + CHUNKS);
    }

    @Test
    void openAiStreamEndsWithStopThenDoneOnce() throws Exception {
        // Whitespace around the colon: the body is parsed, not pattern-matched.
        HttpResponse<String> r = post("/v1/chat/completions",
                "{ \"model\" : \"gpt-4o\", \"stream\" :\n true, \"messages\": [] }");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<RawHttp.Event> events = RawHttp.events(r.body());
        assertThat(events).extracting(RawHttp.Event::data).filteredOn("[DONE]"::equals).hasSize(1);
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = jsonOf(events.subList(0, events.size() - 1));
        assertThat(chunks).hasSize(1 + CHUNKS + 1); // role, content..., finish
        String id = chunks.get(0).path("id").asText();
        for (JsonNode c : chunks) {
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(c.path("id").asText()).isEqualTo(id);
            assertThat(c.has("usage")).isFalse();
        }
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        JsonNode last = chunks.get(chunks.size() - 1).path("choices").get(0);
        assertThat(last.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(last.path("delta").size()).isZero();
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            assertThat(c.path("choices").get(0).path("finish_reason").isNull()).isTrue();
        }
        assertThat(openAiText(chunks)).isEqualTo(TEXT);
    }

    @Test
    void openAiStreamWithIncludeUsageSendsUsageChunkBeforeDone() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[]}");
        List<RawHttp.Event> events = RawHttp.events(r.body());
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        List<JsonNode> chunks = jsonOf(events.subList(0, events.size() - 1));
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.path("choices").size()).isZero();
        assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(CHUNKS);
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            assertThat(c.path("usage").isNull()).as("usage:null on %s", c).isTrue();
        }
        assertThat(chunks.get(chunks.size() - 2).path("choices").get(0).path("finish_reason").asText())
                .isEqualTo("stop");
        assertThat(openAiText(chunks)).isEqualTo(TEXT);
    }

    // ---- Anthropic ----

    @Test
    void anthropicStreamHasEventLinesInOrder() throws Exception {
        HttpResponse<String> r = post("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        List<RawHttp.Event> events = RawHttp.events(r.body());
        List<String> expected = new ArrayList<>(List.of("message_start", "content_block_start", "ping"));
        for (int i = 0; i < CHUNKS; i++) {
            expected.add("content_block_delta");
        }
        expected.addAll(List.of("content_block_stop", "message_delta", "message_stop"));
        assertThat(events).extracting(RawHttp.Event::event).containsExactlyElementsOf(expected);
        List<JsonNode> data = jsonOf(events);
        for (int i = 0; i < events.size(); i++) {
            assertThat(data.get(i).path("type").asText()).isEqualTo(events.get(i).event());
        }
        JsonNode message = data.get(0).path("message");
        assertThat(message.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("content").size()).isZero();
        StringBuilder text = new StringBuilder();
        for (JsonNode d : data) {
            if (d.path("type").asText().equals("content_block_delta")) {
                assertThat(d.path("delta").path("type").asText()).isEqualTo("text_delta");
                text.append(d.path("delta").path("text").asText());
            }
        }
        assertThat(text.toString()).isEqualTo(TEXT);
        JsonNode delta = data.get(data.size() - 2);
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(CHUNKS);
    }

    @Test
    void anthropicJsonMessage() throws Exception {
        // The echoed model is escaped again: quotes, backslashes, non-ASCII survive the round trip.
        HttpResponse<String> r = post("/v1/messages", "{\"model\":\"claude \\\"q\\\" \\\\ \\u00fc\","
                + "\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.path("type").asText()).isEqualTo("message");
        assertThat(n.path("role").asText()).isEqualTo("assistant");
        assertThat(n.path("model").asText()).isEqualTo("claude \"q\" \\ \u00fc");
        assertThat(n.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(n.path("content").get(0).path("text").asText()).isEqualTo(TEXT);
        assertThat(n.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(n.path("usage").path("output_tokens").asInt()).isEqualTo(CHUNKS);
        assertThat(n.path("usage").path("input_tokens").asInt()).isPositive();
    }

    // ---- Gemini ----

    @Test
    void geminiSseStreamEndsWithStopAndUsage() throws Exception {
        HttpResponse<String> r = post("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(r.body()).endsWith("}\r\n\r\n").doesNotContain("[DONE]");
        List<JsonNode> events = jsonOf(RawHttp.events(r.body()));
        assertThat(events).hasSize(CHUNKS);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            JsonNode candidate = e.path("candidates").get(0);
            assertThat(e.path("modelVersion").asText()).isEqualTo("gemini-2.0-flash");
            assertThat(candidate.path("content").path("role").asText()).isEqualTo("model");
            text.append(candidate.path("content").path("parts").get(0).path("text").asText());
            assertThat(candidate.has("finishReason")).isEqualTo(i == events.size() - 1);
        }
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("candidates").get(0).path("finishReason").asText()).isEqualTo("STOP");
        assertThat(last.path("usageMetadata").path("candidatesTokenCount").asInt()).isEqualTo(CHUNKS);
        assertThat(text.toString()).isEqualTo(TEXT);
    }

    @Test
    void geminiJsonAndStreamWithoutSse() throws Exception {
        HttpResponse<String> r = post("/v1beta/models/gemini-2.5-pro:generateContent",
                "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}");
        JsonNode n = JSON.readTree(r.body());
        JsonNode candidate = n.path("candidates").get(0);
        assertThat(candidate.path("content").path("parts").get(0).path("text").asText()).isEqualTo(TEXT);
        assertThat(candidate.path("finishReason").asText()).isEqualTo("STOP");
        assertThat(n.path("modelVersion").asText()).isEqualTo("gemini-2.5-pro");
        assertThat(n.path("usageMetadata").path("totalTokenCount").asInt())
                .isEqualTo(n.path("usageMetadata").path("promptTokenCount").asInt() + CHUNKS);

        HttpResponse<String> noSse = post("/v1beta/models/gemini-2.5-pro:streamGenerateContent", "{}");
        assertThat(noSse.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noSse.body()).path("error").path("status").asText()).isEqualTo("INVALID_ARGUMENT");
    }

    // ---- other routes ----

    @Test
    void healthModelsAndUnknownRoutes() throws Exception {
        assertThat(get("/health").body()).isEqualTo("{\"status\":\"ok\"}");
        JsonNode openai = JSON.readTree(get("/v1/models").body());
        assertThat(openai.path("object").asText()).isEqualTo("list");
        assertThat(openai.path("data").get(0).path("id").asText()).isEqualTo(MockUpstreamHandler.DEFAULT_MODEL);
        HttpResponse<String> anthropic = client.send(HttpRequest.newBuilder(uri("/v1/models"))
                .header("anthropic-version", "2023-06-01").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(anthropic.body()).path("data").get(0).path("type").asText()).isEqualTo("model");
        assertThat(JSON.readTree(get("/v1beta/models").body()).path("models").get(0).path("name").asText())
                .isEqualTo("models/" + MockUpstreamHandler.DEFAULT_MODEL);

        HttpResponse<String> missing = get("/v2/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("error").path("message").asText()).contains("/v2/nothing");
        assertThat(get("/v1/chat/completions").statusCode()).isEqualTo(405);
    }

    @Test
    void malformedBodiesAreRefusedInTheRoutesShape() throws Exception {
        HttpResponse<String> openai = post("/v1/chat/completions", "{\"model\":");
        assertThat(openai.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(openai.body()).path("error").path("type").asText())
                .isEqualTo("invalid_request_error");
        HttpResponse<String> anthropic = post("/v1/messages", "[1]");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        JsonNode a = JSON.readTree(anthropic.body());
        assertThat(a.path("type").asText()).isEqualTo("error");
        assertThat(a.path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    // ---- overrides and delays ----

    @Test
    void headersOverrideTheShape() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true}",
                "x-mock-chunks", "3", "X-Mock-Chunk-Bytes", "5");
        List<JsonNode> chunks = jsonOf(withoutDone(RawHttp.events(r.body())));
        assertThat(chunks).hasSize(1 + 3 + 1);
        assertThat(openAiText(chunks)).isEqualTo(String.join("", AnswerTemplates.texts(3, 5)));

        HttpResponse<String> bad = post("/v1/messages", "{\"model\":\"m\"}", "x-mock-chunks", "many");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").path("message").asText())
                .isEqualTo("x-mock-chunks: many (expected: an integer)");
        HttpResponse<String> negative = post("/v1/messages", "{\"model\":\"m\"}", "x-mock-ttfb-ms", "-1");
        assertThat(JSON.readTree(negative.body()).path("error").path("message").asText())
                .isEqualTo("x-mock-ttfb-ms: -1 (expected: 0..600000)");
    }

    @Test
    void latencyTtfbAndChunkDelayAreRespected() throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}"))
                .header("x-mock-latency-ms", "30").header("x-mock-ttfb-ms", "60")
                .header("x-mock-chunks", "4").header("x-mock-chunk-delay-ms", "15").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long headMs = (System.nanoTime() - start) / 1_000_000;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String first = in.readLine();
            long firstMs = (System.nanoTime() - start) / 1_000_000;
            String rest = in.lines().collect(Collectors.joining("\n"));
            long endMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(first).startsWith("data: {");
            assertThat(rest.strip()).endsWith("data: [DONE]");
            assertThat(headMs).isGreaterThanOrEqualTo(30);
            assertThat(firstMs).isGreaterThanOrEqualTo(30 + 60);
            assertThat(endMs).isGreaterThanOrEqualTo(30 + 60 + 3 * 15);
        }

        start = System.nanoTime();
        HttpResponse<String> json = post("/v1/messages", "{\"model\":\"m\"}", "x-mock-latency-ms", "20",
                "x-mock-ttfb-ms", "20");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(40);
    }

    // ---- faults ----

    @Test
    void faultRatesFollowTheSeededPlan() throws Exception {
        FaultPlan plan = new FaultPlan(7);
        int[] counts = new int[FaultPlan.Fault.values().length];
        try (RawHttp raw = new RawHttp(mock.port())) { // one keep-alive connection: errors do not close it
            for (int i = 0; i < 100; i++) {
                RawHttp.Response r = raw.send(RawHttp.post("/v1/chat/completions", "{\"model\":\"m\"}",
                        "x-mock-error-429-rate: 0.25", "x-mock-error-500-rate: 0.15")).read();
                FaultPlan.Fault expected = plan.decide(Long.parseLong(r.header("x-mock-seq")), 0.25, 0.15, 0);
                counts[expected.ordinal()]++;
                switch (expected) {
                    case RATE_LIMIT -> {
                        assertThat(r.status()).isEqualTo(429);
                        assertThat(r.header("retry-after")).isEqualTo("1");
                        assertThat(JSON.readTree(r.body()).path("error").path("code").asText())
                                .isEqualTo("rate_limit_exceeded");
                    }
                    case SERVER_ERROR -> {
                        assertThat(r.status()).isEqualTo(500);
                        assertThat(JSON.readTree(r.body()).path("error").path("type").asText())
                                .isEqualTo("server_error");
                    }
                    default -> assertThat(r.status()).isEqualTo(200);
                }
            }
        }
        assertThat(counts[FaultPlan.Fault.RATE_LIMIT.ordinal()]).isBetween(8, 45);
        assertThat(counts[FaultPlan.Fault.SERVER_ERROR.ordinal()]).isBetween(2, 32);
    }

    @Test
    void forcedErrorsUseEachProvidersShape() throws Exception {
        JsonNode a = JSON.readTree(post("/v1/messages", "{\"model\":\"m\"}", "x-mock-error", "429").body());
        assertThat(a.path("type").asText()).isEqualTo("error");
        assertThat(a.path("error").path("type").asText()).isEqualTo("rate_limit_error");
        HttpResponse<String> a500 = post("/v1/messages", "{\"model\":\"m\",\"stream\":true}", "x-mock-error", "500");
        assertThat(a500.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(a500.body()).path("error").path("type").asText()).isEqualTo("api_error");

        HttpResponse<String> g = post("/v1beta/models/g:generateContent", "{}", "x-mock-error", "429");
        assertThat(g.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(g.body()).path("error").path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        HttpResponse<String> g500 = post("/v1beta/models/g:streamGenerateContent?alt=sse", "{}", "x-mock-error", "500");
        assertThat(JSON.readTree(g500.body()).path("error").path("code").asInt()).isEqualTo(500);
        // a rate of 1 with the header that forces none: no fault
        assertThat(post("/v1/chat/completions", "{}", "x-mock-error-429-rate", "1", "x-mock-error", "none")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void resetCutsTheStreamHalfwayAndClosesTheConnection() throws Exception {
        try (RawHttp raw = new RawHttp(mock.port())) {
            RawHttp.Response r = raw.send(RawHttp.post("/v1/chat/completions", "{\"model\":\"m\",\"stream\":true}",
                    "x-mock-error: reset", "x-mock-chunk-delay-ms: 5")).read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.complete()).isFalse();
            List<RawHttp.Event> events = RawHttp.events(r.body());
            assertThat(events).hasSize(1 + CHUNKS / 2); // role chunk, then half the content
            assertThat(r.body()).doesNotContain("[DONE]").doesNotContain("finish_reason\":\"stop");
            assertThat(raw.closedByPeer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(mock.port())) {
            RawHttp.Response r = raw.send(RawHttp.post("/v1/messages", "{\"model\":\"m\"}",
                    "x-mock-error: reset")).read();
            assertThat(r.complete()).isFalse();
            assertThat(r.body().length()).isEqualTo(Integer.parseInt(r.header("content-length")) / 2);
        }
        // java.net.http sees the truncated stream as an error
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri("/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}"))
                .header("x-mock-reset-rate", "1").build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    // ---- HTTP/1.1 ----

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        long before = mock.requests();
        try (RawHttp raw = new RawHttp(mock.port())) {
            raw.send(RawHttp.post("/v1/chat/completions", "{\"model\":\"first\",\"stream\":true}",
                            "x-mock-latency-ms: 30"),
                    RawHttp.get("/health"),
                    RawHttp.post("/v1/messages", "{\"model\":\"third\"}"),
                    RawHttp.post("/v1beta/models/fourth:streamGenerateContent?alt=sse", "{}", "Connection: close"));
            RawHttp.Response first = raw.read();
            assertThat(first.body()).contains("\"model\":\"first\"").endsWith("data: [DONE]\n\n");
            assertThat(raw.read().body()).isEqualTo("{\"status\":\"ok\"}");
            assertThat(raw.read().body()).contains("\"model\":\"third\"");
            RawHttp.Response fourth = raw.read();
            assertThat(fourth.header("connection")).isEqualTo("close");
            assertThat(fourth.body()).contains("\"modelVersion\":\"fourth\"");
            assertThat(raw.closedByPeer()).isTrue();
        }
        assertThat(mock.requests() - before).isEqualTo(4);
    }

    // ---- helpers ----

    private static URI uri(String path) {
        return URI.create(mock.baseUrl() + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<RawHttp.Event> withoutDone(List<RawHttp.Event> events) {
        assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
        return events.subList(0, events.size() - 1);
    }

    private static List<JsonNode> jsonOf(List<RawHttp.Event> events) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (RawHttp.Event e : events) {
            out.add(JSON.readTree(e.data()));
        }
        return out;
    }

    private static String openAiText(List<JsonNode> chunks) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode c : chunks) {
            JsonNode choices = c.path("choices");
            if (choices.size() > 0) {
                sb.append(choices.get(0).path("delta").path("content").asText(""));
            }
        }
        return sb.toString();
    }
}
