package io.sluice.proxy.e2e;

import static io.sluice.proxy.e2e.E2e.chatBody;
import static io.sluice.proxy.e2e.E2e.config;
import static io.sluice.proxy.e2e.E2e.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/1.1 connection handling on the client side: pipelining, close, HTTP/1.0, 100-continue, header limits.
 * Separate-thread timeouts: a stuck event loop must fail the test, not hang the suite in an uninterruptible close.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpProtocolTest {

    private SluiceServer sluice;

    @BeforeEach
    void start() throws InterruptedException {
        sluice = config().server("maxHeaderBytes", 2048).mock().start();
    }

    @AfterEach
    void close() {
        sluice.close();
    }

    private static String post(String json) {
        return RawHttp.chatRequestHead(json.getBytes(StandardCharsets.UTF_8).length) + json;
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice.localAddress())) {
            // Three requests in one write: the second and third arrive while the first is still streaming.
            client.write(post(chatBody("mock/echo", true, "one two three"))
                    + post(chatBody("mock/echo", false, "second"))
                    + "GET /health HTTP/1.1\r\nHost: sluice\r\n\r\n");

            RawHttp.Response first = client.readResponse();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.text()).contains("\"three\"").endsWith("data: [DONE]\n\n");
            RawHttp.Response second = client.readResponse();
            assertThat(second.status()).isEqualTo(200);
            assertThat(json(second.text()).at("/choices/0/message/content").asText()).isEqualTo("second");
            RawHttp.Response third = client.readResponse();
            assertThat(third.status()).isEqualTo(200);
            assertThat(json(third.text()).get("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice.localAddress())) {
            client.write("GET /health HTTP/1.1\r\nHost: sluice\r\nConnection: close\r\n\r\n");
            RawHttp.Response res = client.readResponse();
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.head().header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheResponse() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice.localAddress())) {
            client.write("GET /v1/models HTTP/1.0\r\n\r\n");
            RawHttp.Response res = client.readResponse();
            assertThat(res.status()).isEqualTo(200);
            assertThat(json(res.text()).get("object").asText()).isEqualTo("list");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void expectContinueGetsAnInterimResponse() throws Exception {
        String body = chatBody("mock/echo", true, "after continue");
        try (RawHttp client = RawHttp.connect(sluice.localAddress())) {
            client.write("POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n"
                    + "Expect: 100-continue\r\nContent-Length: " + body.length() + "\r\n\r\n");
            RawHttp.Head interim = client.readHead();
            assertThat(interim.status()).isEqualTo(100);
            client.write(body);
            RawHttp.Response res = client.readResponse();
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.text()).contains("\"after \"", "\"continue\"").endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void expectContinueWithAnOversizedLengthIsRefusedBeforeTheBody() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice.localAddress())) {
            client.write("POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n"
                    + "Expect: 100-continue\r\nContent-Length: " + (64L * 1024 * 1024 * 1024) + "\r\n\r\n");
            RawHttp.Response res = client.readResponse();
            assertThat(res.status()).isEqualTo(413);
            assertThat(json(res.text()).at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(json(res.text()).at("/error/code").asText()).isEqualTo("request_too_large");
        }
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice.localAddress())) {
            client.write("GET /health HTTP/1.1\r\nHost: sluice\r\nX-Big: " + "h".repeat(4096) + "\r\n\r\n");
            RawHttp.Response res = client.readResponse();
            assertThat(res.status()).isEqualTo(431);
            assertThat(json(res.text()).at("/error/message").asText()).isNotEmpty();
            assertThat(client.closedByPeer()).as("closed after a malformed head").isTrue();
        }
    }

    @Test
    void oversizedHeadersErrorIsAClientError() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice.localAddress())) {
            client.write("GET /health HTTP/1.1\r\nHost: sluice\r\nX-Big: " + "h".repeat(4096) + "\r\n\r\n");
            RawHttp.Response res = client.readResponse();
            assertThat(res.status()).isEqualTo(431);
            // api_error tells OpenAI clients the server failed; a too-large head is the request's fault.
            assertThat(json(res.text()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        }
    }
}
