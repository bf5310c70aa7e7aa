package io.sluice.codec.dialect.gemini;

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

/** Gemini-shaped SSE fixtures → hub transcripts, identical for every chunking and buffer kind. */
class GeminiStreamDecoderTest {

    static final List<String> FIXTURES = List.of("text", "thinking", "tools", "length", "safety", "blocked", "error",
            "truncated", "relay-done");

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

    static String decode(String sse, int size, Memory memory) {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = GeminiDialect.INSTANCE.streamDecoder(rec);
        for (ByteBuf b : PooledChunks.split(sse, size, memory)) {
            try {
                d.feed(b);
            } finally {
                b.release();
            }
        }
        d.end();
        assertThat(d.finished()).isTrue();
        return rec.transcript();
    }

    @ParameterizedTest(name = "{0} size={1} {2}")
    @MethodSource("cases")
    void fixtureMatchesGolden(String name, int size, Memory memory) {
        String sse = Golden.read("dialect/gemini/" + name + ".sse");
        Golden.check("dialect/gemini/" + name + ".hub", decode(sse, size, memory));
    }

    @Test
    void parallelCallsGetOneSlotEachAndStopReadsAsToolCalls() {
        String t = decode(Golden.read("dialect/gemini/tools.sse"), Integer.MAX_VALUE, Memory.HEAP);
        assertThat(t).contains("tool_start 0 id=call_u-AyaaOXNeq_z7IPqq2H-Qs_0 name=get_weather")
                .contains("tool_start 1 id=call_u-AyaaOXNeq_z7IPqq2H-Qs_1 name=get_time")
                .contains("tool_args 1 \"{\\\"tz\\\":\\\"Europe/Paris\\\",\\\"format\\\":{\\\"h24\\\":true,")
                .contains("finish TOOL_CALLS null");
    }

    @Test
    void emptyBodyIsTruncatedWithoutStart() {
        assertThat(decode("", 7, Memory.HEAP))
                .isEqualTo("error 502 api_error \"upstream stream ended before its terminal event\"\n");
    }

    @Test
    void nonJsonEventFailsTheStream() {
        String t = decode("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]}}],"
                + "\"responseId\": \"r1\"}\r\n\r\ndata: <html>\r\n\r\n", 7, Memory.MIXED);
        assertThat(t).startsWith("start id=r1 model=null created=0\ntext \"a\"\nerror 502 api_error");
    }

    @Test
    void contentAfterTheFinishIsIgnoredButUsageStillCounts() {
        String t = decode("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"a\"}]},"
                + "\"finishReason\": \"STOP\"}],\"responseId\": \"r2\"}\r\n\r\n"
                + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"late\"}]}}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 4,\"candidatesTokenCount\": 1,"
                + "\"totalTokenCount\": 5}}\r\n\r\n",
                1, Memory.DIRECT);
        assertThat(t).isEqualTo("start id=r2 model=null created=0\ntext \"a\"\nfinish STOP null\n"
                + "usage 4 1 5 -1 -1 -1\nend\n");
    }

    @Test
    void functionCallIdsFromGemini3AreKept() {
        String t = decode("data: {\"candidates\": [{\"content\": {\"parts\": [{\"functionCall\": {\"id\": \"fc_9x\","
                + "\"name\": \"f\",\"args\": {}},\"thoughtSignature\": \"sig\"}],\"role\": \"model\"},"
                + "\"finishReason\": \"STOP\",\"index\": 0}],\"responseId\": \"r3\"}\r\n\r\n", 7, Memory.HEAP);
        assertThat(t).isEqualTo("start id=r3 model=null created=0\nsignature \"sig\"\n"
                + "tool_start 0 id=fc_9x name=f\ntool_args 0 \"{}\"\nfinish TOOL_CALLS null\nend\n");
    }

    @Test
    void releaseAfterPartialInputLeaksNothing() {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = GeminiDialect.INSTANCE.streamDecoder(rec);
        ByteBuf b = PooledChunks.of("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"par");
        try {
            d.feed(b);
        } finally {
            b.release();
        }
        d.release();
        d.release();
        assertThat(rec.lines()).isEmpty();
    }
}
