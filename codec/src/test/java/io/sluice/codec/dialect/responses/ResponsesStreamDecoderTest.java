package io.sluice.codec.dialect.responses;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResponsesStreamDecoderTest {

    private static final String DIR = "dialect/responses/";

    /** Provider-shaped streams; each has a golden transcript {@code <name>.hub} next to it. */
    static final String[] FIXTURES = {
        "text", "tools", "reasoning", "incomplete", "failed", "error", "error-flat", "truncated", "refusal", "compat"
    };

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String f : FIXTURES) {
            for (int size : Chunks.SIZES) {
                for (Memory m : Memory.values()) {
                    out.add(Arguments.of(f, size, m));
                }
            }
        }
        return out;
    }

    static String decode(String sse, int size, Memory memory) {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = ResponsesDialect.INSTANCE.streamDecoder(rec);
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

    @ParameterizedTest(name = "{0} in chunks of {1} ({2})")
    @MethodSource("cases")
    void fixtureMatchesGoldenTranscript(String fixture, int size, Memory memory) {
        String transcript = decode(Golden.read(DIR + fixture + ".sse"), size, memory);
        Golden.check(DIR + fixture + ".hub", transcript);
    }

    @Test
    void parallelCallsKeepTheirSlotsAndCallIds() {
        List<String> lines = List.of(decode(Golden.read(DIR + "tools.sse"), Integer.MAX_VALUE, Memory.HEAP)
                .split("\n"));
        assertThat(lines).contains("tool_start 0 id=call_Qm7vX2pL9sT4nB8kR1eW6yZc name=get_weather",
                "tool_start 1 id=call_H3jD8sK2mQ5wP7xN4vB9tL1r name=get_time", "finish TOOL_CALLS null", "end");
    }

    @Test
    void signatureIsTheFinalEncryptedContentNotTheOneInAdded() {
        String t = decode(Golden.read(DIR + "reasoning.sse"), 7, Memory.MIXED);
        assertThat(t).contains("signature \"gAAAAABosvPtN4Tq8").doesNotContain("gAAAAABosvPqYk3X");
        assertThat(t).contains("reasoning \"\\n\\n\"");
    }

    @Test
    void reusedOutputIndexWithNewItemIdOpensNewSlot() {
        String t = decode(Golden.read(DIR + "compat.sse"), 1, Memory.DIRECT);
        assertThat(t).contains("tool_start 0 id=call_a1 name=lookup",
                "tool_args 0 \"{\\\"q\\\":\\\"sluice gates\\\"}\"",
                "tool_start 1 id=call_b2 name=lookup", "tool_args 1 \"{\\\"q\\\":\"");
        assertThat(t).doesNotContain("tool_args 1 \"{\\\"q\\\":\\\"canal locks\\\"}\"");
    }

    @Test
    void inputAfterTheTerminalEventIsIgnored() {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = ResponsesDialect.INSTANCE.streamDecoder(rec);
        ByteBuf a = PooledChunks.of(Golden.read(DIR + "error.sse"));
        ByteBuf b = PooledChunks.of("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                + "\"delta\":\"late\"}\n\n");
        try {
            d.feed(a);
            assertThat(d.finished()).isTrue();
            d.feed(b);
            d.end();
        } finally {
            a.release();
            b.release();
        }
        assertThat(rec.transcript()).doesNotContain("late")
                .endsWith("error 429 rate_limit_error \"Too Many Requests\"\n");
    }

    @Test
    void invalidJsonBecomesAnError() {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = ResponsesDialect.INSTANCE.streamDecoder(rec);
        ByteBuf a = PooledChunks.of("event: response.created\ndata: {\"type\":\"response.created\","
                + "\"response\":{\"id\":\"resp_1\",\"model\":\"m\"}}\n\n"
                + "event: response.output_text.delta\ndata: {not json\n\n");
        try {
            d.feed(a);
        } finally {
            a.release();
        }
        d.end();
        assertThat(rec.lines()).hasSize(2);
        assertThat(rec.lines().get(1))
                .startsWith("error 502 api_error \"upstream sent an event that is not valid JSON");
    }

    @Test
    void emptyDataIsAKeepAliveNotAnError() {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = ResponsesDialect.INSTANCE.streamDecoder(rec);
        ByteBuf a = PooledChunks.of("data: \n\nevent: response.created\ndata: {\"type\":\"response.created\","
                + "\"response\":{\"id\":\"resp_1\",\"model\":\"m\",\"created_at\":5}}\n\ndata:\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{}}\n\n");
        try {
            d.feed(a);
        } finally {
            a.release();
        }
        d.end();
        assertThat(rec.lines()).containsExactly("start id=resp_1 model=m created=5", "finish STOP null", "end");
    }

    @Test
    void releaseBeforeEndCallsNothing() {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = ResponsesDialect.INSTANCE.streamDecoder(rec);
        String sse = Golden.read(DIR + "text.sse");
        ByteBuf a = PooledChunks.direct(sse.substring(0, sse.length() / 2));
        try {
            d.feed(a);
        } finally {
            a.release();
        }
        d.release();
        d.release();
        assertThat(rec.lines()).noneMatch(l -> l.startsWith("error") || l.equals("end"));
    }
}
