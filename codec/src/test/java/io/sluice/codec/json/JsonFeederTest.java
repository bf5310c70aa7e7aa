package io.sluice.codec.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.sluice.codec.testing.Chunks;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

class JsonFeederTest {

    /** A token with its offsets and, for scalars, its value as text. */
    record Tok(JsonToken token, long start, long end, String text) {
    }

    /** Every chunk size in every kind of memory. */
    static Stream<Arguments> sizesAndMemory() {
        return Arrays.stream(Chunks.SIZES).boxed()
                .flatMap(size -> Arrays.stream(Memory.values()).map(memory -> Arguments.of(size, memory)));
    }

    /** Feeds the chunks (releasing each), ends the input and returns every token; the feeder is released. */
    static List<Tok> parse(JsonFeeder feeder, List<ByteBuf> chunks) {
        List<Tok> out = new ArrayList<>();
        try {
            for (ByteBuf chunk : chunks) {
                try {
                    feeder.feed(chunk);
                    drain(feeder, out);
                } finally {
                    chunk.release();
                }
            }
            feeder.endOfInput();
            drain(feeder, out);
            return out;
        } finally {
            feeder.release();
        }
    }

    private static void drain(JsonFeeder feeder, List<Tok> out) {
        JsonToken t;
        while ((t = feeder.nextToken()) != JsonToken.NOT_AVAILABLE && t != null) {
            out.add(new Tok(t, feeder.tokenStart(), feeder.tokenEnd(), t.isScalarValue() || t == JsonToken.FIELD_NAME
                    ? text(feeder.parser()) : null));
        }
    }

    private static String text(JsonParser p) {
        try {
            return p.getText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Tok> parse(String json, int size, Memory memory) {
        return parse(new JsonFeeder(), PooledChunks.split(json, size, memory));
    }

    private static String error(String json, int size, Memory memory) {
        JsonFeeder feeder = new JsonFeeder();
        parse(feeder, PooledChunks.split(json, size, memory));
        return feeder.error();
    }

    private static final String DOC = "  {\"model\" : \"gp\\\"t\", \"n\": 12 , \"x\":[1,{\"a\":true}], \"u\":\"é€\"}  ";

    private static final List<Tok> DOC_TOKENS = List.of(
            new Tok(JsonToken.START_OBJECT, 2, 3, null),
            new Tok(JsonToken.FIELD_NAME, 3, 10, "model"),
            new Tok(JsonToken.VALUE_STRING, 13, 20, "gp\"t"),
            new Tok(JsonToken.FIELD_NAME, 22, 25, "n"),
            new Tok(JsonToken.VALUE_NUMBER_INT, 27, 29, "12"),
            new Tok(JsonToken.FIELD_NAME, 32, 35, "x"),
            new Tok(JsonToken.START_ARRAY, 36, 37, null),
            new Tok(JsonToken.VALUE_NUMBER_INT, 37, 38, "1"),
            new Tok(JsonToken.START_OBJECT, 39, 40, null),
            new Tok(JsonToken.FIELD_NAME, 40, 43, "a"),
            new Tok(JsonToken.VALUE_TRUE, 44, 48, "true"),
            new Tok(JsonToken.END_OBJECT, 48, 49, null),
            new Tok(JsonToken.END_ARRAY, 49, 50, null),
            new Tok(JsonToken.FIELD_NAME, 52, 55, "u"),
            new Tok(JsonToken.VALUE_STRING, 56, 63, "é€"),  // 2 + 3 UTF-8 bytes between the quotes
            new Tok(JsonToken.END_OBJECT, 63, 64, null));

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void absoluteOffsetsOfEveryTokenAcrossFeeds(int size, Memory memory) {
        assertThat(parse(DOC, size, memory)).isEqualTo(DOC_TOKENS);
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void offsetsDelimitTheRawTokenBytes(int size, Memory memory) {
        String json = "{\"model\":\"a\\\"b\",\"messages\":[{\"role\":\"user\",\"content\":\"h\\u00e9 \\n 中文 😀\"}],"
                + "\"temperature\":-0.5e-3,\"stream\":false,\"tools\":null,\"n\":\t\r\n2}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        List<Tok> toks = parse(json, size, memory);
        assertThat(toks).hasSize(21);
        for (Tok t : toks) {
            String raw = new String(bytes, (int) t.start(), (int) (t.end() - t.start()), StandardCharsets.UTF_8);
            switch (t.token()) {
                case START_OBJECT -> assertThat(raw).isEqualTo("{");
                case END_OBJECT -> assertThat(raw).isEqualTo("}");
                case START_ARRAY -> assertThat(raw).isEqualTo("[");
                case END_ARRAY -> assertThat(raw).isEqualTo("]");
                case FIELD_NAME, VALUE_STRING -> {
                    assertThat(raw).startsWith("\"").endsWith("\"");
                    assertThat(decode(raw)).isEqualTo(t.text());
                }
                default -> assertThat(raw).isEqualTo(t.text());
            }
        }
        assertThat(toks.get(2)).isEqualTo(new Tok(JsonToken.VALUE_STRING, 9, 15, "a\"b"));
    }

    /** The value of a raw JSON string literal. */
    private static String decode(String literal) {
        return parse("[" + literal + "]", Integer.MAX_VALUE, Memory.HEAP).get(1).text();
    }

    @Test
    void jacksonsOwnTokenLocationIsOffByOneSoWeComputeIt() {
        // If this starts failing, jackson fixed its non-blocking token locations; offsets could come from it again.
        JsonFeeder feeder = new JsonFeeder();
        ByteBuf chunk = PooledChunks.of("{\"model\":\"x\"}");
        feeder.feed(chunk);
        List<Long> jacksonStarts = new ArrayList<>();
        List<Long> jacksonEnds = new ArrayList<>();
        List<Long> ourStarts = new ArrayList<>();
        JsonToken t;
        while ((t = feeder.nextToken()) != JsonToken.NOT_AVAILABLE && t != null) {
            jacksonStarts.add(feeder.parser().currentTokenLocation().getByteOffset());
            jacksonEnds.add(feeder.parser().currentLocation().getByteOffset());
            ourStarts.add(feeder.tokenStart());
        }
        chunk.release();
        feeder.release();
        assertThat(ourStarts).containsExactly(0L, 1L, 9L, 12L);
        assertThat(jacksonStarts).containsExactly(1L, 2L, 10L, 12L);
        assertThat(jacksonEnds).containsExactly(1L, 8L, 12L, 13L); // the ends are right: we use them
    }

    @Test
    void compositeChunksOfHeapAndDirectComponents() {
        for (boolean heapFirst : new boolean[] {true, false}) {
            byte[] bytes = DOC.getBytes(StandardCharsets.UTF_8);
            List<ByteBuf> parts = PooledChunks.split(bytes, 5, heapFirst ? Memory.MIXED : Memory.DIRECT);
            List<ByteBuf> chunks = new ArrayList<>();
            // Three composites of several components each, the middle one starting with an empty component.
            for (int c = 0; c < 3; c++) {
                CompositeByteBuf composite = ByteBufAllocator.DEFAULT.compositeBuffer();
                if (c == 1) {
                    composite.addComponent(true, ByteBufAllocator.DEFAULT.heapBuffer(0));
                }
                for (int i = c * parts.size() / 3; i < (c + 1) * parts.size() / 3; i++) {
                    composite.addComponent(true, parts.get(i));
                }
                chunks.add(composite);
            }
            assertThat(parse(new JsonFeeder(), chunks)).isEqualTo(DOC_TOKENS);
        }
    }

    @Test
    void heapChunksWithReaderAndArrayOffsets() {
        // A slice has a non-zero arrayOffset; a skipped prefix moves the readerIndex: both must be added, and the
        // feeder passes jackson an end offset, not a length.
        ByteBuf backing = PooledChunks.of("xxxx[1,\"ab\"]yy");
        ByteBuf slice = backing.retainedSlice(2, 11); // "xx[1,\"ab\"]y"
        backing.release();
        slice.readerIndex(2).writerIndex(10);         // "[1,\"ab\"]"
        assertThat(slice.arrayOffset()).isNotZero();
        List<Tok> toks = parse(new JsonFeeder(), List.of(slice));
        assertThat(toks).extracting(Tok::text).containsExactly(null, "1", "ab", null);
        assertThat(toks.get(2)).isEqualTo(new Tok(JsonToken.VALUE_STRING, 3, 7, "ab"));
    }

    @Test
    void holdsTheChunkOnlyUntilJacksonConsumedIt() {
        JsonFeeder feeder = new JsonFeeder();
        ByteBuf chunk = PooledChunks.direct("{\"a\":[1,2");
        feeder.feed(chunk);
        assertThat(chunk.refCnt()).isEqualTo(2);
        assertThat(feeder.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        assertThat(chunk.refCnt()).isEqualTo(2); // jackson may still point into it
        JsonToken t;
        do {
            t = feeder.nextToken();
        } while (t != JsonToken.NOT_AVAILABLE);
        assertThat(chunk.refCnt()).isEqualTo(1);
        chunk.release();

        ByteBuf next = PooledChunks.of("]}");
        feeder.feed(next);
        assertThat(feeder.nextToken()).isEqualTo(JsonToken.VALUE_NUMBER_INT); // "2", completed by the next chunk
        assertThat(feeder.tokenStart()).isEqualTo(8);
        feeder.release(); // mid-chunk: gives the chunk back
        assertThat(next.refCnt()).isEqualTo(1);
        next.release();
        assertThat(feeder.nextToken()).isNull();
    }

    @Test
    void feedingBeforeDrainingIsAMisuse() {
        JsonFeeder feeder = new JsonFeeder();
        ByteBuf a = PooledChunks.of("[1,");
        ByteBuf b = PooledChunks.of("2]");
        feeder.feed(a);
        assertThatThrownBy(() -> feeder.feed(b)).isInstanceOf(IllegalStateException.class);
        feeder.release();
        a.release();
        b.release();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void emptyAndBlankInputEndWithoutError(int size) {
        assertThat(parse(new JsonFeeder(), List.of())).isEmpty();
        JsonFeeder blank = new JsonFeeder();
        assertThat(parse(blank, PooledChunks.split(" \n\t ", size, Memory.MIXED))).isEmpty();
        assertThat(blank.error()).isNull();
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void malformedInputIsAnErrorNotAnException(int size, Memory memory) {
        assertThat(error("{\"model\":\"gpt\",}", size, memory))
                .isEqualTo("Unexpected character ('}' (code 125)): was expecting double-quote to start field name"
                        + " at byte 15");
        assertThat(error("{\"a\":1 \"b\":2}", size, memory)).isEqualTo(
                "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries at byte 7");
        assertThat(error("[1,]", size, memory))
                .startsWith("Unexpected character (']' (code 93)): expected a valid value")
                .endsWith(" at byte 3");
        assertThat(error("{\"a\":\"\\q\"}", size, memory))
                .isEqualTo("Unrecognized character escape 'q' (code 113) at byte 7");
        assertThat(error("{\"a\":1", size, memory))
                .isEqualTo("Unexpected end-of-input: expected close marker for Object at byte 6");
        assertThat(error("{\"a\":\"abc", size, memory)).isEqualTo("Unexpected end-of-input: was expecting rest of token"
                + " at byte 9");
        assertThat(error("{}}", size, memory))
                .isEqualTo("Unexpected close marker '}': no open Object to close at byte 2");
        assertThat(error("{\"a\":\"\u0001\"}", size, memory))
                .startsWith("Illegal unquoted character ((CTRL-CHAR, code 1))");
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void invalidUtf8IsAnError(int size, Memory memory) {
        byte[] truncated = {'[', '"', (byte) 0xE2, (byte) 0x82, '"', ']'};
        JsonFeeder feeder = new JsonFeeder();
        parse(feeder, PooledChunks.split(truncated, size, memory));
        assertThat(feeder.error()).startsWith("Invalid UTF-8 middle byte 0x22");
    }

    @Test
    void closingAfterCommaOrColonIsRejectedWhereverTheChunksSplit() {
        // Jackson's non-blocking parser accepts these when a chunk ends right after the ',' or ':'.
        String[] bad = {"{\"a\":1,}", "{\"a\":}", "{\"a\": \n}", "{\"a\":{} , }", "[1,]", "{\"a\":[{\"b\":2},]}",
                        "{\"stream_options\":{\"include_usage\":true,},\"model\":\"x\"}"};
        for (String json : bad) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut <= bytes.length; cut++) {
                List<ByteBuf> chunks = new ArrayList<>();
                chunks.add(ByteBufAllocator.DEFAULT.heapBuffer().writeBytes(bytes, 0, cut));
                chunks.add(ByteBufAllocator.DEFAULT.heapBuffer().writeBytes(bytes, cut, bytes.length - cut));
                JsonFeeder feeder = new JsonFeeder();
                parse(feeder, chunks);
                assertThat(feeder.error()).as("%s cut at %d", json, cut).isNotNull().contains("Unexpected character");
            }
        }
        assertThat(error("{\"a\":1,}", 7, Memory.HEAP)).isEqualTo(
                "Unexpected character ('}' (code 125)): was expecting double-quote to start field name at byte 7");
        assertThat(error("{\"a\": }", 6, Memory.HEAP)).isEqualTo("Unexpected character ('}' (code 125)): expected a"
                + " valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at byte 6");
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void inputAfterAFailureIsIgnored(int size, Memory memory) {
        JsonFeeder feeder = new JsonFeeder();
        List<ByteBuf> chunks = new ArrayList<>(PooledChunks.split("[1,,2]", size, memory));
        chunks.addAll(PooledChunks.split("[3]", size, memory));
        List<Tok> toks = parse(feeder, chunks);
        assertThat(toks).extracting(Tok::token).containsExactly(JsonToken.START_ARRAY, JsonToken.VALUE_NUMBER_INT);
        assertThat(feeder.error()).contains("at byte 3");
        assertThat(feeder.nextToken()).isNull();
    }

    @ParameterizedTest
    @MethodSource("sizesAndMemory")
    void severalRootValuesAreReportedForTheCallerToJudge(int size, Memory memory) {
        List<Tok> toks = parse("{} 42 \"x\"", size, memory);
        assertThat(toks).containsExactly(new Tok(JsonToken.START_OBJECT, 0, 1, null),
                new Tok(JsonToken.END_OBJECT, 1, 2, null), new Tok(JsonToken.VALUE_NUMBER_INT, 3, 5, "42"),
                new Tok(JsonToken.VALUE_STRING, 6, 9, "x"));
    }
}
