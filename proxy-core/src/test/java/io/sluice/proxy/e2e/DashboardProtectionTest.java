package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.SluiceServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dashboard at /monitor is served like the admin API and guarded like it; its files are cacheable. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DashboardProtectionTest {

    private static final String ADMIN_KEY = "admin-secret-dash-01";

    private static SluiceServer start(String server) throws InterruptedException {
        return SluiceServer.start(ConfigLoader.parse("server: {" + server + ", port: 0, ioThreads: 1, "
                + "shutdownGrace: 100ms}\nprovidersFromEnv: false\naccess: {requireClientKey: false}\nproviders:\n  mock: {}\n", Map.of()));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(SluiceServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(E2e.base(s) + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return E2e.http(s).send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKeyedInstanceChallengesTheBrowserAndAcceptsBasic() throws Exception {
        try (SluiceServer s = start("host: 0.0.0.0, adminKey: " + ADMIN_KEY)) {
            for (String path : new String[] {"/monitor", "/monitor/", "/monitor/monitor.js", "/monitor/monitor.css",
                    "/api/monitoring/providers"}) {
                HttpResponse<String> no = get(s, path);
                assertThat(no.statusCode()).as(path).isEqualTo(401);
                assertThat(no.headers().firstValue("www-authenticate")).as(path).hasValue("Basic realm=\"sluice\"");
                assertThat(E2e.json(no.body()).path("error").asText()).contains("Basic").doesNotContain(ADMIN_KEY);
                assertThat(get(s, path, "authorization", basic("ops", ADMIN_KEY + "x")).statusCode()).as(path)
                        .isEqualTo(401);
                assertThat(get(s, path, "authorization", "Basic %%%").statusCode()).as(path).isEqualTo(401);
            }

            String auth = basic("ops", ADMIN_KEY);
            HttpResponse<String> page = get(s, "/monitor", "authorization", auth);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
            assertThat(page.headers().firstValue("content-security-policy")).get().asString()
                    .contains("default-src 'none'");
            assertThat(page.body()).contains("<title>Sluice monitor</title>");
            assertThat(get(s, "/monitor/", "authorization", auth).body()).isEqualTo(page.body());
            // The same credentials open the API the page calls (also as Bearer, as before).
            assertThat(get(s, "/api/monitoring/providers", "authorization", auth).statusCode()).isEqualTo(200);
            assertThat(get(s, "/api/monitoring/providers", "authorization", "Bearer " + ADMIN_KEY).statusCode())
                    .isEqualTo(200);

            HttpResponse<String> js = get(s, "/monitor/monitor.js", "authorization", auth);
            assertThat(js.statusCode()).isEqualTo(200);
            assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
            String etag = js.headers().firstValue("etag").orElseThrow();
            HttpResponse<String> css = get(s, "/monitor/monitor.css", "authorization", auth);
            assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
            assertThat(css.headers().firstValue("etag")).get().isNotEqualTo(etag);

            HttpResponse<String> same = get(s, "/monitor/monitor.js", "authorization", auth, "if-none-match", etag);
            assertThat(same.statusCode()).isEqualTo(304);
            assertThat(same.body()).isEmpty();
            assertThat(same.headers().firstValue("etag")).hasValue(etag);
            assertThat(get(s, "/monitor/monitor.js", "authorization", auth, "if-none-match", "\"old\"").statusCode())
                    .isEqualTo(200);
            // The protection comes first: no validator leaks to a caller without the key.
            HttpResponse<String> anon304 = get(s, "/monitor/monitor.js", "if-none-match", etag);
            assertThat(anon304.statusCode()).isEqualTo(401);
            assertThat(anon304.headers().firstValue("etag")).isEmpty();

            assertThat(get(s, "/monitor/other.js", "authorization", auth).statusCode()).isEqualTo(404);
            assertThat(get(s, "/monitorx", "authorization", auth).statusCode()).isEqualTo(404);
            HttpResponse<String> post = E2e.http(s).send(HttpRequest.newBuilder(URI.create(E2e.base(s) + "/monitor"))
                    .header("authorization", auth).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void headAnd304KeepTheConnectionFramed() throws Exception {
        try (SluiceServer s = start("host: 127.0.0.1");
             RawHttp raw = RawHttp.connect(new InetSocketAddress("127.0.0.1", s.localAddress().getPort()))) {
            raw.write("GET /monitor/monitor.css HTTP/1.1\r\nHost: sluice\r\n\r\n");
            RawHttp.Response full = raw.readResponse();
            assertThat(full.status()).isEqualTo(200);
            int length = full.body().length;
            assertThat(length).isPositive();
            String etag = full.head().header("etag");

            raw.write("HEAD /monitor/monitor.css HTTP/1.1\r\nHost: sluice\r\n\r\n");
            RawHttp.Head head = raw.readHead(); // no body follows a HEAD answer
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(Integer.toString(length));
            assertThat(head.header("etag")).isEqualTo(etag);

            raw.write("GET /monitor/monitor.css HTTP/1.1\r\nHost: sluice\r\nIf-None-Match: " + etag + "\r\n\r\n");
            RawHttp.Head notModified = raw.readHead(); // nor a 304
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("transfer-encoding")).isNull();

            raw.write("GET /monitor HTTP/1.1\r\nHost: sluice\r\n\r\n");
            RawHttp.Response page = raw.readResponse(); // still in step on the same connection
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).contains("<title>Sluice monitor</title>");
        }
    }

    @Test
    void anExposedInstanceWithoutAKeyRefusesAndALoopbackOneIsOpen() throws Exception {
        try (SluiceServer open = start("host: 0.0.0.0")) {
            HttpResponse<String> res = get(open, "/monitor");
            assertThat(res.statusCode()).isEqualTo(403);
            assertThat(res.headers().firstValue("www-authenticate")).isEmpty();
            assertThat(get(open, "/api/rate-limits").headers().firstValue("www-authenticate")).isEmpty();
        }
        try (SluiceServer local = start("host: 127.0.0.1")) {
            assertThat(get(local, "/monitor").statusCode()).isEqualTo(200);
        }
    }
}
