package io.sluice.codec.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Part;
import io.sluice.codec.json.ChatRequestScanner;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A base64 image of 21 MB fits the default 32 MiB body limit, so it must not be refused as invalid JSON by jackson's
 * default 20 M character string cap; nesting stays limited. One body of ~21 MB at a time keeps the memory bounded.
 */
class LargeStringRequestTest {

    private static final int IMAGE_CHARS = 21 * 1024 * 1024;
    private static final String HEAD = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,";
    private static final String TAIL = "\"}}]}]}";

    /** The request with its image, in one heap buffer (no copies of the image as a Java string). */
    private static ByteBuf body() {
        byte[] head = HEAD.getBytes(StandardCharsets.US_ASCII);
        byte[] tail = TAIL.getBytes(StandardCharsets.US_ASCII);
        ByteBuf b = Unpooled.buffer(head.length + IMAGE_CHARS + tail.length);
        b.writeBytes(head);
        b.writeCharSequence("A", StandardCharsets.US_ASCII);
        for (int i = 1; i < IMAGE_CHARS; i *= 2) { // doubling: fast, no extra buffer
            int n = Math.min(i, IMAGE_CHARS - i);
            b.writeBytes(b, head.length, n);
        }
        b.writeBytes(tail);
        return b;
    }

    @Test
    void aTwentyOneMegabyteImageIsReadByTheOpenAiReader() throws RequestException {
        ByteBuf body = body();
        try {
            HubRequest r = OpenAiDialect.INSTANCE.readRequest(body);
            Part.Image image = (Part.Image) r.messages.get(0).parts().get(0);
            assertThat(image.mediaType()).isEqualTo("image/png");
            assertThat(image.data()).hasSize(IMAGE_CHARS);
        } finally {
            body.release();
        }
    }

    @Test
    void theIncrementalScannerAcceptsItToo() {
        ByteBuf body = body();
        ChatRequestScanner scanner = new ChatRequestScanner();
        try {
            for (int i = 0; i < body.writerIndex(); i += 1 << 16) {
                ByteBuf chunk = body.retainedSlice(i, Math.min(1 << 16, body.writerIndex() - i));
                try {
                    scanner.feed(chunk);
                } finally {
                    chunk.release();
                }
            }
            assertThat(scanner.end()).as("%s", scanner.error()).isEqualTo(ChatRequestScanner.Result.OK);
            assertThat(scanner.model()).isEqualTo("m");
        } finally {
            scanner.release();
            body.release();
        }
    }

    @Test
    void nestingIsStillLimited() {
        String deep = "{\"model\":\"m\",\"messages\":[],\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        ByteBuf body = Unpooled.copiedBuffer(deep, StandardCharsets.US_ASCII);
        try {
            // Refused as a work budget (400 request_too_complex naming it), not as a syntax error.
            assertThatThrownBy(() -> OpenAiDialect.INSTANCE.readRequest(body))
                    .isInstanceOf(io.sluice.codec.dialect.WorkBudgetException.class)
                    .hasMessageContaining("nests deeper than 1000 levels");
        } finally {
            body.release();
        }
    }
}
