package io.sluice.bench.mock;

/**
 * What the mock upstream answers and how fast. Immutable and validated once; every knob but the socket ones can be
 * overridden per request with an {@code x-mock-*} header (see {@link MockHeaders}).
 *
 * <p>Timing of one answer: the response head waits {@code latencyMs}. A stream then waits {@code ttfbMs} more before
 * its first event, and {@code chunkDelayMs} between two content events; the events after the last content one follow
 * at once. A JSON answer is sent whole after {@code latencyMs + ttfbMs}. Injected 429/500 answers wait
 * {@code latencyMs}.
 *
 * @param host              address to bind
 * @param port              port to bind; 0 picks a free one
 * @param threads           event loop threads
 * @param chunks            content events per streamed answer; the JSON answer carries the same text
 * @param chunkBytes        bytes of text per content event (ASCII, one token each for usage)
 * @param chunkDelayMs      pause between two content events; 0 writes the whole stream at once
 * @param ttfbMs            pause between the response head and the first event of a stream
 * @param latencyMs         pause before the response head
 * @param error429Rate      fraction of model requests answered 429 with {@code Retry-After}
 * @param error500Rate      fraction of model requests answered 500
 * @param resetRate         fraction of model requests whose connection is closed halfway through the answer
 * @param seed              seed of the fault draws: the same seed and request order give the same faults
 * @param retryAfterSeconds the {@code Retry-After} of injected 429s
 */
public record MockUpstreamSettings(String host, int port, int threads, int chunks, int chunkBytes,
                                   long chunkDelayMs, long ttfbMs, long latencyMs,
                                   double error429Rate, double error500Rate, double resetRate,
                                   long seed, int retryAfterSeconds) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8090;
    public static final int DEFAULT_THREADS = 1;
    public static final int DEFAULT_CHUNKS = 20;
    public static final int DEFAULT_CHUNK_BYTES = 12;
    public static final long DEFAULT_CHUNK_DELAY_MS = 0;
    public static final long DEFAULT_TTFB_MS = 0;
    public static final long DEFAULT_LATENCY_MS = 0;
    public static final double DEFAULT_ERROR_429_RATE = 0;
    public static final double DEFAULT_ERROR_500_RATE = 0;
    public static final double DEFAULT_RESET_RATE = 0;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_RETRY_AFTER_SECONDS = 1;

    /**
     * Bounds that keep one shape's templates to tens of MB of direct memory: each shape is encoded about seven times
     * (stream and JSON per dialect) plus ~250 bytes of JSON per event, and kept.
     */
    public static final int MAX_CHUNKS = 10_000;
    public static final int MAX_CHUNK_BYTES = 65_536;
    public static final long MAX_ANSWER_BYTES = 4L << 20;
    public static final long MAX_DELAY_MS = 600_000;

    public MockUpstreamSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: " + host + " (expected: an address to bind)");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
        }
        checkShape(chunks, chunkBytes);
        checkDelay("chunkDelayMs", chunkDelayMs);
        checkDelay("ttfbMs", ttfbMs);
        checkDelay("latencyMs", latencyMs);
        checkRates(error429Rate, error500Rate, resetRate);
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: >= 0)");
        }
    }

    /** Defaults everywhere: 127.0.0.1:8090, one thread, 20 chunks of 12 bytes, no delays, no faults. */
    public static MockUpstreamSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The same settings on another port; {@code 0} for tests. */
    public MockUpstreamSettings withPort(int port) {
        return toBuilder().port(port).build();
    }

    static void checkShape(int chunks, int chunkBytes) {
        if (chunks <= 0 || chunks > MAX_CHUNKS) {
            throw new IllegalArgumentException("chunks: " + chunks + " (expected: 1.." + MAX_CHUNKS + ")");
        }
        if (chunkBytes <= 0 || chunkBytes > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("chunkBytes: " + chunkBytes + " (expected: 1.." + MAX_CHUNK_BYTES + ")");
        }
        if ((long) chunks * chunkBytes > MAX_ANSWER_BYTES) {
            throw new IllegalArgumentException("chunks * chunkBytes: " + (long) chunks * chunkBytes
                    + " (expected: <= " + MAX_ANSWER_BYTES + ")");
        }
    }

    static void checkDelay(String name, long ms) {
        if (ms < 0 || ms > MAX_DELAY_MS) {
            throw new IllegalArgumentException(name + ": " + ms + " (expected: 0.." + MAX_DELAY_MS + ")");
        }
    }

    static void checkRates(double error429Rate, double error500Rate, double resetRate) {
        checkRate("error429Rate", error429Rate);
        checkRate("error500Rate", error500Rate);
        checkRate("resetRate", resetRate);
        double sum = error429Rate + error500Rate + resetRate;
        if (sum > 1.0 + 1e-9) {
            throw new IllegalArgumentException("error429Rate + error500Rate + resetRate: " + sum
                    + " (expected: <= 1)");
        }
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) { // also refuses NaN
            throw new IllegalArgumentException(name + ": " + rate + " (expected: 0..1)");
        }
    }

    /** Starts from the defaults; {@link #build()} validates. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int threads = DEFAULT_THREADS;
        private int chunks = DEFAULT_CHUNKS;
        private int chunkBytes = DEFAULT_CHUNK_BYTES;
        private long chunkDelayMs = DEFAULT_CHUNK_DELAY_MS;
        private long ttfbMs = DEFAULT_TTFB_MS;
        private long latencyMs = DEFAULT_LATENCY_MS;
        private double error429Rate = DEFAULT_ERROR_429_RATE;
        private double error500Rate = DEFAULT_ERROR_500_RATE;
        private double resetRate = DEFAULT_RESET_RATE;
        private long seed = DEFAULT_SEED;
        private int retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS;

        private Builder() {
        }

        private Builder(MockUpstreamSettings s) {
            host = s.host;
            port = s.port;
            threads = s.threads;
            chunks = s.chunks;
            chunkBytes = s.chunkBytes;
            chunkDelayMs = s.chunkDelayMs;
            ttfbMs = s.ttfbMs;
            latencyMs = s.latencyMs;
            error429Rate = s.error429Rate;
            error500Rate = s.error500Rate;
            resetRate = s.resetRate;
            seed = s.seed;
            retryAfterSeconds = s.retryAfterSeconds;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder chunks(int chunks) {
            this.chunks = chunks;
            return this;
        }

        public Builder chunkBytes(int chunkBytes) {
            this.chunkBytes = chunkBytes;
            return this;
        }

        public Builder chunkDelayMs(long chunkDelayMs) {
            this.chunkDelayMs = chunkDelayMs;
            return this;
        }

        public Builder ttfbMs(long ttfbMs) {
            this.ttfbMs = ttfbMs;
            return this;
        }

        public Builder latencyMs(long latencyMs) {
            this.latencyMs = latencyMs;
            return this;
        }

        public Builder error429Rate(double error429Rate) {
            this.error429Rate = error429Rate;
            return this;
        }

        public Builder error500Rate(double error500Rate) {
            this.error500Rate = error500Rate;
            return this;
        }

        public Builder resetRate(double resetRate) {
            this.resetRate = resetRate;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder retryAfterSeconds(int retryAfterSeconds) {
            this.retryAfterSeconds = retryAfterSeconds;
            return this;
        }

        public MockUpstreamSettings build() {
            return new MockUpstreamSettings(host, port, threads, chunks, chunkBytes, chunkDelayMs, ttfbMs,
                    latencyMs, error429Rate, error500Rate, resetRate, seed, retryAfterSeconds);
        }
    }
}
