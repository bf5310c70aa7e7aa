package io.sluice.proxy.admin;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A few files from the class path served as they are: read once into byte arrays, each with a strong ETag (a hash of
 * its bytes), answered to GET and HEAD with {@code Cache-Control: no-cache} (the browser revalidates, and gets 304
 * while the file is the same). Nothing is read from disk per request, so serving never blocks an event loop.
 */
public final class StaticAssets {

    /** One file: the bytes, what they are, and their validator. */
    public record Asset(String contentType, byte[] bytes, String etag) {
    }

    /** The operator dashboard's files, as {@link #monitor()} serves them. */
    public static final String MONITOR_DIR = "/io/sluice/proxy/admin/monitor/";
    /** The playground's files, as {@link #ui()} serves them. */
    public static final String UI_DIR = "/io/sluice/proxy/admin/ui/";

    /**
     * What the dashboard may load: its own files and connections to its own origin, nothing else (no CDN, no inline
     * script, no framing by other pages).
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /**
     * The playground's policy: the dashboard's, plus audio from its own origin or a {@code blob:} URL (the speak
     * button fetches {@code /tts} with the client key and plays the bytes it got).
     */
    static final String UI_CSP = CSP + "; media-src 'self' blob:";

    private final Map<String, Asset> assets;
    private final String csp;

    private StaticAssets(Map<String, Asset> assets, String csp) {
        this.assets = Map.copyOf(assets);
        this.csp = csp;
    }

    /**
     * Loads {@code files} (URL path → resource path, absolute on the class path) once; a missing resource is an
     * error at startup, not a 404 later.
     */
    public static StaticAssets load(Map<String, String> files) {
        return load(files, CSP);
    }

    /** As {@link #load(Map)}, served with the Content-Security-Policy {@code csp}. */
    static StaticAssets load(Map<String, String> files, String csp) {
        Map<String, Asset> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            String resource = f.getValue();
            byte[] bytes;
            try (InputStream in = StaticAssets.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("static asset " + resource + " not found on the class path");
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read static asset " + resource, e);
            }
            loaded.put(f.getKey(), new Asset(contentType(resource), bytes, etag(bytes)));
        }
        return new StaticAssets(loaded, csp);
    }

    /** The dashboard at {@code /monitor}: its page, script and style sheet, loaded on first use. */
    public static StaticAssets monitor() {
        return Monitor.ASSETS;
    }

    private static final class Monitor {
        static final StaticAssets ASSETS = load(Map.of(
                "/monitor", MONITOR_DIR + "index.html",
                "/monitor/monitor.js", MONITOR_DIR + "monitor.js",
                "/monitor/monitor.css", MONITOR_DIR + "monitor.css"));
    }

    /** The playground at {@code /ui}: its page, script and style sheet, loaded on first use. */
    public static StaticAssets ui() {
        return Ui.ASSETS;
    }

    private static final class Ui {
        static final StaticAssets ASSETS = load(Map.of(
                "/ui", UI_DIR + "index.html",
                "/ui/ui.js", UI_DIR + "ui.js",
                "/ui/ui.css", UI_DIR + "ui.css"), UI_CSP);
    }

    /** The asset at {@code path} (query string and one trailing slash ignored), or null. */
    public Asset find(String path) {
        int q = path.indexOf('?');
        String p = q < 0 ? path : path.substring(0, q);
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return assets.get(p);
    }

    /**
     * The answer to {@code method path}: 200 with the bytes (none for HEAD), 304 when {@code ifNoneMatch} names the
     * current ETag, 405 for other methods, 404 for an unknown path. The body, when any, is an unpooled wrapper of the
     * shared array: nothing copied per request.
     */
    public FullHttpResponse respond(HttpMethod method, String path, String ifNoneMatch) {
        Asset a = find(path);
        if (a == null) {
            return text(HttpResponseStatus.NOT_FOUND, "not found\n");
        }
        boolean head = HttpMethod.HEAD.equals(method);
        if (!head && !HttpMethod.GET.equals(method)) {
            FullHttpResponse res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET or HEAD\n");
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            return res;
        }
        if (matches(ifNoneMatch, a.etag())) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED,
                    Unpooled.EMPTY_BUFFER);
            validators(res.headers(), a);
            return res;
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(a.bytes()));
        validators(res.headers(), a);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, a.bytes().length)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set("Content-Security-Policy", csp);
        return res;
    }

    private static void validators(HttpHeaders h, Asset a) {
        h.set(HttpHeaderNames.ETAG, a.etag()).set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    }

    private static FullHttpResponse text(HttpResponseStatus st, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, st,
                Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return res;
    }

    /**
     * If-None-Match (RFC 9110 §13.1.2): {@code *}, or a comma-separated list of entity tags compared weakly (a
     * {@code W/} prefix is ignored).
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String t : ifNoneMatch.split(",")) {
            String tag = t.strip();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    static String contentType(String resource) {
        String lower = resource.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (lower.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (lower.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (lower.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (lower.endsWith(".png")) {
            return "image/png";
        }
        return "application/octet-stream";
    }

    /** A strong validator: the first 128 bits of the bytes' SHA-256, quoted. */
    static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return '"' + HexFormat.of().formatHex(d, 0, 16) + '"';
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
