package io.sluice.proxy.testing;

import io.sluice.proxy.SluiceServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Requests to a running {@link SluiceServer} through the JDK's {@code java.net.http} client, HTTP/1.1 on 127.0.0.1:
 * the one such client of the tests ({@link RawHttp} is the raw-socket one). Headers are given as name/value pairs.
 */
public final class Http {

    /** Connect and request timeout of every call. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * One client per server: a client shared across tests could send a request on a pooled connection to a port that
     * a previous test's server had, and that a new server got again.
     */
    private static final Map<SluiceServer, HttpClient> CLIENTS = Collections.synchronizedMap(new WeakHashMap<>());

    private Http() {
    }

    /** The client for {@code s}, made on first use. */
    public static HttpClient client(SluiceServer s) {
        return CLIENTS.computeIfAbsent(s, k -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .build());
    }

    /** {@code http://127.0.0.1:<port>} of {@code s}, also when it listens on every address. */
    public static String base(SluiceServer s) {
        return "http://127.0.0.1:" + s.localAddress().getPort();
    }

    /**
     * A request to {@code path} on {@code s}; {@code body} null sends none, else it is sent as
     * {@code application/json} unless {@code headers} name another content type.
     */
    public static HttpRequest request(SluiceServer s, String method, String path, String body, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name/value pairs: " + headers.length + " strings");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(s) + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        boolean typed = false;
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("content-type");
        }
        if (body != null && !typed) {
            b.header("content-type", "application/json");
        }
        return b.build();
    }

    /** Sends {@link #request} and reads the body as a string. */
    public static HttpResponse<String> send(SluiceServer s, String method, String path, String body,
                                            String... headers) throws IOException, InterruptedException {
        return client(s).send(request(s, method, path, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET path}. */
    public static HttpResponse<String> get(SluiceServer s, String path, String... headers)
            throws IOException, InterruptedException {
        return send(s, "GET", path, null, headers);
    }

    /** {@code POST path} with a JSON body. */
    public static HttpResponse<String> post(SluiceServer s, String path, String json, String... headers)
            throws IOException, InterruptedException {
        return send(s, "POST", path, json, headers);
    }

    /** {@code POST /v1/chat/completions} with a JSON body, e.g. {@link Bodies#chat}. */
    public static HttpResponse<String> chat(SluiceServer s, String json, String... headers)
            throws IOException, InterruptedException {
        return post(s, "/v1/chat/completions", json, headers);
    }
}
