package io.sluice.codec.sse;

import io.netty.buffer.ByteBuf;

/** Receives what an {@link SseFramer} decodes, on the thread that called {@link SseFramer#feed}. */
@FunctionalInterface
public interface SseListener {

    /**
     * A complete event.
     *
     * @param event the {@code event:} field, or {@code null} when it was absent or empty (the spec's "message")
     * @param data  the {@code data:} lines joined with {@code \n}. Owned by the listener, which must release it or pass
     *              it on. Single-line data that arrived inside one chunk is a retained slice of that chunk (no copy).
     */
    void onEvent(String event, ByteBuf data);

    /**
     * A comment line: proxies and providers send them as keep-alive pings.
     *
     * @param comment the text after the colon, one leading space removed. <b>Not</b> owned by the listener: it is valid
     *                only during this call; {@code retainedSlice()} or copy it to keep it.
     */
    default void onComment(ByteBuf comment) {
    }

    /** The stream broke a limit; the framer has released what it held and ignores further input. */
    default void onError(String message) {
    }
}
