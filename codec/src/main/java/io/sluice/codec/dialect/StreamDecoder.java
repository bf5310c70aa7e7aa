package io.sluice.codec.dialect;

import io.netty.buffer.ByteBuf;

/**
 * Turns one upstream response stream into hub events, as the bytes arrive. Not thread-safe: one per stream, used from
 * the stream's event loop.
 */
public interface StreamDecoder {

    /** Decodes {@code chunk}'s readable bytes. Not owned: the caller keeps and releases it; indexes are untouched. */
    void feed(ByteBuf chunk);

    /**
     * The upstream body ended. If the dialect's terminal event was not seen (and no error was reported), the listener
     * gets {@link io.sluice.codec.hub.HubError#truncated()}. Releases everything held.
     */
    void end();

    /** The stream was abandoned (client gone): release everything held, call nothing. Idempotent. */
    void release();

    /** The listener has had its final call ({@code onEnd} or {@code onError}); further input is ignored. */
    boolean finished();
}
