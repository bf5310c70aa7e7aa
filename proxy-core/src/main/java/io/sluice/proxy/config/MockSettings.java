package io.sluice.proxy.config;

import java.time.Duration;

/**
 * How the built-in mock provider streams its answers.
 *
 * @param chunkDelay pause between two chunks; 0 streams as fast as the client reads
 * @param chunkWords words per chunk
 */
public record MockSettings(Duration chunkDelay, int chunkWords) {

    public static final Duration DEFAULT_CHUNK_DELAY = Duration.ofMillis(20);
    public static final int DEFAULT_CHUNK_WORDS = 1;

    public MockSettings {
        Check.notNegative("chunkDelay", chunkDelay);
        Check.atLeast("chunkWords", chunkWords, 1);
    }

    public static MockSettings defaults() {
        return new MockSettings(DEFAULT_CHUNK_DELAY, DEFAULT_CHUNK_WORDS);
    }
}
