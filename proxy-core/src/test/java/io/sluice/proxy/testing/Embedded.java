package io.sluice.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Feeding raw bytes into an {@link EmbeddedChannel} and draining what it wrote, with every buffer released. */
public final class Embedded {

    private Embedded() {
    }

    /**
     * Writes {@code wire} inbound as leak-tracked pooled chunks of at most {@code size} bytes (heap and direct
     * alternating). Stops when the channel closes, as a peer's bytes would; the chunks not written are released.
     */
    public static void feed(EmbeddedChannel ch, byte[] wire, int size) {
        List<ByteBuf> chunks = PooledChunks.split(wire, size, Memory.MIXED);
        for (int i = 0; i < chunks.size(); i++) {
            if (!ch.isOpen()) {
                chunks.subList(i, chunks.size()).forEach(ByteBuf::release);
                return;
            }
            ch.writeInbound(chunks.get(i));
        }
        ch.runPendingTasks();
        ch.checkException();
    }

    /** Writes {@code wire} (UTF-8) inbound as {@link #feed(EmbeddedChannel, byte[], int)} does. */
    public static void feed(EmbeddedChannel ch, String wire, int size) {
        feed(ch, wire.getBytes(StandardCharsets.UTF_8), size);
    }

    /** Every outbound buffer written so far, concatenated; each is released. */
    public static byte[] drain(EmbeddedChannel ch) {
        ch.runPendingTasks();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object m;
        while ((m = ch.readOutbound()) != null) {
            assertThat(m).as("outbound message").isInstanceOf(ByteBuf.class);
            ByteBuf b = (ByteBuf) m;
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), bytes);
                out.writeBytes(bytes);
            } finally {
                b.release();
            }
        }
        return out.toByteArray();
    }

    /** Every outbound buffer written so far, as UTF-8 text; each is released. */
    public static String drainText(EmbeddedChannel ch) {
        return new String(drain(ch), StandardCharsets.UTF_8);
    }

    /** Releases whatever is still queued and closes; true if something was left over. */
    public static boolean finish(EmbeddedChannel ch) {
        return ch.finishAndReleaseAll();
    }
}
