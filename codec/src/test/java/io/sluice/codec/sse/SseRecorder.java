package io.sluice.codec.sse;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Records what a framer emits, releasing every event's data; also feeds fixtures chunk by chunk. */
public final class SseRecorder implements SseListener {

    /** One decoded event, its data as a string. */
    public record Event(String event, String data) {
    }

    public final List<Event> events = new ArrayList<>();
    public final List<String> comments = new ArrayList<>();
    public final List<String> errors = new ArrayList<>();
    private final Consumer<ByteBuf> onData;

    public SseRecorder() {
        this(data -> { });
    }

    /** {@code onData} sees each event's data before it is recorded and released. */
    public SseRecorder(Consumer<ByteBuf> onData) {
        this.onData = onData;
    }

    @Override
    public void onEvent(String event, ByteBuf data) {
        try {
            onData.accept(data);
            events.add(new Event(event, data.toString(StandardCharsets.UTF_8)));
        } finally {
            data.release();
        }
    }

    @Override
    public void onComment(ByteBuf comment) {
        comments.add(comment.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void onError(String message) {
        errors.add(message);
    }

    /**
     * Feeds {@code bytes} in leak-tracked chunks of {@code size}, alternating heap and direct memory, releasing each
     * chunk after the call as a caller would.
     */
    public static void feed(SseFramer framer, byte[] bytes, int size, SseListener listener) {
        for (ByteBuf chunk : PooledChunks.split(bytes, size, Memory.MIXED)) {
            try {
                framer.feed(chunk, listener);
            } finally {
                chunk.release();
            }
        }
    }

    public static void feed(SseFramer framer, String s, int size, SseListener listener) {
        feed(framer, s.getBytes(StandardCharsets.UTF_8), size, listener);
    }

    /** A fixture under {@code src/test/resources/fixtures}. */
    public static String fixture(String name) {
        try (InputStream in = SseRecorder.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
