package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.json.ChatRequestScanner;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Feeding a chat request body to {@link ChatRequestScanner} (jackson's non-blocking parser) as the server does, in
 * 8 KiB reads, until {@code end()}. Score: requests/s; {@code bytes}: body bytes/s. {@code model} is the body's last
 * field, so every byte is walked.
 */
public class ChatRequestScanBenchmark extends JmhDefaults {

    @Param({"1024", "102400"})
    public int size;

    private List<ByteBuf> reads;
    private long bodyBytes;

    @Setup
    public void setUp() {
        String body = Fixtures.chatRequest(size);
        bodyBytes = body.length();
        reads = Fixtures.pieces(body, 8192);
    }

    @TearDown
    public void tearDown() {
        reads.forEach(ByteBuf::release);
    }

    @Benchmark
    public int scan(ByteCounter counter) {
        ChatRequestScanner scanner = new ChatRequestScanner();
        try {
            for (int i = 0, n = reads.size(); i < n; i++) {
                scanner.feed(reads.get(i));
            }
            if (scanner.end() != ChatRequestScanner.Result.OK) {
                throw new IllegalStateException(scanner.error());
            }
            counter.bytes += bodyBytes;
            return scanner.modelStart();
        } finally {
            scanner.release();
        }
    }
}
