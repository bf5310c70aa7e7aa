package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;

/**
 * One of Sluice's own GETs (a model list, a Copilot token exchange) through a SOCKS5 proxy, which the JDK client
 * cannot use: a connection of the route outside the pools (tunnel, then TLS), one request, the answer read whole
 * (at most {@value #MAX_BODY_BYTES} bytes) and handed over as a {@link java.net.http.HttpResponse}, the connection
 * closed. Runs on one event loop; the caller's future completes there.
 */
final class SocksGet implements UpstreamHandler.Listener {

    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private final HttpRequest request;
    private final CompletableFuture<java.net.http.HttpResponse<String>> result = new CompletableFuture<>();
    private Channel channel;
    private CompositeByteBuf body;
    private int status;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private SocksGet(HttpRequest request) {
        this.request = request;
    }

    /** Sends {@code request} (a GET) over {@code route} on {@code loop}. */
    static CompletableFuture<java.net.http.HttpResponse<String>> send(UpstreamPools pools, UpstreamRoute route,
                                                                      HttpRequest request, EventLoop loop) {
        SocksGet g = new SocksGet(request);
        long timeout = request.timeout().orElse(DEFAULT_TIMEOUT).toNanos();
        loop.execute(() -> pools.connectOnce(loop, route).addListener((Future<Channel> f) -> {
            if (!f.isSuccess()) {
                g.result.completeExceptionally(f.cause());
                return;
            }
            g.start(f.getNow(), route.origin(), timeout);
        }));
        return g.result;
    }

    private void start(Channel ch, Origin origin, long timeoutNanos) {
        channel = ch;
        body = ch.alloc().compositeBuffer();
        URI u = request.uri();
        String target = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target,
                Unpooled.EMPTY_BUFFER);
        request.headers().map().forEach((name, values) -> values.forEach(v -> req.headers().add(name, v)));
        req.headers().set(HttpHeaderNames.HOST, origin.hostHeader())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
        ch.pipeline().get(UpstreamHandler.class).begin(this, timeoutNanos, timeoutNanos, timeoutNanos);
        ch.writeAndFlush(req).addListener(w -> {
            if (!w.isSuccess()) {
                onFailure(w.cause());
            }
        });
        ch.read();
    }

    @Override
    public void onHead(HttpResponse head) {
        status = head.status().code();
        headers.clear();
        for (String name : head.headers().names()) {
            headers.put(name, new ArrayList<>(head.headers().getAll(name)));
        }
    }

    @Override
    public void onContent(ByteBuf content, boolean last) {
        if (body == null || status < 200) { // over already, or a 1xx whose final answer follows
            content.release();
            return;
        }
        if (body.readableBytes() + content.readableBytes() > MAX_BODY_BYTES) {
            content.release();
            onFailure(new IOException("answer larger than " + MAX_BODY_BYTES + " bytes"));
            return;
        }
        body.addComponent(true, content);
        if (last) {
            String text = body.toString(StandardCharsets.UTF_8);
            end();
            result.complete(new Response(status, request, HttpHeaders.of(headers, (n, v) -> true), text));
        }
    }

    @Override
    public void onReadComplete() {
        if (body != null) {
            channel.read();
        }
    }

    @Override
    public void onFailure(Throwable cause) {
        if (body != null) {
            end();
            result.completeExceptionally(cause);
        }
    }

    private void end() {
        body.release();
        body = null;
        channel.pipeline().get(UpstreamHandler.class).finish();
        channel.close();
    }

    /** The answer, as the JDK client's callers read it. */
    private record Response(int statusCode, HttpRequest request, HttpHeaders headers, String body)
            implements java.net.http.HttpResponse<String> {

        @Override
        public Optional<java.net.http.HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
