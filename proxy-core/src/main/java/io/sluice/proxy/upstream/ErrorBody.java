package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.nio.charset.StandardCharsets;

/** A provider's error body, kept (as retained slices, no copy) up to a bound: it ends up in a client error message. */
final class ErrorBody {

    /** Error bodies are read up to this size, then cut. */
    static final int MAX_BYTES = 64 * 1024;

    private final CompositeByteBuf bytes;

    ErrorBody(ByteBufAllocator alloc) {
        this.bytes = alloc.compositeBuffer();
    }

    /** Keeps what fits of {@code buf}'s readable bytes; {@code buf} stays the caller's. */
    void add(ByteBuf buf) {
        int room = MAX_BYTES - bytes.readableBytes();
        if (room > 0 && buf.isReadable()) {
            bytes.addComponent(true, buf.readRetainedSlice(Math.min(room, buf.readableBytes())));
        }
    }

    /** The body as text; releases what was kept. */
    String take() {
        try {
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            bytes.release();
        }
    }

    void release() {
        bytes.release();
    }
}
