package io.sluice.codec.json;

import static io.sluice.codec.sse.SseRecorder.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.sluice.codec.json.ChatRequestScanner.Result;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ModelSpliceTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static String text(ByteBuf buf) {
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Scans a whole buffer without consuming it. */
    private static ChatRequestScanner scan(ByteBuf body) {
        ChatRequestScanner s = new ChatRequestScanner();
        s.feed(body);
        assertThat(s.end()).isEqualTo(Result.OK);
        return s;
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void splicesAScannedBodyKeptAsACompositeOfItsChunks(int size) {
        // What the request reader does: scan each chunk as it arrives and keep it in a composite, no copy.
        String json = fixture("openai-chat-request.json");
        CompositeByteBuf body = ALLOC.compositeBuffer(Integer.MAX_VALUE);
        ChatRequestScanner scanner = new ChatRequestScanner();
        for (ByteBuf chunk : PooledChunks.split(json, size, Memory.MIXED)) {
            scanner.feed(chunk);
            body.addComponent(true, chunk);
        }
        assertThat(scanner.end()).isEqualTo(Result.OK);

        ByteBuf out = ModelSplice.splice(ALLOC, body, scanner.modelStart(), scanner.modelEnd(),
                "openai/gpt-4o-2024-08-06");
        body.release(); // the splice holds its own references
        try {
            assertThat(text(out))
                    .isEqualTo(json.replace("\"model\": \"gpt-4o\"", "\"model\": \"openai/gpt-4o-2024-08-06\""));
            ChatRequestScanner again = scan(out);
            assertThat(again.model()).isEqualTo("openai/gpt-4o-2024-08-06");
            assertThat(again.stream()).isTrue();
        } finally {
            out.release();
        }
    }

    @Test
    void escapesTheNewValue() {
        List<String> names = List.of("a\"b", "back\\slash", "tab\there", "nl\nand\rcr", "\u0000\u0001\u001f\u007f",
                "\b\f", "ünïcödé-模型-😀", "", "</script>");
        for (String name : names) {
            ByteBuf body = PooledChunks.of("{\"model\":\"a\\\"b\",\"stream\":true}");
            ChatRequestScanner s = scan(body);
            ByteBuf out = ModelSplice.splice(ALLOC, body, s.modelStart(), s.modelEnd(), name);
            body.release();
            ChatRequestScanner again = scan(out);
            assertThat(again.model()).as(name).isEqualTo(name);
            assertThat(again.stream()).isTrue();
            out.release();
        }
        ByteBuf literal = ModelSplice.literal(ALLOC, "q\"\\\n\u0001é");
        assertThat(text(literal)).isEqualTo("\"q\\\"\\\\\\n\\u0001é\"");
        literal.release();
    }

    @Test
    void slicesShareTheBodyMemoryAndLeaveItsIndexesAlone() {
        ByteBuf backing = PooledChunks.of("GET-prefix{\"model\":\"old\",\"n\":1}");
        ByteBuf body = backing.skipBytes(10); // offsets are relative to the reader index
        ChatRequestScanner s = scan(body.duplicate());
        assertThat(s.modelStart()).isEqualTo(9);
        ByteBuf out = ModelSplice.splice(ALLOC, body, s.modelStart(), s.modelEnd(), "new");

        assertThat(body.readerIndex()).isEqualTo(10);
        assertThat(body.refCnt()).isEqualTo(3); // one reference per slice
        CompositeByteBuf composite = (CompositeByteBuf) out;
        assertThat(composite.numComponents()).isEqualTo(3);
        assertThat(composite.component(0).array()).isSameAs(body.array());
        assertThat(composite.component(2).array()).isSameAs(body.array());
        assertThat(text(out)).isEqualTo("{\"model\":\"new\",\"n\":1}");

        body.release();
        assertThat(body.refCnt()).isEqualTo(2);
        out.release();
        assertThat(body.refCnt()).isZero();
    }

    @Test
    void valueAtEitherEndOfTheBody() {
        ByteBuf body = PooledChunks.direct("\"old\"");
        ByteBuf out = ModelSplice.splice(ALLOC, body, 0, 5, "new");
        assertThat(((CompositeByteBuf) out).numComponents()).isEqualTo(1);
        assertThat(text(out)).isEqualTo("\"new\"");
        out.release();
        assertThat(body.refCnt()).isEqualTo(1);
        body.release();
    }

    @Test
    void rangeOutsideTheBodyIsRefused() {
        ByteBuf body = PooledChunks.of("{\"model\":\"x\"}");
        assertThatThrownBy(() -> ModelSplice.splice(ALLOC, body, 9, 14, "y"))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("value: [9, 14) (expected: within [0, 13])");
        assertThatThrownBy(() -> ModelSplice.splice(ALLOC, body, 5, 4, "y"))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(body.refCnt()).isEqualTo(1);
        body.release();
    }
}
