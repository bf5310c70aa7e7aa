package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.sse.SseFramer;
import io.sluice.codec.sse.SseListener;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link SseFramer} over a recorded-shape OpenAI stream of 100 content chunks + usage + [DONE] (102 events).
 * Score: events/s. {@code bytes} (aux counter): stream bytes/s. {@code split}: {@code event} = one event per buffer
 * (how providers flush), {@code segment} = 1460-byte TCP segments cutting events anywhere, {@code whole} = one buffer.
 */
public class SseFramerBenchmark extends JmhDefaults {

    static final int EVENTS = 102;

    @Param({"event", "segment", "whole"})
    public String split;

    private List<ByteBuf> buffers;
    private long streamBytes;
    private Listener listener;

    /** Releases every event, as the relay does, and keeps the JIT honest. */
    static final class Listener implements SseListener {
        Blackhole bh;

        @Override
        public void onEvent(String event, ByteBuf data) {
            bh.consume(data.readableBytes());
            data.release();
        }
    }

    @Setup
    public void setUp(Blackhole bh) {
        String stream = Fixtures.openAiStream(100);
        streamBytes = stream.length();
        switch (split) {
            case "event":
                buffers = new java.util.ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    buffers.add(Fixtures.direct(Fixtures.openAiChunk(i)));
                }
                buffers.add(Fixtures.direct(Fixtures.OPENAI_USAGE_CHUNK));
                buffers.add(Fixtures.direct("data: [DONE]\n\n"));
                break;
            case "segment":
                buffers = Fixtures.pieces(stream, 1460);
                break;
            default:
                buffers = List.of(Fixtures.direct(stream));
        }
        listener = new Listener();
        listener.bh = bh;
    }

    @TearDown
    public void tearDown() {
        buffers.forEach(ByteBuf::release);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public boolean frame(ByteCounter counter) {
        SseFramer framer = new SseFramer(1 << 20);
        for (int i = 0, n = buffers.size(); i < n; i++) {
            framer.feed(buffers.get(i), listener);
        }
        counter.bytes += streamBytes;
        return framer.end();
    }
}
