package io.sluice.proxy.speech;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.proxy.config.TtsConfig;
import io.sluice.proxy.upstream.Origin;
import io.sluice.proxy.upstream.Upstreams;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One piece of audio to make: the upstream request for a text and voice (an OpenAI-compatible
 * {@code POST /audio/speech} or the configured GET template), and the key it is cached under. The key holds
 * everything that changes the audio: text and voice, or for a {@code {query}} template the whole forwarded query.
 */
public final class SpeechTarget {

    private final TtsConfig config;
    private final String text;
    private final String voice;
    private final String query;
    private final URI url;
    private final String key;

    /**
     * @param voice the client's voice or the configured default, or null (a template then gets it empty)
     * @param query the client's query without its {@code key}, percent-encoded, for a {@code {query}} template
     */
    public SpeechTarget(TtsConfig config, String text, String voice, String query) {
        this.config = config;
        this.text = text;
        this.voice = config.urlTemplate() == null && voice == null ? TtsConfig.DEFAULT_OPENAI_VOICE : voice;
        this.query = query == null ? "" : query;
        if (config.urlTemplate() != null) {
            String u = config.urlTemplate()
                    .replace("{text}", encode(text))
                    .replace("{voice}", encode(this.voice == null ? "" : this.voice))
                    .replace("{model}", encode(config.model()))
                    .replace("{query}", this.query);
            this.url = URI.create(u);
            this.key = config.urlTemplate().contains("{query}") ? "q\0" + this.query + "\0" + text + "\0" + voice
                    : "t\0" + this.voice + "\0" + text;
        } else {
            this.url = URI.create(config.baseUrl() + "/audio/speech");
            this.key = "o\0" + this.voice + "\0" + text;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The cache key: equal for requests that make the same audio. */
    public String key() {
        return key;
    }

    public String text() {
        return text;
    }

    public String voice() {
        return voice;
    }

    /** The content type of the configured format, for an upstream answer that names none. */
    String contentType() {
        return config.contentType();
    }

    /** The key to mask in messages. */
    java.util.List<String> secrets() {
        return config.apiKey() == null ? java.util.List.of() : java.util.List.of(config.apiKey());
    }

    public Origin origin() {
        return Origin.of(url);
    }

    /** Where the request goes, for messages: scheme, host and path, no query (it holds the text). */
    public String where() {
        return origin() + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    /** The upstream request, with its body when it has one (owned by the request). */
    FullHttpRequest request(ByteBufAllocator alloc) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String target = url.getRawQuery() == null ? path : path + '?' + url.getRawQuery();
        FullHttpRequest req;
        if (config.urlTemplate() != null) {
            req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target, Unpooled.EMPTY_BUFFER);
        } else {
            String json = "{\"model\":" + JsonIo.quote(config.model()) + ",\"input\":" + JsonIo.quote(text)
                    + ",\"voice\":" + JsonIo.quote(voice) + ",\"response_format\":" + JsonIo.quote(config.format())
                    + "}";
            ByteBuf body = alloc.buffer(json.length() * 2);
            body.writeCharSequence(json, StandardCharsets.UTF_8);
            req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target, body);
            req.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        HttpHeaders h = req.headers();
        h.set(HttpHeaderNames.HOST, origin().hostHeader())
                .set(HttpHeaderNames.ACCEPT, "audio/*, application/octet-stream;q=0.5")
                .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY)
                .set(HttpHeaderNames.USER_AGENT, Upstreams.USER_AGENT);
        if (config.apiKey() != null) {
            h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + config.apiKey());
        }
        return req;
    }
}
