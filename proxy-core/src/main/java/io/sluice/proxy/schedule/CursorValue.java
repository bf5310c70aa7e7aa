package io.sluice.proxy.schedule;

/** The value of a {@link Cursor}. */
abstract class CursorValue extends CursorPadBefore {
    volatile int value;
}
