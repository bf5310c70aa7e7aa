package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.openAiError;
import static io.sluice.proxy.testing.TestConfig.UPSTREAM_KEY;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every way a request or an upstream can go wrong, as the client sees it: exact status, body and framing. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FaultsTest {

    private static final String CHUNK_1 = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"finish_reason\":null}]}\n\n";
    private static final String CHUNK_2 = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},"
            + "\"finish_reason\":null}]}\n\n";

    private TestUpstream upstream;
    private SluiceServer sluice;

    @BeforeEach
    void upstream() throws InterruptedException {
        upstream = new TestUpstream(r -> Reply.json(200, "{}"));
    }

    @AfterEach
    void close() {
        if (sluice != null) {
            sluice.close();
        }
        upstream.close();
    }

    private SluiceServer start(TestConfig c) throws InterruptedException {
        sluice = c.start();
        return sluice;
    }

    private SluiceServer startDefault() throws InterruptedException {
        return start(config().openAiCompatible("up", upstream, "gpt-4o-mini").mock());
    }

    private static void assertJsonContentType(HttpResponse<String> res) {
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
    }

    // ---- upstream errors ----

    @Test
    void upstreamOpenAiErrorIsRelayedWithItsStatusAndBody() throws Exception {
        String body = "{\"error\":{\"message\":\"The server had an error while processing your request.\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";
        upstream.script(r -> Reply.json(500, body));
        startDefault();

        HttpResponse<String> res = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", false, "hi"));

        assertThat(res.statusCode()).isEqualTo(500);
        assertJsonContentType(res);
        assertThat(res.body()).isEqualTo(body);
        awaitNoUpstreamActive();
    }

    @Test
    void upstreamHtmlErrorBecomesAnOpenAiError() throws Exception {
        upstream.script(r -> Reply.status(502).header("content-type", "text/html")
                .part("<html><head><title>502 Bad Gateway</title></head>")
                .part("<body><center><h1>502 Bad Gateway</h1></center></body></html>"));
        startDefault();

        HttpResponse<String> res = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", true, "hi"));

        assertThat(res.statusCode()).isEqualTo(502);
        assertJsonContentType(res);
        JsonNode e = openAiError(res.body());
        assertThat(e.get("type").asText()).isEqualTo("api_error");
        assertThat(e.get("message").asText()).contains("502");
        awaitNoUpstreamActive();
    }

    @Test
    void connectionRefusedIs502ApiError() throws Exception {
        start(config().openAiCompatible("down", RawHttp.closedPort(), "gpt-4o-mini"));

        HttpResponse<String> res = Http.chat(sluice, Bodies.chat("down/gpt-4o-mini", false, "hi"));

        assertThat(res.statusCode()).isEqualTo(502);
        assertJsonContentType(res);
        JsonNode e = openAiError(res.body());
        assertThat(e.get("type").asText()).isEqualTo("api_error");
        assertThat(e.get("message").asText()).contains("down");
        awaitNoUpstreamActive();
    }

    @Test
    void firstByteTimeoutIs504() throws Exception {
        upstream.script(r -> Reply.status(200).then(Reply.Ending.HANG_BEFORE_HEAD));
        start(config().upstream("firstByteTimeout", "300ms").openAiCompatible("up", upstream, "gpt-4o-mini"));

        long t0 = System.nanoTime();
        HttpResponse<String> res = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", true, "hi"));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(res.statusCode()).isEqualTo(504);
        assertJsonContentType(res);
        assertThat(openAiError(res.body()).get("type").asText()).isEqualTo("timeout_error");
        assertThat(tookMs).as("answered after the 300 ms first-byte timeout").isBetween(250L, 5_000L);
        // The silent upstream connection is closed, never pooled.
        Await.until("upstream connection closed", Duration.ofSeconds(5), () -> upstream.closedConnections() == 1);
        awaitNoUpstreamActive();
    }

    @Test
    void upstreamResetMidStreamEndsTheStreamWithAnErrorEvent() throws Exception {
        // The pause lets the proxy read both chunks before the RST arrives.
        upstream.script(r -> Reply.sse(CHUNK_1, CHUNK_2).pause(Duration.ofMillis(100)).then(Reply.Ending.RESET));
        startDefault();

        try (RawHttp client = RawHttp.connect(sluice)) {
            client.postJson("/v1/chat/completions", Bodies.chat("up/gpt-4o-mini", true, "hi"));
            RawHttp.Head head = client.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-type")).startsWith("text/event-stream");
            assertThat(head.chunked()).isTrue();

            // readBody only returns when the terminating zero-size chunk came: the stream was ended properly.
            String body = new String(client.readBody(head), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(body).startsWith(CHUNK_1 + CHUNK_2);
            String rest = body.substring((CHUNK_1 + CHUNK_2).length());
            assertThat(rest).startsWith("data: {\"error\":").endsWith("\n\n").doesNotContain("[DONE]");
            JsonNode e = openAiError(rest.substring("data: ".length()).trim());
            assertThat(e.get("type").asText()).isEqualTo("api_error");
        }
        awaitNoUpstreamActive();
    }

    @Test
    void upstreamClosingBeforeTheHeadIs502() throws Exception {
        upstream.script(r -> Reply.status(200).then(Reply.Ending.CLOSE_BEFORE_HEAD));
        startDefault();

        HttpResponse<String> res = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", false, "hi"));

        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(openAiError(res.body()).get("type").asText()).isEqualTo("api_error");
        awaitNoUpstreamActive();
    }

    @Test
    void upstreamSilentMidStreamEndsTheStreamWithATimeoutErrorEvent() throws Exception {
        upstream.script(r -> Reply.sse(CHUNK_1).then(Reply.Ending.HANG));
        // A long first-byte allowance (slow prompts) and a short between-chunks one: the latter must apply once
        // the head arrived.
        start(config().upstream("firstByteTimeout", "5s").upstream("idleTimeout", "300ms")
                .openAiCompatible("up", upstream, "gpt-4o-mini"));

        try (RawHttp client = RawHttp.connect(sluice)) {
            client.postJson("/v1/chat/completions", Bodies.chat("up/gpt-4o-mini", true, "hi"));
            RawHttp.Head head = client.readHead();
            assertThat(head.status()).isEqualTo(200);
            long t0 = System.nanoTime();
            String body = new String(client.readBody(head), java.nio.charset.StandardCharsets.UTF_8);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(tookMs).as("stream cut after the 300 ms idle timeout, not the 5 s first-byte one")
                    .isLessThan(2_000L);
            assertThat(body).startsWith(CHUNK_1);
            String rest = body.substring(CHUNK_1.length());
            assertThat(rest).startsWith("data: {\"error\":").endsWith("\n\n");
            assertThat(openAiError(rest.substring("data: ".length()).trim()).get("type").asText())
                    .isEqualTo("timeout_error");
        }
        // The silent connection is closed, not pooled.
        Await.until("upstream connection closed", Duration.ofSeconds(5), () -> upstream.closedConnections() == 1);
        awaitNoUpstreamActive();
    }

    // ---- request validation ----

    @Test
    void oversizedBodyWithContentLengthIs413() throws Exception {
        start(config().server("maxBodyBytes", 1024).mock());

        String body = Bodies.chat("mock/echo", false, "a".repeat(4000));
        try (RawHttp client = RawHttp.connect(sluice)) {
            client.postJson("/v1/chat/completions", body);
            HttpWire.Message res = client.readResponse();
            assertThat(res.status()).isEqualTo(413);
            assertThat(openAiError(res.text()).get("type").asText()).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void oversizedChunkedBodyIs413() throws Exception {
        start(config().server("maxBodyBytes", 1024).mock());

        String body = Bodies.chat("mock/echo", false, "a".repeat(4000));
        StringBuilder req = new StringBuilder(RawHttp.requestHead("POST", "/v1/chat/completions",
                "Content-Type", "application/json", "Transfer-Encoding", "chunked"));
        for (int i = 0; i < body.length(); i += 500) {
            String part = body.substring(i, Math.min(body.length(), i + 500));
            req.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
        }
        req.append("0\r\n\r\n");
        try (RawHttp client = RawHttp.connect(sluice)) {
            client.write(req.toString());
            HttpWire.Message res = client.readResponse();
            assertThat(res.status()).isEqualTo(413);
            assertThat(openAiError(res.text()).get("type").asText()).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void bodyJustUnderTheLimitIsServed() throws Exception {
        start(config().server("maxBodyBytes", 1024).mock());
        String body = Bodies.chat("mock/echo", true, "b".repeat(1024 - Bodies.chat("mock/echo", true, "").length()));
        assertThat(body).hasSize(1024);

        HttpResponse<String> res = Http.chat(sluice, body);

        assertThat(res.statusCode()).isEqualTo(200);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        startDefault();
        for (String bad : new String[] {
            "{\"model\":\"mock/echo\",\"messages\":[",
            "{\"model\": mock/echo}",
            "not json at all",
        }) {
            HttpResponse<String> res = Http.chat(sluice, bad);
            assertThat(res.statusCode()).as("status for %s", bad).isEqualTo(400);
            assertThat(openAiError(res.body()).get("type").asText()).isEqualTo("invalid_request_error");
        }
        assertThat(upstream.requestsWaiting()).isZero();
    }

    @Test
    void missingModelIs400() throws Exception {
        startDefault();

        HttpResponse<String> res = Http.chat(sluice, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(res.statusCode()).isEqualTo(400);
        JsonNode e = openAiError(res.body());
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("message").asText()).contains("model");
    }

    @Test
    void unknownModelIs404WithCloseMatches() throws Exception {
        startDefault();

        // A bare name no provider lists, and a prefix that is no provider.
        HttpResponse<String> bare = Http.chat(sluice, Bodies.chat("gpt-4o-mni", false, "hi"));
        HttpResponse<String> prefixed = Http.chat(sluice, Bodies.chat("mokc/echo", false, "hi"));

        assertThat(bare.statusCode()).isEqualTo(404);
        JsonNode e = openAiError(bare.body());
        assertThat(e.get("type").asText()).isEqualTo("not_found_error");
        assertThat(e.get("code").asText()).isEqualTo("model_not_found");
        assertThat(e.get("message").asText()).contains("gpt-4o-mni").contains("ext-up-gpt-4o-mini");
        assertThat(prefixed.statusCode()).isEqualTo(404);
        assertThat(openAiError(prefixed.body()).get("message").asText()).contains("mokc/echo").contains("mock/echo");
        assertThat(upstream.requestsWaiting()).isZero();
    }

    @Test
    void errorAnswersKeepTheClientConnectionUsable() throws Exception {
        startDefault();

        try (RawHttp client = RawHttp.connect(sluice)) {
            client.postJson("/v1/chat/completions", "{\"messages\":[]}");
            assertThat(client.readResponse().status()).isEqualTo(400);
            client.postJson("/v1/chat/completions", Bodies.chat("nope/nope", false, "hi"));
            assertThat(client.readResponse().status()).isEqualTo(404);
            client.send("GET", "/v1/chat/completions");
            assertThat(client.readResponse().status()).isEqualTo(405);
            client.postJson("/v1/chat/completions", Bodies.chat("mock/echo", true, "still here"));
            HttpWire.Message ok = client.readResponse();
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.text()).contains("still ").endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void getOnChatCompletionsIs405() throws Exception {
        startDefault();

        HttpResponse<String> res = Http.get(sluice, "/v1/chat/completions");

        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(res.headers().firstValue("allow")).contains("POST");
        assertThat(openAiError(res.body()).get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(openAiError(res.body()).get("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void unknownPathIs404() throws Exception {
        startDefault();

        HttpResponse<String> res = Http.get(sluice, "/v1/nope");
        HttpResponse<String> post = Http.post(sluice, "/v2/chat/completions", Bodies.chat("mock/echo", false, "x"));

        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(openAiError(res.body()).get("type").asText()).isEqualTo("not_found_error");
        assertThat(post.statusCode()).isEqualTo(404);
    }

    // ---- secrets ----

    @Test
    void apiKeyEchoedInAnUpstreamOpenAiErrorIsMasked() throws Exception {
        upstream.script(r -> Reply.json(401, "{\"error\":{\"message\":\"Incorrect API key provided: "
                + r.header("authorization").substring("Bearer ".length()) + ". You can find your API key at "
                + "https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\","
                + "\"param\":null,\"code\":\"invalid_api_key\"}}"));
        startDefault();

        HttpResponse<String> res = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", false, "hi"));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.body()).doesNotContain(UPSTREAM_KEY).contains(Secrets.mask(UPSTREAM_KEY));
        assertThat(openAiError(res.body()).get("code").asText()).isEqualTo("invalid_api_key");
    }

    @Test
    void apiKeyEchoedInAnUpstreamPlainTextErrorIsMasked() throws Exception {
        upstream.script(r -> Reply.status(403).header("content-type", "text/plain")
                .part("forbidden: " + r.header("authorization")));
        startDefault();

        HttpResponse<String> res = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", true, "hi"));

        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).doesNotContain(UPSTREAM_KEY).contains(Secrets.mask(UPSTREAM_KEY));
        assertThat(openAiError(res.body()).get("type").asText()).isEqualTo("authentication_error");
    }

    private void awaitNoUpstreamActive() throws InterruptedException {
        Await.until("upstream_active_current back to 0", Duration.ofSeconds(5),
                () -> sluice.metrics().upstreamActive().get() == 0);
    }
}
