package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.codec.json.CanonicalJson;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A dedup signature's work on the event loop: {@link CanonicalJson} over a chat request body as the server holds it
 * (a composite of 8 KiB reads), into SHA-256. Score: requests/s; {@code bytes}: body bytes/s. This is what
 * {@code dedup.maxBodyBytes} bounds.
 */
public class SignatureBenchmark extends JmhDefaults {

    private static final Set<String> SKIP = Set.of("user", "metadata", "stream");

    @Param({"1024", "102400"})
    public int size;

    private CompositeByteBuf body;
    private long bodyBytes;

    @Setup
    public void setUp() {
        String json = Fixtures.chatRequest(size);
        bodyBytes = json.length();
        List<ByteBuf> reads = Fixtures.pieces(json, 8192);
        body = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(reads.size());
        reads.forEach(r -> body.addComponent(true, r));
    }

    @TearDown
    public void tearDown() {
        body.release();
    }

    @Benchmark
    public byte[] sign(ByteCounter counter) throws IOException {
        MessageDigest d = CanonicalJson.sha256();
        CanonicalJson.digest(body, SKIP, d);
        counter.bytes += bodyBytes;
        return d.digest();
    }
}
