package io.sluice.codec.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Encodes Server-Sent Events. A payload line break ({@code \n}, {@code \r\n} or {@code \r}) starts a new {@code data:}
 * line, so a reader joining them with {@code \n} gets the payload back (a bare {@code \r} comes back as {@code \n};
 * JSON never has one outside whitespace).
 */
public final class SseWriter {

    private static final byte LF = '\n';
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMENT = ": ".getBytes(StandardCharsets.US_ASCII);
    /**
     * Read-only and unreleasable, so one instance can be duplicated to every stream (Netty's HttpObjectEncoder does the
     * same with CRLF).
     */
    private static final ByteBuf DONE = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(14).writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private SseWriter() {
    }

    /**
     * Encodes {@code event: <name>\n} (if named), one {@code data: } line per line of {@code jsonData}, and the blank
     * line.
     *
     * @param jsonData not owned: its readable bytes are copied and its indexes left untouched; the caller releases it
     * @return a new buffer owned by the caller
     * @throws IllegalArgumentException if {@code eventOrNull} contains a line break (it would forge fields)
     */
    public static ByteBuf event(ByteBufAllocator alloc, String eventOrNull, ByteBuf jsonData) {
        checkEventName(eventOrNull);
        int size = jsonData.readableBytes() + DATA.length + 2;
        ByteBuf out = alloc.buffer(eventOrNull == null ? size : size + EVENT.length + eventOrNull.length() + 1);
        writeEventLine(out, eventOrNull);
        int i = jsonData.readerIndex();
        final int end = jsonData.writerIndex();
        while (true) {
            int eol = jsonData.forEachByte(i, end - i, ByteProcessor.FIND_CRLF);
            int lineEnd = eol < 0 ? end : eol;
            out.writeBytes(DATA).writeBytes(jsonData, i, lineEnd - i).writeByte(LF);
            if (eol < 0) {
                break;
            }
            i = eol + 1;
            if (jsonData.getByte(eol) == '\r' && i < end && jsonData.getByte(i) == LF) {
                i++;
            }
        }
        return out.writeByte(LF);
    }

    /**
     * Encodes an unnamed event carrying {@code json}, UTF-8 encoded.
     *
     * @return a new buffer owned by the caller
     */
    public static ByteBuf data(ByteBufAllocator alloc, CharSequence json) {
        ByteBuf out = alloc.buffer(ByteBufUtil.utf8Bytes(json) + DATA.length + 2);
        writeLines(out, DATA, json);
        return out.writeByte(LF);
    }

    /**
     * Encodes a comment ({@code : text\n\n}), the keep-alive ping that stops intermediaries from cutting an idle
     * stream.
     *
     * @return a new buffer owned by the caller
     */
    public static ByteBuf comment(ByteBufAllocator alloc, String text) {
        ByteBuf out = alloc.buffer(ByteBufUtil.utf8Bytes(text) + COMMENT.length + 2);
        writeLines(out, COMMENT, text);
        return out.writeByte(LF);
    }

    /**
     * {@code data: [DONE]\n\n}, OpenAI's end-of-stream marker.
     *
     * @return a duplicate of a shared read-only buffer whose release is a no-op; the caller owns it like any other
     *         buffer (writing it to a channel is fine) but must not expect to write into it
     */
    public static ByteBuf done() {
        return DONE.duplicate();
    }

    private static void checkEventName(String event) {
        if (event != null && (event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException("event: " + event.strip() + " (expected: no line break)");
        }
    }

    private static void writeEventLine(ByteBuf out, String event) {
        if (event == null) {
            return;
        }
        out.writeBytes(EVENT);
        ByteBufUtil.writeUtf8(out, event);
        out.writeByte(LF);
    }

    /** Writes each line of {@code s} as {@code prefix + line + \n}. */
    private static void writeLines(ByteBuf out, byte[] prefix, CharSequence s) {
        int start = 0;
        final int length = s.length();
        for (int i = 0; i <= length; i++) {
            char c = i < length ? s.charAt(i) : '\n';
            if (c != '\n' && c != '\r') {
                continue;
            }
            out.writeBytes(prefix);
            ByteBufUtil.writeUtf8(out, s, start, i);
            out.writeByte(LF);
            if (c == '\r' && i + 1 < length && s.charAt(i + 1) == '\n') {
                i++;
            }
            start = i + 1;
        }
    }
}
