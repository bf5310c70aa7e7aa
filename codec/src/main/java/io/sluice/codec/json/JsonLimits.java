package io.sluice.codec.json;

import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * What jackson accepts when it reads a request. A request body is bounded by {@code server.maxBodyBytes} (an
 * {@code int}) before it is parsed, so a string inside it is too: jackson's default 20 M character cap would refuse a
 * 21 MB base64 image in a 32 MiB body as invalid JSON. Nesting keeps jackson's default depth.
 */
public final class JsonLimits {

    /** Strings up to the largest body a server may accept; nesting, numbers and names as jackson's defaults. */
    public static final StreamReadConstraints REQUESTS = StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE)
            .maxNestingDepth(StreamReadConstraints.DEFAULT_MAX_DEPTH)
            .build();

    private JsonLimits() {
    }
}
