package io.sluice.codec.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.codec.json.JsonShape.State;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** {@link JsonShape}: whole, cut and broken bodies, fed 1 byte, 7 bytes and whole. */
class JsonShapeTest {

    private static State shape(String json, int size) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        JsonShape s = new JsonShape();
        State st = State.INCOMPLETE;
        for (int i = 0; i < b.length; i += size) {
            ByteBuf piece = Unpooled.wrappedBuffer(b, i, Math.min(size, b.length - i));
            st = s.feed(piece);
            assertThat(piece.readerIndex()).isZero();
        }
        assertThat(s.state()).isEqualTo(st);
        return st;
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void wholeDocumentsAreComplete(int size) {
        assertThat(shape("{\"id\":\"c\",\"choices\":[{\"message\":{\"content\":\"a } ] \\\" \\\\\"}}],"
                + "\"usage\":{\"prompt_tokens\":1}}\n", size)).isEqualTo(State.COMPLETE);
        assertThat(shape("  [1, 2.5e3, true, null, \"x\", {}]\r\n ", size)).isEqualTo(State.COMPLETE);
        assertThat(shape("{\"emoji\":\"\uD83D\uDE00 caf\u00e9\"}", size)).isEqualTo(State.COMPLETE);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void cutDocumentsAreIncomplete(int size) {
        String whole = "{\"id\":\"c\",\"choices\":[{\"message\":{\"content\":\"hello\"}}]}";
        for (int cut = 1; cut < whole.length(); cut++) {
            assertThat(shape(whole.substring(0, cut), size)).as(whole.substring(0, cut)).isEqualTo(State.INCOMPLETE);
        }
        assertThat(shape("", size)).isEqualTo(State.INCOMPLETE);
        assertThat(shape("{\"a\":\"b\\\"}", size)).as("an escaped quote does not close").isEqualTo(State.INCOMPLETE);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void brokenDocumentsAreMalformed(int size) {
        assertThat(shape("{\"a\":[1,2}", size)).isEqualTo(State.MALFORMED);
        assertThat(shape("{\"a\":1}}", size)).isEqualTo(State.MALFORMED);
        assertThat(shape("{\"a\":1} {\"b\":2}", size)).isEqualTo(State.MALFORMED);
        assertThat(shape("{\"a\":1} trailing", size)).isEqualTo(State.MALFORMED);
        assertThat(shape("<html><body>502</body></html>", size)).isEqualTo(State.MALFORMED);
        assertThat(shape("\"just a string\"", size)).isEqualTo(State.MALFORMED);
        assertThat(shape("\u0000\u0001garbage", size)).isEqualTo(State.MALFORMED);
        assertThat(shape("[".repeat(JsonShape.MAX_DEPTH + 1), size)).isEqualTo(State.MALFORMED);
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void deepButWithinTheLimitIsFine(int size) {
        int d = JsonShape.MAX_DEPTH;
        assertThat(shape("[".repeat(d) + "]".repeat(d), size)).isEqualTo(State.COMPLETE);
    }
}
