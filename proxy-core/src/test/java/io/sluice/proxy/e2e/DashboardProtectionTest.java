package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.TestConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dashboard at /monitor is served like the admin API and guarded like it; its files are cacheable. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DashboardProtectionTest {

    private static final String ADMIN_KEY = "admin-secret-dash-01";

    private static SluiceServer start(String server) throws InterruptedException {
        return TestConfig.startYaml("server: {" + server + ", port: 0, ioThreads: 1, shutdownGrace: 100ms}\n"
                + "providersFromEnv: false\naccess: {requireClientKey: false}\nproviders:\n  mock: {}\n");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aKeyedInstanceChallengesTheBrowserAndAcceptsBasic() throws Exception {
        try (SluiceServer s = start("host: 0.0.0.0, adminKey: " + ADMIN_KEY)) {
            for (String path : new String[] {"/monitor", "/monitor/", "/monitor/monitor.js", "/monitor/monitor.css",
                    "/api/monitoring/providers"}) {
                HttpResponse<String> no = Http.get(s, path);
                assertThat(no.statusCode()).as(path).isEqualTo(401);
                assertThat(no.headers().firstValue("www-authenticate")).as(path).hasValue("Basic realm=\"sluice\"");
                assertThat(json(no.body()).path("error").asText()).contains("Basic").doesNotContain(ADMIN_KEY);
                assertThat(Http.get(s, path, "authorization", basic("ops", ADMIN_KEY + "x")).statusCode()).as(path)
                        .isEqualTo(401);
                assertThat(Http.get(s, path, "authorization", "Basic %%%").statusCode()).as(path).isEqualTo(401);
            }

            String auth = basic("ops", ADMIN_KEY);
            HttpResponse<String> page = Http.get(s, "/monitor", "authorization", auth);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
            assertThat(page.headers().firstValue("content-security-policy")).get().asString()
                    .contains("default-src 'none'");
            assertThat(page.body()).contains("<title>Sluice monitor</title>");
            assertThat(Http.get(s, "/monitor/", "authorization", auth).body()).isEqualTo(page.body());
            // The same credentials open the API the page calls (also as Bearer, as before).
            assertThat(Http.get(s, "/api/monitoring/providers", "authorization", auth).statusCode()).isEqualTo(200);
            assertThat(Http.get(s, "/api/monitoring/providers", "authorization", "Bearer " + ADMIN_KEY).statusCode())
                    .isEqualTo(200);

            HttpResponse<String> js = Http.get(s, "/monitor/monitor.js", "authorization", auth);
            assertThat(js.statusCode()).isEqualTo(200);
            assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
            String etag = js.headers().firstValue("etag").orElseThrow();
            HttpResponse<String> css = Http.get(s, "/monitor/monitor.css", "authorization", auth);
            assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
            assertThat(css.headers().firstValue("etag")).get().isNotEqualTo(etag);

            HttpResponse<String> same = Http.get(s, "/monitor/monitor.js", "authorization", auth,
                    "if-none-match", etag);
            assertThat(same.statusCode()).isEqualTo(304);
            assertThat(same.body()).isEmpty();
            assertThat(same.headers().firstValue("etag")).hasValue(etag);
            assertThat(Http.get(s, "/monitor/monitor.js", "authorization", auth, "if-none-match", "\"old\"")
                    .statusCode()).isEqualTo(200);
            // The protection comes first: no validator leaks to a caller without the key.
            HttpResponse<String> anon304 = Http.get(s, "/monitor/monitor.js", "if-none-match", etag);
            assertThat(anon304.statusCode()).isEqualTo(401);
            assertThat(anon304.headers().firstValue("etag")).isEmpty();

            assertThat(Http.get(s, "/monitor/other.js", "authorization", auth).statusCode()).isEqualTo(404);
            assertThat(Http.get(s, "/monitorx", "authorization", auth).statusCode()).isEqualTo(404);
            HttpResponse<String> post = Http.post(s, "/monitor", "x", "authorization", auth);
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void headAnd304KeepTheConnectionFramed() throws Exception {
        try (SluiceServer s = start("host: 127.0.0.1");
             RawHttp raw = RawHttp.connect(s)) {
            raw.send("GET", "/monitor/monitor.css");
            HttpWire.Message full = raw.readResponse();
            assertThat(full.status()).isEqualTo(200);
            int length = full.body().length;
            assertThat(length).isPositive();
            String etag = full.header("etag");

            raw.send("HEAD", "/monitor/monitor.css");
            RawHttp.Head head = raw.readHead(); // no body follows a HEAD answer
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(Integer.toString(length));
            assertThat(head.header("etag")).isEqualTo(etag);

            raw.send("GET", "/monitor/monitor.css", "If-None-Match", etag);
            RawHttp.Head notModified = raw.readHead(); // nor a 304
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.header("transfer-encoding")).isNull();

            raw.send("GET", "/monitor");
            HttpWire.Message page = raw.readResponse(); // still in step on the same connection
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).contains("<title>Sluice monitor</title>");
        }
    }

    @Test
    void anExposedInstanceWithoutAKeyRefusesAndALoopbackOneIsOpen() throws Exception {
        try (SluiceServer open = start("host: 0.0.0.0")) {
            HttpResponse<String> res = Http.get(open, "/monitor");
            assertThat(res.statusCode()).isEqualTo(403);
            assertThat(res.headers().firstValue("www-authenticate")).isEmpty();
            assertThat(Http.get(open, "/api/rate-limits").headers().firstValue("www-authenticate")).isEmpty();
        }
        try (SluiceServer local = start("host: 127.0.0.1")) {
            assertThat(Http.get(local, "/monitor").statusCode()).isEqualTo(200);
        }
    }
}
