package io.sluice.proxy.server;

import static io.sluice.proxy.testing.Embedded.drain;
import static io.sluice.proxy.testing.Embedded.feed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.HttpWire.Message;
import io.sluice.proxy.testing.TestProxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@link ClientHandler} behind the real client pipeline ({@link SluiceServer#initClientChannel}): raw request bytes
 * in, split 1 byte, 7 bytes and whole; the bytes written back parsed as a client would.
 */
class ClientHandlerTest {

    static final int MAX_BODY = 1024;

    private TestProxy proxy;
    private EmbeddedChannel client;

    @BeforeEach
    void setUp() {
        proxy = TestProxy.builder()
                .server("maxBodyBytes", MAX_BODY)
                .server("maxHeaderBytes", 1024)
                .server("readTimeout", "5s")
                .server("idleTimeout", "30s")
                .mock("0ms", 1)
                .openAiCompatible("up", "http://127.0.0.1:9/v1", "sk-test-0123456789abcdef", "gpt-4o-mini")
                .build();
        client = proxy.client();
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        proxy.close();
    }

    // ---- request builders ----

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: sluice\r\n\r\n";
    }

    static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String chatBody(String model, boolean stream, String userText) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + userText + "\"}]}";
    }

    static String chat(String body) {
        return post("/v1/chat/completions", body);
    }

    private List<Message> send(String wire, int size) {
        feed(client, wire, size);
        return HttpWire.responses(drain(client));
    }

    private Message sendOne(String wire, int size) {
        List<Message> res = send(wire, size);
        assertThat(res).as("responses").hasSize(1);
        assertThat(res.get(0).complete()).as("response complete").isTrue();
        return res.get(0);
    }

    /** The JSON payloads of the {@code data:} events of an SSE body, in order. */
    static List<String> sseData(String body) {
        assertThat(body).endsWith("\n\n");
        List<String> out = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            assertThat(event).startsWith("data: ");
            out.add(event.substring("data: ".length()));
        }
        return out;
    }

    private static void assertError(Message res, int status, String type, String code) {
        assertThat(res.status()).isEqualTo(status);
        assertThat(res.header("content-type")).isEqualTo("application/json");
        assertThat(res.header("content-length")).isEqualTo(Integer.toString(res.body().length));
        JsonNode e = res.error();
        assertThat(e.get("type").asText()).isEqualTo(type);
        assertThat(e.get("code").asText()).isEqualTo(code);
        assertThat(e.get("param").isNull()).isTrue();
    }

    // ---- simple routes ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void healthIsOkAndKeepsTheConnection(int size) {
        Message res = sendOne(get("/health"), size);

        assertThat(res.startLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(res.header("content-type")).isEqualTo("application/json");
        assertThat(res.header("content-length")).isEqualTo(Integer.toString(res.body().length));
        assertThat(res.header("connection")).isNull();
        assertThat(res.text()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(client.isOpen()).isTrue();
        assertThat(proxy.requests("GET", "/health", 200)).isEqualTo(1.0);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void modelsListsEveryServedModelInOpenAiShape(int size) {
        Message res = sendOne(get("/v1/models"), size);

        assertThat(res.status()).isEqualTo(200);
        JsonNode list = res.json();
        assertThat(list.get("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        for (JsonNode m : list.get("data")) {
            ids.add(m.get("id").asText());
            assertThat(m.get("object").asText()).isEqualTo("model");
            String id = m.get("id").asText();
            assertThat(m.get("owned_by").asText()).isEqualTo(id.startsWith("ext-up-") ? "up" : id.split("/")[0]);
        }
        // The seeds' ext-<provider>-<model> ids (the mock, which the seeds do not have, keeps mock/).
        assertThat(ids).containsExactly("mock/echo", "mock/lorem", "ext-up-gpt-4o-mini");
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void metricsScrapeCountsTheRequestsBeforeIt(int size) {
        List<Message> res = send(get("/health") + get("/nope") + get("/metrics"), size);

        assertThat(res).hasSize(3);
        Message metrics = res.get(2);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("content-type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.text())
                .contains("http_requests_total{method=\"GET\",path=\"/health\",status=\"200\"} 1.0")
                .contains("http_client_errors_total{method=\"GET\",path=\"other\",status=\"404\"} 1.0")
                .doesNotContain("path=\"/nope\"");
    }

    @Test
    void pathAliasesQueriesAndTrailingSlashesRouteLikeTheCanonicalPath() {
        List<Message> res = send(get("/healthz") + get("/health/?probe=1") + get("/models")
                + chatWithPath("/chat/completions"), Integer.MAX_VALUE);

        assertThat(res).extracting(Message::status).containsExactly(200, 200, 200, 200);
        assertThat(res.get(0).json().get("status").asText()).isEqualTo("ok");
        assertThat(res.get(1).json().get("status").asText()).isEqualTo("ok");
        assertThat(res.get(2).json().get("object").asText()).isEqualTo("list");
        assertThat(res.get(3).json().at("/choices/0/message/content").asText()).isEqualTo("alias");
        assertThat(proxy.requests("GET", "/health", 200)).isEqualTo(2.0);
    }

    private static String chatWithPath(String path) {
        return post(path, chatBody("mock/echo", false, "alias"));
    }

    // ---- chat through the mock provider (no upstream) ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void mockChatCompletionIsOneJsonResponse(int size) {
        // Multi-byte UTF-8: with 1- and 7-byte chunks characters are cut across body components.
        Message res = sendOne(chat(chatBody("mock/echo", false, "héllo wörld ✓")), size);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).isEqualTo("application/json");
        assertThat(res.header("content-length")).isEqualTo(Integer.toString(res.body().length));
        JsonNode c = res.json();
        assertThat(c.get("object").asText()).isEqualTo("chat.completion");
        assertThat(c.get("model").asText()).isEqualTo("mock/echo");
        assertThat(c.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(c.at("/choices/0/message/content").asText()).isEqualTo("héllo wörld ✓");
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(c.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(c.at("/usage/total_tokens").asInt())
                .isEqualTo(c.at("/usage/prompt_tokens").asInt() + 3);
        assertThat(client.isOpen()).isTrue();
        assertThat(proxy.requests("POST", "/v1/chat/completions", 200)).isEqualTo(1.0);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void mockChatStreamIsChunkedSseEndingWithDone(int size) {
        String body = "{\"model\":\"mock/echo\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}";
        Message res = sendOne(chat(body), size);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).isEqualTo("text/event-stream");
        assertThat(res.header("cache-control")).isEqualTo("no-cache");
        assertThat(res.chunked()).isTrue();
        assertThat(res.header("content-length")).isNull();
        List<String> events = sseData(res.text());
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        List<JsonNode> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = HttpWire.json(e);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            chunks.add(chunk);
            if (chunk.at("/choices/0/delta/content").isTextual()) {
                text.append(chunk.at("/choices/0/delta/content").asText());
            }
        }
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(text).hasToString("one two three");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(client.isOpen()).isTrue();
    }

    // ---- request errors ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void declaredBodyOverTheLimitIs413AndCloses(int size) {
        String body = "{\"model\":\"mock/echo\",\"pad\":\"" + "x".repeat(MAX_BODY) + "\"}";
        Message res = sendOne(chat(body), size);

        assertError(res, 413, "invalid_request_error", "request_too_large");
        assertThat(res.error().get("message").asText())
                .isEqualTo("request body of " + body.length() + " bytes exceeds the limit of 1024 bytes");
        assertThat(res.header("connection")).isEqualTo("close");
        assertThat(client.isOpen()).isFalse();
        assertThat(proxy.requests("POST", "/v1/chat/completions", 413)).isEqualTo(1.0);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void chunkedBodyGrowingOverTheLimitIs413AndCloses(int size) {
        String part = "{\"model\":\"mock/echo\",\"pad\":\"" + "x".repeat(600);
        String wire = "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(part.length()) + "\r\n" + part + "\r\n"
                + "258\r\n" + "y".repeat(600) + "\r\n0\r\n\r\n";
        Message res = sendOne(wire, size);

        assertError(res, 413, "invalid_request_error", "request_too_large");
        assertThat(res.error().get("message").asText()).isEqualTo("request body exceeds the limit of 1024 bytes");
        assertThat(client.isOpen()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void bodyExactlyAtTheLimitIsServed(int size) {
        String body = chatBody("mock/echo", false, "fits");
        body = body + " ".repeat(MAX_BODY - body.length());
        assertThat(body).hasSize(MAX_BODY);

        Message res = sendOne(chat(body), size);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().at("/choices/0/message/content").asText()).isEqualTo("fits");
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void malformedJsonIs400AndTheConnectionStaysUsable(int size) {
        String[] bad = {"{\"model\":\"mock/echo\",", "not json", "", "{\"model\":\"mock/echo\"} trailing",
            "[\"mock/echo\"]"};
        StringBuilder wire = new StringBuilder();
        for (String b : bad) {
            wire.append(chat(b));
        }
        wire.append(get("/health"));

        List<Message> res = send(wire.toString(), size);

        assertThat(res).hasSize(bad.length + 1);
        for (int i = 0; i < bad.length; i++) {
            assertError(res.get(i), 400, "invalid_request_error", "invalid_json");
            assertThat(res.get(i).error().get("message").asText()).as("message for %s", bad[i]).isNotBlank();
            assertThat(res.get(i).header("connection")).isNull();
        }
        assertThat(res.get(bad.length).status()).isEqualTo(200);
        assertThat(client.isOpen()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void missingModelIs400(int size) {
        Message res = sendOne(chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), size);

        assertError(res, 400, "invalid_request_error", "missing_model");
        assertThat(res.error().get("message").asText()).isEqualTo("you must provide a model parameter");
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void unknownModelIs404WithCloseMatches(int size) {
        // A known provider prefix passes any model name on (the provider decides); an unknown one cannot route.
        List<Message> res = send(chat(chatBody("mokc/echo", false, "hi")) + chat(chatBody("gpt-4o-mni", false, "hi")),
                size);

        assertThat(res).hasSize(2);
        assertError(res.get(0), 404, "not_found_error", "model_not_found");
        assertThat(res.get(0).error().get("message").asText())
                .startsWith("The model `mokc/echo` does not exist; did you mean ").contains("mock/echo");
        assertError(res.get(1), 404, "not_found_error", "model_not_found");
        assertThat(res.get(1).error().get("message").asText()).contains("ext-up-gpt-4o-mini");
        assertThat(client.isOpen()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void anyModelOfTheMockProviderIsAnswered(int size) {
        Message res = sendOne(chat(chatBody("mock/anything", false, "hi")), size);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.json().at("/choices/0/message/content").asText())
                .isEqualTo("This is the Sluice mock provider answering as anything.");
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void wrongMethodIs405(int size) {
        List<Message> res = send(get("/v1/chat/completions") + post("/v1/models", "{}")
                + "DELETE /metrics HTTP/1.1\r\nHost: sluice\r\n\r\n", size);

        assertThat(res).hasSize(3);
        assertError(res.get(0), 405, "invalid_request_error", "method_not_allowed");
        assertThat(res.get(0).error().get("message").asText()).isEqualTo("Method GET not allowed; use POST");
        assertError(res.get(1), 405, "invalid_request_error", "method_not_allowed");
        assertThat(res.get(1).error().get("message").asText()).isEqualTo("Method POST not allowed; use GET");
        assertError(res.get(2), 405, "invalid_request_error", "method_not_allowed");
        assertThat(client.isOpen()).isTrue();
        assertThat(proxy.requests("GET", "/v1/chat/completions", 405)).isEqualTo(1.0);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void unknownPathIs404WithoutEchoingTheQuery(int size) {
        List<Message> res = send(get("/v2/nothing?key=secret") + post("/v1/audio/speech", "{\"input\":\"x\"}"), size);

        assertThat(res).hasSize(2);
        assertError(res.get(0), 404, "not_found_error", "unknown_route");
        assertThat(res.get(0).error().get("message").asText()).isEqualTo("Unknown route: GET /v2/nothing");
        assertError(res.get(1), 404, "not_found_error", "unknown_route");
        assertThat(res.get(1).error().get("message").asText()).isEqualTo("Unknown route: POST /v1/audio/speech");
        assertThat(proxy.requests("GET", "other", 404)).isEqualTo(1.0);
        assertThat(proxy.requests("POST", "other", 404)).isEqualTo(1.0);
        assertThat(client.isOpen()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void oversizedHeadIs431AndCloses(int size) {
        Message res = sendOne("GET /health HTTP/1.1\r\nHost: sluice\r\nX-Big: " + "h".repeat(1100) + "\r\n\r\n",
                size);

        assertError(res, 431, "invalid_request_error", "request_too_large");
        assertThat(res.header("connection")).isEqualTo("close");
        assertThat(client.isOpen()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void malformedHeadIs400AndCloses(int size) {
        Message res = sendOne("GET /health HTTP/1.1\r\nHost sluice\r\n\r\n" + get("/health"), size);

        assertError(res, 400, "invalid_request_error", "bad_request");
        assertThat(res.header("connection")).isEqualTo("close");
        assertThat(client.isOpen()).isFalse();
    }

    // ---- connection handling ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void connectionCloseIsHonoured(int size) {
        Message res = sendOne("GET /health HTTP/1.1\r\nHost: sluice\r\nConnection: close\r\n\r\n", size);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("connection")).isEqualTo("close");
        assertThat(client.isOpen()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void http10WithoutKeepAliveIsClosedAfterTheResponse(int size) {
        Message res = sendOne("GET /v1/models HTTP/1.0\r\n\r\n", size);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("connection")).isEqualTo("close");
        assertThat(client.isOpen()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void http10KeepAliveIsConfirmedAndKept(int size) {
        // An HTTP/1.0 client only reuses the connection when the response says keep-alive (RFC 7230 §A.1.2).
        List<Message> res = send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                + "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", size);

        assertThat(res).hasSize(2);
        for (Message r : res) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isEqualToIgnoringCase("keep-alive");
        }
        assertThat(client.isOpen()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void http10StreamIsNotChunkedAndEndsWithTheClose(int size) {
        // HTTP/1.0 has no chunked coding: a server must not send it one (RFC 7230 §3.3.1).
        String body = chatBody("mock/echo", true, "old client");
        Message res = sendOne("POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body, size);

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("transfer-encoding")).isNull();
        assertThat(res.header("connection")).isEqualTo("close");
        List<String> events = sseData(res.text());
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        assertThat(client.isOpen()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void pipelinedRequestsAreAnsweredInOrder(int size) {
        List<Message> res = send(chat(chatBody("mock/echo", true, "one two three"))
                + chat(chatBody("mock/echo", false, "second")) + get("/health"), size);

        assertThat(res).hasSize(3);
        assertThat(res.get(0).status()).isEqualTo(200);
        assertThat(res.get(0).text()).contains("\"three\"").endsWith("data: [DONE]\n\n");
        assertThat(res.get(1).json().at("/choices/0/message/content").asText()).isEqualTo("second");
        assertThat(res.get(2).json().get("status").asText()).isEqualTo("ok");
        assertThat(client.config().isAutoRead()).isTrue();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() {
        assertThat(sendOne(get("/health"), Integer.MAX_VALUE).status()).isEqualTo(200);

        client.advanceTimeBy(29, TimeUnit.SECONDS);
        client.runPendingTasks();
        assertThat(client.isOpen()).isTrue();
        client.advanceTimeBy(1, TimeUnit.SECONDS);
        client.runPendingTasks();

        assertThat(client.isOpen()).isFalse();
        assertThat(drain(client)).isEmpty();
    }

    // ---- read timeout ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void bodyNotReceivedWithinTheReadTimeoutIs408(int size) {
        String body = chatBody("mock/echo", false, "never finished");
        String wire = chat(body);
        feed(client, wire.substring(0, wire.length() - 10), size);
        assertThat(drain(client)).isEmpty();

        client.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
        client.runPendingTasks();
        assertThat(drain(client)).isEmpty();
        client.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        client.runPendingTasks();

        List<Message> res = HttpWire.responses(drain(client));
        assertThat(res).hasSize(1);
        assertError(res.get(0), 408, "timeout_error", "request_timeout");
        assertThat(res.get(0).error().get("message").asText())
                .isEqualTo("request body not received within 5000 ms");
        assertThat(res.get(0).header("connection")).isEqualTo("close");
        assertThat(client.isOpen()).isFalse();
        assertThat(proxy.requests("POST", "/v1/chat/completions", 408)).isEqualTo(1.0);
    }

    @Test
    void slowBodyOnAnyRouteIs408() {
        feed(client, "POST /health HTTP/1.1\r\nHost: sluice\r\nContent-Length: 10\r\n\r\nabc", Integer.MAX_VALUE);

        client.advanceTimeBy(5, TimeUnit.SECONDS);
        client.runPendingTasks();

        List<Message> res = HttpWire.responses(drain(client));
        assertThat(res).hasSize(1);
        assertError(res.get(0), 408, "timeout_error", "request_timeout");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void readTimeoutIsCancelledOnceTheRequestIsIn() {
        assertThat(sendOne(chat(chatBody("mock/echo", false, "in time")), 7).status()).isEqualTo(200);

        client.advanceTimeBy(10, TimeUnit.SECONDS);
        client.runPendingTasks();

        assertThat(drain(client)).isEmpty();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void idleTimeoutDoesNotCutARequestInFlight() {
        try (TestProxy shortIdle = TestProxy.builder().server("readTimeout", "5s").server("idleTimeout", "1s")
                .mock("0ms", 1).build()) {
            EmbeddedChannel ch = shortIdle.client();
            String wire = chat(chatBody("mock/echo", false, "slow"));
            feed(ch, wire.substring(0, wire.length() - 3), Integer.MAX_VALUE);

            ch.advanceTimeBy(2, TimeUnit.SECONDS);
            ch.runPendingTasks();
            assertThat(ch.isOpen()).as("idle event ignored while a request is being read").isTrue();
            assertThat(drain(ch)).isEmpty();
            ch.advanceTimeBy(3, TimeUnit.SECONDS);
            ch.runPendingTasks();

            assertThat(HttpWire.responses(drain(ch))).extracting(Message::status).containsExactly(408);
            assertThat(ch.isOpen()).isFalse();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void idleTimeoutCountsFromTheEndOfTheLastResponse() {
        // A stream longer than the idle timeout, then a pause shorter than it: the connection must survive.
        try (TestProxy shortIdle = TestProxy.builder().server("idleTimeout", "1s").mock("300ms", 1).build()) {
            EmbeddedChannel ch = shortIdle.client();
            feed(ch, chat(chatBody("mock/echo", true, "one two three four five six")), Integer.MAX_VALUE);
            StringBuilder wire = new StringBuilder();
            int steps = 0;
            while (!wire.toString().endsWith("0\r\n\r\n") && steps < 100) { // the last chunk
                ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
                ch.runPendingTasks();
                wire.append(new String(drain(ch), StandardCharsets.UTF_8));
                steps++;
            }
            assertThat(steps).as("the stream outlasts the idle timeout").isGreaterThan(15).isLessThan(100);
            assertThat(ch.isOpen()).as("open while streaming with a 1 s idle timeout").isTrue();

            ch.advanceTimeBy(800, TimeUnit.MILLISECONDS);
            ch.runPendingTasks();
            assertThat(ch.isOpen()).as("idle for under 0.9 s after the response ended").isTrue();
            ch.advanceTimeBy(400, TimeUnit.MILLISECONDS);
            ch.runPendingTasks();
            assertThat(ch.isOpen()).as("idle for over 1.2 s").isFalse();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void chunkSizesAreLowerCaseHexWithoutLeadingZeros() {
        for (int n : new int[] {1, 9, 10, 15, 16, 255, 4096, 65_535, 1 << 20, Integer.MAX_VALUE}) {
            io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer(8);
            ResponseWriter.writeHex(out, n);
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(Integer.toHexString(n));
            out.release();
        }
    }

    @Test
    void everyStreamedChunkIsCompleteOnTheWireAsSoonAsItIsWritten() {
        // The chunk's closing CRLF must not wait for the next chunk: a client may only finish an SSE event then.
        try (TestProxy slow = TestProxy.builder().mock("1s", 1).build()) {
            EmbeddedChannel ch = slow.client();
            feed(ch, chat(chatBody("mock/echo", true, "alpha beta")), Integer.MAX_VALUE);
            String wire = new String(drain(ch), StandardCharsets.UTF_8);
            assertThat(wire.toLowerCase(java.util.Locale.ROOT)).contains("transfer-encoding: chunked");
            assertThat(wire).endsWith("\n\n\r\n");
            String body = wire.substring(wire.indexOf("\r\n\r\n") + 4);
            int size = Integer.parseInt(body.substring(0, body.indexOf("\r\n")), 16);
            assertThat(body).hasSize(body.indexOf("\r\n") + 2 + size + 2);
            ch.finishAndReleaseAll();
        }
    }

    // ---- exchanges in flight ----

    @Test
    void heldPipelinedRequestsStopReadsUntilTheStreamEnds() {
        try (TestProxy slow = TestProxy.builder().mock("10ms", 1).build()) {
            EmbeddedChannel ch = slow.client();
            feed(ch, chat(chatBody("mock/echo", true, "a b c")) + get("/health") + get("/v1/models"), 7);

            assertThat(ch.config().isAutoRead()).as("reads paused while requests are held").isFalse();
            StringBuilder wire = new StringBuilder(new String(drain(ch), StandardCharsets.UTF_8));
            assertThat(HttpWire.responses(wire.toString())).hasSize(1);
            for (int i = 0; i < 10; i++) {
                ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
                ch.runPendingTasks();
                wire.append(new String(drain(ch), StandardCharsets.UTF_8));
            }

            List<Message> res = HttpWire.responses(wire.toString());
            assertThat(res).extracting(Message::status).containsExactly(200, 200, 200);
            assertThat(res.get(0).text()).contains("\"a \"", "\"b \"", "\"c\"").endsWith("data: [DONE]\n\n");
            assertThat(res.get(1).json().get("status").asText()).isEqualTo("ok");
            assertThat(res.get(2).json().get("object").asText()).isEqualTo("list");
            assertThat(ch.config().isAutoRead()).isTrue();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void tooManyHeldPipelinedRequestsAreAnswered503AfterTheStreamThenClosed() {
        try (TestProxy slow = TestProxy.builder().mock("10ms", 1).build()) {
            EmbeddedChannel ch = slow.client();
            // Each GET is two messages (head, last content); 64 held messages is the cap.
            feed(ch, chat(chatBody("mock/echo", true, "a b c")) + get("/health").repeat(40), Integer.MAX_VALUE);
            StringBuilder wire = new StringBuilder(new String(drain(ch), StandardCharsets.UTF_8));
            for (int i = 0; i < 10 && ch.isOpen(); i++) {
                ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
                ch.runPendingTasks();
                wire.append(new String(drain(ch), StandardCharsets.UTF_8));
            }

            List<Message> res = HttpWire.responses(wire.toString());
            assertThat(res).extracting(Message::status).containsExactly(200, 503);
            assertThat(res.get(1).error().get("code").asText()).isEqualTo("too_many_pipelined_requests");
            assertThat(res.get(1).header("connection")).isEqualTo("close");
            assertThat(ch.isOpen()).isFalse();
            assertThat(ch.runScheduledPendingTasks()).as("no timer left").isEqualTo(-1);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void clientGoneMidStreamAbortsTheExchange() {
        try (TestProxy slow = TestProxy.builder().mock("10ms", 1).build()) {
            EmbeddedChannel ch = slow.client();
            feed(ch, chat(chatBody("mock/echo", true, "a b c d e f")), Integer.MAX_VALUE);
            ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
            ch.runPendingTasks();
            Message partial = HttpWire.responses(drain(ch)).get(0);
            assertThat(partial.status()).isEqualTo(200);
            assertThat(partial.complete()).isFalse();

            ch.close();

            assertThat(ch.runScheduledPendingTasks()).as("no timer left: mock tick and read timeout cancelled")
                    .isEqualTo(-1);
            assertThat(slow.requests("POST", "/v1/chat/completions", 200)).isEqualTo(1.0);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void connectionErrorClosesWithoutAnAnswer() {
        String wire = chat(chatBody("mock/echo", false, "cut"));
        feed(client, wire.substring(0, wire.length() - 5), Integer.MAX_VALUE);

        client.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));

        assertThat(client.isOpen()).isFalse();
        assertThat(drain(client)).isEmpty();
        client.checkException();
    }

    @Test
    void clientGoneWhileTheBodyIsReadReleasesIt() {
        String wire = chat(chatBody("mock/echo", false, "never finished"));
        feed(client, wire.substring(0, wire.length() - 5), 7);

        client.close();

        assertThat(client.runScheduledPendingTasks()).as("read timeout cancelled").isEqualTo(-1);
        assertThat(drain(client)).isEmpty();
    }
}
