package io.sluice.proxy.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.proxy.access.Access;
import io.sluice.proxy.access.Admission;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.config.TtsConfig;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.logs.RequestLogger;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.speech.ByteRange;
import io.sluice.proxy.speech.SpeechCache;
import io.sluice.proxy.speech.SpeechListener;
import io.sluice.proxy.speech.SpeechTarget;
import io.sluice.proxy.speech.Subscription;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /tts?text=...&voice=...} (the GitHub-Models seed's Ukrainian TTS proxy): audio from the configured speech
 * upstream, streamed to the client as it comes ({@link SpeechCache}), {@code Range} answered with 206 from the cached
 * file, text capped ({@code tts.maxTextChars}), 503 without an upstream. Client keys apply as on the model routes,
 * also as {@code ?key=} (an {@code <audio src>} cannot send headers); the key is never forwarded.
 */
public final class TtsService {

    private final SpeechCache speech;
    private final Admission admission;
    private final Operations ops;
    private final SluiceMetrics metrics;

    public TtsService(SpeechCache speech, Admission admission, Operations ops, SluiceMetrics metrics) {
        this.speech = speech;
        this.admission = admission;
        this.ops = ops;
        this.metrics = metrics;
        metrics.ttsCache(speech::bytes, speech::entries, speech::upstreamCalls, speech::evictions);
    }

    RequestHandler open(InboundRequest request, ClientKeys.Key key, String credential) {
        return new Speak(request, key, admission.limitsPerCredential() ? credential : null,
                ops.capture(request.method().name(), request.uri(), request.headers()));
    }

    private final class Speak extends RouteHandler implements SpeechListener {
        private final ClientKeys.Key key;
        private final String credential;
        private final RequestLogger.Capture capture;
        private ResponseSink sink;
        private Subscription sub;

        Speak(InboundRequest request, ClientKeys.Key key, String credential, RequestLogger.Capture capture) {
            super(request, RouteFamily.TTS, metrics);
            this.key = key;
            this.credential = credential;
            this.capture = capture;
        }

        @Override
        public boolean readsBody() {
            return false;
        }

        @Override
        public void respond(CompositeByteBuf body, ResponseSink sink) {
            if (body != null) {
                body.release();
            }
            this.sink = sink;
            if (!request.method().equals(HttpMethod.GET)) {
                SimpleHandler.methodNotAllowed(sink, route, request, "GET");
                return;
            }
            TtsConfig config = speech.config();
            if (!config.enabled()) {
                sink.fail(HttpResponseStatus.SERVICE_UNAVAILABLE, "text-to-speech is not configured: set tts.baseUrl"
                        + " (an OpenAI-compatible /audio/speech API) or tts.urlTemplate in the config, or"
                        + " TTS_PROXY_TARGET (the seed's TTS server)", "tts_not_configured");
                return;
            }
            QueryStringDecoder q = new QueryStringDecoder(request.uri());
            String text = first(q, "text");
            if (text == null || text.isBlank()) {
                bad("text: required (the text to speak: /tts?text=...&voice=...)", "invalid_request", "text");
                return;
            }
            int chars = text.codePointCount(0, text.length());
            if (chars > config.maxTextChars()) {
                bad("text: " + chars + " characters (expected: at most " + config.maxTextChars()
                        + ", tts.maxTextChars)", "text_too_long", "text");
                return;
            }
            String voice = first(q, "voice");
            voice = voice == null || voice.isBlank() ? config.voice() : voice.strip();
            if (voice != null && (!TtsConfig.VOICE.matcher(voice).matches()
                    || !config.voices().isEmpty() && !config.voices().contains(voice))) {
                bad("voice: " + Text.printable(voice) + " (expected: " + (config.voices().isEmpty()
                        ? "letters, digits, '.', '_', '-'" : "one of " + String.join(", ", config.voices())) + ")",
                        "invalid_request", "voice");
                return;
            }
            Access.Denial limited = admission.limits(key, credential);
            if (limited != null) {
                SimpleHandler.deny(sink, route.dialect, limited);
                return;
            }
            SpeechTarget target;
            try {
                target = new SpeechTarget(config, text, voice, forwardedQuery(q));
            } catch (IllegalArgumentException e) {
                bad("the query cannot be forwarded: " + Text.printable(e.getMessage()), "invalid_request", null);
                return;
            }
            ByteRange range = config.caching() ? ByteRange.parse(request.headers().get(HttpHeaderNames.RANGE))
                    : null;
            sub = speech.request(target, range, this);
        }

        private void bad(String message, String code, String param) {
            SimpleHandler.error(sink, route.dialect, HttpResponseStatus.BAD_REQUEST, message, code, param);
        }

        // ---- the audio, on this client's loop ----

        @Override
        public EventLoop loop() {
            return sink.eventLoop();
        }

        @Override
        public void begin(Head head) {
            if (sink.isDone()) {
                return;
            }
            HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(head.status()));
            HttpHeaders h = res.headers();
            h.set(HttpHeaderNames.CONTENT_TYPE, head.contentType());
            if (speech.config().caching()) {
                h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
            }
            h.set("X-Sluice-Cache", head.cache());
            if (head.status() == 206) {
                h.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + head.from() + "-" + head.to() + "/" + head.total());
                h.set(HttpHeaderNames.CONTENT_LENGTH, head.to() - head.from() + 1);
            } else if (head.total() >= 0) {
                h.set(HttpHeaderNames.CONTENT_LENGTH, head.total());
            } else {
                HttpUtil.setTransferEncodingChunked(res, true);
            }
            sink.head(res);
        }

        @Override
        public void data(ByteBuf chunk) {
            if (sink.isDone() || !sink.headSent()) {
                chunk.release();
                return;
            }
            sink.content(chunk);
            sink.flush();
            if (!sink.isWritable() && sub != null) {
                sub.pause();
            }
        }

        @Override
        public void end() {
            if (!sink.isDone()) {
                sink.end(null);
            }
        }

        @Override
        public void fail(int status, String message, String code) {
            if (!sink.isDone()) {
                sink.fail(HttpResponseStatus.valueOf(status), message, code); // after the head: closes, cut
            }
        }

        @Override
        public void unsatisfiable(long total) {
            if (sink.isDone()) {
                return;
            }
            FullHttpResponse res = HttpResponses.error(route.dialect, sink.alloc(),
                    HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "Range: "
                            + Text.printable(request.headers().get(HttpHeaderNames.RANGE)) + " is outside the "
                            + total + " bytes of the audio", "range_not_satisfiable");
            res.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + total)
                    .set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
            SimpleHandler.full(sink, res);
        }

        @Override
        public void clientWritable() {
            if (sub != null) {
                sub.resume();
            }
        }

        @Override
        public void abort() {
            if (sub != null) {
                sub.leave();
            }
        }

        @Override
        void accounted(int status, long nanos) {
            if (sub != null && status < 400 && status != 499) {
                metrics.ttsServed(sub.cacheResult());
            }
            if (capture != null) {
                capture.finish(status, "tts", null, nanos / 1_000_000);
            }
        }
    }

    private static String first(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The client's query for a {@code {query}} template: re-encoded, without the client key ({@code key}). */
    static String forwardedQuery(QueryStringDecoder q) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<String>> e : q.parameters().entrySet()) {
            if (e.getKey().equals("key")) {
                continue;
            }
            for (String v : e.getValue()) {
                if (sb.length() > 0) {
                    sb.append('&');
                }
                sb.append(encode(e.getKey())).append('=').append(encode(v));
            }
        }
        return sb.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
