package io.sluice.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.HubAccumulator;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubRequest;
import io.sluice.proxy.ops.RequestTrace;
import java.util.List;
import java.util.Locale;

/**
 * Stands between an exchange that answers in the provider's dialect and the client's sink, translating through the
 * hub: provider stream decoder → (this, as a tee that notes usage) → client stream encoder, one client write per
 * upstream read. Non-streaming bodies, error bodies, and the rare stream/non-stream mismatch are buffered (bounded)
 * and translated whole at the end.
 *
 * <p>The exchange never knows: it writes provider bytes to a {@link ResponseSink} as it would for a passthrough.
 */
public final class TranslatingSink extends ForwardingSink {

    /** A non-streaming body or error body larger than this is cut off and reported as an error. */
    static final int MAX_BUFFERED_BYTES = 32 << 20;

    private enum Mode {
        /** No head yet. */
        WAITING,
        /** Upstream SSE, decoded and re-encoded as it arrives (client streams) or accumulated (client does not). */
        LIVE,
        /** A whole 2xx body is collected, then decoded. */
        BUFFERING,
        /** A whole error body is collected, then translated. */
        BUFFERING_ERROR,
        DONE
    }

    private final Dialect provider;
    private final Dialect clientDialect;
    private final HubRequest request;
    private final boolean clientStreams;

    private Mode mode = Mode.WAITING;
    private int status;
    private boolean headSent;
    private StreamDecoder decoder;
    private StreamEncoder encoder;
    private HubAccumulator accumulator;
    /** The provider's decoded events go through this tee, which notes usage, to the encoder or accumulator. */
    private final UsageTee tee;
    private CompositeByteBuf buffered;
    private boolean overflow;

    /** @param secrets the provider's keys, masked in the error events it sends (they quote them at times) */
    public TranslatingSink(ResponseSink client, Dialect provider, Dialect clientDialect, HubRequest request,
                           RequestTrace trace, List<String> secrets) {
        this(client, provider, clientDialect, request, trace, secrets, null);
    }

    /** @param responseId the id the answer gets instead of the provider's, or null */
    public TranslatingSink(ResponseSink client, Dialect provider, Dialect clientDialect, HubRequest request,
                           RequestTrace trace, List<String> secrets, String responseId) {
        super(client);
        this.tee = new UsageTee(trace, secrets, responseId);
        this.provider = provider;
        this.clientDialect = clientDialect;
        this.request = request;
        this.clientStreams = request.stream;
    }

    // ---- ResponseSink: what the exchange writes (provider dialect) ----

    @Override
    public void head(HttpResponse head) {
        if (mode != Mode.WAITING) {
            return;
        }
        status = head.status().code();
        headSent = true;
        if (status < 200 || status >= 300) {
            mode = Mode.BUFFERING_ERROR;
            buffered = alloc().compositeBuffer();
            takeFullContent(head);
            return;
        }
        String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        boolean sse = type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        if (!sse) {
            mode = Mode.BUFFERING;
            buffered = alloc().compositeBuffer();
            takeFullContent(head);
            return;
        }
        mode = Mode.LIVE;
        if (clientStreams) {
            encoder = clientDialect.streamEncoder(alloc(), request);
            tee.target(encoder);
            client.head(streamHead(head));
        } else {
            accumulator = new HubAccumulator();
            tee.target(accumulator);
        }
        decoder = provider.streamDecoder(tee);
    }

    /** A FullHttpResponse head carries its whole body: the exchange will only call end(null) after it. */
    private void takeFullContent(HttpResponse head) {
        if (head instanceof FullHttpResponse full) {
            ByteBuf c = full.content();
            if (c.isReadable()) {
                append(c.retain());
            }
            full.release();
        }
    }

    private static HttpResponse streamHead(HttpResponse upstream) {
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set("X-Accel-Buffering", "no");
        copyRequestId(upstream, out);
        HttpUtil.setTransferEncodingChunked(out, true);
        return out;
    }

    private static final String[] REQUEST_ID_HEADERS = {"x-request-id", "request-id"};

    private static void copyRequestId(HttpResponse from, HttpResponse to) {
        for (String name : REQUEST_ID_HEADERS) {
            String v = from == null ? null : from.headers().get(name);
            if (v != null) {
                to.headers().set(name, v);
            }
        }
    }

    @Override
    public void content(ByteBuf chunk) {
        switch (mode) {
            case LIVE -> {
                try {
                    decoder.feed(chunk);
                } finally {
                    chunk.release();
                }
                drain();
            }
            case BUFFERING, BUFFERING_ERROR -> append(chunk);
            default -> chunk.release();
        }
    }

    private void append(ByteBuf chunk) {
        if (overflow || buffered.readableBytes() + (long) chunk.readableBytes() > MAX_BUFFERED_BYTES) {
            overflow = true;
            chunk.release();
            return;
        }
        buffered.addComponent(true, chunk);
    }

    /** Writes what the encoder produced so far (streaming clients only). */
    private void drain() {
        if (encoder != null) {
            ByteBuf out = encoder.take();
            if (out != null) {
                client.content(out);
            }
        }
    }

    @Override
    public void flush() {
        if (mode == Mode.LIVE && clientStreams) {
            client.flush();
        }
    }

    @Override
    public void end(ByteBuf lastOrNull) {
        if (lastOrNull != null) {
            content(lastOrNull);
        }
        switch (mode) {
            case LIVE -> endLive();
            case BUFFERING -> endBuffered();
            case BUFFERING_ERROR -> endError();
            default -> {
                mode = Mode.DONE;
                client.end(null);
            }
        }
    }

    private void endLive() {
        mode = Mode.DONE;
        decoder.end(); // onEnd, or onError(truncated) when the terminal event never came
        if (clientStreams) {
            ByteBuf out = encoder.take();
            encoder.release();
            client.end(out);
        } else {
            respondWhole();
        }
    }

    private void endBuffered() {
        mode = Mode.DONE;
        if (overflow) {
            buffered.release();
            buffered = null;
            client.fail(HttpResponseStatus.BAD_GATEWAY, "upstream response larger than " + MAX_BUFFERED_BYTES
                    + " bytes", "upstream_too_large");
            return;
        }
        if (clientStreams) {
            // Asked to stream, the provider answered whole: replay the whole answer as one stream.
            encoder = clientDialect.streamEncoder(alloc(), request);
            tee.target(encoder);
        } else {
            accumulator = new HubAccumulator();
            tee.target(accumulator);
        }
        try {
            provider.decodeResponse(buffered, tee);
        } finally {
            buffered.release();
            buffered = null;
        }
        if (clientStreams) {
            client.head(streamHead(null));
            ByteBuf out = encoder.take();
            encoder.release();
            client.end(out);
        } else {
            respondWhole();
        }
    }

    /** A non-streaming client gets the accumulated answer, or its error, as one body. */
    private void respondWhole() {
        HubError error = accumulator.error();
        if (error != null) {
            sendError(error);
            return;
        }
        sendFull(HttpResponseStatus.OK, clientDialect.encodeResponse(accumulator.response(), alloc()));
    }

    private void endError() {
        mode = Mode.DONE;
        HubError error;
        try {
            error = provider.decodeError(status, buffered);
        } finally {
            buffered.release();
            buffered = null;
        }
        sendError(error);
    }

    private void sendError(HubError error) {
        int st = error.status() >= 400 && error.status() <= 599 ? error.status() : 502;
        if (st == 529 && clientDialect != Dialects.ANTHROPIC) {
            st = 503; // 529 is Anthropic's "overloaded"; other clients' SDKs retry on 503
        }
        sendFull(HttpResponseStatus.valueOf(st), clientDialect.encodeError(error, alloc()));
    }

    private void sendFull(HttpResponseStatus st, ByteBuf body) {
        client.head(HttpResponses.json(st, body));
        client.end(null);
    }

    @Override
    public void fail(HttpResponseStatus st, String message, String code) {
        if (mode == Mode.LIVE && clientStreams) {
            endWithError(HttpResponses.error(st, message, code));
            return;
        }
        releaseAll();
        mode = Mode.DONE;
        client.fail(st, message, code);
    }

    @Override
    public void failRetryAfter(HttpResponseStatus st, String message, String code, long retryAfterSeconds) {
        if (mode == Mode.LIVE && clientStreams) {
            fail(st, message, code);
            return;
        }
        releaseAll();
        mode = Mode.DONE;
        client.failRetryAfter(st, message, code, retryAfterSeconds);
    }

    @Override
    public void endWithError(HubError error) {
        if (mode == Mode.LIVE && clientStreams) {
            decoder.release();
            mode = Mode.DONE;
            endStreamWithError(error);
            return;
        }
        boolean before = !client.headSent();
        releaseAll();
        mode = Mode.DONE;
        if (before) {
            sendError(error);
        } else {
            client.endWithError(error);
        }
    }

    private void endStreamWithError(HubError error) {
        if (encoder == null) {
            client.endWithError(error);
            return;
        }
        encoder.onError(error);
        ByteBuf out = encoder.take();
        encoder.release();
        encoder = null;
        client.end(out);
    }

    /** Releases what this sink holds; decoder and encoder releases are idempotent. */
    private void releaseAll() {
        if (decoder != null) {
            decoder.release();
        }
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
        if (encoder != null) {
            encoder.release();
        }
    }

    @Override
    public boolean headSent() {
        return headSent;
    }

    @Override
    public boolean isDone() {
        return mode == Mode.DONE || client.isDone();
    }

    /** The client left or the exchange was aborted: drop everything held. */
    public void abort() {
        if (mode != Mode.DONE) {
            mode = Mode.DONE;
            releaseAll();
        }
    }
}
