package io.sluice.codec.dialect.openai;

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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiResponseTest {

    private static final OpenAiDialect D = OpenAiDialect.INSTANCE;

    static HubResponse decode(String json) {
        HubAccumulator acc = new HubAccumulator();
        ByteBuf body = PooledChunks.direct(json);
        try {
            D.decodeResponse(body, acc);
        } finally {
            body.release();
        }
        return acc.response();
    }

    static String transcript(String json) {
        HubRecorder rec = new HubRecorder();
        ByteBuf body = PooledChunks.of(json);
        try {
            D.decodeResponse(body, rec);
        } finally {
            body.release();
        }
        return rec.transcript();
    }

    static String encode(HubResponse r) {
        ByteBuf out = D.encodeResponse(r, ByteBufAllocator.DEFAULT);
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o-tools", "gpt-4o-text-and-tool", "deepseek-reasoner", "ollama-text", "error-in-200"})
    void decodesToGoldenTranscriptAndEncodesBack(String name) {
        String json = Golden.read("dialect/openai/response/" + name + ".json");
        Golden.check("dialect/openai/response/" + name + ".hub", transcript(json));
        Golden.check("dialect/openai/response/" + name + ".encoded.json", encode(decode(json)) + "\n");
    }

    @Test
    void toolCallsOnly() {
        HubResponse r = decode(Golden.read("dialect/openai/response/gpt-4o-tools.json"));
        assertThat(r.id()).isEqualTo("chatcmpl-BxQt9kLm3NpQ5rSt7UvW9xYz2AbCd");
        assertThat(r.model()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(r.created()).isEqualTo(1753960800L);
        assertThat(r.content()).isEmpty();
        assertThat(r.toolCalls()).containsExactly(
                new ToolCall("call_Hk2mQ8pXr4TzYw7LmB1cNd5F", "get_weather", "{\"location\":\"Paris, France\"}"),
                new ToolCall("call_Zq9nW3vLs6KdPf1RtY8bXm2J", "get_weather", "{\"location\":\"Tokyo, Japan\"}"));
        assertThat(r.finish()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.usage()).isEqualTo(new Usage(82, 50, 132, 0, 0));
        assertThat(r.error()).isNull();
        assertThat(encode(r)).contains("\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[");
    }

    @Test
    void usageInsideAChoiceIsNotTheResponsesUsage() {
        HubResponse r = decode(Golden.read("dialect/openai/response/gpt-4o-text-and-tool.json"));
        assertThat(r.usage()).isEqualTo(new Usage(1117, 46, 1163, 1024, 12));
        assertThat(r.text()).startsWith("The image shows");
        assertThat(r.toolCalls()).hasSize(1);
    }

    @Test
    void reasoningContentBecomesAThinkingPartBeforeTheText() {
        HubResponse r = decode(Golden.read("dialect/openai/response/deepseek-reasoner.json"));
        assertThat(r.content()).containsExactly(
                new Part.Thinking("Compare 9.11 and 9.8: 9.8 = 9.80, and 80 > 11, so 9.8 is larger.", null),
                new Part.Text("9.8 is larger than 9.11."));
        assertThat(r.usage()).isEqualTo(new Usage(18, 61, 79, 0, 49));
    }

    @Test
    void errorInA200IsAnError() {
        HubResponse r = decode(Golden.read("dialect/openai/response/error-in-200.json"));
        assertThat(r.error()).isEqualTo(new HubError(429, HubError.RATE_LIMIT, "Provider returned error"));
        assertThat(r.id()).isNull();
    }

    @Test
    void notACompletion() {
        assertThat(transcript("[1,2]")).isEqualTo("error 502 api_error \"upstream response is not a JSON object\"\n");
        assertThat(transcript("{\"id\":\"x\"}"))
                .isEqualTo("error 502 api_error \"upstream response has no choices\"\n");
        assertThat(transcript("{\"id\":")).startsWith("error 502 api_error \"upstream response is not valid JSON");
        assertThat(transcript("")).startsWith("error 502 api_error");
    }

    @Test
    void contentAsPartsAndObjectArgumentsAreTolerated() {
        String json = "{\"id\":\"r\",\"model\":\"m\",\"created\":1,\"choices\":[{\"message\":{\"content\":["
                + "{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}],"
                + "\"tool_calls\":[{\"function\":{\"name\":\"f\","
                + "\"arguments\":{\"x\":1}}}]},\"finish_reason\":\"tool_calls\"}]}";
        assertThat(transcript(json)).isEqualTo("start id=r model=m created=1\ntext \"ab\"\n"
                + "tool_start 0 id=call_r_0 name=f\ntool_args 0 \"{\\\"x\\\":1}\"\nfinish TOOL_CALLS null\nend\n");
    }

    @Test
    void encodesWithoutFinishOrUsageWithoutInventingThem() {
        HubResponse r = new HubResponse("id1", "m", 9, List.of(new Part.Text("hi"),
                new Part.Thinking("t", "sig"), new Part.RedactedThinking("xx")), List.of(), null, null, null, null);
        assertThat(encode(r)).isEqualTo("{\"id\":\"id1\",\"object\":\"chat.completion\",\"created\":9,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\","
                + "\"reasoning_content\":\"t\"},\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
    }

    @Test
    void aFailedResponseEncodesAsTheErrorBody() {
        HubResponse r = new HubResponse("id1", "m", 9, List.of(), List.of(), null, null, null,
                new HubError(504, HubError.TIMEOUT, "upstream timed out"));
        assertThat(encode(r)).isEqualTo("{\"error\":{\"message\":\"upstream timed out\",\"type\":\"timeout_error\","
                + "\"param\":null,\"code\":null}}");
    }
}
