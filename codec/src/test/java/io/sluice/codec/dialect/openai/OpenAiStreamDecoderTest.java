package io.sluice.codec.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.testing.Chunks;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.HubRecorder;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class OpenAiStreamDecoderTest {

    /** Provider-shaped streams under src/test/resources/dialect/openai/, each with its golden transcript. */
    static final List<String> FIXTURES = List.of(
            "text",                   // gpt-4o: service_tier, system_fingerprint, obfuscation, usage:null, usage chunk
            "parallel-tools",         // gpt-4o: two calls, arguments in many fragments
            "length",                 // gpt-4o-mini without include_usage
            "deepseek-reasoning",     // reasoning_content, ": keep-alive" comments, usage inside the finish chunk
            "openrouter-reasoning",   // reasoning + reasoning_details, OPENROUTER PROCESSING comments, usage with cost
            "error-midstream",        // OpenAI {"error":{…}} after some text
            "openrouter-error",       // error object next to finish_reason "error", numeric code
            "vllm-error",             // {"object":"error",…} before any chunk
            "truncated",              // connection cut inside an event
            "reused-index",           // every call at index 0, ids repeated on fragments
            "compat-no-done",         // Ollama: finish chunk, body ends without [DONE]
            "azure-content-filter",   // Azure: empty-id prompt-filter chunk first, content_filter finish
            "legacy-function-call");  // delta.function_call, finish_reason function_call

    /**
     * One test per fixture (the leak check after each test costs a few GCs), feeding it at every chunk size in every
     * kind of memory: each chunking must give the golden transcript.
     */
    @ParameterizedTest
    @FieldSource("FIXTURES")
    void decodesFixtureToGoldenTranscriptAtEveryChunking(String fixture) {
        String sse = Golden.read("dialect/openai/" + fixture + ".sse");
        for (int size : Chunks.SIZES) {
            for (Memory memory : Memory.values()) {
                Golden.check("dialect/openai/" + fixture + ".hub", decode(sse, size, memory));
            }
        }
    }

    static String decode(String sse, int size, Memory memory) {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = OpenAiDialect.INSTANCE.streamDecoder(rec);
        for (ByteBuf chunk : PooledChunks.split(sse, size, memory)) {
            d.feed(chunk);
            chunk.release();
        }
        d.end();
        assertThat(d.finished()).isTrue();
        return rec.transcript();
    }

    private static String decode(String sse) {
        return decode(sse, Integer.MAX_VALUE, Memory.HEAP);
    }

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"")
                + "}]}\n\n";
    }

    @Test
    void doneTwiceEndsOnce() {
        assertThat(decode(chunk("{\"content\":\"a\"}", "stop") + "data: [DONE]\n\ndata: [DONE]\n\n"))
                .isEqualTo("start id=c1 model=m created=5\ntext \"a\"\nfinish STOP null\nend\n");
    }

    @Test
    void doneBeforeAnyChunkIsAnError() {
        assertThat(decode("data: [DONE]\n\n"))
                .isEqualTo("error 502 api_error \"upstream stream ended with [DONE] before any chunk\"\n");
    }

    @Test
    void doneWithoutFinishReasonStillEnds() {
        assertThat(decode(chunk("{\"content\":\"a\"}", null) + "data: [DONE]\n\n"))
                .isEqualTo("start id=c1 model=m created=5\ntext \"a\"\nend\n");
    }

    @Test
    void bodyEndWithoutFinishOrDoneIsTruncated() {
        assertThat(decode(chunk("{\"content\":\"a\"}", null))).isEqualTo("start id=c1 model=m created=5\ntext \"a\"\n"
                + "error 502 api_error \"upstream stream ended before its terminal event\"\n");
    }

    @Test
    void emptyBodyIsTruncatedWithoutStart() {
        assertThat(decode("")).isEqualTo("error 502 api_error \"upstream stream ended before its terminal event\"\n");
    }

    @Test
    void contentAfterTheFinishReasonIsIgnored() {
        assertThat(decode(chunk("{\"content\":\"a\"}", "stop") + chunk("{\"content\":\"late\"}", null)
                + "data: [DONE]\n\n"))
                .isEqualTo("start id=c1 model=m created=5\ntext \"a\"\nfinish STOP null\nend\n");
    }

    @Test
    void finishReasonBeforeDeltaInTheSameChunkStillComesAfterTheContent() {
        String sse = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"finish_reason\":\"tool_calls\",\"index\":0,"
                + "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t1\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}\n\n";
        assertThat(decode(sse)).isEqualTo("start id=c1 model=m created=0\ntool_start 0 id=t1 name=f\n"
                + "tool_args 0 \"{}\"\nfinish TOOL_CALLS null\nend\n");
    }

    @Test
    void chunksWithoutIdGetAFallbackIdAndGeneratedCallIds() {
        String sse = "data: {\"choices\":[{\"delta\":{\"tool_calls\":["
                + "{\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}},"
                + "{\"function\":{\"name\":\"g\",\"arguments\":{\"b\":2}}}]},\"finish_reason\":\"tool_calls\"}]}\n\n";
        assertThat(decode(sse)).isEqualTo("start id=chatcmpl-sluice model=null created=0\n"
                + "tool_start 0 id=call_chatcmpl-sluice_0 name=f\ntool_args 0 \"{\\\"a\\\":1}\"\n"
                + "tool_start 1 id=call_chatcmpl-sluice_1 name=g\ntool_args 1 \"{\\\"b\\\":2}\"\n"
                + "finish TOOL_CALLS null\nend\n");
    }

    @Test
    void reasoningAndReasoningContentInOneDeltaCountOnce() {
        assertThat(decode(chunk("{\"reasoning_content\":\"hm\",\"reasoning\":\"hm\"}", "stop") + "data: [DONE]\n\n"))
                .isEqualTo("start id=c1 model=m created=5\nreasoning \"hm\"\nfinish STOP null\nend\n");
    }

    @Test
    void refusalIsPassedOnAsText() {
        assertThat(decode(chunk("{\"content\":null,\"refusal\":\"I can't help with that.\"}", "stop")
                + "data: [DONE]\n\n"))
                .isEqualTo("start id=c1 model=m created=5\ntext \"I can't help with that.\"\nfinish STOP null\nend\n");
    }

    @Test
    void otherChoiceIndexesAreIgnored() {
        String sse = "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"x\"},"
                + "\"finish_reason\":\"length\"},"
                + "{\"index\":0,\"delta\":{\"content\":\"y\"},\"finish_reason\":null}]}\n\n"
                + "data: [DONE]\n\n";
        assertThat(decode(sse)).isEqualTo("start id=c1 model=m created=0\ntext \"y\"\nend\n");
    }

    @Test
    void unknownFinishReasonIsOther() {
        assertThat(decode(chunk("{}", "eos") + "data: [DONE]\n\n"))
                .isEqualTo("start id=c1 model=m created=5\nfinish OTHER null\nend\n");
    }

    @Test
    void eventNamedErrorIsAnError() {
        assertThat(decode("event: error\ndata: {\"message\":\"overloaded\",\"code\":\"overloaded\"}\n\n"))
                .isEqualTo("error 529 overloaded_error \"overloaded\"\n");
    }

    @Test
    void brokenJsonAndNonObjectsFail() {
        assertThat(decode(chunk("{\"content\":\"a\"}", null) + "data: {\"choices\":[{\n\n"))
                .endsWith("error 502 api_error \"upstream sent an event that is not valid JSON: JsonEOFException\"\n");
        assertThat(decode("data: 42\n\n"))
                .isEqualTo("error 502 api_error \"upstream sent a stream event that is not a JSON object\"\n");
    }

    @Test
    void absurdToolIndexFails() {
        assertThat(decode(chunk(
                "{\"tool_calls\":[{\"index\":99999,\"id\":\"t\",\"function\":{\"name\":\"f\"}}]}", null)))
                .isEqualTo("start id=c1 model=m created=5\n"
                        + "error 502 api_error \"upstream sent tool_calls[].index 99999 (expected: 0..1023)\"\n");
    }

    @Test
    void sparseToolIndexesMapToDenseSlots() {
        String sse = chunk("{\"tool_calls\":[{\"index\":7,\"id\":\"t7\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}", null)
                + chunk("{\"tool_calls\":[{\"index\":2,\"id\":\"t2\","
                        + "\"function\":{\"name\":\"g\",\"arguments\":\"{\"}}]}", null)
                + chunk("{\"tool_calls\":[{\"index\":7,\"function\":{\"arguments\":\"[1]\"}},"
                        + "{\"index\":2,\"function\":{\"arguments\":\"}\"}}]}", "tool_calls")
                + "data: [DONE]\n\n";
        assertThat(decode(sse)).isEqualTo("start id=c1 model=m created=5\ntool_start 0 id=t7 name=f\n"
                + "tool_start 1 id=t2 name=g\ntool_args 1 \"{\"\ntool_args 0 \"[1]\"\ntool_args 1 \"}\"\n"
                + "finish TOOL_CALLS null\nend\n");
    }

    @Test
    void freshIdOnANamelessFragmentContinuesTheCallAtItsIndex() {
        String sse = chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"a1\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\"\"}}]}", null)
                + chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"a2\",\"function\":{\"arguments\":\":1}\"}}]}", null)
                + chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"b1\","
                        + "\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}", "tool_calls")
                + "data: [DONE]\n\n";
        assertThat(decode(sse)).isEqualTo("start id=c1 model=m created=5\ntool_start 0 id=a1 name=f\n"
                + "tool_args 0 \"{\\\"x\\\"\"\ntool_args 0 \":1}\"\ntool_start 1 id=b1 name=g\ntool_args 1 \"{}\"\n"
                + "finish TOOL_CALLS null\nend\n");
    }

    @Test
    void releaseMidEventLeaksNothingAndCallsNothing() {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = OpenAiDialect.INSTANCE.streamDecoder(rec);
        ByteBuf chunk = PooledChunks.direct(chunk("{\"content\":\"a\"}", null) + "data: {\"id\":\"c1\",\"cho");
        d.feed(chunk);
        chunk.release();
        d.release();
        d.release();
        d.end();
        assertThat(rec.transcript()).isEqualTo("start id=c1 model=m created=5\ntext \"a\"\n");
        assertThat(d.finished()).isTrue();
    }
}
