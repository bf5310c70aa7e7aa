package io.sluice.codec.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.testing.Chunks;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.HubRecorder;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Provider-shaped Anthropic streams → hub transcripts, equal to the golden {@code .hub} next to each fixture. */
class AnthropicStreamDecoderTest {

    private static final String DIR = "dialect/anthropic/";
    private static final List<String> FIXTURES =
            List.of("text", "thinking", "tools", "error", "truncated", "server-tools", "compat");

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String f : FIXTURES) {
            for (int size : Chunks.SIZES) {
                for (Memory m : Memory.values()) {
                    out.add(Arguments.of(f, size, m));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} in chunks of {1}, {2}")
    @MethodSource("cases")
    void decodesFixture(String fixture, int size, Memory memory) {
        String sse = Golden.read(DIR + fixture + ".sse");
        Golden.check(DIR + fixture + ".hub", decode(sse, size, memory));
    }

    /** Feeds {@code sse} in chunks to a fresh decoder, then ends it; returns the transcript. */
    static String decode(String sse, int size, Memory memory) {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = AnthropicDialect.INSTANCE.streamDecoder(rec);
        for (ByteBuf chunk : PooledChunks.split(sse, size, memory)) {
            try {
                d.feed(chunk);
            } finally {
                chunk.release();
            }
        }
        d.end();
        assertThat(d.finished()).isTrue();
        return rec.transcript();
    }

    private static String decode(String sse) {
        return decode(sse, Integer.MAX_VALUE, Memory.HEAP);
    }

    @Test
    void contentBeforeMessageStartIsAnError() {
        String t = decode("event: content_block_start\n"
                + "data: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        assertThat(t).isEqualTo("error 502 api_error \"upstream sent content_block_start before message_start\"\n");
    }

    @Test
    void errorBeforeAnythingElseIsReportedAlone() {
        String t = decode("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                + "\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}\n\n");
        assertThat(t).isEqualTo("error 429 rate_limit_error "
                + "\"Number of request tokens has exceeded your per-minute rate limit\"\n");
    }

    @Test
    void unknownErrorTypeKeepsItsStatusMeaning() {
        String t = decode("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"billing_error\","
                + "\"message\":\"Your credit balance is too low\"}}\n\n");
        assertThat(t).isEqualTo("error 402 invalid_request_error \"Your credit balance is too low\"\n");
    }

    @Test
    void invalidJsonFailsTheStream() {
        String t = decode(start() + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\n\n");
        assertThat(t).startsWith("start id=msg_1 model=claude-x created=0\n")
                .contains("error 502 api_error \"upstream sent an event that is not valid JSON: ");
    }

    @Test
    void absurdBlockIndexFailsTheStream() {
        String t = decode(start() + "event: content_block_start\ndata: {\"type\":\"content_block_start\","
                + "\"index\":99999,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        assertThat(t).endsWith("error 502 api_error \"upstream content block index 99999 (expected: 0 to 4095)\"\n");
    }

    @Test
    void doneMarkerIsNotPartOfThisDialect() {
        String t = decode(start() + "data: [DONE]\n\n");
        assertThat(t).endsWith("error 502 api_error \"unexpected [DONE] in this stream\"\n");
    }

    @Test
    void unknownEventsAndDeltasAreIgnored() {
        String t = decode(start()
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"future_delta\",\"text\":\"no\"}}\n\n"
                + "event: future_event\ndata: {\"type\":\"future_event\",\"x\":[1,{\"y\":2}]}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":7,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"orphan\"}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        assertThat(t).isEqualTo("start id=msg_1 model=claude-x created=0\nusage 1 1 2 -1 -1 -1\nend\n");
    }

    @Test
    void oneFinishAndStartUsageWithoutMessageDelta() {
        String delta = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":3}}\n\n";
        assertThat(decode(start() + delta + delta.replace("refusal", "pause_turn")
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"))
                .isEqualTo("start id=msg_1 model=claude-x created=0\nfinish CONTENT_FILTER null\n"
                        + "usage 1 3 4 -1 -1 -1\nusage 1 3 4 -1 -1 -1\nend\n");
        assertThat(decode(start() + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"))
                .isEqualTo("start id=msg_1 model=claude-x created=0\nusage 1 1 2 -1 -1 -1\nend\n");
    }

    @Test
    void stopReasonsMapToTheHub() {
        for (String[] c : new String[][] {{"end_turn", "STOP"}, {"max_tokens", "LENGTH"}, {"tool_use", "TOOL_CALLS"},
                {"refusal", "CONTENT_FILTER"}, {"pause_turn", "PAUSE"}, {"model_context_window_exceeded", "LENGTH"},
                {"something_new", "OTHER"}}) {
            assertThat(StopReasons.toHub(c[0])).hasToString(c[1]);
        }
    }

    @Test
    void releaseAbandonsQuietly() {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = AnthropicDialect.INSTANCE.streamDecoder(rec);
        ByteBuf half = PooledChunks.of(start() + "event: content_block_start\ndata: {\"type\":");
        try {
            d.feed(half);
        } finally {
            half.release();
        }
        d.release();
        d.end();
        assertThat(rec.transcript()).isEqualTo("start id=msg_1 model=claude-x created=0\n");
    }

    private static String start() {
        return "event: message_start\ndata: {\"type\":\"message_start\","
                + "\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\","
                + "\"content\":[],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n";
    }
}
