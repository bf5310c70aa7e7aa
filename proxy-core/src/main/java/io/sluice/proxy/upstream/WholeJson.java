package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.sluice.codec.json.JsonShape;
import java.nio.charset.StandardCharsets;

/**
 * Holds a non-streamed 2xx JSON answer, with its head, until it is known whole (issue 20): a provider or a proxy in
 * front of it that cuts a body short, or sends brackets that do not match, must not reach the client as a success.
 * The answer is short in the usual case (the provider sends it at once when generation ends), so holding it costs no
 * time to first byte worth the name; the buffers are held as they came (no copy).
 *
 * <p>An answer over {@link #HOLD_BYTES} (embeddings, images) goes on as it arrives once that much is in, less its
 * last byte so far; its shape is still followed to the end, and a cut one ends the client's connection short of its
 * declared length (or without the last chunk), the one way HTTP/1.1 has to say a body is incomplete.
 */
final class WholeJson {

    /** The most bytes held back before an answer goes on unchecked-so-far. */
    static final int HOLD_BYTES = 4 * 1024 * 1024;

    /** How much of a broken body an early answer's log keeps. */
    private static final int SNIPPET_CHARS = 1024;

    /** A body that broke after part of it was sent on. */
    static final class BrokenBodyException extends Exception {
        BrokenBodyException(String problem) {
            super("provider sent " + problem, null, false, false);
        }
    }

    private final JsonShape shape = new JsonShape();
    private CompositeByteBuf held;
    /** Once past the hold: the last byte received, sent with the next piece. */
    private ByteBuf tail;
    private boolean holding = true;
    private boolean any;

    /** Whether the answer is still held (nothing of it sent). */
    boolean holding() {
        return holding;
    }

    /**
     * Takes the next piece (not owned, indexes untouched) and says whether the body broke: malformed, or at its
     * {@code last} piece cut short.
     */
    boolean broken(ByteBuf buf, boolean last) {
        any |= buf.isReadable();
        JsonShape.State s = shape.feed(buf);
        return s == JsonShape.State.MALFORMED || last && s != JsonShape.State.COMPLETE;
    }

    /** How it broke, for the client and the log. */
    String problem() {
        return !any ? "an empty body" : shape.state() == JsonShape.State.MALFORMED
                ? "a body that is not well-formed JSON" : "a JSON body that was cut short";
    }

    /**
     * Takes the next piece (not owned, indexes untouched) of a body that is not {@link #broken} and gives the bytes
     * to send now, owned by the caller, or null for none yet. While holding: none until the body ends or passes
     * {@link #HOLD_BYTES}, then everything. After that, all but the last byte received: a body found cut at its end
     * can then still be told from a whole one by the client, by being one byte short of its declared length.
     */
    ByteBuf next(ByteBuf buf, boolean last) {
        if (holding) {
            long size = (held == null ? 0 : held.readableBytes()) + (long) buf.readableBytes();
            if (!last && size <= HOLD_BYTES) {
                if (buf.isReadable()) {
                    held = add(held, buf.retain());
                }
                return null;
            }
            holding = false;
        }
        CompositeByteBuf out = held != null ? held : tail != null ? add(null, tail) : null;
        held = null;
        tail = null;
        int n = buf.readableBytes();
        if (last) {
            return n > 0 ? add(out, buf.retain()) : out;
        }
        if (n > 1) {
            out = add(out, buf.retainedSlice(buf.readerIndex(), n - 1));
        }
        if (n > 0) {
            tail = buf.retainedSlice(buf.readerIndex() + n - 1, 1);
        }
        return out;
    }

    private static CompositeByteBuf add(CompositeByteBuf to, ByteBuf part) {
        CompositeByteBuf c = to != null ? to : part.alloc().compositeBuffer(Integer.MAX_VALUE);
        return c.addComponent(true, part);
    }

    /** The start of what is held and then {@code buf}, for an early answer's log (nothing consumed). */
    String snippet(ByteBuf buf) {
        ByteBuf first = held != null ? held : buf;
        String text = first.toString(first.readerIndex(), Math.min(first.readableBytes(), SNIPPET_CHARS),
                StandardCharsets.UTF_8);
        return held == null || text.length() >= SNIPPET_CHARS ? text : text + buf.toString(buf.readerIndex(),
                Math.min(buf.readableBytes(), SNIPPET_CHARS - text.length()), StandardCharsets.UTF_8);
    }

    void release() {
        if (held != null) {
            held.release();
            held = null;
        }
        if (tail != null) {
            tail.release();
            tail = null;
        }
    }
}
