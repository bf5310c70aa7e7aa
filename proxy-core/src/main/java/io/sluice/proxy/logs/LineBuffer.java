package io.sluice.proxy.logs;

import java.io.ByteArrayOutputStream;

/** A reusable line buffer whose bytes can be written out without the copy {@link #toByteArray()} makes. */
final class LineBuffer extends ByteArrayOutputStream {

    LineBuffer(int initialSize) {
        super(initialSize);
    }

    byte[] array() {
        return buf;
    }

    /** Drops a buffer grown by an unusually long line, back to {@code size} bytes; call between lines. */
    void shrink(int size) {
        reset();
        buf = new byte[size];
    }
}
