package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.RawHttp;
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

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice)) {
            // Three requests in one write: the second and third arrive while the first is still streaming.
            client.write(RawHttp.jsonPost("/v1/chat/completions", Bodies.chat("mock/echo", true, "one two three"))
                    + RawHttp.jsonPost("/v1/chat/completions", Bodies.chat("mock/echo", false, "second"))
                    + RawHttp.requestHead("GET", "/health"));

            HttpWire.Message first = client.readResponse();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.text()).contains("\"three\"").endsWith("data: [DONE]\n\n");
            HttpWire.Message second = client.readResponse();
            assertThat(second.status()).isEqualTo(200);
            assertThat(json(second.text()).at("/choices/0/message/content").asText()).isEqualTo("second");
            HttpWire.Message third = client.readResponse();
            assertThat(third.status()).isEqualTo(200);
            assertThat(json(third.text()).get("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice)) {
            client.send("GET", "/health", "Connection", "close");
            HttpWire.Message res = client.readResponse();
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheResponse() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice)) {
            client.write("GET /v1/models HTTP/1.0\r\n\r\n");
            HttpWire.Message res = client.readResponse();
            assertThat(res.status()).isEqualTo(200);
            assertThat(json(res.text()).get("object").asText()).isEqualTo("list");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void expectContinueGetsAnInterimResponse() throws Exception {
        String body = Bodies.chat("mock/echo", true, "after continue");
        try (RawHttp client = RawHttp.connect(sluice)) {
            client.send("POST", "/v1/chat/completions", "Content-Type", "application/json",
                    "Expect", "100-continue", "Content-Length", Integer.toString(body.length()));
            RawHttp.Head interim = client.readHead();
            assertThat(interim.status()).isEqualTo(100);
            client.write(body);
            HttpWire.Message res = client.readResponse();
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.text()).contains("\"after \"", "\"continue\"").endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void expectContinueWithAnOversizedLengthIsRefusedBeforeTheBody() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice)) {
            client.send("POST", "/v1/chat/completions", "Content-Type", "application/json",
                    "Expect", "100-continue", "Content-Length", Long.toString(64L * 1024 * 1024 * 1024));
            HttpWire.Message res = client.readResponse();
            assertThat(res.status()).isEqualTo(413);
            assertThat(json(res.text()).at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(json(res.text()).at("/error/code").asText()).isEqualTo("request_too_large");
        }
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice)) {
            client.send("GET", "/health", "X-Big", "h".repeat(4096));
            HttpWire.Message res = client.readResponse();
            assertThat(res.status()).isEqualTo(431);
            assertThat(json(res.text()).at("/error/message").asText()).isNotEmpty();
            assertThat(client.closedByPeer()).as("closed after a malformed head").isTrue();
        }
    }

    @Test
    void oversizedHeadersErrorIsAClientError() throws Exception {
        try (RawHttp client = RawHttp.connect(sluice)) {
            client.send("GET", "/health", "X-Big", "h".repeat(4096));
            HttpWire.Message res = client.readResponse();
            assertThat(res.status()).isEqualTo(431);
            // api_error tells OpenAI clients the server failed; a too-large head is the request's fault.
            assertThat(json(res.text()).at("/error/type").asText()).isEqualTo("invalid_request_error");
        }
    }
}
