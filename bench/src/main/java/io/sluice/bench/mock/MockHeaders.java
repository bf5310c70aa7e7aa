package io.sluice.bench.mock;

import io.netty.util.AsciiString;

/**
 * Request headers that override {@link MockUpstreamSettings} for one request, so one mock can serve several scenarios.
 * Values are decimal; a bad value is answered 400 in the route's error shape, naming the header.
 */
public final class MockHeaders {

    /** Content events per answer. */
    public static final AsciiString CHUNKS = AsciiString.cached("x-mock-chunks");
    /** Bytes of text per content event. */
    public static final AsciiString CHUNK_BYTES = AsciiString.cached("x-mock-chunk-bytes");
    /** Milliseconds between two content events. */
    public static final AsciiString CHUNK_DELAY_MS = AsciiString.cached("x-mock-chunk-delay-ms");
    /** Milliseconds between the response head and the first event of a stream. */
    public static final AsciiString TTFB_MS = AsciiString.cached("x-mock-ttfb-ms");
    /** Milliseconds before the response head. */
    public static final AsciiString LATENCY_MS = AsciiString.cached("x-mock-latency-ms");
    /** Fraction (0..1) of such requests answered 429. */
    public static final AsciiString ERROR_429_RATE = AsciiString.cached("x-mock-error-429-rate");
    /** Fraction (0..1) of such requests answered 500. */
    public static final AsciiString ERROR_500_RATE = AsciiString.cached("x-mock-error-500-rate");
    /** Fraction (0..1) of such requests whose connection is closed halfway through the answer. */
    public static final AsciiString RESET_RATE = AsciiString.cached("x-mock-reset-rate");
    /** Forces a fault on this request: {@code 429}, {@code 500} or {@code reset}; {@code none} forces none. */
    public static final AsciiString ERROR = AsciiString.cached("x-mock-error");
    /** Response header: the request's number among model requests, the input of the fault draw. */
    public static final AsciiString SEQUENCE = AsciiString.cached("x-mock-seq");

    private MockHeaders() {
    }
}
