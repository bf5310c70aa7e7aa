package io.sluice.codec.json;

import java.nio.charset.StandardCharsets;

/**
 * One change to a JSON body's bytes: {@code [start, end)} (offsets from the body's first byte) replaced by
 * {@code text}, which is already valid JSON in place. Applied with {@link ModelSplice#apply}.
 *
 * @param start first byte replaced (or the insertion point)
 * @param end   first byte kept after it; {@code start} for an insertion
 * @param text  the bytes put there, as UTF-8
 */
public record Edit(int start, int end, String text) {

    public Edit {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("edit: [" + start + ", " + end + ") (expected: 0 <= start <= end)");
        }
    }

    /** How much longer the body gets. */
    public int delta() {
        return text.getBytes(StandardCharsets.UTF_8).length - (end - start);
    }
}
