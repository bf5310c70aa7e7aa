package io.sluice.codec.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits fixtures into chunks of a given size to prove decoders are chunk-boundary safe. */
public final class Chunks {

    /** The chunk sizes every codec fixture is fed with: 1 byte, 7 bytes, whole. */
    public static final int[] SIZES = {1, 7, Integer.MAX_VALUE};

    private Chunks() {
    }

    /** Splits {@code bytes} into fresh heap buffers of at most {@code size} bytes; caller owns them. */
    public static List<ByteBuf> split(byte[] bytes, int size) {
        List<ByteBuf> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            int n = Math.min(size, bytes.length - i);
            ByteBuf b = Unpooled.buffer(n);
            b.writeBytes(bytes, i, n);
            out.add(b);
        }
        return out;
    }

    public static List<ByteBuf> split(String s, int size) {
        return split(s.getBytes(StandardCharsets.UTF_8), size);
    }
}
