package io.sluice.codec.json;

import static io.sluice.codec.sse.SseRecorder.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.codec.sse.SseFramer;
import io.sluice.codec.sse.SseListener;
import io.sluice.codec.sse.SseRecorder;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

class UsageScannerTest {

    private static final Usage FINAL_CHUNK_USAGE = new Usage(9, 12, 21, 0, 0);
    private static final String USAGE_NULL_CHUNK = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1,\"model\":\"gpt-4o\",\"system_fingerprint\":\"fp_f33667828e\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";

    static Stream<Arguments> sizesAndMemory() {
        return JsonFeederTest.sizesAndMemory();
    }

    /** What the passthrough does per SSE event: check for [DONE], an error, and usage. */
    private static final class Passthrough implements SseListener {
        final UsageScanner scanner = new UsageScanner();
        final List<Usage> perEvent = new ArrayList<>();
        int done;
        int errors;

        @Override
        public void onEvent(String event, ByteBuf data) {
            try {
                int readerIndex = data.readerIndex();
                perEvent.add(scanner.scanSseData(data));
                done += UsageScanner.isDone(data) ? 1 : 0;
                errors += UsageScanner.errorIn(data) ? 1 : 0;
                assertThat(data.readerIndex()).isEqualTo(readerIndex);
            } finally {
                data.release();
            }
        }
    }

    private static boolean errorIn(String data) {
        ByteBuf buf = PooledChunks.of(data);
        try {
            return UsageScanner.errorIn(buf);
        } finally {
            buf.release();
        }
    }

    private static Usage sse(String data) {
        ByteBuf buf = PooledChunks.direct(data);
        try {
            return new UsageScanner().scanSseData(buf);
        } finally {
            buf.release();
        }
    }

    private static UsageScanner json(String body, int size, Memory memory) {
        UsageScanner scanner = new UsageScanner();
        for (ByteBuf chunk : PooledChunks.split(body, size, memory)) {
            try {
                scanner.scanJson(chunk);
            } finally {
                chunk.release();
            }
        }
        scanner.release();
        return scanner;
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void streamingChunksWithAFinalUsageChunk(int size) {
        SseFramer framer = new SseFramer(64 * 1024);
        Passthrough pass = new Passthrough();
        SseRecorder.feed(framer, fixture("openai-chat-stream.txt"), size, pass);
        assertThat(framer.end()).isFalse();

        // Only the usage chunk yields usage; the "\"usage\": {}" inside a content string does not.
        assertThat(pass.perEvent).containsExactly(null, null, null, null, FINAL_CHUNK_USAGE, null);
        assertThat(pass.scanner.usage()).isEqualTo(FINAL_CHUNK_USAGE);
        assertThat(pass.done).isEqualTo(1);
        assertThat(pass.errors).isZero();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void streamWithoutUsage(int size) {
        SseFramer framer = new SseFramer(64 * 1024);
        Passthrough pass = new Passthrough();
        SseRecorder.feed(framer, fixture("openai-chat-tools-stream.txt"), size, pass);
        framer.end();
        assertThat(pass.scanner.usage()).isNull();
        assertThat(pass.done).isEqualTo(1);
    }

    @Test
    void upstreamErrorInsideA200Stream() {
        SseFramer framer = new SseFramer(64 * 1024);
        Passthrough pass = new Passthrough();
        SseRecorder.feed(framer, "data: " + USAGE_NULL_CHUNK + "\n\n"
                + "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\","
                + "\"code\":null}}\n\n",
                7, pass);
        framer.end();
        assertThat(pass.errors).isEqualTo(1);
        assertThat(pass.done).isZero();
    }

    @Test
    void usageFieldsAndTheirAbsence() {
        assertThat(sse("{\"choices\":[],\"usage\":{\"prompt_tokens\":5}}")).isEqualTo(new Usage(5, -1, -1, -1, -1));
        assertThat(sse("{\"usage\" : {}}")).isEqualTo(new Usage(-1, -1, -1, -1, -1));
        assertThat(sse("{\"usage\":{\"prompt_tokens\":-5,\"completion_tokens\":12.0,\"total_tokens\":1.5,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":99999999999999999999999},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":\"7\"}}}"))
                .isEqualTo(new Usage(-1, 12, -1, -1, -1));
        // Details are read only under their own parent.
        assertThat(sse("{\"usage\":{\"prompt_tokens_details\":{\"reasoning_tokens\":3},"
                + "\"completion_tokens_details\":{\"cached_tokens\":4},\"cached_tokens\":5,"
                + "\"x\":{\"total_tokens\":6}}}"))
                .isEqualTo(new Usage(-1, -1, -1, -1, -1));
        assertThat(sse("{\"usage\":{\"prompt_tokens_details\":null,\"completion_tokens_details\":[1],"
                + "\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}"))
                .isEqualTo(new Usage(1, 2, 3, -1, -1));
    }

    @Test
    void onlyTopLevelUsageCounts() {
        assertThat(sse(USAGE_NULL_CHUNK)).isNull();
        assertThat(sse("{\"choices\":[{\"delta\":{\"usage\":{\"prompt_tokens\":1}}}],\"usage\":null}")).isNull();
        assertThat(sse("[{\"usage\":{\"prompt_tokens\":1}}]")).isNull();
        assertThat(sse("{\"usage\":{\"prompt_tokens\":1,")).isNull(); // never closed: not a report
        assertThat(sse("{\"usage\":{\"prompt_tokens\":1}} trailing")).isEqualTo(new Usage(1, -1, -1, -1, -1));
    }

    @Test
    void keepsTheLastUsage() {
        UsageScanner scanner = new UsageScanner();
        for (String data : List.of("{\"usage\":{\"total_tokens\":1}}", USAGE_NULL_CHUNK,
                "{\"usage\":{\"total_tokens\":2}}", "[DONE]")) {
            ByteBuf buf = PooledChunks.of(data);
            scanner.scanSseData(buf);
            buf.release();
        }
        assertThat(scanner.usage().totalTokens()).isEqualTo(2);
    }

    @Test
    void payloadsWithoutUsageAreScannedWithoutAllocating() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Unpooled heap buffers are not leak-tracked, so the leak detector's own records do not count here.
        ByteBuf nullUsage = Unpooled.wrappedBuffer(USAGE_NULL_CHUNK.getBytes(StandardCharsets.UTF_8));
        ByteBuf noUsage = Unpooled.wrappedBuffer(
                USAGE_NULL_CHUNK.replace(",\"usage\":null", "").getBytes(StandardCharsets.UTF_8));
        ByteBuf tricky = Unpooled.wrappedBuffer("{\"choices\":[{\"delta\":{\"content\":\"\\\"usage\\\": {\"}}]}"
                .getBytes(StandardCharsets.UTF_8));
        UsageScanner scanner = new UsageScanner();
        int found = 0;
        for (int i = 0; i < 20_000; i++) { // warm up
            found += scanner.scanSseData(nullUsage) == null ? 0 : 1;
            found += scanner.scanSseData(noUsage) == null ? 0 : 1;
            found += scanner.scanSseData(tricky) == null ? 0 : 1;
            found += UsageScanner.errorIn(nullUsage) || UsageScanner.isDone(nullUsage) ? 1 : 0;
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20_000; i++) {
            found += scanner.scanSseData(nullUsage) == null ? 0 : 1;
            found += scanner.scanSseData(noUsage) == null ? 0 : 1;
            found += scanner.scanSseData(tricky) == null ? 0 : 1;
            found += UsageScanner.errorIn(nullUsage) || UsageScanner.isDone(nullUsage) ? 1 : 0;
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(found).isZero();
        assertThat(allocated).as("bytes allocated by 80,000 scans").isLessThan(8_000);
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void nonStreamingBody(int size, Memory memory) {
        UsageScanner scanner = json(fixture("openai-chat-response.json"), size, memory);
        // The decoy usage objects in a choice, a content string and tool arguments are not top level.
        assertThat(scanner.usage()).isEqualTo(new Usage(1117, 46, 1163, 1024, 12));
        assertThat(scanner.errorInJson()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void nonStreamingErrorBody(int size, Memory memory) {
        UsageScanner scanner = json("{\n  \"error\": {\n    \"message\": \"Rate limit reached\","
                + "\n    \"type\": \"requests\",\n    \"param\": null,\n    \"code\": \"rate_limit_exceeded\""
                + "\n  }\n}\n", size, memory);
        assertThat(scanner.errorInJson()).isTrue();
        assertThat(scanner.usage()).isNull();
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void malformedBodyKeepsWhatWasFoundAndThrowsNothing(int size, Memory memory) {
        UsageScanner scanner = json("{\"usage\":{\"prompt_tokens\":3,\"total_tokens\":4},\"choices\":[,]}",
                size, memory);
        assertThat(scanner.usage()).isEqualTo(new Usage(3, -1, 4, -1, -1));
        assertThat(json("<html>502 Bad Gateway</html>", size, memory).usage()).isNull();
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void rootMembersOfEveryShape(int size, Memory memory) {
        // Error as a string counts; error null does not; scalars end at ',' or the root's '}'.
        assertThat(json("{\"error\":\"overloaded, try \\\"later\\\" }\",\"usage\":null}", size, memory).errorInJson())
                .isTrue();
        assertThat(json("{\"error\" : null , \"id\":1}", size, memory).errorInJson()).isFalse();
        assertThat(json("{\"id\":\"x\",\"usage\":null}", size, memory).usage()).isNull();
        // Strings holding braces, colons and escaped quotes do not confuse the nesting.
        UsageScanner s = json("{\"a\":\"}{:,\\\"\",\"b\":[{\"usage\":{\"total_tokens\":9}}],"
                + "\"usage\" :\n {\"prompt_tokens\":2,\"x\":\"}\"},\"z\":{}}", size, memory);
        assertThat(s.usage()).isEqualTo(new Usage(2, -1, -1, -1, -1));
        assertThat(s.errorInJson()).isFalse();
        // A member merely named like one, at depth 2 or as a value, is not it.
        assertThat(json("{\"usages\":{\"total_tokens\":1},\"k\":\"usage\",\"o\":{\"error\":{}}}", size, memory)
                .usage()).isNull();
        assertThat(json("{\"o\":{\"error\":{\"message\":\"x\"}}}", size, memory).errorInJson()).isFalse();
    }

    @Test
    void stopsParsingAtTheEndOfTheRootObject() {
        UsageScanner scanner = new UsageScanner();
        for (String part : List.of("{\"usage\":{\"total_tokens\":7}}", "{\"usage\":{\"total_tokens\":8}}")) {
            ByteBuf chunk = PooledChunks.of(part);
            scanner.scanJson(chunk);
            assertThat(chunk.refCnt()).isEqualTo(1); // nothing kept between calls
            chunk.release();
        }
        assertThat(scanner.usage().totalTokens()).isEqualTo(7);
        scanner.release();
        scanner.release();
    }

    @Test
    void abandonedBodyIsReleased() {
        UsageScanner scanner = new UsageScanner();
        ByteBuf chunk = PooledChunks.direct("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"hel");
        scanner.scanJson(chunk);
        chunk.release();
        scanner.release();
        assertThat(scanner.usage()).isNull();
    }

    @Test
    void done() {
        for (String yes : List.of("[DONE]", " [DONE]", "[DONE] \r\n")) {
            ByteBuf buf = PooledChunks.of(yes);
            assertThat(UsageScanner.isDone(buf)).as(yes).isTrue();
            buf.release();
        }
        for (String no : List.of("", "[DONE", "[DONE]x", "[done]", "\"[DONE]\"", "{}")) {
            ByteBuf buf = PooledChunks.of(no);
            assertThat(UsageScanner.isDone(buf)).as(no).isFalse();
            buf.release();
        }
    }

    @Test
    void errorObjects() {
        assertThat(errorIn("{\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\"}}")).isTrue();
        assertThat(errorIn("{\"id\":\"x\", \"error\" :\n \"boom\"}")).isTrue();
        assertThat(errorIn("{\"error\":null,\"choices\":[]}")).isFalse();
        assertThat(errorIn("{\"choices\":[{\"error\":{\"message\":\"nested\"}}]}")).isFalse();
        assertThat(errorIn("{\"choices\":[{\"delta\":{\"content\":\"\\\"error\\\": {\"}}]}")).isFalse();
        assertThat(errorIn(USAGE_NULL_CHUNK)).isFalse();
        assertThat(errorIn("[DONE]")).isFalse();
    }

    private static int contentBytes(String data) {
        ByteBuf buf = Unpooled.copiedBuffer(data, StandardCharsets.UTF_8);
        try {
            return UsageScanner.contentBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static boolean emptyChoices(String data) {
        ByteBuf buf = Unpooled.copiedBuffer(data, StandardCharsets.UTF_8);
        try {
            return UsageScanner.emptyChoices(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void contentBytesCountTheTextNotTheJson() {
        assertThat(contentBytes("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"tok \"}}]}"))
                .isEqualTo(4);
        assertThat(contentBytes("{\"choices\":[{\"delta\":{\"content\" : \"a\\\"b\"}}]}")).isEqualTo(4);
        assertThat(contentBytes("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":"
                + "\"{\\\"x\\\":1}\"}}]}}]}")).isEqualTo(9);
        assertThat(contentBytes("{\"choices\":[{\"delta\":{\"content\":null}}],\"x\":\"content\"}")).isZero();
        assertThat(contentBytes("{\"choices\":[{\"delta\":{\"content\":\"cut")).isEqualTo(3);
    }

    @Test
    void emptyChoicesIsTheUsageOnlyChunk() {
        assertThat(emptyChoices("{\"choices\": [ ],\"usage\":{}}")).isTrue();
        assertThat(emptyChoices("{\"choices\":[{\"index\":0}],\"usage\":{}}")).isFalse();
        assertThat(emptyChoices("{\"usage\":{}}")).isFalse();
    }
}
