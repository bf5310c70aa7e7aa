package io.sluice.codec.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.async.ByteBufferFeeder;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Feeds {@link ByteBuf}s to jackson's non-blocking parser without copying, and reports where each token sits in the
 * whole fed stream.
 *
 * <p>The parser flavour follows the first chunk: heap memory goes to the {@code byte[]} parser (fastest), direct memory
 * to the {@code ByteBuffer} one. A later chunk of the other kind is wrapped, or, for direct memory under the array
 * parser, copied into a scratch array; a stream rarely mixes them.
 *
 * <p>Offsets are computed here: jackson's {@code currentTokenLocation()} on the non-blocking parser points one byte
 * past the start of most tokens (checked on 2.17 to 2.22; see {@code JsonFeederTest}). Its {@code currentLocation()}
 * does give the exact end of the token just returned; the start is the first byte after the previous token's end that
 * is not whitespace, {@code :} or {@code ,}.
 *
 * <p>Scanning those gaps also closes a validation hole: when a chunk ends right after a {@code ,} or {@code :} inside
 * an object, jackson's non-blocking parser (2.20, 2.22) accepts a {@code }} opening the next chunk, so {@code {"a":1,}}
 * or {@code {"a":}} would pass or fail depending on where the network split them. A closing bracket after a comma or
 * colon is rejected here.
 *
 * <p>Usage: {@link #feed} a chunk, then call {@link #nextToken()} until it returns {@link JsonToken#NOT_AVAILABLE}
 * (feed more) or {@code null} (done, or failed: see {@link #error()}). After {@link #endOfInput()}, drain the same way.
 * Not thread-safe.
 */
public final class JsonFeeder {

    /** One per process: factories are thread-safe and their shared symbol table makes repeated field names cheap. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            // Untrusted keys must not grow the JVM's string table.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(JsonLimits.REQUESTS)
            .build();


    private enum State {
        /** Accepting input. */
        OPEN,
        /** {@link #endOfInput()} was called; jackson is told once the input already fed is consumed. */
        ENDING,
        /** Jackson knows the input ended; it may still return tokens (a trailing number). */
        ENDED,
        /** End of content reached, parse failed, or released: {@link #nextToken()} returns {@code null}. */
        CLOSED
    }

    private State state = State.OPEN;
    private JsonParser parser;
    /** Exactly one of the two feeders is set, once the first chunk chose the parser. */
    private ByteArrayFeeder arrayFeeder;
    private ByteBufferFeeder bufferFeeder;
    /** Retained slice of the chunk jackson is reading: it may point into it until it asks for more. */
    private ByteBuf held;
    private long heldStart;
    /** Components of a composite {@link #held} not yet given to jackson. */
    private ByteBuffer[] segments;
    private int nextSegment;
    private byte[] scratch;
    private long fed;
    private long lastEnd;
    /** Start of a token whose first byte arrived in a chunk already given back; -1 if not known yet. */
    private long pendingStart = -1;
    private long tokenStart = -1;
    private long tokenEnd = -1;
    /** The last {@code ,} or {@code :} between the previous token and the next one, 0 if none. */
    private byte gapPunctuation;
    private final ByteProcessor separator = b -> {
        if (b == ',' || b == ':') {
            gapPunctuation = b;
            return true;
        }
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    };
    private String error;

    /**
     * Queues {@code chunk}'s readable bytes for parsing. Ignored once the input ended or the parse failed.
     *
     * @param chunk not owned: the feeder retains a slice until jackson consumed it (by the {@link #nextToken()} call
     *              that returns {@code NOT_AVAILABLE}, or {@link #release()}); the caller still releases its own
     *              reference
     * @throws IllegalStateException if the previous chunk was not consumed yet (drain {@link #nextToken()} first)
     */
    public void feed(ByteBuf chunk) {
        if (state != State.OPEN || !chunk.isReadable()) {
            return;
        }
        if (held != null) {
            throw new IllegalStateException("previous chunk not consumed: call nextToken() until NOT_AVAILABLE first");
        }
        held = chunk.retainedSlice();
        heldStart = fed;
        fed += held.readableBytes();
        try {
            if (held.hasArray()) {
                createParser(true);
                int start = held.arrayOffset() + held.readerIndex();
                feedArray(held.array(), start, start + held.readableBytes()); // end offset, not length
            } else if (held.nioBufferCount() == 1) {
                ByteBuffer nio = held.nioBuffer();
                createParser(nio.hasArray());
                feedBuffer(nio);
            } else {
                segments = held.nioBuffers();
                nextSegment = 0;
                createParser(segments[0].hasArray());
                feedNextSegment();
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Marks the end of the input, after which a document still open is an error. */
    public void endOfInput() {
        if (state == State.OPEN) {
            state = State.ENDING;
        }
    }

    /**
     * The next token: {@link JsonToken#NOT_AVAILABLE} when jackson needs more input, {@code null} at the end of the
     * input or after a failure ({@link #error()} tells which). Jackson accepts several root values separated by
     * whitespace; callers that want one check for a second themselves.
     */
    public JsonToken nextToken() {
        if (state == State.CLOSED) {
            return null;
        }
        if (parser == null) {
            if (state == State.OPEN) {
                return JsonToken.NOT_AVAILABLE;
            }
            close(); // ended before any byte: empty input, no error
            return null;
        }
        try {
            while (true) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    close();
                    return null;
                }
                if (token != JsonToken.NOT_AVAILABLE) {
                    markToken();
                    if (gapPunctuation != 0 && (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY)) {
                        failClosingAfterPunctuation(token);
                        return null;
                    }
                    gapPunctuation = 0;
                    return token;
                }
                if (feedNextSegment()) {
                    continue;
                }
                if (held != null) {
                    rememberTokenStartInTail();
                    releaseHeld();
                }
                if (state != State.ENDING) {
                    return JsonToken.NOT_AVAILABLE;
                }
                state = State.ENDED;
                (arrayFeeder != null ? arrayFeeder : bufferFeeder).endOfInput();
            }
        } catch (IOException e) {
            fail(e);
            return null;
        }
    }

    /** The parser, for the value of the current token ({@code getText()}, {@code getIntValue()}, ...). */
    public JsonParser parser() {
        return parser;
    }

    /** Offset of the current token's first byte in the whole fed stream (a string's opening quote). */
    public long tokenStart() {
        return tokenStart;
    }

    /** Offset just past the current token's last byte in the whole fed stream (past a string's closing quote). */
    public long tokenEnd() {
        return tokenEnd;
    }

    /** Bytes fed so far. */
    public long bytesFed() {
        return fed;
    }

    /**
     * Why parsing failed, e.g. {@code "Unexpected character ('}' (code 125)): ... at byte 17"}; {@code null} if it did
     * not.
     */
    public String error() {
        return error;
    }

    /** Releases the held chunk and the parser's buffers; the feeder is closed. Idempotent. */
    public void release() {
        close();
    }

    private void createParser(boolean heap) throws IOException {
        if (parser != null) {
            return;
        }
        if (heap) {
            parser = FACTORY.createNonBlockingByteArrayParser();
            arrayFeeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        } else {
            parser = FACTORY.createNonBlockingByteBufferParser();
            bufferFeeder = (ByteBufferFeeder) parser.getNonBlockingInputFeeder();
        }
    }

    private void feedArray(byte[] array, int start, int end) throws IOException {
        if (arrayFeeder != null) {
            arrayFeeder.feedInput(array, start, end);
        } else {
            bufferFeeder.feedInput(ByteBuffer.wrap(array, start, end - start));
        }
    }

    private void feedBuffer(ByteBuffer nio) throws IOException {
        if (bufferFeeder != null) {
            bufferFeeder.feedInput(nio);
        } else if (nio.hasArray()) {
            int start = nio.arrayOffset() + nio.position();
            arrayFeeder.feedInput(nio.array(), start, start + nio.remaining());
        } else {
            int n = nio.remaining();
            if (scratch == null || scratch.length < n) {
                scratch = new byte[Math.max(n, 1024)];
            }
            nio.get(scratch, 0, n);
            arrayFeeder.feedInput(scratch, 0, n);
        }
    }

    private boolean feedNextSegment() throws IOException {
        while (segments != null && nextSegment < segments.length) {
            ByteBuffer segment = segments[nextSegment];
            segments[nextSegment++] = null;
            if (segment.hasRemaining()) {
                feedBuffer(segment);
                return true;
            }
        }
        segments = null;
        return false;
    }

    private void markToken() {
        long end = parser.currentLocation().getByteOffset();
        long start = pendingStart >= 0 ? pendingStart : firstSignificant(lastEnd, end);
        pendingStart = -1;
        tokenStart = start;
        tokenEnd = end;
        lastEnd = end;
    }

    /** Before giving a chunk back: if the next token starts in it, note where, as those bytes will be gone. */
    private void rememberTokenStartInTail() {
        if (pendingStart < 0) {
            long start = firstSignificant(lastEnd, fed);
            if (start < fed) {
                pendingStart = start;
            }
        }
    }

    /**
     * First byte in {@code [from, to)} that is not a separator, or {@code to}; bytes before {@link #held} were all
     * separators.
     */
    private long firstSignificant(long from, long to) {
        long from0 = Math.max(from, heldStart);
        if (held == null || from0 >= to) {
            return from0;
        }
        int base = held.readerIndex();
        int i = held.forEachByte(base + (int) (from0 - heldStart), (int) (to - from0), separator);
        return i < 0 ? to : heldStart + (i - base);
    }

    /** Words it as jackson does when it catches the same mistake inside one chunk. */
    private void failClosingAfterPunctuation(JsonToken token) {
        char c = token == JsonToken.END_OBJECT ? '}' : ']';
        String expected = gapPunctuation == ',' && c == '}' ? "was expecting double-quote to start field name"
                : "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
        error = "Unexpected character ('" + c + "' (code " + (int) c + ")): " + expected + " at byte " + tokenStart;
        close();
    }

    private void fail(IOException e) {
        String message = trimLocation(e.getMessage());
        long at = -1;
        if (e instanceof JsonProcessingException) {
            JsonProcessingException jpe = (JsonProcessingException) e;
            message = trimLocation(jpe.getOriginalMessage());
            JsonLocation location = jpe.getLocation();
            at = location == null ? -1 : location.getByteOffset(); // the offending byte itself
        }
        error = at < 0 ? message : message + " at byte " + at;
        close();
    }

    /** Drops jackson's location and state details ("(start marker at [Source: REDACTED ...])"): we give the offset. */
    private static String trimLocation(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int cut = message.indexOf(" (start marker at ");
        if (cut < 0) {
            cut = message.indexOf(" (internal state: ");
        }
        return cut < 0 ? message : message.substring(0, cut);
    }

    private void close() {
        state = State.CLOSED;
        segments = null;
        releaseHeld();
        if (parser != null) {
            try {
                parser.close(); // gives jackson's buffers back to its recycler
            } catch (IOException ignored) {
                // nothing to do: there is no underlying stream
            }
        }
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
