package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.HubRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One stream translator in steady state: a text-delta event in the provider's dialect (as that dialect's own encoder
 * writes it, so every pair sees a faithful input) is decoded to hub events and encoded in the client's dialect, per
 * operation, on one long-lived stream. Score: translated chunks/s on one thread; with {@code -prof gc}, bytes
 * allocated per chunk. {@code from} = provider dialect, {@code to} = client dialect.
 */
public class TranslateBenchmark extends JmhDefaults {

    @Param({"openai", "anthropic", "gemini", "responses"})
    public String from;

    @Param({"openai", "anthropic", "gemini", "responses"})
    public String to;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    /** One provider event carrying a short text delta, as it arrives from the network (direct memory). */
    private ByteBuf chunk;
    private StreamDecoder decoder;
    private StreamEncoder encoder;

    @Setup
    public void setUp() {
        Dialect provider = Dialects.byName(from);
        Dialect client = Dialects.byName(to);
        HubRequest request = new HubRequest();
        request.stream = true;

        // The provider's own encoder writes the input: stream head + first delta (which opens blocks), then the
        // steady-state delta this benchmark replays.
        StreamEncoder source = provider.streamEncoder(alloc, request);
        source.onStart("chatcmpl-bench-0001", "bench-model", 1732300000L);
        source.onText("Hello");
        ByteBuf preamble = source.take();
        source.onText(" world, this is a typical token delta.");
        ByteBuf steady = source.take();
        source.release();
        chunk = alloc.directBuffer(steady.readableBytes()).writeBytes(steady);
        steady.release();

        encoder = client.streamEncoder(alloc, request);
        decoder = provider.streamDecoder(encoder);
        decoder.feed(preamble);
        preamble.release();
        ByteBuf out = encoder.take();
        if (out != null) {
            out.release();
        }
        if (decoder.finished()) {
            throw new IllegalStateException(from + " -> " + to + ": stream ended during setup");
        }
    }

    @TearDown
    public void tearDown() {
        decoder.release();
        encoder.release();
        chunk.release();
    }

    @Benchmark
    public int translateChunk() {
        decoder.feed(chunk);
        ByteBuf out = encoder.take();
        if (out == null) {
            return 0;
        }
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
