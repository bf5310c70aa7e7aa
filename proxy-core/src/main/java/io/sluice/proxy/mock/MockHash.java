package io.sluice.proxy.mock;

import java.nio.charset.StandardCharsets;

/** FNV-1a, 64 bit: the seed of the mock's deterministic vectors and pictures. Stable across runs and JVMs. */
final class MockHash {

    static final long OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private MockHash() {
    }

    static long of(String text) {
        long h = OFFSET_BASIS;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = next(h, b);
        }
        return h;
    }

    static long next(long h, byte b) {
        return (h ^ (b & 0xff)) * PRIME;
    }
}
