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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * CORS at the server edge, behind the real client pipeline: preflights answered before any client key is asked for
 * and not counted as model requests, CORS headers on every response to an allowed origin (errors and 401s included),
 * none for other origins, and none at all when CORS is off. Raw bytes in, split 1 byte, 7 bytes and whole.
 */
class CorsTest {

    private static final String APP = "http://app.example.test:5173";
    private static final String KEY = "sk-cors-team-0000000000000001";

    private TestProxy proxy;
    private EmbeddedChannel client;

    private void start(String cors) {
        TestProxy.Builder b = TestProxy.builder().mock("0ms", 1)
                .sections("access:\n  requireClientKey: true\n  clientKeys:\n    team: " + KEY + "\n");
        if (cors != null) {
            b.server("cors", cors);
        }
        proxy = b.build();
        client = proxy.client();
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        proxy.close();
    }

    private Message send(String wire, int size) {
        feed(client, wire, size);
        List<Message> res = HttpWire.responses(drain(client));
        assertThat(res).hasSize(1);
        return res.get(0);
    }

    private static String preflight(String origin, String headers) {
        return "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nOrigin: " + origin
                + "\r\nAccess-Control-Request-Method: POST\r\n"
                + (headers == null ? "" : "Access-Control-Request-Headers: " + headers + "\r\n") + "\r\n";
    }

    private static String chat(String origin, String key) {
        String body = "{\"model\":\"mock/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void preflightFromAnAllowedOriginNeedsNoKey(int size) {
        start("{origins: [\"" + APP + "\", https://other.example.test], maxAge: 5m}");
        Message res = send(preflight(APP, "authorization, content-type, x-stainless-os"), size);
        assertThat(res.status()).isEqualTo(204);
        assertThat(res.header("access-control-allow-origin")).isEqualTo(APP);
        assertThat(res.header("access-control-allow-methods")).contains("POST", "GET", "OPTIONS");
        assertThat(res.header("access-control-allow-headers")).isEqualTo("authorization, content-type, x-stainless-os");
        assertThat(res.header("access-control-max-age")).isEqualTo("300");
        assertThat(res.header("vary")).contains("Origin");
        assertThat(res.header("access-control-allow-credentials")).isNull();
        assertThat(res.body()).isEmpty();
        assertThat(client.isOpen()).isTrue();
        assertThat(proxy.requests("OPTIONS", "preflight", 204)).isEqualTo(1.0);
        assertThat(proxy.requests("OPTIONS", "/v1/chat/completions", 204)).isZero();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void preflightFromAnotherOriginIsRefusedWithoutCorsHeaders(int size) {
        start("{origins: [\"" + APP + "\"]}");
        Message res = send(preflight("https://evil.example.test", "authorization"), size);
        assertThat(res.status()).isEqualTo(403);
        assertThat(res.header("access-control-allow-origin")).isNull();
        assertThat(res.header("access-control-allow-headers")).isNull();
        assertThat(res.error().path("code").asText()).isEqualTo("origin_not_allowed");
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void streamsAndRefusalsToAnAllowedOriginCarryCorsHeaders(int size) {
        start("{origins: [\"" + APP + "\"]}");
        Message stream = send(chat(APP.toUpperCase(java.util.Locale.ROOT).replace("HTTP:", "http:"), KEY), size);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("content-type")).startsWith("text/event-stream");
        assertThat(stream.header("access-control-allow-origin")).isNotNull();
        assertThat(stream.header("vary")).contains("Origin");
        Message denied = send(chat(APP, null), size);
        assertThat(denied.status()).isEqualTo(401);
        assertThat(denied.header("access-control-allow-origin")).isEqualTo(APP);
        assertThat(denied.header("access-control-expose-headers")).contains("www-authenticate");
        Message other = send(chat("https://evil.example.test", KEY), size);
        assertThat(other.status()).isEqualTo(200); // served; the browser withholds it from the page
        assertThat(other.header("access-control-allow-origin")).isNull();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void anyOriginAnswersWithAStar(int size) {
        start("{origins: [\"*\"]}");
        Message res = send(preflight("https://anyone.example.test", null), size);
        assertThat(res.status()).isEqualTo(204);
        assertThat(res.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(res.header("access-control-allow-headers")).isNull();
        Message models = send("GET /v1/models HTTP/1.1\r\nHost: sluice\r\nOrigin: https://x.example.test\r\n"
                + "Authorization: Bearer " + KEY + "\r\n\r\n", size);
        assertThat(models.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(models.header("vary")).isNull();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void offByDefaultNoCorsHeadersAndPreflightIsARoutedOptions(int size) {
        start(null);
        Message res = send(preflight(APP, "authorization"), size);
        assertThat(res.status()).isEqualTo(401); // a plain OPTIONS on a model route: the key is asked for
        assertThat(res.header("access-control-allow-origin")).isNull();
        Message stream = send(chat(APP, KEY), size);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("access-control-allow-origin")).isNull();
        assertThat(stream.header("vary")).isNull();
    }
}
