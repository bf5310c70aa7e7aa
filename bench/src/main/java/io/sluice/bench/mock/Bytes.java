package io.sluice.bench.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Constant bytes and JSON strings. */
final class Bytes {

    private Bytes() {
    }

    /**
     * {@code s} as UTF-8 in a read-only direct buffer outside reference counting: written with {@code duplicate()}
     * by any number of connections at once, never copied into a direct buffer by the transport, freed by the GC.
     */
    static ByteBuf constant(String s) {
        return constant(s.getBytes(StandardCharsets.UTF_8));
    }

    static ByteBuf constant(byte[] bytes) {
        return wrap(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
    }

    private static ByteBuf wrap(ByteBuffer direct) {
        // A JDK buffer wrapped by Unpooled is not tracked by the leak detector and its memory belongs to the GC.
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct.asReadOnlyBuffer()));
    }

    /**
     * Packs many small constants into a few large direct blocks, so a shape with thousands of events costs a few
     * JDK direct buffers rather than one (and one cleaner) per event. Not thread-safe: one per template build.
     */
    static final class Arena {
        private static final int BLOCK = 64 * 1024;
        private ByteBuffer block = ByteBuffer.allocateDirect(0);

        ByteBuf constant(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > block.remaining()) {
                block = ByteBuffer.allocateDirect(Math.max(BLOCK, bytes.length));
            }
            int at = block.position();
            block.put(bytes);
            return wrap(block.duplicate().position(at).limit(at + bytes.length).slice());
        }
    }

    /** The JSON string literal of {@code s} without its quotes. */
    static String jsonEscape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : null;
            };
            if (rep != null) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                sb.append(rep);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** {@code s} as a quoted JSON string literal. */
    static String jsonString(String s) {
        return "\"" + jsonEscape(s) + "\"";
    }
}
