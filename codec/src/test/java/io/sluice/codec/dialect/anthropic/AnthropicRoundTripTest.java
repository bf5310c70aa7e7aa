package io.sluice.codec.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.json.Usage;
import io.sluice.codec.testing.HubRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random hub event sequences → encoder → bytes cut at random places → decoder: the content survives. Normalized for
 * what the dialect legitimately changes: adjacent deltas join per block, tool arguments per slot, {@code created}
 * becomes 0, finish reasons map through Anthropic's smaller set, usage totals are recomputed.
 */
class AnthropicRoundTripTest {

    private static final int ITERATIONS = 400;
    private static final String[] WORDS = {"hello", " world", "\"quoted\"", "line\nbreak", "tab\t", "back\\slash",
        "é", "中文", "😀", "</script>", "{\"json\":1}", " ", "\u2028", "data: x\n\n", "event: y"};
    private static final FinishReason[] FINISHES = FinishReason.values();
    private static final String[] ERROR_TYPES = {HubError.OVERLOADED, HubError.API_ERROR, HubError.RATE_LIMIT,
        HubError.INVALID_REQUEST, HubError.TIMEOUT};

    @Test
    void contentSurvivesEncodeAndDecode() {
        Random rnd = new Random(20241123L);
        for (int i = 0; i < ITERATIONS; i++) {
            HubRecorder original = new HubRecorder();
            generate(rnd, original);
            String sent = original.transcript();

            StreamEncoder enc = AnthropicDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, new HubRequest());
            byte[] bytes;
            try {
                HubRecorder.replay(sent, enc);
                bytes = drain(enc);
            } finally {
                enc.release();
            }

            HubRecorder decoded = new HubRecorder();
            StreamDecoder dec = AnthropicDialect.INSTANCE.streamDecoder(decoded);
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 200));
                ByteBuf chunk = ByteBufAllocator.DEFAULT.buffer(n).writeBytes(bytes, at, n);
                try {
                    dec.feed(chunk);
                } finally {
                    chunk.release();
                }
                at += n;
            }
            dec.end();

            assertThat(normalize(decoded.lines())).as("iteration %d:\n%s", i, sent)
                    .isEqualTo(normalize(original.lines()));
        }
    }

    private static byte[] drain(StreamEncoder enc) {
        ByteBuf b = enc.take();
        if (b == null) {
            return new byte[0];
        }
        try {
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    /** A random sequence obeying the HubListener order contract. */
    private static void generate(Random rnd, HubListener l) {
        l.onStart("msg_" + Integer.toHexString(rnd.nextInt()), "model-" + rnd.nextInt(5), rnd.nextInt(2));
        int calls = 0;
        int items = rnd.nextInt(7);
        List<Integer> openCalls = new ArrayList<>();
        for (int k = 0; k < items; k++) {
            switch (rnd.nextInt(6)) {
                case 0, 1 -> l.onText(text(rnd));
                case 2 -> {
                    l.onReasoning(text(rnd));
                    if (rnd.nextBoolean()) {
                        l.onReasoning(text(rnd));
                    }
                    if (rnd.nextBoolean()) {
                        l.onReasoningSignature("Eq" + Integer.toHexString(rnd.nextInt()) + "==");
                    }
                }
                case 3 -> l.onRedactedReasoning("Rd" + Integer.toHexString(rnd.nextInt()));
                default -> {
                    if (calls < 3) {
                        l.onToolCallStart(calls, rnd.nextInt(4) == 0 ? null : "toolu_" + calls + "x", "fn_" + calls);
                        openCalls.add(calls);
                        calls++;
                    }
                }
            }
            // Arguments in fragments, sometimes interleaved across calls as OpenAI upstreams do.
            if (!openCalls.isEmpty() && rnd.nextBoolean()) {
                int slot = openCalls.get(rnd.nextInt(openCalls.size()));
                String args = "{\"k\":" + JsonQuote.of(text(rnd)) + ",\"n\":" + rnd.nextInt(1000) + "}";
                int cut = 1 + rnd.nextInt(args.length() - 1);
                l.onToolCallArguments(slot, args.substring(0, cut));
                l.onToolCallArguments(slot, args.substring(cut));
            }
        }
        if (rnd.nextInt(8) == 0) {
            String type = ERROR_TYPES[rnd.nextInt(ERROR_TYPES.length)];
            l.onError(new HubError(HubError.statusFor(type), type, "failed: " + text(rnd)));
            return;
        }
        if (rnd.nextInt(6) != 0) {
            FinishReason f = FINISHES[rnd.nextInt(FINISHES.length)];
            l.onFinish(f, f == FinishReason.STOP_SEQUENCE ? "##" + rnd.nextInt(9) : null);
        }
        if (rnd.nextInt(5) != 0) {
            long cached = rnd.nextBoolean() ? rnd.nextInt(100) : Usage.ABSENT;
            long written = rnd.nextBoolean() ? rnd.nextInt(100) : Usage.ABSENT;
            long prompt = Math.max(0, cached) + Math.max(0, written) + rnd.nextInt(500);
            long completion = rnd.nextInt(300);
            l.onUsage(new Usage(prompt, completion, prompt + completion, cached, Usage.ABSENT, written));
        }
        l.onEnd();
    }

    private static String text(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /**
     * The transcript with adjacent text/reasoning joined, tool arguments gathered per slot (listed after the calls),
     * {@code created} zeroed, the finish reason as Anthropic can say it, and a missing usage as the encoder's zero.
     */
    static List<String> normalize(List<String> lines) {
        List<String> out = new ArrayList<>();
        List<StringBuilder> args = new ArrayList<>();
        List<String> toolIds = new ArrayList<>();
        String finish = null;
        String usage = null;
        String terminal = null;
        String pendingKind = null;
        StringBuilder pending = null;
        for (String line : lines) {
            int sp = line.indexOf(' ');
            String op = sp < 0 ? line : line.substring(0, sp);
            String rest = sp < 0 ? "" : line.substring(sp + 1);
            if (op.equals("text") || op.equals("reasoning")) {
                String value = HubRecorderText.unquote(rest);
                if (!op.equals(pendingKind)) {
                    flush(out, pendingKind, pending);
                    pendingKind = op;
                    pending = new StringBuilder();
                }
                pending.append(value);
                continue;
            }
            if (op.equals("tool_args")) {
                int s = rest.indexOf(' ');
                int slot = Integer.parseInt(rest.substring(0, s));
                args.get(slot).append(HubRecorderText.unquote(rest.substring(s + 1)));
                continue;
            }
            flush(out, pendingKind, pending);
            pendingKind = null;
            pending = null;
            switch (op) {
                case "start" -> out.add(line.replaceAll("created=\\d+", "created=0"));
                case "tool_start" -> {
                    args.add(new StringBuilder());
                    String[] f = rest.split(" ");
                    toolIds.add(f[1]);
                    // an id-less call gets one derived from the message id
                    out.add("tool_start " + f[0] + (f[1].equals("id=null") ? " id=<generated>" : " " + f[1])
                            + " " + f[2]);
                }
                case "finish" -> finish = rest;
                case "usage" -> usage = rest;
                case "end", "error" -> terminal = line;
                default -> out.add(line);
            }
        }
        flush(out, pendingKind, pending);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).contains(" id=toolu_msg_")) {
                out.set(i, out.get(i).replaceAll(" id=toolu_msg_\\S+", " id=<generated>"));
            }
        }
        for (int i = 0; i < args.size(); i++) {
            out.add("args " + i + " " + args.get(i));
        }
        if (terminal != null && terminal.equals("end")) {
            out.add("finish " + anthropicFinish(finish, !args.isEmpty()));
            // no usage: the encoder's message_start zeros are all the bytes say
            out.add("usage " + (usage == null ? "0 0 0 -1 -1 -1" : usage));
        }
        out.add(terminal);
        return out;
    }

    private static String anthropicFinish(String finish, boolean tools) {
        if (finish == null) {
            return tools ? "TOOL_CALLS null" : "STOP null";
        }
        String reason = finish.substring(0, finish.indexOf(' '));
        return switch (reason) {
            case "STOP", "OTHER" -> tools ? "TOOL_CALLS null" : "STOP null";
            case "STOP_SEQUENCE" -> finish;
            default -> reason + " null";
        };
    }

    private static void flush(List<String> out, String kind, StringBuilder text) {
        if (kind != null && !text.isEmpty()) {
            out.add(kind + " " + text);
        }
    }

    /** JSON string literal helpers for the generator and the normalizer. */
    static final class JsonQuote {
        static String of(String s) {
            return io.sluice.codec.dialect.JsonIo.quote(s);
        }
    }

    static final class HubRecorderText {
        static String unquote(String literal) {
            try (var p = io.sluice.codec.dialect.JsonIo.FACTORY.createParser(literal)) {
                p.nextToken();
                return p.getText();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(literal, e);
            }
        }
    }
}
