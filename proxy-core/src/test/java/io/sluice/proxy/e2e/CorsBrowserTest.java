package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CORS as a browser enforces it: a page served by another HTTP server (another origin) calls Sluice with
 * {@code fetch()} in a real headless Chromium, with an {@code Authorization} header (so the browser sends a preflight
 * first), reads a streamed chat completion chunk by chunk and a response header Sluice exposes; the same page from an
 * origin not configured gets nothing, as the browser blocks it; and a page that sends no key reads the 401 in
 * OpenAI's shape. Without {@code /usr/bin/chromium} this is skipped on a developer machine and fails in CI.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CorsBrowserTest {

    private static final String KEY = "sk-cors-browser-000000000001";
    private static final String PAGE = "<!doctype html><html><head><meta charset=utf-8><title>other origin</title>"
            + "</head><body><h1>a page of another origin</h1></body></html>";

    private final List<TestUpstream.Received> seen = new CopyOnWriteArrayList<>();
    private HttpServer pages;
    private TestUpstream upstream;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws Exception {
        if (!Chromium.installed()) {
            if (System.getenv("CI") != null) {
                fail(Chromium.BINARY + " is missing; .ci/run installs it (apt-get install chromium)");
            }
            Assumptions.assumeTrue(false, Chromium.BINARY + " is missing: browser test skipped");
        }
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/", ex -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        pages.start();
        upstream = new TestUpstream(r -> {
            seen.add(r);
            return Reply.sse(DedupE2eTest.E1).part(DedupE2eTest.E2).part(DedupE2eTest.E3)
                    .part(DedupE2eTest.USAGE).part(DedupE2eTest.DONE).header("x-request-id", "req_cors_123");
        });
        String allowed = "http://127.0.0.1:" + pages.getAddress().getPort();
        sluice = TestConfig.startYaml("server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms,"
                + " cors: {origins: [\"" + allowed + "\"]}}\n"
                + "providersFromEnv: false\naccess:\n  requireClientKey: true\n  clientKeys:\n    team: " + KEY + "\n"
                + "providers:\n  up:\n    type: openai-compatible\n    baseUrl: http://127.0.0.1:" + upstream.port() + "/v1\n"
                + "    apiKey: " + TestConfig.UPSTREAM_KEY + "\n    models: [gpt-4o-mini]\n");
    }

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (pages != null) {
            pages.stop(0);
        }
    }

    /** A script that streams a chat completion from Sluice with fetch() and reports what the page could read. */
    private String streamingCall(String key) {
        return "(async () => { try {"
                + " const r = await fetch('" + Http.base(sluice) + "/v1/chat/completions', {method: 'POST',"
                + " headers: {" + (key == null ? "" : "'Authorization': 'Bearer " + key + "', ")
                + "'Content-Type': 'application/json', 'X-Stainless-Lang': 'js'},"
                + " body: JSON.stringify({model: 'gpt-4o-mini', stream: true,"
                + " messages: [{role: 'user', content: 'hello from another origin'}]})});"
                + " const reader = r.body.getReader(); const dec = new TextDecoder(); let text = ''; let reads = 0;"
                + " for (;;) { const {done, value} = await reader.read(); if (done) break; reads++;"
                + " text += dec.decode(value, {stream: true}); }"
                + " return {ok: true, status: r.status, requestId: r.headers.get('x-request-id'),"
                + " active: r.headers.get('x-upstream-active'), type: r.headers.get('content-type'), text, reads};"
                + " } catch (e) { return {ok: false, error: String(e)}; } })()";
    }

    @Test
    void aPageOfAnAllowedOriginStreamsAndReadsHeadersOneOfAnotherOriginIsBlocked() throws Exception {
        int port = pages.getAddress().getPort();
        try (Chromium browser = Chromium.launch(800, 600)) {
            Chromium.Page page = browser.page();
            page.navigate("http://127.0.0.1:" + port + "/");
            page.await("the page to load", java.time.Duration.ofSeconds(20),
                    "document.readyState === 'complete' && document.title === 'other origin'");
            JsonNode r = page.eval(streamingCall(KEY));
            assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
            assertThat(r.path("status").asInt()).isEqualTo(200);
            assertThat(r.path("type").asText()).startsWith("text/event-stream");
            assertThat(r.path("requestId").asText()).isEqualTo("req_cors_123");
            assertThat(r.path("active").asText()).isNotEmpty();
            assertThat(r.path("text").asText()).contains("Hello", " world").endsWith("data: [DONE]\n\n");
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0).header("authorization")).isEqualTo("Bearer " + TestConfig.UPSTREAM_KEY);

            // No key: the page can read Sluice's 401 (in the OpenAI SDK's shape), not a network error.
            JsonNode noKey = page.eval("(async () => { const r = await fetch('" + Http.base(sluice) + "/v1/models');"
                    + " return {status: r.status, body: await r.json(), auth: r.headers.get('www-authenticate')};"
                    + " })()");
            assertThat(noKey.path("status").asInt()).isEqualTo(401);
            assertThat(noKey.path("body").path("error").path("message").asText()).isNotBlank();
            assertThat(noKey.path("auth").asText()).startsWith("Bearer");

            // The same page from http://localhost:<port>: another origin, not configured. The preflight is refused
            // (403, no CORS headers) and the browser never sends the request.
            page.navigate("http://localhost:" + port + "/");
            page.await("the page to load from localhost", java.time.Duration.ofSeconds(20),
                    "location.hostname === 'localhost' && document.readyState === 'complete'");
            JsonNode blocked = page.eval(streamingCall(KEY));
            assertThat(blocked.path("ok").asBoolean()).as(blocked.toString()).isFalse();
            assertThat(blocked.path("error").asText()).contains("TypeError");
            assertThat(seen).hasSize(1);
        }
    }
}
