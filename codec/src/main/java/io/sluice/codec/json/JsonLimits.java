package io.sluice.codec.json;

import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * What jackson accepts when it reads a request. A request body is bounded by {@code server.maxBodyBytes} (an
 * {@code int}) before it is parsed, so a string inside it is too: jackson's default 20 M character cap would refuse a
 * 21 MB base64 image in a 32 MiB body as invalid JSON. Nesting keeps jackson's default depth.
 *
 * <p>A request that is translated is read whole, on its event loop, into the hub model and written out again: that
 * work grows with its JSON tokens, not its bytes (a 21 MB image is one token; 2 MB of {@code [0,0,…]} is a million).
 * Measured on this machine, reading and writing costs 100 to 300 ns a token, so {@link #MAX_REQUEST_TOKENS} keeps the
 * worst request under about 60 ms of one event loop. A passthrough request is only scanned as it arrives, a read's
 * worth at a time, and has no such budget.
 */
public final class JsonLimits {

    /** Strings up to the largest body a server may accept; nesting, numbers and names as jackson's defaults. */
    public static final StreamReadConstraints REQUESTS = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .maxNestingDepth(StreamReadConstraints.DEFAULT_MAX_DEPTH)
            .build();

    /**
     * The most JSON tokens (names, values, brackets) a request may have to be translated: its work budget. A
     * 200-turn agent conversation with 40 tools is about 20,000.
     */
    public static final long MAX_REQUEST_TOKENS = 200_000;

    /** {@link #REQUESTS} with the translation budget: for request bodies read whole. */
    public static final StreamReadConstraints TRANSLATED_REQUESTS = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .maxNestingDepth(StreamReadConstraints.DEFAULT_MAX_DEPTH)
            .maxTokenCount(MAX_REQUEST_TOKENS)
            .build();

    private JsonLimits() {
    }
}
