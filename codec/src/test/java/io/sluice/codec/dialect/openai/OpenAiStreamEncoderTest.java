package io.sluice.codec.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.json.Usage;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.HubRecorder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiStreamEncoderTest {

    /** The shared hub transcripts every dialect's encoder is tested with. */
    static final List<String> HUB = List.of("text", "tools", "thinking", "length", "error", "truncated");

    static String encode(String transcript, boolean includeUsage) {
        HubRequest client = new HubRequest();
        client.stream = true;
        client.includeUsage = includeUsage;
        StreamEncoder enc = OpenAiDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, client);
        StringBuilder out = new StringBuilder();
        // Take after every event, as the proxy does after each upstream read, and once more at the end.
        for (String line : transcript.split("\n")) {
            HubRecorder.replay(line, enc);
            take(enc, out);
        }
        take(enc, out);
        enc.release();
        return out.toString();
    }

    private static void take(StreamEncoder enc, StringBuilder out) {
        ByteBuf b = enc.take();
        if (b != null) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "tools", "thinking", "length", "error", "truncated"})
    void encodesSharedHubTranscriptToGolden(String name) {
        String hub = Golden.read("dialect/hub/" + name + ".hub");
        Golden.check("dialect/openai/encoded/" + name + ".sse", encode(hub, true));
    }

    @Test
    void withoutIncludeUsageNoUsageFieldsAndNoUsageChunk() {
        String hub = Golden.read("dialect/hub/text.hub");
        Golden.check("dialect/openai/encoded/text-no-usage.sse", encode(hub, false));
        assertThat(encode(hub, false)).doesNotContain("usage").endsWith("data: [DONE]\n\n");
    }

    @Test
    void usageNeverReportedMeansNoUsageChunk() {
        String out = encode("start id=x model=m created=7\ntext \"a\"\nfinish STOP null\nend\n", true);
        assertThat(out).doesNotContain("\"choices\":[]").endsWith("data: [DONE]\n\n");
    }

    @Test
    void absentCountsAreOmittedAndTotalIsTheSumOfReportedCounts() {
        String out = encode("start id=x model=m created=7\nusage 10 5 -1 -1 -1 3\nend\n", true);
        assertThat(out).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,"
                + "\"total_tokens\":15}}\n\n");
        String onlyPrompt = encode("start id=x model=m created=7\nusage 10 -1 -1 -1 -1 -1\nend\n", true);
        assertThat(onlyPrompt).contains("\"usage\":{\"prompt_tokens\":10}}");
    }

    @Test
    void zeroCreatedBecomesTheCurrentTime() {
        long before = System.currentTimeMillis() / 1000;
        String out = encode("start id=x model=m created=0\nend\n", false);
        String created = out.substring(out.indexOf("\"created\":") + 10, out.indexOf(",\"model\""));
        assertThat(Long.parseLong(created)).isBetween(before, before + 5);
    }

    @Test
    void nothingAfterEndOrError() {
        String out = encode("start id=x model=m created=7\nerror 429 rate_limit_error \"slow down\"\n"
                + "text \"late\"\nend\n", true);
        assertThat(out).endsWith("data: {\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\","
                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}\n\n")
                .doesNotContain("late").doesNotContain("[DONE]");
        String done = encode("start id=x model=m created=7\nend\nend\ntext \"late\"\n", false);
        assertThat(done).endsWith("data: [DONE]\n\n").doesNotContain("late");
        assertThat(done.indexOf("[DONE]")).isEqualTo(done.lastIndexOf("[DONE]"));
    }

    @Test
    void errorBeforeStartIsTheOnlyEvent() {
        assertThat(encode("error 401 authentication_error \"bad key\"\n", true)).isEqualTo(
                "data: {\"error\":{\"message\":\"bad key\",\"type\":\"authentication_error\",\"param\":null,"
                        + "\"code\":null}}\n\n");
    }

    @Test
    void finishReasonTable() {
        for (FinishReason r : FinishReason.values()) {
            String out = encode("start id=x model=m created=7\nfinish " + r + " null\nend\n", false);
            String expected = switch (r) {
                case TOOL_CALLS -> "tool_calls";
                case LENGTH -> "length";
                case CONTENT_FILTER -> "content_filter";
                default -> "stop";
            };
            assertThat(out).as(r.name()).contains("\"finish_reason\":\"" + expected + "\"");
        }
    }

    @Test
    void releaseFreesUntakenOutputAndIsIdempotent() {
        StreamEncoder enc = OpenAiDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, new HubRequest());
        enc.onStart("x", "m", 7);
        enc.onText("pending");
        enc.release();
        enc.release();
        enc.onText("after release");
        enc.onUsage(new Usage(1, 1, 2, -1, -1));
        enc.onError(new HubError(500, HubError.API_ERROR, "x"));
        assertThat(enc.take()).isNull();
    }
}
