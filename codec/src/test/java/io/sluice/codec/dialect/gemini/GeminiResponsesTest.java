package io.sluice.codec.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubAccumulator;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.hub.HubResponse;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.ToolCall;
import io.sluice.codec.json.Usage;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.HubRecorder;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Non-streaming generateContent bodies, both ways. */
class GeminiResponsesTest {

    static final List<String> HUBS = GeminiStreamEncoderTest.HUBS;

    private static void decode(String body, HubListener l) {
        ByteBuf b = PooledChunks.direct(body);
        try {
            GeminiDialect.INSTANCE.decodeResponse(b, l);
        } finally {
            b.release();
        }
    }

    private static String transcript(String body) {
        HubRecorder rec = new HubRecorder();
        decode(body, rec);
        return rec.transcript();
    }

    private static HubResponse accumulate(String body) {
        HubAccumulator acc = new HubAccumulator();
        decode(body, acc);
        assertThat(acc.complete()).isTrue();
        return acc.response();
    }

    private static String encode(HubResponse r) {
        ByteBuf b = GeminiDialect.INSTANCE.encodeResponse(r, ByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void thinkingTextAndParallelCalls() {
        String body = Golden.read("dialect/gemini/response-tools.json");
        Golden.check("dialect/gemini/response-tools.hub", transcript(body));

        HubResponse r = accumulate(body);
        assertThat(r.id()).isEqualTo("3_IyaeG0Mp6Tz7IPt_ahsAk");
        assertThat(r.model()).isEqualTo("gemini-2.5-flash");
        assertThat(r.content()).containsExactly(
                new Part.Thinking("**Planning the lookups**\n\nI need the weather and the local time in Paris.", null),
                new Part.Text("I'll look both up."),
                new Part.Thinking("", "CiQBcsjafE2xG6mQ2b1W8m0y7K0m7r8x5pQ0J9h2L1t4z6w3Vn8KXgFyyNp8"));
        assertThat(r.toolCalls()).containsExactly(
                new ToolCall("call_3_IyaeG0Mp6Tz7IPt_ahsAk_0", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_3_IyaeG0Mp6Tz7IPt_ahsAk_1", "get_time", "{\"tz\":\"Europe/Paris\"}"));
        assertThat(r.finish()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.usage()).isEqualTo(new Usage(118, 136, 254, -1, 95));
    }

    @Test
    void reEncodedResponsePutsTheSignatureBackOnTheFirstCall() {
        HubResponse r = accumulate(Golden.read("dialect/gemini/response-tools.json"));
        String encoded = encode(r);
        assertThat(encoded).contains("{\"functionCall\":{\"id\":\"call_3_IyaeG0Mp6Tz7IPt_ahsAk_0\",\"name\":"
                + "\"get_weather\",\"args\":{\"city\":\"Paris\"}},"
                + "\"thoughtSignature\":\"CiQBcsjafE2xG6mQ2b1W8m0y7K0m7r8x5pQ0J9h2L1t4z6w3Vn8KXgFyyNp8\"}");
        // decoding our own encoding gives the same events, ids included
        assertThat(transcript(encoded)).isEqualTo(transcript(Golden.read("dialect/gemini/response-tools.json")));
    }

    @Test
    void jsonArrayFromStreamGenerateContentWithoutSse() {
        HubResponse r = accumulate(Golden.read("dialect/gemini/response-array.json"));
        assertThat(r.text()).isEqualTo("The capital of France is Paris.");
        assertThat(r.model()).isEqualTo("gemini-2.0-flash");
        assertThat(r.finish()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage()).isEqualTo(new Usage(8, 7, 15, -1, -1));
    }

    @Test
    void okStatusCarryingAnErrorObjectFails() {
        assertThat(transcript(Golden.read("dialect/gemini/error-429.json")))
                .startsWith("error 429 rate_limit_error \"You exceeded your current quota");
    }

    @Test
    void bodiesThatAreNotResponsesFail() {
        assertThat(transcript("<html><body>502 Bad Gateway</body></html>"))
                .isEqualTo("error 502 api_error \"upstream response is not valid JSON: JsonParseException\"\n");
        assertThat(transcript("")).startsWith("error 502 api_error");
        assertThat(transcript("{}"))
                .isEqualTo("error 502 api_error \"upstream response is not a GenerateContentResponse\"\n");
        assertThat(transcript("42")).startsWith("error 502 api_error");
    }

    @ParameterizedTest
    @FieldSource("HUBS")
    void hubTranscriptEncodesToGolden(String name) {
        HubAccumulator acc = new HubAccumulator();
        HubRecorder.replay(Golden.read("dialect/hub/" + name + ".hub"), acc);
        Golden.check("dialect/gemini/encoded/" + name + ".json", encode(acc.response()) + "\n");
    }
}
