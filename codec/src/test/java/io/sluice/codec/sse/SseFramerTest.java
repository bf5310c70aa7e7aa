package io.sluice.codec.sse;

import static io.sluice.codec.sse.SseRecorder.feed;
import static io.sluice.codec.sse.SseRecorder.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.codec.sse.SseRecorder.Event;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SseFramerTest {

    private static final int MAX = 64 * 1024;

    private final SseFramer framer = new SseFramer(MAX);
    private final SseRecorder rec = new SseRecorder();

    /** Expected events of a fixture whose events are "event:" and single "data:" lines, "\n" separated. */
    private static List<Event> expected(String fixture) {
        List<Event> out = new ArrayList<>();
        for (String block : fixture.split("\n\n")) {
            String event = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (data != null) {
                out.add(new Event(event, data));
            }
        }
        return out;
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void openAiChatStream(int size) {
        String s = fixture("openai-chat-stream.txt");
        feed(framer, s, size, rec);

        assertThat(rec.events).hasSize(6).isEqualTo(expected(s));
        assertThat(rec.events).allSatisfy(e -> assertThat(e.event()).isNull());
        assertThat(rec.events.get(2).data()).contains("Ça va? \\u00e9 😀 \\\"usage\\\"");
        assertThat(rec.events.get(4).data()).startsWith("{\"id\":\"chatcmpl-1\"").contains("\"total_tokens\":21");
        assertThat(rec.events.get(5).data()).isEqualTo("[DONE]");
        assertThat(rec.errors).isEmpty();
        assertThat(framer.end()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void openAiToolCallStreamWithComments(int size) {
        String s = fixture("openai-chat-tools-stream.txt");
        feed(framer, s, size, rec);

        assertThat(rec.events).hasSize(5).isEqualTo(expected(s));
        assertThat(rec.events.get(1).data()).contains("\"arguments\":\"{\\\"location\\\":\"");
        assertThat(rec.comments).containsExactly("OPENROUTER PROCESSING", "ping");
        assertThat(framer.end()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void anthropicNamedEvents(int size) {
        String s = fixture("anthropic-messages-stream.txt");
        feed(framer, s, size, rec);

        assertThat(rec.events).hasSize(8).isEqualTo(expected(s));
        assertThat(rec.events).extracting(Event::event).containsExactly("message_start", "content_block_start",
                "ping", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
                "message_stop");
        // Known names come from a shared table, not a fresh String per event.
        assertThat(rec.events.get(3).event()).isSameAs("content_block_delta");
        assertThat(rec.events.get(4).data()).contains("wörld");
        assertThat(framer.end()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void crlfLineEndings(int size) {
        String s = fixture("anthropic-messages-stream.txt");
        feed(framer, s.replace("\n", "\r\n"), size, rec);

        assertThat(rec.events).isEqualTo(expected(s));
        assertThat(framer.end()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void crLineEndings(int size) {
        String s = fixture("openai-chat-tools-stream.txt");
        feed(framer, s.replace("\n", "\r"), size, rec);

        assertThat(rec.events).isEqualTo(expected(s));
        assertThat(rec.comments).containsExactly("OPENROUTER PROCESSING", "ping");
        assertThat(framer.end()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void mixedLineEndings(int size) {
        feed(framer, "event: a\r\ndata: 1\rdata: 2\n\r\ndata: 3\r\r", size, rec);

        assertThat(rec.events).containsExactly(new Event("a", "1\n2"), new Event(null, "3"));
    }

    @Test
    void everyTwoWaySplitGivesTheSameEvents() {
        String s = fixture("anthropic-messages-stream.txt").replace("\n", "\r\n") + ": bye\r";
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        List<Event> expected = expected(fixture("anthropic-messages-stream.txt"));
        for (int cut = 0; cut <= bytes.length; cut++) {
            SseFramer f = new SseFramer(MAX);
            SseRecorder r = new SseRecorder();
            byte[] head = Arrays.copyOfRange(bytes, 0, cut);
            byte[] tail = Arrays.copyOfRange(bytes, cut, bytes.length);
            for (byte[] part : List.of(head, tail)) {
                ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(part.length).writeBytes(part);
                f.feed(chunk, r);
                chunk.release();
            }
            assertThat(r.events).as("cut at %d", cut).isEqualTo(expected);
            assertThat(r.comments).as("cut at %d", cut).containsExactly("bye");
            assertThat(f.end()).isFalse();
        }
    }

    @Test
    void crAtChunkEndAndLfAtNextChunkStartAreOneLineEnding() {
        // Counted twice, the \r and the \n would make a blank line and dispatch "a" alone.
        ByteBuf first = PooledChunks.of("data: a\r");
        ByteBuf second = PooledChunks.of("\ndata: b\r");
        ByteBuf empty = Unpooled.EMPTY_BUFFER;
        ByteBuf third = PooledChunks.of("\n\r");
        ByteBuf fourth = PooledChunks.of("\n");
        for (ByteBuf chunk : List.of(first, second, empty, third)) {
            framer.feed(chunk, rec);
            chunk.release();
        }
        assertThat(rec.events).containsExactly(new Event(null, "a\nb"));

        framer.feed(fourth, rec); // the \n after the last \r must not start a new (blank) line
        fourth.release();
        assertThat(rec.events).hasSize(1);
        assertThat(framer.end()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void multiLineDataJoinsWithLf(int size) {
        feed(framer, "data: {\"a\":\ndata:1,\ndata:  \"b\":2}\n\n", size, rec);

        assertThat(rec.events).containsExactly(new Event(null, "{\"a\":\n1,\n \"b\":2}"));
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void fieldSyntax(int size) {
        String s = "data\n\n"             // no colon: empty value, still an event
                + "data:\n\n"              // empty value
                + "data:x\n\n"             // no space
                + "data:  x\n\n"           // only one space is stripped
                + "data: a:b\n\n"          // only the first colon splits
                + "foo: bar\ndata: y\n\n"  // unknown field ignored
                + "Data: z\n\n"            // field names are case-sensitive: no data, nothing dispatched
                + "event:\ndata: e\n\n";   // empty event name is the default
        feed(framer, s, size, rec);

        assertThat(rec.events).containsExactly(new Event(null, ""), new Event(null, ""), new Event(null, "x"),
                new Event(null, " x"), new Event(null, "a:b"), new Event(null, "y"), new Event(null, "e"));
        assertThat(framer.end()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void eventWithoutDataIsDiscardedWithItsFields(int size) {
        feed(framer, "event: ping\n\ndata: x\n\nevent: a\nevent: b\ndata: y\n\n\n\n", size, rec);

        assertThat(rec.events).containsExactly(new Event(null, "x"), new Event("b", "y"));
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void commentsAreReportedNotDispatched(int size) {
        feed(framer, ": ping\n:\n:  two\n:no-space\ndata: x\n: inside\n\n", size, rec);

        assertThat(rec.comments).containsExactly("ping", "", " two", "no-space", "inside");
        assertThat(rec.events).containsExactly(new Event(null, "x"));
        assertThat(framer.end()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void idAndRetry(int size) {
        feed(framer, "id: 7\nretry: 3000\ndata: x\n\nretry: 3s\nid\ndata: y\n\n", size, rec);

        assertThat(rec.events).hasSize(2);
        assertThat(framer.lastEventId()).isEmpty();
        assertThat(framer.retryMillis()).isEqualTo(3000);
    }

    @Test
    void idWithNulIsIgnored() {
        feed(framer, "id: 1\n\nid: a\0b\n\n", Integer.MAX_VALUE, rec);
        assertThat(framer.lastEventId()).isEqualTo("1");
        assertThat(framer.retryMillis()).isEqualTo(-1);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void leadingBomIsSkipped(int size) {
        feed(framer, "\uFEFFdata: x\n\n", size, rec);
        assertThat(rec.events).containsExactly(new Event(null, "x"));
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void partialBomIsPartOfTheFirstLine(int size) {
        byte[] bytes = {(byte) 0xEF, (byte) 0xBB, ':', ' ', 'c', '\n', 'd', 'a', 't', 'a', ':', 'x', '\n', '\n'};
        feed(framer, bytes, size, rec);
        // The first line is the unknown field "\xEF\xBB: c": ignored, but it makes the event a real one.
        assertThat(rec.comments).isEmpty();
        assertThat(rec.events).containsExactly(new Event(null, "x"));
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void unicodeSplitInsideCodePoints(int size) {
        String json = "{\"t\":\"héllo € 😀 中文\"}";
        feed(framer, "event: x-ünï\ndata: " + json + "\n\n", size, rec);
        assertThat(rec.events).containsExactly(new Event("x-ünï", json));
    }

    @Test
    void singleLineDataInOneChunkIsARetainedSliceOfIt() {
        ByteBuf chunk = PooledChunks.of("data: {\"a\":1}\n\n");
        List<ByteBuf> seen = new ArrayList<>();
        SseRecorder zeroCopy = new SseRecorder(data -> {
            assertThat(data.hasArray()).isTrue();
            assertThat(data.array()).isSameAs(chunk.array());
            assertThat(chunk.refCnt()).isEqualTo(2);
            seen.add(data);
        });
        framer.feed(chunk, zeroCopy);
        assertThat(chunk.readerIndex()).isZero(); // the caller's indexes are untouched
        assertThat(chunk.refCnt()).isEqualTo(1);
        chunk.release();
        assertThat(seen).hasSize(1);
        assertThat(zeroCopy.events).containsExactly(new Event(null, "{\"a\":1}"));
    }

    @Test
    void dataHeldAcrossChunksUntilTheBlankLine() {
        ByteBuf first = PooledChunks.of("data: x\n");
        framer.feed(first, rec);
        assertThat(first.refCnt()).isEqualTo(2); // the framer retained a slice for the pending event
        first.release();
        ByteBuf second = PooledChunks.of("\n");
        framer.feed(second, rec);
        second.release();
        assertThat(first.refCnt()).isZero();
        assertThat(rec.events).containsExactly(new Event(null, "x"));
    }

    @Test
    void respectsTheReaderIndexAndCompositeChunks() {
        ByteBuf chunk = PooledChunks.of("garbagedata: a\n\n");
        chunk.skipBytes(7);
        framer.feed(chunk, rec);
        chunk.release();

        CompositeByteBuf composite = ByteBufAllocator.DEFAULT.compositeBuffer();
        composite.addComponent(true, PooledChunks.of("da"));
        composite.addComponent(true, PooledChunks.of("ta: b\r"));
        composite.addComponent(true, PooledChunks.of("\n\r\n"));
        framer.feed(composite, rec);
        composite.release();

        assertThat(rec.events).containsExactly(new Event(null, "a"), new Event(null, "b"));
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void oversizeEventFailsOnceAndIgnoresTheRest(int size) {
        SseFramer small = new SseFramer(32);
        String s = "data: ok\n\n" + "data: " + "x".repeat(40) + "\n\n" + "data: after\n\n";
        feed(small, s, size, rec);

        assertThat(rec.events).containsExactly(new Event(null, "ok"));
        assertThat(rec.errors).containsExactly("SSE event larger than maxEventBytes (32 bytes)");
        assertThat(small.end()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void oversizeCountsEveryLineOfTheEvent(int size) {
        SseFramer small = new SseFramer(32);
        // Each line fits; together they do not. The pending first line must be released (leak check).
        feed(small, "event: content_block_delta\ndata: 0123456789\n\n", size, rec);

        assertThat(rec.events).isEmpty();
        assertThat(rec.errors).hasSize(1);
        small.release();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void eventExactlyAtTheLimitPasses(int size) {
        // "data: 123456789\n" is 16 bytes, twice is 32: the blank line is not counted.
        SseFramer exact = new SseFramer(32);
        feed(exact, "data: 123456789\ndata: 123456789\n\n", size, rec);

        assertThat(rec.errors).isEmpty();
        assertThat(rec.events).containsExactly(new Event(null, "123456789\n123456789"));
        SseFramer tooSmall = new SseFramer(31);
        feed(tooSmall, "data: 123456789\ndata: 123456789\n\n", size, rec);
        assertThat(rec.errors).hasSize(1);
        tooSmall.release();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void endReportsTruncation(int size) {
        SseFramer cleanEnd = new SseFramer(MAX);
        feed(cleanEnd, "data: a\n\n: ping\n", size, rec);
        assertThat(cleanEnd.end()).isFalse();

        SseFramer noBlankLine = new SseFramer(MAX);
        feed(noBlankLine, "data: a\n\ndata: b\n", size, rec);
        assertThat(noBlankLine.end()).isTrue();

        SseFramer midLine = new SseFramer(MAX);
        feed(midLine, "data: a\n\ndata: {\"cho", size, rec);
        assertThat(midLine.end()).isTrue();
        assertThat(midLine.end()).isFalse(); // already ended

        SseFramer eventOnly = new SseFramer(MAX);
        feed(eventOnly, "event: message_stop\n", size, rec);
        assertThat(eventOnly.end()).isTrue();

        // Only the two complete "a" events were dispatched; "b" and the rest were discarded.
        assertThat(rec.events).containsExactly(new Event(null, "a"), new Event(null, "a"), new Event(null, "a"));
    }

    @Test
    void endAndReleaseAreIdempotentAndInputAfterwardsIsIgnored() {
        feed(framer, "data: a\n", Integer.MAX_VALUE, rec);
        framer.release();
        framer.release();
        assertThat(framer.end()).isFalse();
        feed(framer, "\ndata: b\n\n", Integer.MAX_VALUE, rec);
        assertThat(rec.events).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void listenerMayReleaseTheFramerMidChunk(int size) {
        SseFramer f = new SseFramer(MAX);
        SseRecorder stopper = new SseRecorder(data -> f.release());
        feed(f, "data: a\n\ndata: b\n\ndata: c\ndata: d\n\n", size, stopper);

        assertThat(stopper.events).containsExactly(new Event(null, "a"));
        assertThat(f.end()).isFalse();
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> new SseFramer(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxEventBytes: 0 (expected: > 0)");
    }
}
