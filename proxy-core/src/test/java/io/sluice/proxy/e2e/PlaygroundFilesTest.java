package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.TestConfig;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The playground's files at {@code /ui} over HTTP: served to anyone (an exposed instance with an admin key and
 * client keys included) with the dashboard's Content-Security-Policy, {@code nosniff} and an ETag; the API the page
 * calls stays guarded by the client key; an address the IP rules refuse gets no page either.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlaygroundFilesTest {

    private static final String CLIENT_KEY = "sk-ui-files-client-0001";

    private static SluiceServer start(String server, String access) throws InterruptedException {
        return TestConfig.startYaml("server: {" + server + ", port: 0, ioThreads: 1, shutdownGrace: 100ms}\n"
                + "providersFromEnv: false\naccess: " + access + "\nproviders:\n  mock: {}\n");
    }

    @Test
    void theFilesAreServedToAnyoneWithTheCspAndAnEtag() throws Exception {
        try (SluiceServer s = start("host: 0.0.0.0, adminKey: admin-ui-files-0001",
                "{clientKeys: {team: " + CLIENT_KEY + "}}")) {
            String[][] files = {
                {"/ui", "text/html; charset=utf-8", "<title>Sluice playground</title>"},
                {"/ui/", "text/html; charset=utf-8", "src=\"/ui/ui.js\""},
                {"/ui/ui.js", "text/javascript; charset=utf-8", "/v1/chat/completions"},
                {"/ui/ui.css", "text/css; charset=utf-8", "prefers-color-scheme: dark"},
            };
            for (String[] f : files) {
                HttpResponse<String> res = Http.get(s, f[0]); // no admin key, no client key
                assertThat(res.statusCode()).as(f[0]).isEqualTo(200);
                assertThat(res.headers().firstValue("content-type")).as(f[0]).hasValue(f[1]);
                assertThat(res.body()).as(f[0]).contains(f[2]);
                assertThat(res.headers().firstValue("cache-control")).as(f[0]).hasValue("no-cache");
                assertThat(res.headers().firstValue("x-content-type-options")).as(f[0]).hasValue("nosniff");
                String csp = res.headers().firstValue("content-security-policy").orElseThrow();
                assertThat(csp).as(f[0]).contains("default-src 'none'").contains("script-src 'self'")
                        .contains("style-src 'self'").contains("connect-src 'self'")
                        .contains("frame-ancestors 'none'").doesNotContain("unsafe").doesNotContain("http");
                String etag = res.headers().firstValue("etag").orElseThrow();
                assertThat(etag).matches("\"[0-9a-f]{32}\"");

                HttpResponse<String> same = Http.get(s, f[0], "if-none-match", etag);
                assertThat(same.statusCode()).as(f[0]).isEqualTo(304);
                assertThat(same.body()).isEmpty();
                assertThat(same.headers().firstValue("etag")).hasValue(etag);
                assertThat(Http.get(s, f[0], "if-none-match", "\"old\"").statusCode()).isEqualTo(200);
            }
            HttpResponse<String> head = Http.send(s, "HEAD", "/ui/ui.js", null);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            HttpResponse<String> post = Http.post(s, "/ui", "{}");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
            assertThat(json(post.body()).path("error").path("message").asText()).contains("GET, HEAD");
            assertThat(Http.get(s, "/ui/other.js").statusCode()).isEqualTo(404);
            assertThat(Http.get(s, "/uix").statusCode()).isEqualTo(404);

            // What the page calls is a client call: the key is asked for, and opens it.
            HttpResponse<String> models = Http.get(s, "/v1/models");
            assertThat(models.statusCode()).isEqualTo(401);
            assertThat(json(models.body()).path("error").path("message").asText()).isNotBlank();
            assertThat(Http.get(s, "/v1/models", "authorization", "Bearer " + CLIENT_KEY).statusCode())
                    .isEqualTo(200);
            // The dashboard stays the operator's.
            assertThat(Http.get(s, "/monitor").statusCode()).isEqualTo(401);

            assertThat(Prometheus.sample(Prometheus.scrape(s), "http_requests_total", "GET", "/ui", "200"))
                    .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(8));
        }
    }

    @Test
    void aRefusedAddressGetsNoPage() throws Exception {
        try (SluiceServer s = start("host: 127.0.0.1", "{requireClientKey: false, ipDeny: [127.0.0.0/8]}")) {
            assertThat(Http.get(s, "/ui").statusCode()).isEqualTo(403);
        }
    }
}
