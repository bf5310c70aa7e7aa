package io.sluice.proxy.logs;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The first {@code max} bytes of one direction of a {@link RequestLogger.Capture}, and how many there were in all. */
final class CapturePart {

    private static final byte[] EMPTY = new byte[0];
    private static final int INITIAL = 256;

    private final int max;
    private byte[] bytes = EMPTY;
    private int length;
    private long total;

    CapturePart(int max) {
        this.max = max;
    }

    void append(ByteBuf buf) {
        if (buf == null) {
            return;
        }
        int n = buf.readableBytes();
        total += n;
        int take = Math.min(n, max - length);
        if (take <= 0) {
            return;
        }
        int need = length + take;
        if (need > bytes.length) {
            int grown = Math.max(need, Math.max(INITIAL, bytes.length * 2));
            bytes = java.util.Arrays.copyOf(bytes, Math.min(grown, max));
        }
        // Absolute get: the caller's readerIndex and refCnt stay as they were.
        buf.getBytes(buf.readerIndex(), bytes, length, take);
        length = need;
    }

    void writeFields(JsonGenerator g, RequestLogger l) throws IOException {
        // new String replaces malformed UTF-8 (and a character cut at the limit) with U+FFFD.
        g.writeStringField("body", l.maskText(new String(bytes, 0, length, StandardCharsets.UTF_8)));
        g.writeNumberField("bytes", total);
        g.writeBooleanField("truncated", total > length);
    }
}
