package io.sluice.codec.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.codec.sse.SseRecorder.Event;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SseWriterTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void namedEvent() {
        ByteBuf json = PooledChunks.of("{\"type\":\"ping\"}");
        assertThat(text(SseWriter.event(ALLOC, "ping", json))).isEqualTo("event: ping\ndata: {\"type\":\"ping\"}\n\n");
        assertThat(json.readerIndex()).isZero(); // not consumed, not released: still the caller's
        assertThat(json.refCnt()).isEqualTo(1);
        json.release();
    }

    @Test
    void unnamedEventSplitsLinesOfTheData() {
        ByteBuf json = PooledChunks.of("{\n \"a\": 1,\r\n \"b\": 2\r}\n");
        assertThat(text(SseWriter.event(ALLOC, null, json)))
                .isEqualTo("data: {\ndata:  \"a\": 1,\ndata:  \"b\": 2\ndata: }\ndata: \n\n");
        json.release();
    }

    @Test
    void emptyData() {
        assertThat(text(SseWriter.event(ALLOC, null, Unpooled.EMPTY_BUFFER))).isEqualTo("data: \n\n");
        assertThat(text(SseWriter.data(ALLOC, ""))).isEqualTo("data: \n\n");
    }

    @Test
    void dataFromCharsIsUtf8AndSplitsLines() {
        assertThat(text(SseWriter.data(ALLOC, "{\"t\":\"é😀\"}"))).isEqualTo("data: {\"t\":\"é😀\"}\n\n");
        assertThat(text(SseWriter.data(ALLOC, "a\nb\r\nc\rd"))).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    @Test
    void comment() {
        assertThat(text(SseWriter.comment(ALLOC, "ping"))).isEqualTo(": ping\n\n");
        assertThat(text(SseWriter.comment(ALLOC, "a\nb"))).isEqualTo(": a\n: b\n\n");
    }

    @Test
    void eventNameWithALineBreakIsRefused() {
        ByteBuf json = PooledChunks.of("{}");
        assertThatThrownBy(() -> SseWriter.event(ALLOC, "a\ndata: forged", json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: no line break");
        json.release();
    }

    @Test
    void doneIsSharedAndSurvivesReleases() {
        for (int i = 0; i < 3; i++) {
            ByteBuf done = SseWriter.done();
            assertThat(done.toString(StandardCharsets.US_ASCII)).isEqualTo("data: [DONE]\n\n");
            done.skipBytes(done.readableBytes()); // a consumer moving its indexes does not affect the next one
            done.release();
            done.release();
        }
        assertThat(text(SseWriter.done())).isEqualTo("data: [DONE]\n\n");
        assertThat(SseWriter.done().isWritable()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void roundTripsThroughTheFramer(int size) {
        ByteBuf json = PooledChunks.of("{\"a\":\n\"ü\"}");
        ByteBuf out = ALLOC.compositeBuffer()
                .addComponent(true, SseWriter.event(ALLOC, "content_block_delta", json))
                .addComponent(true, SseWriter.comment(ALLOC, "keep-alive"))
                .addComponent(true, SseWriter.data(ALLOC, "x\ny"))
                .addComponent(true, SseWriter.done());
        json.release();
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();

        SseFramer framer = new SseFramer(1024);
        SseRecorder rec = new SseRecorder();
        SseRecorder.feed(framer, bytes, size, rec);

        assertThat(rec.events).isEqualTo(List.of(new Event("content_block_delta", "{\"a\":\n\"ü\"}"),
                new Event(null, "x\ny"), new Event(null, "[DONE]")));
        assertThat(rec.comments).containsExactly("keep-alive");
        assertThat(framer.end()).isFalse();
    }
}
