package io.sluice.proxy.upstream;

import static io.sluice.proxy.testing.Embedded.drain;
import static io.sluice.proxy.testing.Embedded.feed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.schedule.CircuitBreaker;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.HttpWire.Message;
import io.sluice.proxy.testing.TestProxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link UpstreamRelay} between two EmbeddedChannels: the client side runs SluiceServer's pipeline (ClientHandler is
 * the relay's sink), the upstream side runs UpstreamPools' pipeline and sits idle in the relay's pool, so the relay
 * picks it up as a kept-alive connection. Raw bytes in on both sides, split 1/7/whole.
 */
class UpstreamRelayTest {

    static final String KEY = "sk-upstream-unit-0123456789abcdef";
    static final String SSE = UpstreamHandlerTest.SSE;
    /** {@link #SSE} as a client that did not ask for usage gets it (issue 20: Sluice asked, for accounting). */
    static final String SSE_NO_USAGE = SSE.replace(
            "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n", "");

    /** Counts read() requests reaching the upstream transport: what backpressure turns on and off. */
    static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int reads;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }
    }

    private TestProxy proxy;
    private EmbeddedChannel client;
    private EmbeddedChannel upstream;
    private final ReadCounter reads = new ReadCounter();
    private OriginPool pool;
    /** Top-level YAML appended to the proxy's config (after the providers). */
    private String extraYaml = "";

    /** A proxy with provider "up" and one idle pooled upstream connection (unless {@code pooled} is false). */
    private void start(String firstByteTimeout, String idleTimeout, boolean pooled) {
        proxy = TestProxy.builder()
                .upstream("firstByteTimeout", firstByteTimeout)
                .upstream("idleTimeout", idleTimeout)
                .openAiCompatible("up", "http://127.0.0.1:9/v1", KEY, "gpt-4o-mini")
                .providersYaml(extraYaml)
                .build();
        client = proxy.client();
        upstream = new EmbeddedChannel();
        upstream.config().setAutoRead(false);
        upstream.freezeTime();
        upstream.pipeline().addLast("reads", reads);
        UpstreamPools.initPipeline(upstream.pipeline(), null, 60_000);
        ProviderConfig up = proxy.context().config().provider("up").orElseThrow();
        pool = proxy.context().upstreams().pools().pool(client.eventLoop(), proxy.context().upstreams().origin(up));
        if (pooled) {
            pool.release(upstream, true);
            assertThat(pool.idleConnections()).isEqualTo(1);
        }
    }

    private void start() {
        start("10s", "10s", true);
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.finishAndReleaseAll();
            upstream.finishAndReleaseAll();
            proxy.close();
        }
    }

    static String chatBody(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"héllo\"}],\"temperature\":0.2}";
    }

    private String sendChat(boolean stream, int size) {
        String body = chatBody("up/gpt-4o-mini", stream);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        feed(client, "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n" + body, size);
        return body;
    }

    /** The one request the relay wrote upstream. */
    private Message upstreamRequest() {
        List<Message> req = HttpWire.requests(drain(upstream));
        assertThat(req).hasSize(1);
        assertThat(req.get(0).complete()).isTrue();
        return req.get(0);
    }

    private List<Message> clientResponses() {
        return HttpWire.responses(drain(client));
    }

    static String sseHead(String extraHeaders) {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n" + extraHeaders
                + "Transfer-Encoding: chunked\r\n\r\n";
    }

    static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    static final String EVENT_1 =
            "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n";

    // ---- request out ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void requestGoesUpstreamWithOnlyTheModelSpliced(int size) {
        start();
        String body = sendChat(true, size);

        Message req = upstreamRequest();

        assertThat(req.startLine()).isEqualTo("POST /v1/chat/completions HTTP/1.1");
        assertThat(req.header("host")).isEqualTo("127.0.0.1:9");
        assertThat(req.header("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(req.header("accept")).isEqualTo("text/event-stream");
        assertThat(req.header("accept-encoding")).isEqualTo("identity");
        assertThat(req.header("content-type")).isEqualTo("application/json");
        assertThat(req.header("content-length")).isEqualTo(Integer.toString(req.body().length));
        // The model spliced, and usage asked for (issue 20): the client's stream did not ask, accounting needs it.
        assertThat(req.text()).isEqualTo(body.replace("{\"model\":\"up/gpt-4o-mini\"",
                "{\"stream_options\":{\"include_usage\":true},\"model\":\"gpt-4o-mini\""));
        assertThat(pool.idleConnections()).as("connection taken from the pool").isZero();
        assertThat(reads.reads).as("first read issued with the request").isEqualTo(1);
        assertThat(proxy.metrics().upstreamActive().get()).isEqualTo(1);
    }

    // ---- passthrough ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void sseIsRelayedUnchangedAndUsageCounted(int size) {
        start();
        sendChat(true, size);
        upstreamRequest();

        feed(upstream, UpstreamHandlerTest.sseResponse(SSE).replace("Content-Type: text/event-stream\r\n",
                "Content-Type: text/event-stream\r\nx-request-id: req_42\r\nx-ratelimit-remaining-requests: 99\r\n"
                        + "openai-processing-ms: 12\r\nset-cookie: a=b\r\n"), size);

        List<Message> res = clientResponses();
        assertThat(res).hasSize(1);
        Message r = res.get(0);
        assertThat(r.complete()).isTrue();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.chunked()).isTrue();
        assertThat(r.header("content-type")).isEqualTo("text/event-stream");
        assertThat(r.header("cache-control")).isEqualTo("no-cache");
        assertThat(r.header("x-accel-buffering")).isEqualTo("no");
        assertThat(r.header("x-request-id")).isEqualTo("req_42");
        assertThat(r.header("x-ratelimit-remaining-requests")).isEqualTo("99");
        assertThat(r.header("openai-processing-ms")).isEqualTo("12");
        assertThat(r.header("set-cookie")).isNull();
        assertThat(r.text()).isEqualTo(SSE_NO_USAGE); // the usage chunk the client did not ask for is not sent
        assertThat(proxy.tokens("up", "gpt-4o-mini", "prompt")).isEqualTo(3.0);
        assertThat(proxy.tokens("up", "gpt-4o-mini", "completion")).isEqualTo(1.0);
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
        assertThat(pool.idleConnections()).as("kept-alive connection back in the pool").isEqualTo(1);
        assertThat(upstream.isOpen()).isTrue();
        assertThat(client.isOpen()).isTrue();
        assertThat(proxy.requests("POST", "/v1/chat/completions", 200)).isEqualTo(1.0);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void jsonCompletionKeepsItsLengthAndBytes(int size) {
        start();
        sendChat(false, size);
        assertThat(upstreamRequest().header("accept")).isEqualTo("application/json");
        String json = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29}}";

        feed(upstream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + json.length()
                + "\r\n\r\n" + json, size);

        List<Message> res = clientResponses();
        assertThat(res).hasSize(1);
        Message r = res.get(0);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.chunked()).isFalse();
        assertThat(r.header("content-length")).isEqualTo(Integer.toString(json.length()));
        assertThat(r.text()).isEqualTo(json);
        assertThat(proxy.tokens("up", "gpt-4o-mini", "prompt")).isEqualTo(19.0);
        assertThat(proxy.tokens("up", "gpt-4o-mini", "completion")).isEqualTo(10.0);
        assertThat(pool.idleConnections()).isEqualTo(1);
    }

    @Test
    void chunkedJsonIsRelayedChunked() {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();
        String json = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[]}";

        feed(upstream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk(json.substring(0, 10)) + chunk(json.substring(10)) + "0\r\n\r\n", 7);

        Message r = clientResponses().get(0);
        assertThat(r.chunked()).isTrue();
        assertThat(r.complete()).isTrue();
        assertThat(r.text()).isEqualTo(json);
    }

    @Test
    void pooledConnectionKeepsAReadPendingAndDropsStrayBytes() {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();
        int before = reads.reads;

        feed(upstream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                Integer.MAX_VALUE);

        assertThat(clientResponses()).extracting(Message::status).containsExactly(200);
        assertThat(pool.idleConnections()).isEqualTo(1);
        // A read left pending on the idle connection: epoll keeps EPOLLIN instead of clearing and re-adding it.
        assertThat(reads.reads).as("read pending while pooled").isEqualTo(before + 1);

        feed(upstream, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", Integer.MAX_VALUE);
        assertThat(upstream.isOpen()).as("bytes on an idle connection: out of sync, closed").isFalse();
    }

    @Test
    void upstreamConnectionCloseIsNotPooled() {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();

        feed(upstream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: 2\r\n\r\n{}", Integer.MAX_VALUE);

        assertThat(clientResponses()).extracting(Message::status).containsExactly(200);
        assertThat(pool.idleConnections()).isZero();
        assertThat(upstream.isOpen()).isFalse();
        assertThat(client.isOpen()).as("the client's connection is its own").isTrue();
    }

    @Test
    void closeDelimitedBodyIsRelayedChunkedToItsEnd() {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();
        String json = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[]}";
        feed(upstream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + json, 7);

        upstream.close();

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.chunked()).isTrue();
        assertThat(r.complete()).isTrue();
        assertThat(r.text()).isEqualTo(json);
        assertThat(client.isOpen()).isTrue();
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void interimResponsesBeforeTheFinalOneAreSkipped(int size) {
        // RFC 9110 §15.2: a client must parse 1xx responses it did not ask for (100 Continue, 103 Early Hints).
        start();
        sendChat(true, size);
        upstreamRequest();

        feed(upstream, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
                + UpstreamHandlerTest.sseResponse(SSE), size);

        List<Message> res = clientResponses();
        assertThat(res).extracting(Message::status).containsExactly(200);
        assertThat(res.get(0).text()).isEqualTo(SSE_NO_USAGE);
        assertThat(pool.idleConnections()).isEqualTo(1);
    }

    // ---- upstream errors ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void upstreamOpenAiErrorIsRelayedWithItsStatusAndTheKeyMasked(int size) {
        start();
        sendChat(true, size);
        upstreamRequest();
        String error = "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ".\",\"type\":"
                + "\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";

        feed(upstream, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: "
                + error.length() + "\r\n\r\n" + error, size);

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.text()).isEqualTo(error.replace(KEY, Secrets.mask(KEY))).doesNotContain(KEY);
        assertThat(r.error().get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(pool.idleConnections()).isEqualTo(1);
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
        assertThat(client.isOpen()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void upstreamHtmlErrorBecomesAnOpenAiError(int size) {
        start();
        sendChat(false, size);
        upstreamRequest();
        String html = "<html><body>Service Unavailable</body></html>";

        feed(upstream, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nContent-Length: "
                + html.length() + "\r\n\r\n" + html, size);

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(503);
        JsonNode e = r.error();
        assertThat(e.get("type").asText()).isEqualTo("api_error");
        assertThat(e.get("code").asText()).isEqualTo("upstream_http_503");
        assertThat(e.get("message").asText()).isEqualTo("provider up returned HTTP 503: " + html);
    }

    private CircuitBreaker.State breaker() {
        ProviderConfig up = proxy.context().config().provider("up").orElseThrow();
        return proxy.context().scheduler().runtime(up).breaker().state();
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 302, 600, 304})
    void nonStandardOrRedirectStatusIs502NamingIt(int status) {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();

        String body = status == 304 ? "" : "{\"error\":{\"message\":\"x\"}}";
        feed(upstream, "HTTP/1.1 " + status + " Odd\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body, Integer.MAX_VALUE);

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.header("location")).isNull();
        assertThat(r.error().get("code").asText()).isEqualTo("upstream_error");
        assertThat(r.error().get("message").asText())
                .startsWith("provider up returned non-standard HTTP status " + status);
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void redirectWithoutLocationOrBodyIs502() {
        start();
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();

        feed(upstream, "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", Integer.MAX_VALUE);

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.error().get("message").asText()).isEqualTo("provider up returned non-standard HTTP status 302");
    }

    @Test
    void relayed429KeepsTheProvidersRetryAfter() {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();
        String error = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}";

        feed(upstream, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 17\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + error.length() + "\r\n\r\n" + error, Integer.MAX_VALUE);

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("retry-after")).isEqualTo("17");
        assertThat(r.text()).isEqualTo(error);
    }

    @Test
    void relayedHtml503KeepsTheProvidersRetryAfter() {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();
        String html = "<html>down</html>";

        feed(upstream, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Type: text/html\r\n"
                + "Content-Length: " + html.length() + "\r\n\r\n" + html, Integer.MAX_VALUE);

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("retry-after")).isEqualTo("5");
    }

    // ---- transport failures and timeouts ----

    @Test
    void upstreamClosingBeforeTheHeadIs502() {
        start();
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();

        upstream.close();

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.error().get("type").asText()).isEqualTo("api_error");
        assertThat(r.error().get("code").asText()).isEqualTo("upstream_error");
        assertThat(r.error().get("message").asText()).isEqualTo(
                "provider up: upstream closed the connection before the response was complete");
        assertThat(pool.idleConnections()).isZero();
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
        assertThat(client.isOpen()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void upstreamCloseMidStreamEndsTheStreamWithAnErrorEvent(int size) {
        start();
        sendChat(true, size);
        upstreamRequest();
        feed(upstream, sseHead("") + chunk(EVENT_1) + chunk("data: {\"id\":\"c1\",\"cho"), size);

        upstream.close();

        List<Message> res = clientResponses();
        assertThat(res).hasSize(1);
        Message r = res.get(0);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.complete()).as("stream ended properly, not cut").isTrue();
        String body = r.text();
        // The cut event never went out (events go whole, issue 20): the error event follows the last whole one.
        assertThat(body).startsWith(EVENT_1 + "data: {\"error\":");
        String event = body.substring(EVENT_1.length());
        assertThat(event).startsWith("data: {\"error\":").endsWith("}\n\n").doesNotContain("[DONE]");
        JsonNode e = HttpWire.json(event.substring("data: ".length()).trim()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("api_error");
        assertThat(e.get("code").asText()).isEqualTo("upstream_error");
        assertThat(e.get("message").asText()).startsWith("upstream stream from provider up failed: ");
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void upstreamCloseMidJsonBodyIsA502NotACut200() {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();
        feed(upstream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":",
                Integer.MAX_VALUE);

        upstream.close();

        // A non-streamed answer is held until known whole (WholeJson): nothing was sent, so the failure is early.
        List<Message> res = clientResponses();
        assertThat(res).hasSize(1);
        assertThat(res.get(0).status()).isEqualTo(502);
        assertThat(res.get(0).complete()).isTrue();
        assertThat(res.get(0).json().at("/error/message").asText()).contains("closed the connection");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void upstreamCloseMidJsonBodyLargerThanTheHoldClosesTheClientConnection() {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();
        int length = WholeJson.HOLD_BYTES + 1024;
        feed(upstream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + length
                + "\r\n\r\n{\"data\":\"" + "x".repeat(WholeJson.HOLD_BYTES), Integer.MAX_VALUE);

        upstream.close();

        List<Message> res = clientResponses();
        assertThat(res).hasSize(1);
        assertThat(res.get(0).status()).isEqualTo(200);
        assertThat(res.get(0).complete()).as("HTTP/1.1 can only say 'incomplete' by closing").isFalse();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void truncatedJsonBodyLargerThanTheHoldEndsTheClientsConnectionShort() {
        start();
        sendChat(false, Integer.MAX_VALUE);
        upstreamRequest();
        String body = "{\"data\":\"" + "x".repeat(WholeJson.HOLD_BYTES) + "\"";
        feed(upstream, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body, Integer.MAX_VALUE);

        List<Message> res = clientResponses();
        assertThat(res).hasSize(1);
        assertThat(res.get(0).status()).isEqualTo(200);
        assertThat(res.get(0).complete()).as("the missing '}' is told by a short body and a close").isFalse();
        assertThat(client.isOpen()).isFalse();
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
    }

    @Test
    void firstByteTimeoutIs504() {
        start("30ms", "10s", true);
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();

        upstream.advanceTimeBy(30, TimeUnit.MILLISECONDS);
        upstream.runPendingTasks();

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.error().get("type").asText()).isEqualTo("timeout_error");
        assertThat(r.error().get("code").asText()).isEqualTo("upstream_timeout");
        assertThat(r.error().get("message").asText())
                .isEqualTo("provider up: upstream did not answer within 30 ms");
        assertThat(upstream.isOpen()).isFalse();
        assertThat(pool.idleConnections()).isZero();
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void silentStreamEndsWithATimeoutErrorEvent() {
        start("10s", "30ms", true);
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();
        feed(upstream, sseHead("") + chunk(EVENT_1), Integer.MAX_VALUE);

        upstream.advanceTimeBy(30, TimeUnit.MILLISECONDS);
        upstream.runPendingTasks();

        Message r = clientResponses().get(0);
        assertThat(r.complete()).isTrue();
        assertThat(r.text()).startsWith(EVENT_1 + "data: {\"error\":");
        JsonNode e = HttpWire.json(r.text().substring((EVENT_1 + "data: ").length()).trim()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("timeout_error");
        assertThat(e.get("code").asText()).isEqualTo("upstream_timeout");
        assertThat(e.get("message").asText()).endsWith("upstream sent nothing for 30 ms");
        assertThat(upstream.isOpen()).isFalse();
    }

    @Test
    void noConnectionIs502ConnectError() {
        // Nothing pooled: the pool's connect cannot register a socket channel on an embedded event loop, which
        // stands for any connect failure.
        start("10s", "10s", false);
        sendChat(true, Integer.MAX_VALUE);

        Message r = clientResponses().get(0);
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.error().get("type").asText()).isEqualTo("api_error");
        assertThat(r.error().get("code").asText()).isEqualTo("upstream_connect_error");
        assertThat(r.error().get("message").asText()).startsWith("cannot connect to provider up at http://127.0.0.1:9: ");
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
    }

    // ---- backpressure and cancellation ----

    @Test
    void clientWritabilityDrivesUpstreamReads() {
        start();
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();
        feed(upstream, sseHead("") + chunk(EVENT_1), Integer.MAX_VALUE);
        assertThat(reads.reads).as("read batch flushed to a writable client: next read").isEqualTo(2);

        client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        client.runPendingTasks();
        feed(upstream, chunk(EVENT_1), Integer.MAX_VALUE);
        assertThat(reads.reads).as("client not writable: no read").isEqualTo(2);

        client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        client.runPendingTasks();
        assertThat(reads.reads).as("client writable again: one read").isEqualTo(3);

        client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        client.runPendingTasks();
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        client.runPendingTasks();
        assertThat(reads.reads).as("no read pending: writability alone reads nothing").isEqualTo(3);

        feed(upstream, chunk("data: [DONE]\n\n") + "0\r\n\r\n", Integer.MAX_VALUE);
        Message r = clientResponses().get(0);
        assertThat(r.complete()).isTrue();
        assertThat(r.text()).isEqualTo(EVENT_1 + EVENT_1 + "data: [DONE]\n\n");
    }

    @Test
    void slowClientIsNeitherTimedOutNorBlamedOnTheProvider() {
        extraYaml = "resilience:\n  breakerFailures: 1\n";
        start("10s", "30ms", true);
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();
        feed(upstream, sseHead("") + chunk(EVENT_1), Integer.MAX_VALUE);
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        client.runPendingTasks();
        feed(upstream, chunk(EVENT_1), Integer.MAX_VALUE); // read batch to an unwritable client: reads pause

        upstream.advanceTimeBy(10, TimeUnit.SECONDS);
        upstream.runPendingTasks();

        assertThat(upstream.isOpen()).as("no idle timeout while reads are paused for the client").isTrue();
        assertThat(breaker()).isEqualTo(CircuitBreaker.State.CLOSED);

        client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        client.runPendingTasks();
        upstream.advanceTimeBy(29, TimeUnit.MILLISECONDS);
        upstream.runPendingTasks();
        assertThat(upstream.isOpen()).as("the idle timeout counts from the resumed read").isTrue();
        feed(upstream, chunk("data: [DONE]\n\n") + "0\r\n\r\n", Integer.MAX_VALUE);

        Message r = clientResponses().get(0);
        assertThat(r.complete()).isTrue();
        assertThat(r.text()).isEqualTo(EVENT_1 + EVENT_1 + "data: [DONE]\n\n");
        assertThat(breaker()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void idleTimeoutRunsAgainOnceTheClientReads() {
        start("10s", "30ms", true);
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();
        feed(upstream, sseHead("") + chunk(EVENT_1), Integer.MAX_VALUE);
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        client.runPendingTasks();
        feed(upstream, chunk(EVENT_1), Integer.MAX_VALUE);
        upstream.advanceTimeBy(1, TimeUnit.SECONDS);
        upstream.runPendingTasks();
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        client.runPendingTasks();

        upstream.advanceTimeBy(30, TimeUnit.MILLISECONDS);
        upstream.runPendingTasks();

        assertThat(upstream.isOpen()).as("a provider silent while we read is still timed out").isFalse();
        JsonNode e = HttpWire.json(clientResponses().get(0).text()
                .substring((EVENT_1 + EVENT_1 + "data: ").length()).trim()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("upstream_timeout");
    }

    @Test
    void upstreamCloseWhileReadsArePausedForTheClientIsNoProviderFailure() {
        extraYaml = "resilience:\n  breakerFailures: 1\n";
        start();
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();
        feed(upstream, sseHead("") + chunk(EVENT_1), Integer.MAX_VALUE);
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        client.runPendingTasks();
        feed(upstream, chunk(EVENT_1), Integer.MAX_VALUE);

        upstream.close(); // e.g. the provider's own write timeout, as we stopped reading

        assertThat(breaker()).as("the client's stall: not the provider's failure")
                .isEqualTo(CircuitBreaker.State.CLOSED);
        client.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        client.runPendingTasks();
        assertThat(clientResponses().get(0).text()).contains("upstream_error");
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void clientGoneMidStreamClosesUpstreamAndReleasesEverything(int size) {
        start();
        sendChat(true, size);
        upstreamRequest();
        // The framer holds the start of a cut event when the client leaves.
        feed(upstream, sseHead("") + chunk(EVENT_1) + chunk("data: {\"partial\":"), size);
        assertThat(clientResponses().get(0).text()).startsWith(EVENT_1);

        client.close();

        assertThat(upstream.isOpen()).as("mid-response connection can never be reused").isFalse();
        assertThat(pool.idleConnections()).isZero();
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
    }

    @Test
    void clientGoneBeforeTheHeadIsCounted499AndClosesUpstream() {
        start();
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();

        client.close();

        assertThat(proxy.requests("POST", "/v1/chat/completions", 499)).isEqualTo(1.0);
        assertThat(upstream.isOpen()).isFalse();
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
    }

    @Test
    void clientGoneWhileAnErrorBodyIsBufferedReleasesIt() {
        start();
        sendChat(true, Integer.MAX_VALUE);
        upstreamRequest();
        feed(upstream, "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"error\":{\"message\":", 7);

        client.close();

        assertThat(upstream.isOpen()).isFalse();
        assertThat(proxy.metrics().upstreamActive().get()).isZero();
    }
}
