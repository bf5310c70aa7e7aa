package io.sluice.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.access.Cors;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.RequestRouter;
import java.util.concurrent.TimeUnit;

/**
 * Reads one request at a time: asks the {@link RequestRouter} for its handler when the head arrives, then reads the
 * body (bounded by {@code server.maxBodyBytes}) into a {@link CompositeByteBuf} without copying, handing each chunk
 * to the handler as it comes, or discards it; then lets the handler answer through the connection's
 * {@link ResponseWriter}. The whole request, head and body, must arrive within {@code server.readTimeout} of its first
 * byte ({@link #arrivals()} sees the bytes before the codec), so a slow head (slowloris) is cut like a slow body.
 * Malformed heads and bodies get 400 (431 when too large), oversized bodies 413, slow requests 408, each in the
 * route's dialect and followed by a close.
 *
 * <p>{@code Expect: 100-continue} is answered here, once the handler is chosen and admitted: a request refused at its
 * head (no valid client key, IP rules, unknown route) gets its refusal instead of 100, a declared body over the limit
 * its 413, both without the body being sent; the connection closes after either, as the client may send the body
 * anyway (RFC 9110 §10.1.1).
 */
final class RequestReader extends ChannelInboundHandlerAdapter implements ResponseWriter.Completion {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(RequestReader.class);

    private enum State { IDLE, READING_BODY, DISCARDING_BODY, RESPONDING, CLOSING }

    private final RequestRouter dispatcher;
    private final Cors cors;
    private final long maxBodyBytes;
    private final long readTimeoutNanos;

    private ChannelHandlerContext ctx;
    private ResponseWriter writer;
    private State state = State.IDLE;
    private RequestHandler handler;
    private long startNanos;
    private CompositeByteBuf body;
    private ScheduledFuture<?> readTimeout;

    RequestReader(RequestRouter dispatcher, long maxBodyBytes, long readTimeoutNanos) {
        this(dispatcher, maxBodyBytes, readTimeoutNanos, Cors.OFF);
    }

    RequestReader(RequestRouter dispatcher, long maxBodyBytes, long readTimeoutNanos, Cors cors) {
        this.cors = cors;
        this.dispatcher = dispatcher;
        this.maxBodyBytes = maxBodyBytes;
        this.readTimeoutNanos = readTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.writer = new ResponseWriter(ctx, this, cors);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSING || state == State.RESPONDING && msg instanceof HttpRequest) {
            ReferenceCountUtil.release(msg); // ConnectionGuard holds pipelined requests: only junk gets here
            return;
        }
        try {
            if (msg instanceof HttpRequest req) {
                onHead(req);
            }
            if (msg instanceof HttpContent content) {
                onContent(content);
            } else if (!(msg instanceof HttpRequest)) {
                ReferenceCountUtil.release(msg);
            }
        } catch (RuntimeException e) {
            handlerFailed(e);
        }
    }

    /**
     * A bug met while handling a request (a handler threw): logged with its trace for us, a plain 500 in the client's
     * dialect for the client if nothing was sent yet, else the connection closes. Never a silent hang-up.
     */
    private void handlerFailed(RuntimeException e) {
        LOG.warn("request handler failed", e);
        releaseBody();
        cancelReadTimeout();
        if (!writer.isDone()) { // begun for this request (a response completed ends it)
            state = State.RESPONDING;
            writer.closeAfter();
            writer.fail(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error", "internal_error");
        } else {
            state = State.CLOSING;
            ctx.close();
        }
    }

    /** The handler to put before the HTTP codec: it sees each read of raw bytes. */
    ChannelInboundHandlerAdapter arrivals() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                bytesArrived();
                c.fireChannelRead(msg);
            }
        };
    }

    /** Bytes came in: the first while no request is open starts the next request's read timeout. */
    private void bytesArrived() {
        if (state == State.IDLE && readTimeout == null && ctx != null) {
            readTimeout = ctx.executor().schedule(this::onReadTimeout, readTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onHead(HttpRequest req) {
        startNanos = System.nanoTime();
        InboundRequest in = InboundRequest.of(req.method(), req.uri(), req.headers(), ctx.channel().remoteAddress(),
                startNanos);
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            cancelReadTimeout();
            handler = dispatcher.malformed(in);
            writer.begin(handler, req.method(), req.protocolVersion(), false, origin(req));
            state = State.RESPONDING;
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongHttpLineException
                    || cause instanceof TooLongFrameException) {
                writer.fail(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request line or headers too large",
                        "request_too_large");
            } else {
                writer.fail(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", "bad_request");
            }
            return;
        }
        handler = dispatcher.open(in);
        writer.begin(handler, req.method(), req.protocolVersion(), HttpUtil.isKeepAlive(req), origin(req));
        boolean expectsContinue = HttpUtil.is100ContinueExpected(req);
        if (expectsContinue && !handler.readsBody() && hasBody(req)) {
            // Refused at the head, or a route that ignores bodies: the answer instead of 100, before the body.
            cancelReadTimeout();
            state = State.RESPONDING;
            writer.closeAfter();
            handler.respond(null, writer);
            return;
        }
        if (handler.readsBody()) {
            long declared = HttpUtil.getContentLength(req, -1L);
            if (declared > maxBodyBytes) {
                rejectTooLarge(declared);
                return;
            }
            state = State.READING_BODY;
            body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        } else {
            state = State.DISCARDING_BODY;
        }
        if (expectsContinue) {
            req.headers().remove(HttpHeaderNames.EXPECT); // met here: not for the upstream
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER), ctx.voidPromise());
        }
        // Every request must arrive whole within readTimeout, whatever its route (slow-body clients). Usually running
        // since its first byte; not for a pipelined request ConnectionGuard held, whose bytes are all in already.
        if (readTimeout == null) {
            readTimeout = ctx.executor().schedule(this::onReadTimeout, readTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The page origin a browser sent, when CORS is on (else null: nothing to look up). */
    private String origin(HttpRequest req) {
        return cors.enabled() ? req.headers().get(HttpHeaderNames.ORIGIN) : null;
    }

    private static boolean hasBody(HttpRequest req) {
        return HttpUtil.getContentLength(req, 0L) > 0 || HttpUtil.isTransferEncodingChunked(req);
    }

    private void onContent(HttpContent content) {
        try {
            if (content.decoderResult().isFailure()) {
                // A malformed chunk size or trailer: the decoder ends the body here and reads nothing more.
                rejectMalformedBody();
            } else if (state == State.READING_BODY) {
                ByteBuf chunk = content.content();
                if (chunk.isReadable()) {
                    if (body.readableBytes() + (long) chunk.readableBytes() > maxBodyBytes) {
                        rejectTooLarge(-1);
                        return;
                    }
                    handler.onChunk(chunk);
                    body.addComponent(true, chunk.retain());
                }
                if (content instanceof LastHttpContent) {
                    cancelReadTimeout();
                    state = State.RESPONDING;
                    CompositeByteBuf b = body;
                    body = null;
                    handler.respond(b, writer);
                }
            } else if (state == State.DISCARDING_BODY && content instanceof LastHttpContent) {
                cancelReadTimeout();
                state = State.RESPONDING;
                handler.respond(null, writer);
            }
        } finally {
            content.release();
        }
    }

    private void rejectTooLarge(long declared) {
        cancelReadTimeout();
        releaseBody();
        handler.abort();
        state = State.RESPONDING;
        writer.closeAfter();
        writer.fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                (declared >= 0 ? "request body of " + declared + " bytes" : "request body")
                        + " exceeds the limit of " + maxBodyBytes + " bytes", "request_too_large");
    }

    private void rejectMalformedBody() {
        if (state != State.READING_BODY && state != State.DISCARDING_BODY) {
            return;
        }
        cancelReadTimeout();
        releaseBody();
        handler.abort();
        state = State.RESPONDING;
        writer.closeAfter();
        writer.fail(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request body", "bad_request");
    }

    private void onReadTimeout() {
        readTimeout = null;
        if (state == State.IDLE && ctx.channel().isActive()) {
            // The head is not in yet: no route, no handler. Answered in OpenAI's shape, not counted as a request.
            state = State.CLOSING;
            FullHttpResponse res = HttpResponses.error(Dialects.OPENAI, ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT,
                    "request headers not received within " + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos)
                            + " ms", "request_timeout");
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        } else if (state == State.READING_BODY || state == State.DISCARDING_BODY) {
            releaseBody();
            handler.abort();
            state = State.RESPONDING;
            writer.closeAfter();
            writer.fail(HttpResponseStatus.REQUEST_TIMEOUT, "request body not received within "
                    + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms", "request_timeout");
        }
    }

    /** The writer ended the response: account for it, then read the next request or close. */
    @Override
    public void completed(int status, boolean close) {
        RequestHandler h = handler;
        handler = null;
        state = close ? State.CLOSING : State.IDLE;
        if (h != null) {
            h.finished(status, System.nanoTime() - startNanos);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (handler != null && state == State.RESPONDING && ctx.channel().isWritable()) {
            handler.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSING;
        cancelReadTimeout();
        releaseBody();
        writer.closed();
        RequestHandler h = handler;
        handler = null;
        if (h != null) {
            // The client went away before its answer ended: 499, as nginx counts it.
            h.abort();
            h.finished(writer.headSent() ? writer.status() : 499, System.nanoTime() - startNanos);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: nothing to tell a client that is gone.
        LOG.debug("client connection error: {}", cause.toString());
        state = State.CLOSING;
        ctx.close();
    }

    private void cancelReadTimeout() {
        if (readTimeout != null) {
            readTimeout.cancel(false);
            readTimeout = null;
        }
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
