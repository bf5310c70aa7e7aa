package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.providers.ProviderDescriptor;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.exchange.UpstreamRequest;
import java.net.URI;
import java.util.Map;

/** The heads a relay writes: the request to the provider, and the client's response head from the provider's. */
final class UpstreamHttp {

    /** Provider headers a client may want to see (request ids, OpenAI's processing time); plus x-ratelimit-*. */
    private static final String[] FORWARDED_HEADERS = {
        "x-request-id", "openai-processing-ms", "openai-version", "openai-model", "openai-organization",
    };

    private UpstreamHttp() {
    }

    /**
     * The request for {@code r} at {@code base} (the provider's API root) carrying {@code body}: the path the
     * provider takes for the operation and model, auth for {@code apiKey}, the descriptor's and the config's headers.
     */
    static FullHttpRequest request(UpstreamRequest r, URI base, Origin origin, String apiKey, ByteBuf body) {
        ProviderConfig provider = r.provider();
        Dialect dialect = Dialects.byName(provider.dialect());
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        ProviderDescriptor d = provider.descriptor();
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                path + d.path(r.operation(), provider.dialect(), r.upstreamModel(), r.stream(), provider.options()),
                body);
        HttpHeaders h = req.headers();
        h.set(HttpHeaderNames.HOST, origin.hostHeader())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.ACCEPT, r.stream() ? "text/event-stream" : "application/json")
                .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY)
                .set(HttpHeaderNames.USER_AGENT, Upstreams.USER_AGENT);
        Auth.apply(dialect, d.auth(), apiKey, h);
        if (dialect == Dialects.ANTHROPIC && !r.translated()) {
            // Passthrough: the body was written for the client's API version and beta features.
            if (r.anthropicVersion() != null) {
                h.set("anthropic-version", r.anthropicVersion());
            }
            if (r.anthropicBeta() != null) {
                String own = h.get("anthropic-beta"); // the OAuth beta Auth may have set
                h.set("anthropic-beta", own == null || r.anthropicBeta().contains(own) ? r.anthropicBeta()
                        : own + "," + r.anthropicBeta());
            }
        }
        for (Map.Entry<String, String> e : d.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : provider.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        return req;
    }

    /**
     * The client's head for a provider's 2xx {@code head}: its status, content type and the forwarded headers; an
     * event stream is chunked and marked not to be cached or buffered by proxies on the way, a body keeps its length.
     */
    static HttpResponse clientHead(HttpResponse head, String contentType, boolean sse) {
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
        HttpHeaders h = out.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        for (String name : FORWARDED_HEADERS) {
            String v = head.headers().get(name);
            if (v != null) {
                h.set(name, v);
            }
        }
        for (Map.Entry<String, String> e : head.headers()) {
            if (e.getKey().regionMatches(true, 0, "x-ratelimit-", 0, 12)) {
                h.add(e.getKey(), e.getValue());
            }
        }
        if (sse) {
            h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            h.set("X-Accel-Buffering", "no");
            HttpUtil.setTransferEncodingChunked(out, true);
        } else if (HttpUtil.isContentLengthSet(head) && !HttpUtil.isTransferEncodingChunked(head)) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, head.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        } else {
            HttpUtil.setTransferEncodingChunked(out, true);
        }
        return out;
    }
}
