package io.sluice.codec.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.json.Usage;
import io.sluice.codec.testing.HubRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random hub event sequences → Responses encoder → bytes split at random sizes (pooled heap and direct) → Responses
 * decoder: the transcript comes back, up to what the dialect legitimately changes (see {@link #expected}).
 */
class ResponsesRoundTripTest {

    private static final int ITERATIONS = 400;
    private static final String[] WORDS = {"Hello", " world", "\"quoted\"", " é", "中文", "😀", "\n", "\\", "{}",
        " a\tb", "</script>", "\u2028", "line\r\n", " ", "ok.", "\u0000x", "日本"};
    private static final String[] NAMES = {"get_weather", "search", "run_sql", "lookup"};

    @Test
    void randomHubStreamsSurviveEncodeAndDecode() {
        Random rnd = new Random(0x5eed_4e5L);
        for (int i = 0; i < ITERATIONS; i++) {
            List<String> events = randomEvents(rnd, i);
            String input = String.join("\n", events) + "\n";
            String out = roundTrip(input, rnd);
            assertThat(out).as("iteration %d, input:\n%s", i, input).isEqualTo(expected(events));
        }
    }

    private static String roundTrip(String transcript, Random rnd) {
        StreamEncoder enc = ResponsesDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT,
                ResponsesStreamEncoderTest.request());
        ByteBuf all = ByteBufAllocator.DEFAULT.buffer();
        try {
            HubRecorder.replay(transcript, enc);
            ByteBuf b = enc.take();
            if (b != null) {
                all.writeBytes(b);
                b.release();
            }
            HubRecorder rec = new HubRecorder();
            StreamDecoder dec = ResponsesDialect.INSTANCE.streamDecoder(rec);
            while (all.isReadable()) {
                int n = Math.min(all.readableBytes(), 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 300));
                ByteBuf chunk = rnd.nextBoolean() ? ByteBufAllocator.DEFAULT.directBuffer(n)
                        : ByteBufAllocator.DEFAULT.heapBuffer(n);
                all.readBytes(chunk, n);
                try {
                    dec.feed(chunk);
                } finally {
                    chunk.release();
                }
            }
            dec.end();
            return rec.transcript();
        } finally {
            all.release();
            enc.release();
        }
    }

    private static List<String> randomEvents(Random rnd, int i) {
        List<String> ev = new ArrayList<>();
        HubRecorder rec = new HubRecorder();
        rec.onStart("resp_rt_" + i, "model-" + rnd.nextInt(3), 1732300000L + i);
        int blocks = rnd.nextInt(5);
        for (int b = 0; b < blocks; b++) {
            if (rnd.nextInt(3) == 0) {
                int n = 1 + rnd.nextInt(3);
                for (int k = 0; k < n; k++) {
                    rec.onReasoning(text(rnd));
                }
                if (rnd.nextBoolean()) {
                    rec.onReasoningSignature(rnd.nextBoolean() ? "gAAAAAB" + rnd.nextInt(1 << 20) + "x-_=="
                            : "EqQB" + rnd.nextInt(1000) + "/+==");
                }
            } else {
                int n = 1 + rnd.nextInt(5);
                for (int k = 0; k < n; k++) {
                    rec.onText(text(rnd));
                }
            }
        }
        int calls = rnd.nextInt(4);
        for (int c = 0; c < calls; c++) {
            rec.onToolCallStart(c, "call_" + i + "_" + c, NAMES[rnd.nextInt(NAMES.length)]);
            String args = "{\"q\":" + io.sluice.codec.dialect.JsonIo.quote(text(rnd)) + ",\"n\":" + rnd.nextInt(99)
                    + "}";
            int at = 0;
            while (at < args.length()) {
                int n = Math.min(args.length() - at, 1 + rnd.nextInt(6));
                rec.onToolCallArguments(c, args.substring(at, at + n));
                at += n;
            }
        }
        if (rnd.nextInt(10) == 0) {
            rec.onError(rnd.nextBoolean() ? HubError.truncated()
                    : new HubError(529, HubError.OVERLOADED, "Overloaded \"now\""));
        } else {
            if (rnd.nextInt(8) != 0) {
                FinishReason[] all = FinishReason.values();
                rec.onFinish(all[rnd.nextInt(all.length)], null);
            }
            if (rnd.nextInt(4) != 0) {
                rec.onUsage(new Usage(rnd.nextInt(5000), rnd.nextInt(900), rnd.nextBoolean() ? -1 : 7777,
                        rnd.nextBoolean() ? -1 : rnd.nextInt(100), rnd.nextBoolean() ? -1 : rnd.nextInt(100),
                        rnd.nextBoolean() ? -1 : rnd.nextInt(50)));
            }
            rec.onEnd();
        }
        ev.addAll(rec.lines());
        return ev;
    }

    private static String text(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /**
     * What the decoder gives back: content events unchanged; the finish derived from the terminal event (completed →
     * TOOL_CALLS with a call, else STOP; LENGTH and CONTENT_FILTER kept) and always present; usage once, after the
     * finish, with unreported cached/reasoning counts as 0, an unreported total as the sum, no cache-write count;
     * an error's status re-derived from its type.
     */
    private static String expected(List<String> events) {
        HubRecorder rec = new HubRecorder();
        HubRecorder.replay(String.join("\n", events) + "\n", new HubListener() {
            boolean calls;
            FinishReason finish;
            Usage usage;

            @Override
            public void onStart(String id, String model, long created) {
                rec.onStart(id, model, created);
            }

            @Override
            public void onText(String delta) {
                rec.onText(delta);
            }

            @Override
            public void onReasoning(String delta) {
                rec.onReasoning(delta);
            }

            @Override
            public void onReasoningSignature(String signature) {
                rec.onReasoningSignature(signature);
            }

            @Override
            public void onToolCallStart(int slot, String id, String name) {
                calls = true;
                rec.onToolCallStart(slot, id, name);
            }

            @Override
            public void onToolCallArguments(int slot, String fragment) {
                rec.onToolCallArguments(slot, fragment);
            }

            @Override
            public void onFinish(FinishReason reason, String stopSequence) {
                finish = reason;
            }

            @Override
            public void onUsage(Usage u) {
                usage = u;
            }

            @Override
            public void onEnd() {
                FinishReason f = finish == FinishReason.LENGTH || finish == FinishReason.CONTENT_FILTER ? finish
                        : calls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
                rec.onFinish(f, null);
                if (usage != null) {
                    long total = usage.totalTokens() >= 0 ? usage.totalTokens()
                            : Usage.sum(usage.promptTokens(), usage.completionTokens());
                    rec.onUsage(new Usage(usage.promptTokens(), usage.completionTokens(), total,
                            Math.max(0, usage.cachedTokens()), Math.max(0, usage.reasoningTokens())));
                }
                rec.onEnd();
            }

            @Override
            public void onError(HubError e) {
                rec.onError(new HubError(HubError.statusFor(e.type()), e.type(), e.message()));
            }
        });
        return rec.transcript();
    }
}
