package io.sluice.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.sluice.codec.dialect.Dialect;

/**
 * One request as a service answers it, made when its head arrives. The server edge reads the body (bounded, timed),
 * hands each chunk to {@link #onChunk} and the whole to {@link #respond}, forwards writability and disconnects, and
 * reports the end once through {@link #finished}. All calls come from the connection's event loop.
 */
public interface RequestHandler {

    /** Low-cardinality route label for metrics ({@code /v1/chat/completions}); never the raw path. */
    String route();

    /** The dialect this request's errors are written in, including the ones the edge writes itself (413, 408). */
    Dialect dialect();

    /** True to read the body, false to discard it (GETs, refusals decided at the head). */
    boolean readsBody();

    /** A body chunk as it arrives, for incremental parsing; not retained, the edge keeps the bytes. */
    default void onChunk(ByteBuf chunk) {
    }

    /** The request arrived whole: answer into {@code sink}, now or later. Owns {@code body} (null when not read). */
    void respond(CompositeByteBuf body, ResponseSink sink);

    /** The client can take more bytes again. */
    default void clientWritable() {
    }

    /** The client left (or the connection closed) before the answer ended: stop and release. */
    default void abort() {
    }

    /** A response body chunk is being written (for byte counts and the request log); not retained. */
    default void sent(ByteBuf chunk) {
    }

    /**
     * The exchange ended, once: with the status the client got, or 499 when it left before the answer ended.
     *
     * @param nanos time since the head arrived
     */
    void finished(int status, long nanos);
}
