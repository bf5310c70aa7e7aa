package io.sluice.bench.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * One dialect's answers for one shape (chunk count and size), encoded once. Per request only the splice is rendered:
 * the few bytes that carry the response id and the echoed model.
 */
abstract class DialectTemplates {

    /** Input tokens reported in usage: a constant, as the mock does not tokenize prompts. */
    static final int PROMPT_TOKENS = 12;
    static final String SYSTEM_FINGERPRINT = "fp_sluice_mock";

    /**
     * A stream's events in order: {@code preamble} before the first content event, one event per text chunk, then
     * {@code tail}.
     */
    record Stream(Piece[] preamble, Piece[] content, Piece[] tail) {
    }

    abstract Stream stream(boolean includeUsage);

    abstract Piece json();

    /**
     * The per-request bytes the pieces are composed around; the caller releases it.
     *
     * @param modelJson the model as UTF-8, escaped for a JSON string (no quotes)
     */
    abstract ByteBuf splice(ByteBufAllocator alloc, boolean stream, long seq, byte[] modelJson, long created);

    static ByteBuf buffer(ByteBufAllocator alloc, byte[] modelJson) {
        return alloc.directBuffer(160 + modelJson.length);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes a non-negative decimal without building a string. */
    static void decimal(ByteBuf out, long v) {
        if (v < 10) {
            out.writeByte((int) ('0' + v));
            return;
        }
        int digits = 1;
        for (long t = v / 10; t > 0; t /= 10) {
            digits++;
        }
        int at = out.writerIndex() + digits;
        out.ensureWritable(digits);
        for (int i = 1; i <= digits; i++) {
            out.setByte(at - i, (int) ('0' + v % 10));
            v /= 10;
        }
        out.writerIndex(at);
    }

    static Piece[] pieces(java.util.List<Piece> list) {
        return list.toArray(new Piece[0]);
    }
}
