package io.sluice.proxy.schedule;

/** 64 bytes of padding after the counters, so the next object on the heap does not share their line either. */
abstract class KeyStatePadAfter extends KeyStateFields {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}
