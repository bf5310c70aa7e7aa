package io.sluice.codec.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.codec.dialect.Dialects;

/**
 * Jazzer targets (coverage-guided) for every request reader, stream decoder and response decoder, the SSE framer,
 * the request scanner, the request rewriters and the JSON feeder.
 * In the normal suite they run once on their regression inputs; with
 * {@code JAZZER_FUZZ=1} (what {@code bin/bench fuzz} sets) the selected target is fuzzed for its duration.
 */
class CodecFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void openAiRequest(byte[] input) {
        FuzzTargets.request(Dialects.OPENAI, input);
    }

    @FuzzTest(maxDuration = "5m")
    void anthropicRequest(byte[] input) {
        FuzzTargets.request(Dialects.ANTHROPIC, input);
    }

    @FuzzTest(maxDuration = "5m")
    void geminiRequest(byte[] input) {
        FuzzTargets.request(Dialects.GEMINI, input);
    }

    @FuzzTest(maxDuration = "5m")
    void responsesRequest(byte[] input) {
        FuzzTargets.request(Dialects.RESPONSES, input);
    }

    @FuzzTest(maxDuration = "5m")
    void streams(FuzzedDataProvider data) {
        int dialect = data.consumeInt(0, FuzzTargets.DIALECTS.size() - 1);
        int chunk = data.consumeInt(1, 64);
        FuzzTargets.stream(FuzzTargets.DIALECTS.get(dialect), data.consumeRemainingAsBytes(), chunk);
    }

    @FuzzTest(maxDuration = "5m")
    void responses(FuzzedDataProvider data) {
        int dialect = data.consumeInt(0, FuzzTargets.DIALECTS.size() - 1);
        int status = data.consumeInt(100, 599);
        FuzzTargets.response(FuzzTargets.DIALECTS.get(dialect), data.consumeRemainingAsBytes(), status);
    }

    @FuzzTest(maxDuration = "5m")
    void sseFramer(FuzzedDataProvider data) {
        int chunk = data.consumeInt(1, 64);
        FuzzTargets.sse(data.consumeRemainingAsBytes(), chunk);
    }

    @FuzzTest(maxDuration = "5m")
    void requestScanner(FuzzedDataProvider data) {
        int chunk = data.consumeInt(1, 64);
        FuzzTargets.scanner(data.consumeRemainingAsBytes(), chunk);
    }

    @FuzzTest(maxDuration = "5m")
    void requestRewrite(FuzzedDataProvider data) {
        int dialect = data.consumeInt(0, FuzzTargets.DIALECTS.size() - 1);
        int chunk = data.consumeInt(1, 64);
        FuzzTargets.rewrite(FuzzTargets.DIALECTS.get(dialect), data.consumeRemainingAsBytes(), chunk);
    }

    @FuzzTest(maxDuration = "5m")
    void jsonFeeder(FuzzedDataProvider data) {
        int chunk = data.consumeInt(1, 64);
        FuzzTargets.feeder(data.consumeRemainingAsBytes(), chunk);
    }
}
