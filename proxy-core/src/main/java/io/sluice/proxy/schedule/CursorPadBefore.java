package io.sluice.proxy.schedule;

/** 64 bytes before the value; see {@link Cursor}. */
abstract class CursorPadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}
