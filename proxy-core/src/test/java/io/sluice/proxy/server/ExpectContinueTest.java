package io.sluice.proxy.server;

import static io.sluice.proxy.testing.Embedded.drain;
import static io.sluice.proxy.testing.Embedded.feed;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.HttpWire.Message;
import io.sluice.proxy.testing.TestProxy;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@code Expect: 100-continue} in the client pipeline ({@link RequestReader}): 100 for bodies that fit, a 413 before
 * the body otherwise.
 */
class ExpectContinueTest {

    private TestProxy proxy;
    private EmbeddedChannel client;

    @BeforeEach
    void setUp() {
        proxy = TestProxy.builder().server("maxBodyBytes", 1024).mock("0ms", 1).build();
        client = proxy.client();
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        proxy.close();
    }

    private static String head(String contentLength) {
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n"
                + "Expect: 100-continue\r\n" + contentLength + "\r\n";
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void bodyThatFitsGetsContinueThenTheAnswer(int size) {
        String body = ClientHandlerTest.chatBody("mock/echo", false, "after continue");
        feed(client, head("Content-Length: " + body.length() + "\r\n"), size);

        List<Message> interim = HttpWire.responses(drain(client));
        assertThat(interim).hasSize(1);
        assertThat(interim.get(0).startLine()).isEqualTo("HTTP/1.1 100 Continue");
        assertThat(interim.get(0).body()).isEmpty();

        feed(client, body, size);
        List<Message> res = HttpWire.responses(drain(client));
        assertThat(res).hasSize(1);
        assertThat(res.get(0).status()).isEqualTo(200);
        assertThat(res.get(0).json().at("/choices/0/message/content").asText()).isEqualTo("after continue");
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void chunkedBodyOfUnknownLengthGetsContinue() {
        feed(client, head("Transfer-Encoding: chunked\r\n"), Integer.MAX_VALUE);

        assertThat(HttpWire.responses(drain(client))).extracting(Message::status).containsExactly(100);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void oversizedDeclaredBodyIs413BeforeTheBodyAndCloses(int size) {
        feed(client, head("Content-Length: 1025\r\n"), size);

        List<Message> res = HttpWire.responses(drain(client));
        assertThat(res).hasSize(1);
        Message r = res.get(0);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.header("content-length")).isEqualTo(Integer.toString(r.body().length));
        assertThat(r.error().get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.error().get("code").asText()).isEqualTo("request_too_large");
        assertThat(r.error().get("message").asText())
                .isEqualTo("request body of 1025 bytes exceeds the limit of 1024 bytes");
        // The decoder still expects the 1025 body bytes the client will not send: a request sent next on this
        // connection would be swallowed as that body. The connection must end with this answer.
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void oversizedDeclaredBodyWithoutExpectationIsLeftToTheClientHandler() {
        feed(client, "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nContent-Length: 5000\r\n\r\n",
                Integer.MAX_VALUE);

        List<Message> res = HttpWire.responses(drain(client));
        assertThat(res).extracting(Message::status).containsExactly(413);
        assertThat(proxy.requests("POST", "/v1/chat/completions", 413)).isEqualTo(1.0);
    }
}
