package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.codec.json.ModelSplice;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link ModelSplice}: {@code "openai/gpt-4o-mini"} → {@code "gpt-4o-mini"} in a request body, built as retained slices
 * around the new value. The cost must not grow with the body: compare the two sizes.
 */
public class ModelSpliceBenchmark extends JmhDefaults {

    @Param({"1024", "102400"})
    public int size;

    private ByteBuf body;
    private int start;
    private int end;

    @Setup
    public void setUp() {
        body = Fixtures.direct(Fixtures.chatRequest(size));
        ChatRequestScanner scanner = new ChatRequestScanner();
        scanner.feed(body);
        scanner.end();
        start = scanner.modelStart();
        end = scanner.modelEnd();
        scanner.release();
    }

    @TearDown
    public void tearDown() {
        body.release();
    }

    @Benchmark
    public int splice() {
        ByteBuf out = ModelSplice.splice(PooledByteBufAllocator.DEFAULT, body, start, end, "gpt-4o-mini");
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
