package io.sluice.codec.json;

import static io.sluice.codec.sse.SseRecorder.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.json.ChatRequestScanner.Result;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

class ChatRequestScannerTest {

    static Stream<Arguments> sizesAndMemory() {
        return JsonFeederTest.sizesAndMemory();
    }

    /** Scans {@code body} fed in chunks of {@code size}, releasing each chunk right after its feed call. */
    static ChatRequestScanner scan(String body, int size, Memory memory) {
        ChatRequestScanner scanner = new ChatRequestScanner();
        for (ByteBuf chunk : PooledChunks.split(body, size, memory)) {
            try {
                scanner.feed(chunk);
            } finally {
                chunk.release();
            }
        }
        scanner.end();
        return scanner;
    }

    private static String errorOf(String body, int size) {
        ChatRequestScanner s = scan(body, size, Memory.MIXED);
        assertThat(s.end()).isEqualTo(Result.ERROR);
        return s.error();
    }

    /** The raw bytes of the model value, by the scanner's offsets. */
    private static String rawModel(String body, ChatRequestScanner s) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new String(bytes, s.modelStart(), s.modelEnd() - s.modelStart(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void realRequestReadsOnlyTopLevelFields(int size, Memory memory) {
        String body = fixture("openai-chat-request.json");
        ChatRequestScanner s = scan(body, size, memory);

        assertThat(s.end()).isEqualTo(Result.OK);
        assertThat(s.error()).isNull();
        assertThat(s.model()).isEqualTo("gpt-4o");
        assertThat(rawModel(body, s)).isEqualTo("\"gpt-4o\"");
        assertThat(s.stream()).isTrue();
        assertThat(s.includeUsage()).isTrue();
        assertThat(s.multipleChoices()).isFalse();
    }

    @Test
    void everyTwoWaySplitGivesTheSameResult() {
        byte[] body = fixture("openai-chat-request.json").getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= body.length; cut++) {
            ChatRequestScanner s = new ChatRequestScanner();
            for (byte[] part : List.of(Arrays.copyOfRange(body, 0, cut), Arrays.copyOfRange(body, cut, body.length))) {
                ByteBuf chunk = ByteBufAllocator.DEFAULT.directBuffer(part.length).writeBytes(part);
                s.feed(chunk);
                chunk.release();
            }
            assertThat(s.end()).as("cut at %d", cut).isEqualTo(Result.OK);
            assertThat(s.model()).isEqualTo("gpt-4o");
            assertThat(new String(body, s.modelStart(), s.modelEnd() - s.modelStart(), StandardCharsets.UTF_8))
                    .as("cut at %d", cut).isEqualTo("\"gpt-4o\"");
            assertThat(s.stream() && s.includeUsage() && !s.multipleChoices()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void escapedAndUnicodeModelNamesKeepTheirRawOffsets(int size, Memory memory) {
        String body = "{\"model\":\"a\\\"b\",\"stream\":false}";
        ChatRequestScanner s = scan(body, size, memory);
        assertThat(s.model()).isEqualTo("a\"b");
        assertThat(s.modelStart()).isEqualTo(9);
        assertThat(s.modelEnd()).isEqualTo(15);
        assertThat(rawModel(body, s)).isEqualTo("\"a\\\"b\"");

        String unicode = " {\r\n\t\"stream\" : true ,\n \"model\" :\t\"模型-\\u00e9😀\"\n}\n";
        ChatRequestScanner u = scan(unicode, size, memory);
        assertThat(u.end()).isEqualTo(Result.OK);
        assertThat(u.model()).isEqualTo("模型-é😀");
        assertThat(rawModel(unicode, u)).isEqualTo("\"模型-\\u00e9😀\"");
        assertThat(u.stream()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void defaults(int size) {
        ChatRequestScanner s = scan("{\"messages\":[]}", size, Memory.MIXED);
        assertThat(s.end()).isEqualTo(Result.OK);
        assertThat(s.model()).isNull();
        assertThat(s.modelStart()).isEqualTo(-1);
        assertThat(s.modelEnd()).isEqualTo(-1);
        assertThat(s.stream()).isFalse();
        assertThat(s.includeUsage()).isFalse();
        assertThat(s.multipleChoices()).isFalse();

        ChatRequestScanner nulls = scan("{\"stream\":null,\"stream_options\":null,\"n\":null,\"model\":\"m\"}", size,
                Memory.HEAP);
        assertThat(nulls.end()).isEqualTo(Result.OK);
        assertThat(nulls.stream()).isFalse();
        assertThat(nulls.includeUsage()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void includeUsageOnlyDirectlyUnderTopLevelStreamOptions(int size) {
        assertThat(scan("{\"stream_options\":{\"include_usage\":true}}", size, Memory.DIRECT).includeUsage()).isTrue();
        assertThat(scan("{\"stream_options\":{\"include_usage\":\"yes\"}}", size, Memory.DIRECT).includeUsage())
                .isFalse();
        assertThat(scan("{\"stream_options\":{\"x\":{\"include_usage\":true}}}", size, Memory.DIRECT).includeUsage())
                .isFalse();
        assertThat(scan("{\"meta\":{\"stream_options\":{\"include_usage\":true}}}", size, Memory.DIRECT)
                .includeUsage()).isFalse();
        assertThat(scan("{\"include_usage\":true}", size, Memory.DIRECT).includeUsage()).isFalse();
        assertThat(scan("{\"stream_options\":[{\"include_usage\":true}]}", size, Memory.DIRECT).includeUsage())
                .isFalse();
        // Fields after a nested stream_options are still read.
        ChatRequestScanner s = scan("{\"stream_options\":{\"a\":[{}],\"include_usage\":true,\"b\":1},\"stream\":true}",
                size, Memory.DIRECT);
        assertThat(s.includeUsage()).isTrue();
        assertThat(s.stream()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void nAboveOne(int size) {
        for (String n : List.of("2", "128", "99999999999", "123456789012345678901234567890")) {
            assertThat(scan("{\"n\":" + n + "}", size, Memory.MIXED).multipleChoices()).as(n).isTrue();
        }
        for (String n : List.of("1", "0", "-3", "-99999999999", "2.0", "\"2\"", "[2]", "null")) {
            ChatRequestScanner s = scan("{\"n\":" + n + ",\"model\":\"m\"}", size, Memory.MIXED);
            assertThat(s.multipleChoices()).as(n).isFalse();
            assertThat(s.model()).isEqualTo("m");
        }
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void fieldErrors(int size) {
        assertThat(errorOf("{\"model\":42}", size)).isEqualTo("`model` must be a string");
        assertThat(errorOf("{\"model\":null}", size)).isEqualTo("`model` must be a string");
        assertThat(errorOf("{\"model\":{\"name\":\"gpt-4o\"}}", size)).isEqualTo("`model` must be a string");
        assertThat(errorOf("{\"model\":\"a\",\"x\":1,\"model\":\"b\"}", size)).isEqualTo("duplicate `model` field");
        assertThat(errorOf("{\"stream\":\"true\"}", size)).isEqualTo("`stream` must be a boolean");
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void bodyMustBeExactlyOneObject(int size) {
        assertThat(errorOf("", size)).isEqualTo("request body is empty");
        assertThat(errorOf(" \r\n ", size)).isEqualTo("request body is empty");
        assertThat(errorOf("[{\"model\":\"x\"}]", size)).isEqualTo("request body must be a JSON object, not an array");
        assertThat(errorOf("\"gpt-4o\"", size)).isEqualTo("request body must be a JSON object, not a string");
        assertThat(errorOf("42", size)).isEqualTo("request body must be a JSON object, not a number");
        assertThat(errorOf("null", size)).isEqualTo("request body must be a JSON object, not null");
        assertThat(errorOf("{\"model\":\"x\"}{}", size))
                .isEqualTo("request body has data after the JSON object at byte 13");
        assertThat(errorOf("{\"model\":\"x\"}\n7", size))
                .isEqualTo("request body has data after the JSON object at byte 14");
        assertThat(errorOf("{\"model\":\"x\"} garbage", size)).startsWith("request body is not valid JSON:"
                + " Unexpected character ('g' (code 103))").endsWith(" at byte 14");
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void malformedJson(int size) {
        assertThat(errorOf("{\"model\":\"gpt-4o\",}", size)).isEqualTo("request body is not valid JSON: Unexpected"
                + " character ('}' (code 125)): was expecting double-quote to start field name at byte 18");
        assertThat(errorOf("{\"model\":\"gpt-4o\"", size)).isEqualTo("request body is not valid JSON: Unexpected"
                + " end-of-input: expected close marker for Object at byte 17");
        assertThat(errorOf("{\"model\":\"gpt-4o", size)).startsWith("request body is not valid JSON: Unexpected"
                + " end-of-input");
        assertThat(errorOf("{\"messages\":[{\"role\":\"user\",}],\"model\":\"m\"}", size))
                .startsWith("request body is not valid JSON: Unexpected character ('}' (code 125))");
        assertThat(errorOf("{\"temperature\":.5}", size)).startsWith("request body is not valid JSON: Unexpected"
                + " character ('.' (code 46))");
        assertThat(errorOf("{'model':'x'}", size)).startsWith("request body is not valid JSON: Unexpected character"
                + " (''' (code 39)): was expecting double-quote to start field name at byte 1");
    }

    @Test
    void malformedTailAfterTheModelStillFails() {
        // The model is read early, but a broken body is refused as a whole.
        String body = "{\"model\":\"gpt-4o\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hi\"},".repeat(50) + "]}";
        ChatRequestScanner s = scan(body, 7, Memory.MIXED);
        assertThat(s.model()).isEqualTo("gpt-4o");
        assertThat(s.end()).isEqualTo(Result.ERROR);
        assertThat(s.error()).startsWith("request body is not valid JSON: Unexpected character (']' (code 93))");
    }

    @Test
    void inputAfterAnErrorIsIgnoredAndEndIsIdempotent() {
        ChatRequestScanner s = new ChatRequestScanner();
        for (String part : List.of("{\"model\":", "7}", "{\"model\":\"late\"}")) {
            ByteBuf chunk = PooledChunks.of(part);
            s.feed(chunk);
            chunk.release();
        }
        assertThat(s.error()).isEqualTo("`model` must be a string");
        assertThat(s.model()).isNull();
        assertThat(s.end()).isEqualTo(Result.ERROR);
        assertThat(s.end()).isEqualTo(Result.ERROR);
    }

    @Test
    void abandonedScanIsReleased() {
        ChatRequestScanner s = new ChatRequestScanner();
        ByteBuf chunk = PooledChunks.direct("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"us");
        s.feed(chunk);
        assertThat(chunk.refCnt()).isEqualTo(1); // nothing kept between calls
        chunk.release();
        assertThat(s.model()).isEqualTo("gpt-4o");
        s.release();
    }

    @Test
    void offsetsCountFromTheFirstByteFedAcrossManyChunks() {
        String padding = " ".repeat(5000);
        String body = "{" + padding + "\"messages\":[" + "{\"role\":\"user\",\"content\":\"x\"},".repeat(200)
                + "{}]," + padding + "\"model\" : \"late-model\"}";
        for (int size : new int[] {1, 7, 4096, Integer.MAX_VALUE}) {
            ChatRequestScanner s = scan(body, size, Memory.MIXED);
            assertThat(s.end()).isEqualTo(Result.OK);
            assertThat(rawModel(body, s)).isEqualTo("\"late-model\"");
            assertThat(s.modelStart()).isEqualTo(body.indexOf("\"late-model\""));
        }
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void deepNestingIsSkipped(int size) {
        String deep = "[".repeat(200) + "]".repeat(200);
        ChatRequestScanner s = scan("{\"x\":" + deep + ",\"model\":\"m\",\"y\":{\"a\":{\"b\":{}}},\"stream\":true}",
                size, Memory.HEAP);
        assertThat(s.end()).isEqualTo(Result.OK);
        assertThat(s.model()).isEqualTo("m");
        assertThat(s.stream()).isTrue();
        assertThat(s.error()).isNull();
    }
}
