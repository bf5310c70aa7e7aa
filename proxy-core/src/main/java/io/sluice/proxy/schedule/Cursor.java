package io.sluice.proxy.schedule;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** 64 bytes before the value; see {@link Cursor}. */
abstract class CursorPadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The value of a {@link Cursor}. */
abstract class CursorValue extends CursorPadBefore {
    volatile int value;
}

/** 64 bytes after the value. */
abstract class CursorPadAfter extends CursorValue {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/**
 * An atomic int alone on its cache line. A plain AtomicInteger allocated by a constructor sits next to its owner,
 * so every CAS on it would also evict the owner's read-only fields from the other cores (the round-robin cursor is
 * CASed on every pick, by every event loop).
 */
final class Cursor extends CursorPadAfter {

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(CursorValue.class, "value", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    int get() {
        return value;
    }

    boolean compareAndSet(int expected, int next) {
        return VALUE.compareAndSet(this, expected, next);
    }
}
