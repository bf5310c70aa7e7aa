package io.sluice.proxy.speech;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.Future;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.config.UpstreamConfig;
import io.sluice.proxy.upstream.OriginPool;
import io.sluice.proxy.upstream.UpstreamHandler;
import io.sluice.proxy.upstream.Upstreams;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The one upstream call that makes a speech file: on a pooled connection of the file's event loop (through the global
 * outbound proxy when one applies), with the upstream
 * timeouts (first byte, between chunks, whole exchange). A 2xx audio answer is handed to the {@link SpeechEntry} as
 * it arrives; anything else (an error status, a 2xx that is not audio, a transport failure) fails the file with a
 * message that names the upstream and never its key. AUTO_READ is off: the next read is issued when the file wants
 * more ({@link SpeechEntry#wantsMore}).
 */
final class SpeechFetch implements UpstreamHandler.Listener {

    /** Of an error body, this much is read to say what went wrong. */
    private static final int ERROR_BYTES = 2048;

    private enum State { ACQUIRING, AWAITING_HEAD, AUDIO, ERROR, DONE }

    private final SpeechEntry entry;
    private final Upstreams upstreams;
    private final UpstreamConfig config;
    private OriginPool pool;
    private Channel channel;
    private UpstreamHandler handler;
    private State state = State.ACQUIRING;
    private boolean keepAlive;
    private boolean readPending;
    private int status;
    private String errorType;
    private ByteBuf errorBody;

    SpeechFetch(SpeechEntry entry, Upstreams upstreams) {
        this.entry = entry;
        this.upstreams = upstreams;
        this.config = upstreams.config();
    }

    void start() {
        entry.fetch(this);
        // Through the outbound proxy when one is set for it (HTTPS_PROXY, upstream.proxy; NO_PROXY honoured).
        pool = upstreams.pools().pool(entry.loop(), upstreams.route(entry.target().origin()));
        Future<Channel> f = pool.acquire();
        if (f.isDone()) {
            acquired(f);
        } else {
            f.addListener(this::acquired);
        }
    }

    private void acquired(Future<? super Channel> f) {
        if (state == State.DONE) {
            if (f.isSuccess()) {
                pool.release((Channel) f.getNow(), true);
            }
            return;
        }
        if (!f.isSuccess()) {
            fail(502, "the TTS upstream " + pool.origin() + " is unreachable: " + plain(f.cause()),
                    "tts_upstream_error");
            return;
        }
        channel = (Channel) f.getNow();
        handler = channel.pipeline().get(UpstreamHandler.class);
        state = State.AWAITING_HEAD;
        handler.begin(this, config.firstByteTimeout().toNanos(), config.idleTimeout().toNanos(),
                config.requestTimeout().toNanos());
        channel.writeAndFlush(entry.target().request(channel.alloc())).addListener(w -> {
            if (!w.isSuccess() && state != State.DONE) {
                onFailure(w.cause());
            }
        });
        channel.read();
    }

    @Override
    public void onHead(HttpResponse head) {
        if (state != State.AWAITING_HEAD || head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            return;
        }
        status = head.status().code();
        keepAlive = HttpUtil.isKeepAlive(head);
        String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        boolean audio = type == null || t.startsWith("audio/") || t.startsWith("application/octet-stream")
                || t.startsWith("video/ogg") || t.startsWith("application/ogg");
        if (status >= 200 && status < 300 && audio) {
            state = State.AUDIO;
            long length = HttpUtil.getContentLength(head, -1L);
            entry.started(type == null ? entry.target().contentType() : type, length);
        } else {
            state = State.ERROR;
            errorType = type;
            errorBody = channel.alloc().buffer(256, ERROR_BYTES);
        }
    }

    @Override
    public void onContent(ByteBuf buf, boolean last) {
        if (state == State.AUDIO) {
            entry.append(buf);
            if (last && state == State.AUDIO) { // the file may have stopped this fetch meanwhile
                finish(keepAlive);
                entry.completed();
            }
            return;
        }
        try {
            if (state == State.ERROR) {
                errorBody.writeBytes(buf, Math.min(buf.readableBytes(), errorBody.maxWritableBytes()));
                if (last) {
                    String body = errorBody.toString(StandardCharsets.UTF_8).strip();
                    finish(keepAlive);
                    String what = status >= 200 && status < 300
                            ? "answered " + errorType + ", not audio" : "answered HTTP " + status;
                    fail(502, "the TTS upstream " + pool.origin() + " " + what + (body.isEmpty() ? ""
                            : ": " + shorten(body)), "tts_upstream_error");
                }
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void onReadComplete() {
        if (state == State.DONE) {
            return;
        }
        if (state == State.AUDIO && !entry.wantsMore()) {
            readPending = true;
            handler.pauseIdle(); // the clients' stall, not the upstream's silence
            return;
        }
        channel.read();
    }

    /** The file wants more again. */
    void resume() {
        if (readPending && state == State.AUDIO && channel != null) {
            readPending = false;
            handler.resumeIdle();
            channel.read();
        }
    }

    @Override
    public void onFailure(Throwable cause) {
        if (state == State.DONE) {
            return;
        }
        boolean timeout = cause instanceof UpstreamHandler.UpstreamTimeoutException;
        finish(false);
        fail(timeout ? 504 : 502, "the TTS upstream " + pool.origin() + (timeout ? " timed out: " : " failed: ")
                + plain(cause), timeout ? "tts_upstream_timeout" : "tts_upstream_error");
    }

    /** Nobody wants the file any more: the connection is closed mid-answer. */
    void abort() {
        if (state != State.DONE) {
            finish(false);
        }
    }

    private void fail(int st, String message, String code) {
        state = State.DONE;
        entry.failed(st, Secrets.maskAll(message, entry.target().secrets()), code);
    }

    private void finish(boolean reusable) {
        state = State.DONE;
        if (errorBody != null) {
            errorBody.release();
            errorBody = null;
        }
        if (channel != null) {
            Channel ch = channel;
            channel = null;
            handler.finish();
            if (reusable && ch.isActive()) {
                ch.read(); // a close or stray bytes while pooled are noticed at once
            }
            pool.release(ch, reusable);
        }
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    /** A transport failure in plain words. */
    private static String plain(Throwable t) {
        String m = t == null ? null : t.getMessage();
        if (t instanceof java.net.ConnectException || m != null && m.contains("Connection refused")) {
            return "connection refused";
        }
        if (m != null && m.toLowerCase(Locale.ROOT).contains("reset")) {
            return "connection reset";
        }
        return m == null ? t == null ? "unknown" : t.getClass().getSimpleName() : m;
    }
}
