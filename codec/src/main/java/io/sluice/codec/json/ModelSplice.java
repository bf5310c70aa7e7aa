package io.sluice.codec.json;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces the {@code model} value of a request body without re-serializing it: when only the model name changes
 * between client and provider, the body goes out as the original bytes around a new string literal.
 */
public final class ModelSplice {

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    private ModelSplice() {
    }

    /**
     * Builds {@code body[0, valueStart) + "newModel" + body[valueEnd, end)}, offsets relative to
     * {@code body.readerIndex()}, typically {@link ChatRequestScanner#modelStart()} /
     * {@link ChatRequestScanner#modelEnd()}.
     *
     * @param body not owned: the result holds retained slices of it (no copy), so the caller still releases its own
     *             reference; its indexes are left untouched
     * @return a new composite owned by the caller; releasing it releases the slices
     * @throws IndexOutOfBoundsException if the range is not within the readable bytes
     */
    public static ByteBuf splice(ByteBufAllocator alloc, ByteBuf body, int valueStart, int valueEnd, String newModel) {
        int readable = body.readableBytes();
        if (valueStart < 0 || valueStart > valueEnd || valueEnd > readable) {
            throw new IndexOutOfBoundsException(
                    "value: [" + valueStart + ", " + valueEnd + ") (expected: within [0, " + readable + "])");
        }
        int base = body.readerIndex();
        CompositeByteBuf out = alloc.compositeBuffer(3);
        if (valueStart > 0) {
            out.addComponent(true, body.retainedSlice(base, valueStart));
        }
        out.addComponent(true, literal(alloc, newModel));
        if (valueEnd < readable) {
            out.addComponent(true, body.retainedSlice(base + valueEnd, readable - valueEnd));
        }
        return out;
    }

    /**
     * Builds {@code body[0, e.start) + e.text + body[e.end, end)}, offsets relative to {@code body.readerIndex()}:
     * {@link ChatRequestScanner#includeUsageEdit()}, say.
     *
     * @param body not owned: the result holds retained slices of it (no copy); its indexes are left untouched
     * @return a new composite owned by the caller
     * @throws IndexOutOfBoundsException if the range is not within the readable bytes
     */
    public static ByteBuf apply(ByteBufAllocator alloc, ByteBuf body, Edit e) {
        int readable = body.readableBytes();
        if (e.end() > readable) {
            throw new IndexOutOfBoundsException(
                    "edit: [" + e.start() + ", " + e.end() + ") (expected: within [0, " + readable + "])");
        }
        int base = body.readerIndex();
        CompositeByteBuf out = alloc.compositeBuffer(3);
        if (e.start() > 0) {
            out.addComponent(true, body.retainedSlice(base, e.start()));
        }
        if (!e.text().isEmpty()) {
            ByteBuf text = alloc.buffer(ByteBufUtil.utf8MaxBytes(e.text()));
            ByteBufUtil.writeUtf8(text, e.text());
            out.addComponent(true, text);
        }
        if (e.end() < readable) {
            out.addComponent(true, body.retainedSlice(base + e.end(), readable - e.end()));
        }
        return out;
    }

    /**
     * Applies several edits at once: the body's bytes between them go as retained slices (no copy), each edit's text
     * as a small buffer. The edits may come in any order but must not overlap; insertions ({@code start == end}) at
     * the same offset go in the order given.
     *
     * @param body not owned: the result holds retained slices of it; its indexes are left untouched
     * @return a new composite owned by the caller
     * @throws IllegalArgumentException if two edits overlap
     * @throws IndexOutOfBoundsException if an edit is not within the readable bytes
     */
    public static ByteBuf apply(ByteBufAllocator alloc, ByteBuf body, List<Edit> edits) {
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end)); // stable
        int readable = body.readableBytes();
        int base = body.readerIndex();
        int at = 0;
        for (Edit e : sorted) {
            if (e.start() < at) {
                throw new IllegalArgumentException("edits overlap at byte " + e.start() + ": " + sorted);
            }
            if (e.end() > readable) {
                throw new IndexOutOfBoundsException(
                        "edit: [" + e.start() + ", " + e.end() + ") (expected: within [0, " + readable + "])");
            }
            at = e.end();
        }
        CompositeByteBuf out = alloc.compositeBuffer(sorted.size() * 2 + 1);
        try {
            at = 0;
            for (Edit e : sorted) {
                if (e.start() > at) {
                    out.addComponent(true, body.retainedSlice(base + at, e.start() - at));
                }
                if (!e.text().isEmpty()) {
                    ByteBuf text = alloc.buffer(ByteBufUtil.utf8MaxBytes(e.text()));
                    ByteBufUtil.writeUtf8(text, e.text());
                    out.addComponent(true, text);
                }
                at = e.end();
            }
            if (at < readable) {
                out.addComponent(true, body.retainedSlice(base + at, readable - at));
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * {@code s} as a JSON string literal in UTF-8: quotes, backslashes and control characters escaped (RFC 8259 §7).
     *
     * @return a new buffer owned by the caller
     */
    static ByteBuf literal(ByteBufAllocator alloc, String s) {
        ByteBuf out = alloc.buffer(ByteBufUtil.utf8MaxBytes(s.length()) + 2);
        out.writeByte('"');
        int run = 0; // start of the pending run of characters that need no escape
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            ByteBufUtil.writeUtf8(out, s, run, i);
            run = i + 1;
            out.writeByte('\\');
            switch (c) {
                case '"', '\\' -> out.writeByte(c);
                case '\n' -> out.writeByte('n');
                case '\r' -> out.writeByte('r');
                case '\t' -> out.writeByte('t');
                case '\b' -> out.writeByte('b');
                case '\f' -> out.writeByte('f');
                default -> out.writeByte('u').writeByte('0').writeByte('0')
                        .writeByte(HEX[c >> 4]).writeByte(HEX[c & 0xF]);
            }
        }
        ByteBufUtil.writeUtf8(out, s, run, s.length());
        return out.writeByte('"');
    }
}
