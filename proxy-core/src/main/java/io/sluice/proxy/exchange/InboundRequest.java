package io.sluice.proxy.exchange;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.SocketAddress;
import java.util.List;

/**
 * A client request's head as the server edge read it, handed to a service to answer.
 *
 * @param path       the URI without its query
 * @param remote     the peer address of the connection
 * @param startNanos {@link System#nanoTime()} when the head arrived
 */
public record InboundRequest(HttpMethod method, String uri, String path, HttpHeaders headers, SocketAddress remote,
                             long startNanos) {

    public static InboundRequest of(HttpMethod method, String uri, HttpHeaders headers, SocketAddress remote,
                                    long startNanos) {
        int q = uri.indexOf('?');
        return new InboundRequest(method, uri, q < 0 ? uri : uri.substring(0, q), headers, remote, startNanos);
    }

    /** The first value of query parameter {@code name}, or null. */
    public String query(String name) {
        if (uri.indexOf('?') < 0) {
            return null;
        }
        List<String> v = new QueryStringDecoder(uri).parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The credential a client presents: its Bearer token, {@code x-api-key} or {@code x-goog-api-key}; or null. */
    public String credential() {
        String auth = headers.get("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).strip();
        }
        String k = headers.get("x-api-key");
        return k != null ? k : headers.get("x-goog-api-key");
    }
}
