package io.sluice.codec.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubAccumulator;
import io.sluice.codec.hub.HubError;
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

/** Non-streaming bodies: decodeResponse into the accumulator, and encodeResponse golden files. */
class ResponsesResponseTest {

    private static final String DIR = "dialect/responses/";

    static HubAccumulator decode(String json, boolean direct) {
        HubAccumulator acc = new HubAccumulator();
        ByteBuf body = direct ? PooledChunks.direct(json) : PooledChunks.of(json);
        try {
            ResponsesDialect.INSTANCE.decodeResponse(body, acc);
            assertThat(body.readerIndex()).isZero();
        } finally {
            body.release();
        }
        return acc;
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tools", "reasoning", "incomplete", "failed", "error-200"})
    void decodedTranscriptMatchesGolden(String name) {
        HubRecorder rec = new HubRecorder();
        ByteBuf body = PooledChunks.direct(Golden.read(DIR + "response-" + name + ".json"));
        try {
            ResponsesDialect.INSTANCE.decodeResponse(body, rec);
        } finally {
            body.release();
        }
        Golden.check(DIR + "response-" + name + ".hub", rec.transcript());
    }

    @Test
    void textWithCachedUsage() {
        HubAccumulator acc = decode(Golden.read(DIR + "response-text.json"), false);
        assertThat(acc.complete()).isTrue();
        HubResponse r = acc.response();
        assertThat(r.id()).isEqualTo("resp_68b30a1e5f4c8190b2d4f6a8c0e2a4b6004c6e8a0b2d4f6a");
        assertThat(r.model()).isEqualTo("gpt-4.1-2025-04-14");
        assertThat(r.created()).isEqualTo(1756564001L);
        assertThat(r.text()).isEqualTo("Sluice gates control water flow in a channel.\n\nThey open \"on demand\" 🚰.");
        assertThat(r.finish()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(new Usage(2048, 19, 2067, 1920, 0));
    }

    @Test
    void functionCallsFinishWithToolCalls() {
        HubResponse r = decode(Golden.read(DIR + "response-tools.json"), true).response();
        assertThat(r.toolCalls()).containsExactly(
                new ToolCall("call_Zp4kW8nR2tY6vB0xM3qL7sJd", "get_weather",
                        "{\"city\":\"Paris\",\"unit\":\"celsius\"}"),
                new ToolCall("call_Bn5jH9cT3wQ7xK1mV4pR8yLf", "get_time", "{\"tz\":\"Asia/Tokyo\"}"));
        assertThat(r.finish()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.content()).isEmpty();
    }

    @Test
    void reasoningSummaryAndEncryptedContentBecomeASignedThinkingPart() {
        HubResponse r = decode(Golden.read(DIR + "response-reasoning.json"), false).response();
        assertThat(r.content()).hasSize(2);
        Part.Thinking t = (Part.Thinking) r.content().get(0);
        assertThat(t.text()).isEqualTo("**Planning the answer**\n\nA short list is enough.\n\n**Checking units**\n\n"
                + "All metric.");
        assertThat(t.signature()).startsWith("gAAAAAB");
        assertThat(r.text()).isEqualTo("1. Close the lower gate.\n2. Open the upper sluice.");
        assertThat(r.usage().reasoningTokens()).isEqualTo(384);
    }

    @Test
    void incompleteIsLength() {
        HubAccumulator acc = decode(Golden.read(DIR + "response-incomplete.json"), false);
        assertThat(acc.complete()).isTrue();
        assertThat(acc.response().finish()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void failedStatusAndErrorBodyAreErrors() {
        HubAccumulator failed = decode(Golden.read(DIR + "response-failed.json"), false);
        assertThat(failed.complete()).isFalse();
        assertThat(failed.error().status()).isEqualTo(429);
        assertThat(failed.error().type()).isEqualTo(HubError.RATE_LIMIT);

        HubAccumulator error = decode(Golden.read(DIR + "response-error-200.json"), true);
        assertThat(error.complete()).isFalse();
        assertThat(error.error()).isEqualTo(new HubError(404, HubError.NOT_FOUND,
                "The model `gpt-4.1-nano-preview` does not exist or you do not have access to it."));
    }

    @Test
    void notAResponseIsAnError() {
        assertThat(decode("<html>502 Bad Gateway</html>", false).error().status()).isEqualTo(502);
        assertThat(decode("", false).error().type()).isEqualTo(HubError.API_ERROR);
        assertThat(decode("{\"object\":\"list\",\"data\":[]}", false).error().message())
                .isEqualTo("upstream body is not a Responses response object");
        assertThat(decode("{\"id\":\"resp_1\",\"status\":\"queued\",\"output\":[]}", false).error().message())
                .contains("status queued");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tools", "thinking", "length", "error", "truncated"})
    void encodeResponseMatchesGoldenAndDecodesBack(String name) {
        HubAccumulator acc = new HubAccumulator();
        HubRecorder.replay(Golden.read("dialect/hub/" + name + ".hub"), acc);
        HubResponse original = acc.response();
        ByteBuf body = ResponsesDialect.INSTANCE.encodeResponse(original, ByteBufAllocator.DEFAULT);
        String json;
        try {
            json = body.toString(StandardCharsets.UTF_8);
        } finally {
            body.release();
        }
        Golden.check(DIR + "encoded/" + name + ".json", json);

        HubResponse back = decode(json, false).response();
        assertThat(back.id()).isEqualTo(original.id());
        assertThat(back.model()).isEqualTo(original.model());
        assertThat(back.created()).isEqualTo(original.created());
        assertThat(back.toolCalls()).isEqualTo(original.toolCalls());
        if (original.error() == null) {
            assertThat(back.content()).isEqualTo(original.content());
            assertThat(back.finish()).isEqualTo(original.finish());
            assertThat(back.usage().promptTokens()).isEqualTo(original.usage().promptTokens());
        } else {
            assertThat(back.error().message()).isEqualTo(original.error().message());
        }
    }
}
