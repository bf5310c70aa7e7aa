package io.sluice.codec.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Chunks} in buffers from the pooled allocator. Netty's leak detector only tracks buffers an allocator wraps:
 * {@code Unpooled} <em>heap</em> buffers are never tracked, so a decoder fed only those could leak what it retains or
 * allocates from {@code chunk.alloc()} without {@link LeakFailExtension} noticing.
 */
public final class PooledChunks {

    /** Which memory the chunks live in; {@code MIXED} alternates, as a stream crossing allocators would. */
    public enum Memory { HEAP, DIRECT, MIXED }

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private PooledChunks() {
    }

    /** Splits {@code bytes} into leak-tracked chunks of at most {@code size} bytes; caller owns them. */
    public static List<ByteBuf> split(byte[] bytes, int size, Memory memory) {
        List<ByteBuf> plain = Chunks.split(bytes, size);
        List<ByteBuf> out = new ArrayList<>(plain.size());
        for (int i = 0; i < plain.size(); i++) {
            ByteBuf p = plain.get(i);
            boolean direct = memory == Memory.DIRECT || (memory == Memory.MIXED && i % 2 == 1);
            ByteBuf b = direct ? ALLOC.directBuffer(p.readableBytes()) : ALLOC.heapBuffer(p.readableBytes());
            out.add(b.writeBytes(p));
            p.release();
        }
        return out;
    }

    public static List<ByteBuf> split(String s, int size, Memory memory) {
        return split(s.getBytes(StandardCharsets.UTF_8), size, memory);
    }

    /** {@code s} as UTF-8 in one leak-tracked heap buffer; caller owns it. */
    public static ByteBuf of(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return ALLOC.heapBuffer(bytes.length).writeBytes(bytes);
    }

    /** {@code s} as UTF-8 in one leak-tracked direct buffer; caller owns it. */
    public static ByteBuf direct(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return ALLOC.directBuffer(bytes.length).writeBytes(bytes);
    }
}
