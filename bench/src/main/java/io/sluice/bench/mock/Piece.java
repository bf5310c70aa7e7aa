package io.sluice.bench.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One SSE event or JSON body: constant bytes, with the request's splice (its id and model, rendered once per
 * request) between {@code before} and {@code after} when {@code spliced}. Rendering copies nothing: it composes
 * duplicates of the constants around a retained duplicate of the splice.
 */
record Piece(ByteBuf before, ByteBuf after, boolean spliced) {

    static Piece constant(Bytes.Arena arena, String s) {
        return new Piece(arena.constant(s), null, false);
    }

    /** {@code before + splice + after}; either side may be empty. */
    static Piece around(Bytes.Arena arena, String before, String after) {
        return new Piece(before.isEmpty() ? null : arena.constant(before),
                after.isEmpty() ? null : arena.constant(after), true);
    }

    /** A buffer the caller owns (writing it passes the ownership on); {@code splice} is not consumed. */
    ByteBuf render(ByteBuf splice) {
        if (!spliced) {
            return before.duplicate();
        }
        ByteBuf s = splice.retainedDuplicate();
        if (before == null) {
            return after == null ? s : Unpooled.wrappedBuffer(s, after.duplicate());
        }
        return after == null ? Unpooled.wrappedBuffer(before.duplicate(), s)
                : Unpooled.wrappedBuffer(before.duplicate(), s, after.duplicate());
    }
}
