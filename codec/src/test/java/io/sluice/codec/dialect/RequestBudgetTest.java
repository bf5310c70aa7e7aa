package io.sluice.codec.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.json.JsonLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 20: a request read whole for translation has a work budget in JSON tokens ({@link JsonLimits}) and in depth;
 * over it, every dialect's reader answers {@link WorkBudgetException} (400 {@code request_too_complex}) naming the
 * limit, never a generic "invalid JSON", and just under it the request reads. Depth: jackson's 1000 levels, and 128
 * in a Gemini request's schemas (which are read into a tree).
 */
class RequestBudgetTest {

    enum Reader { OPENAI, ANTHROPIC, GEMINI, RESPONSES }

    /** A valid request of {@code reader}'s dialect whose one text part is followed by {@code n} numbers. */
    private static String body(Reader reader, long n, String inner) {
        StringBuilder nums = new StringBuilder(Math.toIntExact(n * 2));
        for (long i = 0; i < n; i++) {
            nums.append(i == 0 ? "" : ",").append('0');
        }
        // The numbers ride in a place each reader keeps as raw JSON: a tool's parameter schema.
        String schema = "{\"type\":\"object\",\"enum\":[" + nums + "],\"x\":" + inner + "}";
        return switch (reader) {
            case OPENAI -> "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":" + schema
                    + "}}]}";
            case ANTHROPIC -> "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"tools\":[{\"name\":\"f\",\"input_schema\":" + schema + "}]}";
            case GEMINI -> "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"tools\":[{"
                    + "\"functionDeclarations\":[{\"name\":\"f\",\"parameters\":" + schema + "}]}]}";
            case RESPONSES -> "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\","
                    + "\"parameters\":" + schema + "}]}";
        };
    }

    private static Dialect dialect(Reader r) {
        return switch (r) {
            case OPENAI -> Dialects.OPENAI;
            case ANTHROPIC -> Dialects.ANTHROPIC;
            case GEMINI -> Dialects.GEMINI;
            case RESPONSES -> Dialects.RESPONSES;
        };
    }

    private static HubRequest read(Reader r, String body) throws RequestException {
        ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        try {
            return dialect(r).readRequest(buf);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @EnumSource(Reader.class)
    void overTheTokenBudgetIsRefusedNamingIt(Reader r) {
        String body = body(r, JsonLimits.MAX_REQUEST_TOKENS, "1");

        assertThatThrownBy(() -> read(r, body))
                .isInstanceOf(WorkBudgetException.class)
                .hasMessageContaining("more than " + JsonLimits.MAX_REQUEST_TOKENS + " JSON tokens");
    }

    @ParameterizedTest
    @EnumSource(Reader.class)
    void justUnderTheBudgetReads(Reader r) throws Exception {
        String body = body(r, JsonLimits.MAX_REQUEST_TOKENS - 100, "1");

        assertThat(read(r, body).tools).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Reader.class)
    void nestingPastTheDepthIsABudgetNotASyntaxError(Reader r) {
        String deep = "[".repeat(1200) + "]".repeat(1200);

        assertThatThrownBy(() -> read(r, body(r, 1, deep)))
                .isInstanceOf(WorkBudgetException.class)
                .hasMessageContaining("nests deeper than " + (r == Reader.GEMINI ? 128 : 1000) + " levels");
    }

    @ParameterizedTest
    @EnumSource(Reader.class)
    void aSyntaxErrorStaysOne(Reader r) {
        assertThatThrownBy(() -> read(r, body(r, 3, "1").replace("\"hi\"", "\"hi")))
                .isInstanceOf(RequestException.class)
                .hasMessageContaining("not valid JSON");
    }

    @ParameterizedTest
    @EnumSource(Reader.class)
    void aBodyInUtf16OrUtf32IsRefusedAsARequestError(Reader r) {
        // Found by fuzzing: jackson guessed the encoding from zero bytes and failed with an unchecked error (a 500).
        for (java.nio.charset.Charset cs : java.util.List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE,
                java.nio.charset.Charset.forName("UTF-32BE"))) {
            ByteBuf buf = Unpooled.copiedBuffer(body(r, 3, "1"), cs);
            try {
                assertThatThrownBy(() -> dialect(r).readRequest(buf)).as(cs.name())
                        .isInstanceOf(RequestException.class).hasMessageContaining("UTF-8");
            } finally {
                buf.release();
            }
        }
    }
}
