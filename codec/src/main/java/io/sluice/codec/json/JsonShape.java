package io.sluice.codec.json;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Follows the bracket structure of one JSON document fed in pieces, to tell whether it arrived whole: strings (with
 * their escapes), objects and arrays, and nothing but whitespace after the root. It does not check tokens between
 * brackets (jackson does that where the body is read); it catches what a proxy must not pass on as a success: a
 * body cut short, brackets that do not match, something that is not an object or array, or bytes after the end.
 * One pass, no allocation but the bracket stack, so it runs at memory speed on the event loop.
 *
 * <p>Not thread-safe: one per body.
 */
public final class JsonShape implements ByteProcessor {

    /** Where the document stands after the bytes fed so far. */
    public enum State {
        /** Not ended yet: more bytes are due (or, at the end of the body, it was cut short). */
        INCOMPLETE,
        /** The root value closed, nothing but whitespace after it. */
        COMPLETE,
        /** Cannot become a JSON object or array whatever follows. */
        MALFORMED
    }

    /** Deeper than this is refused as malformed: no provider answer nests like that. */
    public static final int MAX_DEPTH = 1000;

    private byte[] closers = new byte[32];
    private int depth;
    private boolean started;
    private boolean inString;
    private boolean escape;
    private State state = State.INCOMPLETE;

    /**
     * Reads {@code buf}'s readable bytes (indexes untouched, not owned).
     *
     * @return the state after them
     */
    public State feed(ByteBuf buf) {
        if (state != State.MALFORMED && buf.isReadable()) {
            buf.forEachByte(this);
        }
        return state;
    }

    /** The state after the bytes fed so far. */
    public State state() {
        return state;
    }

    @Override
    public boolean process(byte b) {
        if (inString) {
            if (escape) {
                escape = false;
            } else if (b == '\\') {
                escape = true;
            } else if (b == '"') {
                inString = false;
            }
            return true;
        }
        switch (b) {
            case ' ', '\t', '\r', '\n' -> {
                return true;
            }
            case '"' -> {
                if (depth == 0) {
                    return malformed();
                }
                inString = true;
                return true;
            }
            case '{', '[' -> {
                if (depth == 0 && started || depth == MAX_DEPTH) {
                    return malformed(); // a second root value, or hostile nesting
                }
                started = true;
                state = State.INCOMPLETE;
                if (depth == closers.length) {
                    closers = java.util.Arrays.copyOf(closers, depth * 2);
                }
                closers[depth++] = b == '{' ? (byte) '}' : (byte) ']';
                return true;
            }
            case '}', ']' -> {
                if (depth == 0 || closers[depth - 1] != b) {
                    return malformed();
                }
                if (--depth == 0) {
                    state = State.COMPLETE;
                }
                return true;
            }
            default -> {
                // Numbers, literals, commas and colons live inside the root; anything outside it is not JSON.
                return depth > 0 || malformed();
            }
        }
    }

    private boolean malformed() {
        state = State.MALFORMED;
        return false;
    }
}
