package io.sluice.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubRequest;
import io.sluice.proxy.access.Cors;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;

/**
 * Writes one connection's responses, one at a time: keep-alive and HTTP/1.0 rules, chunked framing, and errors in the
 * request's dialect (a whole error response before the head, an error event to end a stream after it, else a close).
 * The sink every exchange of the connection writes to; {@link RequestReader} starts each response and hears its end.
 */
final class ResponseWriter implements ResponseSink {

    /** Hears that the current response has ended (written, or given up with the connection). */
    interface Completion {
        void completed(int status, boolean close);
    }

    private static final int CRLF = ('\r' << 8) | '\n';

    private final ChannelHandlerContext ctx;
    private final Completion completion;
    private final Cors cors;
    /** The request's {@code Origin} when CORS is on, else null. */
    private String origin;
    /** The HTTP codec's context: writing there skips its encoder. */
    private ChannelHandlerContext wire;

    private RequestHandler handler;
    private HttpMethod method;
    private HttpVersion version;
    private boolean keepAlive;
    private boolean active;
    private int status;
    private boolean headSent;
    /** The head was a complete response (FullHttpResponse): no body or last chunk may follow. */
    private boolean fullSent;
    /** The response is an event stream: a late failure can still be told as an event. */
    private boolean sse;
    /**
     * This response's chunked framing is written here rather than by ServerCodec's encoder, which allocates a
     * promise combiner, a hex String and buffer duplicates for every chunk: the size line and the closing CRLF go
     * out as small pooled buffers straight to the transport, the data as it came. The CRLF is never deferred to the
     * next chunk: some clients finish a chunk (and so an SSE event) only when they have read it.
     */
    private boolean framing;

    ResponseWriter(ChannelHandlerContext ctx, Completion completion) {
        this(ctx, completion, Cors.OFF);
    }

    ResponseWriter(ChannelHandlerContext ctx, Completion completion, Cors cors) {
        this.ctx = ctx;
        this.completion = completion;
        this.cors = cors;
    }

    /** Starts the response to a request answered by {@code h}. */
    void begin(RequestHandler h, HttpMethod method, HttpVersion version, boolean keepAlive) {
        begin(h, method, version, keepAlive, null);
    }

    /** @param origin the request's {@code Origin} header, for the CORS headers of its response; null for none */
    void begin(RequestHandler h, HttpMethod method, HttpVersion version, boolean keepAlive, String origin) {
        this.origin = origin;
        this.handler = h;
        this.method = method;
        this.version = version;
        this.keepAlive = keepAlive;
        this.active = true;
        this.status = 0;
        this.headSent = false;
        this.fullSent = false;
        this.sse = false;
        this.framing = false;
    }

    /** This response is the connection's last. */
    void closeAfter() {
        keepAlive = false;
    }

    int status() {
        return status;
    }

    /** The connection is gone: nothing more is written. */
    void closed() {
        active = false;
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public void head(HttpResponse head) {
        if (!active || headSent) {
            if (head instanceof FullHttpResponse full) {
                full.release();
            }
            return;
        }
        status = head.status().code();
        headSent = true;
        sse = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "").regionMatches(true, 0, "text/event-stream", 0, 17);
        fullSent = head instanceof FullHttpResponse;
        if (head.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)) {
            keepAlive = false;
        }
        // The request's version decides: our heads are always HTTP/1.1.
        boolean http10 = HttpVersion.HTTP_1_0.equals(version);
        if (http10 && HttpUtil.isTransferEncodingChunked(head)) {
            // HTTP/1.0 has no chunked coding (RFC 9112 §6.1): the body ends with the connection instead.
            HttpUtil.setTransferEncodingChunked(head, false);
            keepAlive = false;
        }
        if (keepAlive) {
            if (http10) {
                head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (cors.enabled()) {
            cors.response(origin, head.headers()); // the one place every response head passes: errors, streams, 401s
        }
        if (fullSent) {
            handler.sent(((FullHttpResponse) head).content());
        }
        ctx.write(head, ctx.voidPromise());
        framing = !fullSent && !HttpMethod.HEAD.equals(method) && HttpUtil.isTransferEncodingChunked(head);
        if (framing && wire == null) {
            wire = ctx.pipeline().context(ServerCodec.class);
            framing = wire != null;
        }
        if (fullSent) {
            complete();
        }
    }

    @Override
    public void content(ByteBuf chunk) {
        if (!active || fullSent || !ctx.channel().isActive()) {
            chunk.release();
            return;
        }
        int n = chunk.readableBytes();
        if (n > 0) {
            handler.sent(chunk);
        }
        if (!framing) {
            ctx.write(new DefaultHttpContent(chunk), ctx.voidPromise());
            return;
        }
        if (n == 0) {
            chunk.release(); // an empty chunk would end the body
            return;
        }
        ByteBuf size = ctx.alloc().directBuffer(10);
        writeHex(size, n);
        size.writeShort(CRLF);
        wire.write(size, ctx.voidPromise());
        wire.write(chunk, ctx.voidPromise());
        wire.write(ctx.alloc().directBuffer(2).writeShort(CRLF), ctx.voidPromise());
    }

    static void writeHex(ByteBuf out, int n) {
        int shift = (31 - Integer.numberOfLeadingZeros(n)) & ~3;
        for (; shift >= 0; shift -= 4) {
            int d = (n >>> shift) & 0xF;
            out.writeByte(d < 10 ? '0' + d : 'a' + d - 10);
        }
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void end(ByteBuf lastOrNull) {
        if (!active || !ctx.channel().isActive() || fullSent) {
            if (lastOrNull != null) {
                lastOrNull.release();
            }
            return;
        }
        if (framing) {
            if (lastOrNull != null) {
                content(lastOrNull);
            }
            // Through the encoder: it writes the terminating "0\r\n\r\n" and is ready for the next response.
            ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
        } else {
            if (lastOrNull != null && lastOrNull.isReadable()) {
                handler.sent(lastOrNull);
            }
            ctx.write(lastOrNull == null ? LastHttpContent.EMPTY_LAST_CONTENT
                    : new DefaultLastHttpContent(lastOrNull), ctx.voidPromise());
        }
        framing = false;
        complete();
    }

    @Override
    public void fail(HttpResponseStatus st, String message, String code) {
        failRetryAfter(st, message, code, -1);
    }

    @Override
    public void failRetryAfter(HttpResponseStatus st, String message, String code, long retryAfterSeconds) {
        if (!active || !ctx.channel().isActive()) {
            return;
        }
        if (headSent) {
            // HTTP/1.1 has no other way to say a body is incomplete.
            status = status == 0 ? st.code() : status;
            keepAlive = false;
            complete();
            return;
        }
        FullHttpResponse res = HttpResponses.error(handler.dialect(), ctx.alloc(), st, message, code);
        if (retryAfterSeconds >= 0) {
            HttpResponses.retryAfter(res, retryAfterSeconds);
        }
        head(res);
    }

    @Override
    public void endWithError(HubError error) {
        if (!active || !ctx.channel().isActive()) {
            return;
        }
        if (!headSent || !sse) {
            fail(HttpResponseStatus.valueOf(error.status()), error.message(), error.code());
            return;
        }
        StreamEncoder enc = handler.dialect().streamEncoder(ctx.alloc(), new HubRequest());
        ByteBuf event;
        try {
            enc.onError(error);
            event = enc.take();
        } finally {
            enc.release();
        }
        end(event);
    }

    @Override
    public boolean headSent() {
        return headSent;
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public boolean isDone() {
        return !active || !ctx.channel().isActive();
    }

    /** The response is written: account, flush, then close or let the next request in. */
    private void complete() {
        active = false;
        completion.completed(status, !keepAlive);
        if (!keepAlive) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.flush();
        }
    }
}
