package io.sluice.proxy.schedule;

/** 64 bytes after the value. */
abstract class CursorPadAfter extends CursorValue {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}
