package io.sluice.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.hub.HubError;

/**
 * Where an {@link Exchange} writes its response. Every method must be called on {@link #eventLoop()}.
 * Buffers passed in are owned by the sink from then on (written or released).
 */
public interface ResponseSink {

    EventLoop eventLoop();

    ByteBufAllocator alloc();

    /** Sends the response head. Headers for keep-alive are set by the sink. */
    void head(HttpResponse head);

    /** Writes a body chunk (ownership moves to the sink); flushed on {@link #flush()}. */
    void content(ByteBuf chunk);

    void flush();

    /** Writes the last chunk (may be null), flushes and completes the exchange. */
    void end(ByteBuf lastOrNull);

    /**
     * Fails the exchange. Before the head was sent: an OpenAI-shaped error response with {@code status}. After: the
     * connection is closed, since HTTP/1.1 has no other way to say a body is incomplete; exchanges that can (SSE)
     * should write an error event and {@link #end} instead.
     */
    void fail(HttpResponseStatus status, String message, String type, String code);

    /**
     * {@link #fail} with {@code Retry-After} (seconds) on the response when the head was not sent yet: for 429s and
     * 503s the client can act on.
     */
    default void failRetryAfter(HttpResponseStatus status, String message, String type, String code,
                                long retryAfterSeconds) {
        fail(status, message, type, code);
    }

    /**
     * Ends a response that failed after its head was sent, with an error in the client's dialect as the body's last
     * event (OpenAI {@code data: {"error":…}}, Anthropic {@code event: error}, …). Before the head, same as
     * {@link #fail}.
     *
     * @param code OpenAI-style machine code ({@code upstream_timeout}), used where the dialect has a code field
     */
    void endWithError(HubError error, String code);

    boolean headSent();

    /** False while the client's outbound buffer is above the high water mark: stop producing. */
    boolean isWritable();

    /** True once the client went away or the exchange completed; producers stop and release. */
    boolean isDone();

    /** What is learned about this request for accounting (provider, key, usage), or null when nobody keeps it. */
    default io.sluice.proxy.ops.RequestTrace trace() {
        return null;
    }
}
