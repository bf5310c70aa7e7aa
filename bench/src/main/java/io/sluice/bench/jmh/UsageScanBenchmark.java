package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.json.Usage;
import io.sluice.codec.json.UsageScanner;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link UsageScanner} on SSE data payloads: the common content chunk (must be found usage-free without allocating),
 * the final usage chunk (parsed), the [DONE] check the relay runs on every event, and a whole JSON response.
 */
public class UsageScanBenchmark extends JmhDefaults {

    private ByteBuf content;
    private ByteBuf usage;
    private ByteBuf response;
    private final UsageScanner scanner = new UsageScanner();

    @Setup
    public void setUp() {
        content = Fixtures.direct(payload(Fixtures.openAiChunk(3)));
        usage = Fixtures.direct(payload(Fixtures.OPENAI_USAGE_CHUNK));
        response = Fixtures.direct(Fixtures.OPENAI_RESPONSE);
    }

    /** The data payload of one event: no "data: " prefix, no blank line. */
    private static String payload(String event) {
        return event.substring("data: ".length(), event.length() - 2);
    }

    @TearDown
    public void tearDown() {
        content.release();
        usage.release();
        response.release();
        scanner.release();
    }

    @Benchmark
    public Usage contentChunk() {
        return UsageScanner.isDone(content) ? null : scanner.scanSseData(content);
    }

    /** A whole non-streaming chat.completion (about 900 bytes): only its root usage member is parsed. */
    @Benchmark
    public Usage jsonResponse() {
        UsageScanner s = new UsageScanner();
        s.scanJson(response);
        return s.usage();
    }

    @Benchmark
    public Usage usageChunk() {
        return scanner.scanSseData(usage);
    }
}
