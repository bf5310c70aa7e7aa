package io.sluice.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.hub.HubError;

/**
 * Where an {@link Exchange} writes its response. Every method must be called on {@link #eventLoop()}. Buffers
 * passed in are owned by the sink from then on (written or released). Errors are written in the client's dialect by
 * the sink, which knows it; producers only say what went wrong.
 */
public interface ResponseSink {

    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /** Sends the response head. Keep-alive headers are the sink's business; {@code Connection: close} is honoured. */
    void head(HttpResponse head);

    /** Writes a body chunk (ownership moves to the sink); flushed on {@link #flush()}. */
    void content(ByteBuf chunk);

    void flush();

    /** Writes the last chunk (may be null), flushes and completes the exchange. */
    void end(ByteBuf lastOrNull);

    /**
     * Fails the exchange. Before the head was sent: an error response with {@code status} in the client's dialect.
     * After: the connection is closed, since HTTP/1.1 has no other way to say a body is incomplete; producers that
     * can (SSE) use {@link #endWithError} instead.
     *
     * @param code a machine-readable code ({@code model_not_found}), written where the dialect has a code field
     */
    void fail(HttpResponseStatus status, String message, String code);

    /** {@link #fail} with {@code Retry-After} (seconds) when the head was not sent yet: for 429s and 503s. */
    void failRetryAfter(HttpResponseStatus status, String message, String code, long retryAfterSeconds);

    /**
     * Ends a response that failed after its head was sent, with an error in the client's dialect as the body's last
     * event (OpenAI {@code data: {"error":…}}, Anthropic {@code event: error}, …). Before the head, same as
     * {@link #fail}.
     */
    void endWithError(HubError error);

    boolean headSent();

    /** False while the client's outbound buffer is above the high water mark: stop producing. */
    boolean isWritable();

    /** True once the client went away or the exchange completed; producers stop and release. */
    boolean isDone();
}
