package io.sluice.codec.dialect;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.hub.HubListener;

/**
 * Turns hub events into one client stream's bytes in a dialect. Output accumulates in one buffer until {@link #take()},
 * so a whole upstream read becomes one write. Not thread-safe.
 */
public interface StreamEncoder extends HubListener {

    /** The bytes produced since the last call, owned by the caller; null when there are none. */
    ByteBuf take();

    /** Releases what was produced and not taken. Idempotent. */
    void release();
}
