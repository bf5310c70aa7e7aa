package io.sluice.proxy.schedule;

/**
 * 64 bytes of padding before the counters: a provider's key states are allocated back to back, and without it the
 * in-flight counters of neighbouring keys would share a cache line that every event loop writes (JCTools' layout
 * trick: the JVM lays superclass fields first, so padding in superclasses is not reordered away).
 */
abstract class KeyStatePadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}
