package io.sluice.codec.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubAccumulator;
import io.sluice.codec.hub.HubResponse;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.ToolCall;
import io.sluice.codec.json.Usage;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.HubRecorder;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Non-streaming: provider message objects decoded into a {@link HubResponse}, and hub responses encoded. */
class AnthropicResponseTest {

    private static final String DIR = "dialect/anthropic/responses/";

    private static HubAccumulator decode(String json) {
        HubAccumulator acc = new HubAccumulator();
        ByteBuf body = PooledChunks.direct(json);
        try {
            AnthropicDialect.INSTANCE.decodeResponse(body, acc);
        } finally {
            body.release();
        }
        return acc;
    }

    @Test
    void decodesThinkingTextAndToolUse() {
        HubAccumulator acc = decode(Golden.read(DIR + "thinking-tools.json"));
        assertThat(acc.complete()).isTrue();
        HubResponse r = acc.response();
        assertThat(r.id()).isEqualTo("msg_01Aq9w938a90dw8q");
        assertThat(r.model()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(r.content()).hasSize(2);
        assertThat(r.content().get(0)).isInstanceOfSatisfying(Part.Thinking.class, t -> {
            assertThat(t.text()).startsWith("The user wants the weather");
            assertThat(t.signature()).startsWith("ErUBCkYIBBgC").endsWith("Kg==");
        });
        assertThat(r.content().get(1)).isEqualTo(new Part.Text("Let me look that up."));
        assertThat(r.toolCalls()).containsExactly(new ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather",
                "{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"));
        assertThat(r.finish()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.usage()).isEqualTo(new Usage(1590, 112, 1702, 1200, Usage.ABSENT, 0));
    }

    @Test
    void decodesText() {
        HubResponse r = decode(Golden.read(DIR + "text.json")).response();
        assertThat(r.text()).isEqualTo("Hi! My name is Claude. \"Quoted\" — é中😀");
        assertThat(r.finish()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(new Usage(2095, 503, 2598, 0, Usage.ABSENT, 0));
    }

    @Test
    void anErrorInA200IsAnError() {
        HubAccumulator acc = decode(Golden.read(DIR + "error-200.json"));
        assertThat(acc.complete()).isFalse();
        assertThat(acc.error().status()).isEqualTo(529);
        assertThat(acc.error().type()).isEqualTo("overloaded_error");
        assertThat(acc.error().message()).isEqualTo("Overloaded");
    }

    @Test
    void notAMessageIsAnError() {
        HubRecorder rec = new HubRecorder();
        for (String body : new String[] {"", "<html>502 Bad Gateway</html>", "[1,2]", "{\"foo\":1}", "{\"id\":"}) {
            ByteBuf b = PooledChunks.of(body);
            try {
                AnthropicDialect.INSTANCE.decodeResponse(b, rec);
            } finally {
                b.release();
            }
        }
        assertThat(rec.lines()).hasSize(5).allSatisfy(l -> assertThat(l).startsWith("error 502 api_error "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tools", "thinking", "length"})
    void encodesSharedTranscriptAsAMessage(String name) {
        HubAccumulator acc = new HubAccumulator();
        HubRecorder.replay(Golden.read("dialect/hub/" + name + ".hub"), acc);
        Golden.check(DIR + "encoded-" + name + ".json", encode(acc.response()) + "\n");
    }

    @Test
    void decodedResponseEncodesBackToTheSameMessage() {
        String original = Golden.read(DIR + "thinking-tools.json").strip();
        String encoded = encode(decode(original).response());
        // Anthropic's extras (cache_creation breakdown, service_tier) are not hub data; the rest is identical.
        assertThat(encoded).isEqualTo(original
                .replace("{\"model\":\"claude-sonnet-4-20250514\",\"id\":\"msg_01Aq9w938a90dw8q\",",
                        "{\"id\":\"msg_01Aq9w938a90dw8q\",")
                .replace("\"role\":\"assistant\",\"content\"",
                        "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-20250514\",\"content\"")
                .replace(",\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0}", "")
                .replace(",\"service_tier\":\"standard\"", ""));
    }

    private static String encode(HubResponse r) {
        ByteBuf b = AnthropicDialect.INSTANCE.encodeResponse(r, ByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }
}
