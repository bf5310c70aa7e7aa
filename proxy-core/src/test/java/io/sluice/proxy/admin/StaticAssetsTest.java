package io.sluice.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticAssetsTest {

    private static final StaticAssets ASSETS = StaticAssets.monitor();

    private static String body(FullHttpResponse res) {
        try {
            return res.content().toString(StandardCharsets.UTF_8);
        } finally {
            res.release();
        }
    }

    @Test
    void servesTheDashboardFilesWithTheirTypes() {
        FullHttpResponse page = ASSETS.respond(HttpMethod.GET, "/monitor", null);
        assertThat(page.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(page.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
        assertThat(page.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-cache");
        assertThat(page.headers().get("x-content-type-options")).isEqualTo("nosniff");
        assertThat(page.headers().get("content-security-policy")).contains("script-src 'self'")
                .contains("connect-src 'self'").doesNotContain("unsafe");
        int length = page.headers().getInt(HttpHeaderNames.CONTENT_LENGTH);
        String html = body(page);
        assertThat(html.getBytes(StandardCharsets.UTF_8)).hasSize(length);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("src=\"/monitor/monitor.js\"")
                .contains("href=\"/monitor/monitor.css\"").contains("id=\"status\"");

        FullHttpResponse js = ASSETS.respond(HttpMethod.GET, "/monitor/monitor.js", null);
        assertThat(js.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/javascript; charset=utf-8");
        assertThat(body(js)).contains("/api/monitoring/providers").doesNotContain("innerHTML");
        FullHttpResponse css = ASSETS.respond(HttpMethod.GET, "/monitor/monitor.css", null);
        assertThat(css.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/css; charset=utf-8");
        assertThat(body(css)).contains("prefers-color-scheme: dark");
    }

    @Test
    void theFilesWorkOffline() {
        for (String path : new String[] {"/monitor", "/monitor/monitor.js", "/monitor/monitor.css"}) {
            // The SVG namespace is a name, not something fetched.
            String text = new String(ASSETS.find(path).bytes(), StandardCharsets.UTF_8)
                    .replace("'http://www.w3.org/2000/svg'", "");
            assertThat(text).as(path).doesNotContain("http://").doesNotContain("https://")
                    .doesNotContainPattern("(src|href)=\"//").doesNotContain("@import");
        }
    }

    @Test
    void thePlaygroundIsServedOfflineWithItsOwnPolicy() {
        StaticAssets ui = StaticAssets.ui();
        FullHttpResponse page = ui.respond(HttpMethod.GET, "/ui", null);
        assertThat(page.status()).isEqualTo(HttpResponseStatus.OK);
        // The dashboard's policy, plus audio fetched by the speak button and played from a blob: URL.
        assertThat(page.headers().get("content-security-policy")).startsWith(StaticAssets.CSP)
                .endsWith("; media-src 'self' blob:").doesNotContain("unsafe");
        assertThat(body(page)).startsWith("<!DOCTYPE html>").contains("src=\"/ui/ui.js\"")
                .contains("href=\"/ui/ui.css\"").doesNotContain("style=").doesNotContainPattern("<script(?![^>]*src=)");
        assertThat(ui.find("/ui/")).isSameAs(ui.find("/ui"));
        assertThat(ui.find("/monitor")).isNull();
        for (String path : new String[] {"/ui", "/ui/ui.js", "/ui/ui.css"}) {
            String text = new String(ui.find(path).bytes(), StandardCharsets.UTF_8);
            assertThat(text).as(path).doesNotContain("http://").doesNotContain("https://")
                    .doesNotContainPattern("(src|href)=\"//").doesNotContain("@import");
        }
        // Model and server text only ever becomes text nodes.
        String js = new String(ui.find("/ui/ui.js").bytes(), StandardCharsets.UTF_8);
        assertThat(js).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                .doesNotContain("document.write").doesNotContain("eval(").doesNotContain("new Function")
                .doesNotContain("localStorage.setItem(KEY");
    }

    @Test
    void aTrailingSlashAndAQueryNameTheSameFile() {
        assertThat(ASSETS.find("/monitor/")).isSameAs(ASSETS.find("/monitor"));
        assertThat(ASSETS.find("/monitor/monitor.js?v=2")).isSameAs(ASSETS.find("/monitor/monitor.js"));
        assertThat(ASSETS.find("/monitor/other.js")).isNull();
        assertThat(ASSETS.find("/monitor/../monitor")).isNull();
    }

    @Test
    void anUnchangedFileIsNotSentAgain() {
        String etag = ASSETS.find("/monitor/monitor.js").etag();
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        assertThat(etag).isNotEqualTo(ASSETS.find("/monitor/monitor.css").etag());
        for (String inm : new String[] {etag, "W/" + etag, "\"other\", " + etag, "*"}) {
            FullHttpResponse res = ASSETS.respond(HttpMethod.GET, "/monitor/monitor.js", inm);
            assertThat(res.status()).as(inm).isEqualTo(HttpResponseStatus.NOT_MODIFIED);
            assertThat(res.headers().get(HttpHeaderNames.ETAG)).isEqualTo(etag);
            assertThat(res.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-cache");
            assertThat(body(res)).isEmpty();
        }
        FullHttpResponse changed = ASSETS.respond(HttpMethod.GET, "/monitor/monitor.js", "\"stale\"");
        assertThat(changed.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(changed.headers().get(HttpHeaderNames.ETAG)).isEqualTo(etag);
        assertThat(body(changed)).isNotEmpty();
    }

    @Test
    void headHasTheHeadersButNoBody() {
        FullHttpResponse head = ASSETS.respond(HttpMethod.HEAD, "/monitor", null);
        assertThat(head.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(head.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
                .isEqualTo(ASSETS.find("/monitor").bytes().length);
        assertThat(head.headers().get(HttpHeaderNames.ETAG)).isEqualTo(ASSETS.find("/monitor").etag());
        assertThat(body(head)).isEmpty();
    }

    @Test
    void otherMethodsAndPathsAreRefused() {
        FullHttpResponse post = ASSETS.respond(HttpMethod.POST, "/monitor", null);
        assertThat(post.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
        assertThat(post.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, HEAD");
        post.release();
        FullHttpResponse missing = ASSETS.respond(HttpMethod.GET, "/monitor/nope.css", null);
        assertThat(missing.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
        missing.release();
    }

    @Test
    void eachRequestGetsItsOwnViewOfTheBytes() {
        FullHttpResponse a = ASSETS.respond(HttpMethod.GET, "/monitor/monitor.css", null);
        FullHttpResponse b = ASSETS.respond(HttpMethod.GET, "/monitor/monitor.css", null);
        a.content().skipBytes(10);
        assertThat(b.content().readerIndex()).isZero();
        assertThat(body(a).length() + 10).isEqualTo(body(b).length());
    }

    @Test
    void aMissingResourceFailsAtLoadNotPerRequest() {
        assertThatThrownBy(() -> StaticAssets.load(Map.of("/x", StaticAssets.MONITOR_DIR + "missing.html")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing.html");
        StaticAssets one = StaticAssets.load(Map.of("/x", StaticAssets.MONITOR_DIR + "monitor.css"));
        assertThat(one.find("/x").contentType()).isEqualTo("text/css; charset=utf-8");
        assertThat(one.find("/x").etag()).isEqualTo(ASSETS.find("/monitor/monitor.css").etag());
    }

    @Test
    void contentTypesAndIfNoneMatch() {
        assertThat(StaticAssets.contentType("a.svg")).isEqualTo("image/svg+xml");
        assertThat(StaticAssets.contentType("a.bin")).isEqualTo("application/octet-stream");
        assertThat(StaticAssets.matches(null, "\"a\"")).isFalse();
        assertThat(StaticAssets.matches("\"b\"", "\"a\"")).isFalse();
        assertThat(StaticAssets.matches(" \"b\" ,W/\"a\"", "\"a\"")).isTrue();
    }
}
