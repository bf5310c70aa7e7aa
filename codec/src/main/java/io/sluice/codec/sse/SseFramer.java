package io.sluice.codec.sse;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Incremental Server-Sent Events parser following the WHATWG "event stream interpretation"
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 *
 * <p>Chunks may split the stream at any byte, including between the {@code \r} and {@code \n} of one line ending. Lines
 * are parsed in place: single-line data that sits inside one chunk reaches the listener as a retained slice of that
 * chunk. Only a line cut by a chunk boundary is copied, and only that line.
 *
 * <p>Not thread-safe: one framer per stream, used from the stream's event loop.
 */
public final class SseFramer {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte COLON = ':';
    private static final byte SPACE = ' ';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};

    private enum State {
        /** Nothing read yet: the stream may open with a UTF-8 BOM, which the spec says to drop. */
        START,
        /** At a line boundary or inside a line (see {@link #line}). */
        READING,
        /**
         * The last chunk ended with {@code \r}: a {@code \n} opening the next chunk belongs to the same line ending.
         */
        AFTER_CR,
        /** An event outgrew the limit; input is ignored. */
        FAILED,
        /** {@link #end()} or {@link #release()} was called; input is ignored. */
        CLOSED
    }

    private final int maxEventBytes;
    private State state = State.START;
    private int bomMatched;
    /** Copy of the start of a line cut by a chunk boundary; non-null only while such a line is pending. */
    private ByteBuf line;
    /** Data of the pending event; non-null once a {@code data} field was seen. Handed to the listener on dispatch. */
    private ByteBuf data;
    /** {@link #data} is our own growable copy rather than a slice of an input chunk. */
    private boolean dataCopied;
    private String eventType;
    /** A field line was read since the last blank line, so a stream ending here was cut mid-event. */
    private boolean inEvent;
    /** Bytes of the pending event's field lines, one per line terminator included. */
    private int eventBytes;
    private String lastEventId = "";
    private long retryMillis = -1;

    /**
     * @param maxEventBytes the largest event (its field lines and their line endings) or single line this framer holds;
     *                      bounds the memory one stream can pin
     */
    public SseFramer(int maxEventBytes) {
        if (maxEventBytes <= 0) {
            throw new IllegalArgumentException("maxEventBytes: " + maxEventBytes + " (expected: > 0)");
        }
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Parses {@code chunk}'s readable bytes, calling {@code listener} for each complete event and comment.
     *
     * @param chunk not owned by the framer: the caller keeps it and releases it. Its indexes are left untouched. Bytes
     *              the framer needs after this call are retained slices or copies, owned by the framer until handed to
     *              the listener or released by {@link #end()} / {@link #release()}.
     */
    public void feed(ByteBuf chunk, SseListener listener) {
        int i = chunk.readerIndex();
        final int end = chunk.writerIndex();
        if (state == State.START) {
            i = skipBom(chunk, i, end);
        }
        if (state == State.AFTER_CR && i < end) {
            if (chunk.getByte(i) == LF) {
                i++;
            }
            state = State.READING;
        }
        while (state == State.READING && i < end) {
            int eol = chunk.forEachByte(i, end - i, ByteProcessor.FIND_CRLF);
            if (eol < 0) {
                hold(chunk, i, end, listener);
                return;
            }
            if (line != null) {
                if (!fits(line.readableBytes() + (long) (eol - i), listener)) {
                    return;
                }
                line.writeBytes(chunk, i, eol - i);
                ByteBuf whole = line;
                line = null;
                try {
                    onLine(whole, whole.readerIndex(), whole.writerIndex(), false, listener);
                } finally {
                    whole.release();
                }
            } else {
                if (eol > i && !fits(eol - i, listener)) { // a blank line ends the event: it never counts
                    return;
                }
                onLine(chunk, i, eol, true, listener);
            }
            i = eol + 1;
            if (chunk.getByte(eol) == CR && state == State.READING) {
                if (i == end) {
                    state = State.AFTER_CR;
                } else if (chunk.getByte(i) == LF) {
                    i++;
                }
            }
        }
    }

    /**
     * Ends the stream. Per the spec an event without its closing blank line is discarded; everything held is released.
     *
     * @return {@code true} if the stream stopped inside an event (or after an oversize event), which for an LLM stream
     *         means it was truncated; {@code false} on a clean end or if already ended
     */
    public boolean end() {
        if (state == State.CLOSED) {
            return false;
        }
        boolean partial = state == State.FAILED || inEvent || line != null || (state == State.START && bomMatched > 0);
        release();
        return partial;
    }

    /** Releases whatever the framer holds and ignores further input. Idempotent. */
    public void release() {
        releaseHeld();
        state = State.CLOSED;
    }

    /** The last {@code id} field seen ({@code ""} if none): what a client would send back as {@code Last-Event-ID}. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The last valid {@code retry} field in milliseconds, or -1 if none. */
    public long retryMillis() {
        return retryMillis;
    }

    private int skipBom(ByteBuf chunk, int i, int end) {
        while (i < end && bomMatched < BOM.length) {
            if (chunk.getByte(i) != BOM[bomMatched]) {
                if (bomMatched > 0) {
                    // Not a BOM after all: the bytes matched so far open the first line.
                    line = chunk.alloc().buffer(bomMatched).writeBytes(BOM, 0, bomMatched);
                }
                state = State.READING;
                return i;
            }
            bomMatched++;
            i++;
        }
        if (bomMatched == BOM.length) {
            state = State.READING;
        }
        return i;
    }

    /** Keeps {@code chunk[from, to)}, the start of a line whose end is in a later chunk. */
    private void hold(ByteBuf chunk, int from, int to, SseListener listener) {
        int pending = line == null ? 0 : line.readableBytes();
        if (!fits(pending + (long) (to - from), listener)) {
            return;
        }
        if (line == null) {
            line = chunk.alloc().buffer(Math.max(64, to - from));
        }
        line.writeBytes(chunk, from, to - from);
    }

    /**
     * Checks that a line of {@code lineBytes} (plus its terminator) still fits the pending event; fails the stream if
     * not.
     */
    private boolean fits(long lineBytes, SseListener listener) {
        if (eventBytes + lineBytes + 1 <= maxEventBytes) {
            return true;
        }
        releaseHeld();
        state = State.FAILED;
        listener.onError("SSE event larger than maxEventBytes (" + maxEventBytes + " bytes)");
        return false;
    }

    /** One line without its terminator, in {@code buf[start, end)}; {@code inChunk} says buf is the caller's chunk. */
    private void onLine(ByteBuf buf, int start, int end, boolean inChunk, SseListener listener) {
        if (start == end) {
            dispatch(listener);
            return;
        }
        if (buf.getByte(start) == COLON) {
            int from = skipSpace(buf, start + 1, end);
            listener.onComment(buf.slice(from, end - from));
            return;
        }
        int colon = buf.indexOf(start, end, COLON);
        int nameLength = (colon < 0 ? end : colon) - start;
        int value = colon < 0 ? end : skipSpace(buf, colon + 1, end);
        inEvent = true;
        eventBytes += end - start + 1;
        if (is(buf, start, nameLength, DATA)) {
            appendData(buf, value, end, inChunk);
        } else if (is(buf, start, nameLength, EVENT)) {
            eventType = value == end ? null : SseEventNames.of(buf, value, end - value);
        } else if (is(buf, start, nameLength, ID)) {
            if (buf.indexOf(value, end, (byte) 0) < 0) {
                lastEventId = buf.toString(value, end - value, StandardCharsets.UTF_8);
            }
        } else if (is(buf, start, nameLength, RETRY)) {
            retry(buf, value, end);
        }
        // Any other field is ignored, as the spec says.
    }

    private void appendData(ByteBuf buf, int from, int to, boolean inChunk) {
        int n = to - from;
        if (data == null) {
            if (inChunk) {
                data = buf.retainedSlice(from, n);
                dataCopied = false;
            } else {
                data = buf.alloc().buffer(Math.max(n, 64)).writeBytes(buf, from, n);
                dataCopied = true;
            }
            return;
        }
        if (!dataCopied) {
            // Multi-line data is rare in LLM streams: one copy beats a composite of many small slices.
            ByteBuf joined = buf.alloc().buffer(data.readableBytes() + 1 + n);
            joined.writeBytes(data);
            data.release();
            data = joined;
            dataCopied = true;
        }
        data.writeByte(LF).writeBytes(buf, from, n);
    }

    private void retry(ByteBuf buf, int from, int to) {
        if (from == to || to - from > 18) {
            return; // empty, or too long to be a sane delay (and to fit a long)
        }
        long millis = 0;
        for (int i = from; i < to; i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                return;
            }
            millis = millis * 10 + (b - '0');
        }
        retryMillis = millis;
    }

    private void dispatch(SseListener listener) {
        ByteBuf event = data;
        String type = eventType;
        data = null;
        eventType = null;
        inEvent = false;
        eventBytes = 0;
        if (event != null) {
            listener.onEvent(type, event);
        }
        // An event without data is discarded along with its fields (spec: "If the data buffer is an empty string").
    }

    private void releaseHeld() {
        if (line != null) {
            line.release();
            line = null;
        }
        if (data != null) {
            data.release();
            data = null;
        }
        eventType = null;
        inEvent = false;
        eventBytes = 0;
    }

    private static int skipSpace(ByteBuf buf, int i, int end) {
        return i < end && buf.getByte(i) == SPACE ? i + 1 : i;
    }

    private static boolean is(ByteBuf buf, int start, int length, byte[] name) {
        return length == name.length && SseEventNames.equals(buf, start, name);
    }
}
