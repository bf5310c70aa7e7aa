package io.sluice.proxy.schedule;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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
