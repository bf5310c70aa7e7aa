package io.sluice.codec.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Reasoning;
import io.sluice.codec.hub.ResponseFormat;
import io.sluice.codec.hub.Tool;
import io.sluice.codec.hub.ToolChoice;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.HubRecorder;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponsesStreamEncoderTest {

    private static final String ENCODED = "dialect/responses/encoded/";

    static HubRequest request() {
        HubRequest r = new HubRequest();
        r.model = "test-model";
        r.stream = true;
        return r;
    }

    /** Replays {@code transcript} into a fresh encoder, taking the output after every event. */
    static String encode(String transcript, HubRequest request) {
        StreamEncoder enc = ResponsesDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, request);
        StringBuilder sb = new StringBuilder();
        try {
            HubRecorder.replay(transcript, new TakingListener(enc, sb));
        } finally {
            enc.release();
        }
        return sb.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tools", "thinking", "length", "error", "truncated"})
    void sharedHubTranscriptMatchesGolden(String name) {
        String out = encode(Golden.read("dialect/hub/" + name + ".hub"), request());
        Golden.check(ENCODED + name + ".sse", out);
        assertSequenceNumbersCount(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tools", "thinking", "length", "error", "truncated"})
    void ownDecoderReadsTheEncodedStream(String name) {
        String out = encode(Golden.read("dialect/hub/" + name + ".hub"), request());
        String back = ResponsesStreamDecoderTest.decode(out, 7, Memory.MIXED);
        HubRecorder original = new HubRecorder();
        HubRecorder.replay(Golden.read("dialect/hub/" + name + ".hub"), original);
        // what the hub said, as the Responses dialect can say it
        for (String line : original.lines()) {
            if (line.startsWith("text ") || line.startsWith("reasoning ") || line.startsWith("signature ")
                    || line.startsWith("tool_") || line.startsWith("start ")) {
                assertThat(back).contains(line);
            }
        }
    }

    @Test
    void requestSettingsAreEchoedInTheResponseObject() {
        HubRequest r = request();
        r.tools.add(new Tool("get_weather", "Weather", "{\"type\":\"object\",\"properties\":{}}", null, null));
        r.toolChoice = ToolChoice.named("get_weather");
        r.parallelToolCalls = false;
        r.maxTokens = 512;
        r.temperature = 0.2;
        r.topP = 0.9;
        r.reasoning = Reasoning.ofBudget(4096);
        r.responseFormat = ResponseFormat.JSON_OBJECT;
        r.user = "user-42";
        String out = encode(Golden.read("dialect/hub/tools.hub"), r);
        Golden.check(ENCODED + "tools-echo.sse", out);
        String completed = out.substring(out.indexOf("event: response.completed"));
        assertThat(completed).contains("\"max_output_tokens\":512", "\"parallel_tool_calls\":false",
                "\"reasoning\":{\"effort\":\"high\",\"summary\":null}", "\"temperature\":0.2",
                "\"text\":{\"format\":{\"type\":\"json_object\"}}",
                "\"tool_choice\":{\"type\":\"function\",\"name\":\"get_weather\"}",
                "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather\","
                        + "\"parameters\":{\"type\":\"object\",\"properties\":{}},\"strict\":false}]",
                "\"top_p\":0.9", "\"user\":\"user-42\"");
    }

    @Test
    void outputIsEmptyUntilStartAndNothingFollowsTheEnd() {
        StreamEncoder enc = ResponsesDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, request());
        try {
            enc.onText("ignored");
            assertThat(enc.take()).isNull();
            enc.onStart("resp_1", "m", 1);
            enc.onFinish(io.sluice.codec.hub.FinishReason.STOP, null);
            enc.onEnd();
            ByteBuf b = enc.take();
            assertThat(b).isNotNull();
            b.release();
            enc.onText("late");
            enc.onEnd();
            assertThat(enc.take()).isNull();
        } finally {
            enc.release();
            enc.release();
        }
    }

    @Test
    void errorBeforeStartIsOnlyAnErrorEvent() {
        String out = encode("error 401 authentication_error \"bad key\"\n", request());
        assertThat(out).isEqualTo("event: error\ndata: {\"type\":\"error\",\"sequence_number\":0,"
                + "\"code\":\"authentication_error\",\"message\":\"bad key\",\"param\":null}\n\n");
    }

    /** sequence_number counts events from 0 without gaps; output_index grows by one per added item. */
    private static void assertSequenceNumbersCount(String out) {
        Matcher m = Pattern.compile("\"sequence_number\":(\\d+)").matcher(out);
        int expected = 0;
        while (m.find()) {
            assertThat(Integer.parseInt(m.group(1))).isEqualTo(expected++);
        }
        assertThat(out.split("\n\n")).hasSize(expected);
        Matcher added = Pattern.compile("output_item.added\",\"sequence_number\":\\d+,\"output_index\":(\\d+)")
                .matcher(out);
        int index = 0;
        while (added.find()) {
            assertThat(Integer.parseInt(added.group(1))).isEqualTo(index++);
        }
    }

    /** Forwards to the encoder and drains it after each event, as the proxy does per upstream read. */
    private record TakingListener(StreamEncoder enc, StringBuilder sb) implements io.sluice.codec.hub.HubListener {
        private void drain() {
            ByteBuf b = enc.take();
            if (b != null) {
                sb.append(b.toString(StandardCharsets.UTF_8));
                b.release();
            }
        }

        @Override
        public void onStart(String id, String model, long created) {
            enc.onStart(id, model, created);
            drain();
        }

        @Override
        public void onText(String delta) {
            enc.onText(delta);
            drain();
        }

        @Override
        public void onReasoning(String delta) {
            enc.onReasoning(delta);
            drain();
        }

        @Override
        public void onReasoningSignature(String signature) {
            enc.onReasoningSignature(signature);
            drain();
        }

        @Override
        public void onRedactedReasoning(String data) {
            enc.onRedactedReasoning(data);
            drain();
        }

        @Override
        public void onToolCallStart(int slot, String id, String name) {
            enc.onToolCallStart(slot, id, name);
            drain();
        }

        @Override
        public void onToolCallArguments(int slot, String fragment) {
            enc.onToolCallArguments(slot, fragment);
            drain();
        }

        @Override
        public void onFinish(io.sluice.codec.hub.FinishReason reason, String stopSequence) {
            enc.onFinish(reason, stopSequence);
            drain();
        }

        @Override
        public void onUsage(io.sluice.codec.json.Usage usage) {
            enc.onUsage(usage);
            drain();
        }

        @Override
        public void onEnd() {
            enc.onEnd();
            drain();
        }

        @Override
        public void onError(io.sluice.codec.hub.HubError error) {
            enc.onError(error);
            drain();
        }
    }
}
