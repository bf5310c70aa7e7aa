package io.sluice.codec.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.StreamDecoder;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.json.Usage;
import io.sluice.codec.testing.HubRecorder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random hub event sequences → Gemini encoder → bytes split at random sizes → Gemini decoder: the content survives.
 * Normalised for what Gemini legitimately merges or cannot say: text and reasoning deltas are compared per block,
 * tool arguments per call as canonical JSON, STOP_SEQUENCE/PAUSE/OTHER read back as STOP and STOP with calls as
 * TOOL_CALLS, zero cached/reasoning counts read back as absent, cache writes are lost.
 */
class GeminiRoundTripTest {

    private static final String[] WORDS = {"hello", " world", "Ça", " va", "\"quoted\"", "back\\slash", "\n", "\r\n",
            "中文", "😀", "<b>&amp;</b>", "tab\tend", " ", "{\"json\": 1}", "data: fake", "\u2028", "e\u0301"};
    private static final FinishReason[] FINISHES = FinishReason.values();
    private static final int[] ERROR_STATUSES = {400, 429, 500, 503, 529};

    @Test
    void randomStreamsSurviveEncodeAndDecode() throws IOException {
        Random rnd = new Random(0x6E6D1L);
        for (int i = 0; i < 400; i++) {
            List<String> events = randomEvents(rnd, i);
            String original = String.join("\n", events) + "\n";
            byte[] bytes = encode(original);
            String decoded = decode(bytes, rnd);
            assertThat(normalize(decoded)).as("iteration %d\n%s\n--- encoded:\n%s", i, original,
                    new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected(original));
        }
    }

    private static List<String> randomEvents(Random rnd, int i) {
        List<String> ev = new ArrayList<>();
        ev.add("start id=resp_" + i + " model=m-" + (i % 3) + " created=0");
        if (rnd.nextInt(3) == 0) {
            int n = 1 + rnd.nextInt(3);
            for (int k = 0; k < n; k++) {
                ev.add("reasoning " + q(text(rnd)));
            }
            if (rnd.nextBoolean()) {
                ev.add("signature " + q("Eq" + Integer.toHexString(rnd.nextInt()) + "+/=="));
            }
        }
        int texts = rnd.nextInt(5);
        for (int k = 0; k < texts; k++) {
            ev.add("text " + q(text(rnd)));
        }
        int calls = rnd.nextInt(4);
        for (int slot = 0; slot < calls; slot++) {
            ev.add("tool_start " + slot + " id=call_" + i + "_" + slot + " name=fn_" + rnd.nextInt(5));
            String args = args(rnd);
            int pos = 0;
            while (pos < args.length()) {
                int end = Math.min(args.length(), pos + 1 + rnd.nextInt(6));
                // never split a surrogate pair: fragments are Java strings on the hub
                if (end < args.length() && Character.isHighSurrogate(args.charAt(end - 1))) {
                    end++;
                }
                ev.add("tool_args " + slot + " " + q(args.substring(pos, end)));
                pos = end;
            }
        }
        boolean error = rnd.nextInt(6) == 0;
        if (error) {
            int status = ERROR_STATUSES[rnd.nextInt(ERROR_STATUSES.length)];
            ev.add("error " + status + " " + HubError.typeFor(status) + " " + q("boom " + text(rnd)));
            return ev;
        }
        FinishReason f = FINISHES[rnd.nextInt(FINISHES.length)];
        ev.add("finish " + f + " null");
        if (rnd.nextInt(4) > 0) {
            long p = rnd.nextInt(5000);
            long r = rnd.nextBoolean() ? rnd.nextInt(300) : 0;
            long c = r + rnd.nextInt(900);
            long cached = rnd.nextBoolean() ? rnd.nextInt((int) p + 1) : 0;
            ev.add("usage " + p + " " + c + " " + (p + c) + " " + cached + " " + r + " "
                    + (rnd.nextBoolean() ? 7 : -1));
        }
        ev.add("end");
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

    private static String args(Random rnd) {
        StringBuilder sb = new StringBuilder("{");
        int n = rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                sb.append(rnd.nextBoolean() ? ", " : ",\n  ");
            }
            sb.append(q("k" + k)).append(": ");
            switch (rnd.nextInt(4)) {
                case 0 -> sb.append(q(text(rnd)));
                case 1 -> sb.append(rnd.nextInt(1000) - 500);
                case 2 -> sb.append("[true, null, 1.5]");
                default -> sb.append("{\"nested\": ").append(q(text(rnd))).append('}');
            }
        }
        return sb.append('}').toString();
    }

    private static String q(String s) {
        return io.sluice.codec.dialect.JsonIo.quote(s);
    }

    private static byte[] encode(String transcript) throws IOException {
        StreamEncoder enc = GeminiDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, new HubRequest());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (String line : transcript.split("\n")) {
                HubRecorder.replay(line, enc);
                ByteBuf b = enc.take();
                if (b != null) {
                    b.readBytes(out, b.readableBytes());
                    b.release();
                }
            }
        } finally {
            enc.release();
        }
        return out.toByteArray();
    }

    private static String decode(byte[] bytes, Random rnd) {
        HubRecorder rec = new HubRecorder();
        StreamDecoder d = GeminiDialect.INSTANCE.streamDecoder(rec);
        int pos = 0;
        while (pos < bytes.length) {
            int n = Math.min(bytes.length - pos, 1 + rnd.nextInt(64));
            ByteBuf b = rnd.nextBoolean()
                    ? ByteBufAllocator.DEFAULT.heapBuffer(n)
                    : ByteBufAllocator.DEFAULT.directBuffer(n);
            b.writeBytes(bytes, pos, n);
            pos += n;
            try {
                d.feed(b);
            } finally {
                b.release();
            }
        }
        d.end();
        return rec.transcript();
    }

    /** The expected normalised form of an original transcript. */
    private static List<String> expected(String original) {
        List<String> out = new ArrayList<>();
        boolean calls = original.contains("\ntool_start ");
        String text = null;
        String reasoning = null;
        for (String line : original.split("\n")) {
            String op = line.substring(0, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' '));
            switch (op) {
                case "start" -> out.add(line);
                case "text" -> {
                    reasoning = flush(out, "reasoning", reasoning);
                    text = (text == null ? "" : text) + unq(line.substring(5));
                }
                case "reasoning" -> {
                    text = flush(out, "text", text);
                    reasoning = (reasoning == null ? "" : reasoning) + unq(line.substring(10));
                }
                case "signature", "tool_start" -> {
                    text = flush(out, "text", text);
                    reasoning = flush(out, "reasoning", reasoning);
                    out.add(line);
                }
                case "tool_args" -> appendArgs(out, line);
                case "finish" -> {
                    text = flush(out, "text", text);
                    reasoning = flush(out, "reasoning", reasoning);
                    FinishReason f = FinishReason.valueOf(line.split(" ")[1]);
                    FinishReason back = switch (f) {
                        case LENGTH, CONTENT_FILTER -> f;
                        default -> calls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
                    };
                    out.add("finish " + back + " null");
                }
                case "usage" -> {
                    String[] u = line.split(" ");
                    long cached = Long.parseLong(u[4]);
                    long reasoningTokens = Long.parseLong(u[5]);
                    out.add("usage " + u[1] + " " + u[2] + " " + u[3] + " " + (cached > 0 ? cached : -1) + " "
                            + (reasoningTokens > 0 ? reasoningTokens : -1) + " -1");
                }
                case "error" -> {
                    text = flush(out, "text", text);
                    reasoning = flush(out, "reasoning", reasoning);
                    String[] f = line.split(" ", 4);
                    int code = Integer.parseInt(f[1]) == 529 ? 503 : Integer.parseInt(f[1]);
                    if (out.size() == 1 && out.get(0).startsWith("start ")) {
                        out.clear(); // nothing was sent before the error: Gemini has no start event to carry the id
                    }
                    out.add("error " + code + " " + GeminiErrors.typeFor(GeminiErrors.statusString(code), code)
                            + " " + f[3]);
                }
                case "end" -> out.add(line);
                default -> throw new IllegalArgumentException(line);
            }
        }
        return canonicalArgs(out);
    }

    /** Decoded transcripts merged the same way (the decoder already emits whole tool arguments). */
    private static List<String> normalize(String decoded) {
        return expected(decoded);
    }

    private static String flush(List<String> out, String op, String acc) {
        if (acc != null && !acc.isEmpty()) {
            out.add(op + " " + q(acc));
        }
        return null;
    }

    private static void appendArgs(List<String> out, String line) {
        int s = line.indexOf(' ', 10);
        String slot = line.substring(10, s);
        String frag = unq(line.substring(s + 1));
        String prefix = "tool_args " + slot + " ";
        if (!out.isEmpty() && out.get(out.size() - 1).startsWith(prefix)) {
            out.set(out.size() - 1, out.get(out.size() - 1) + frag);
        } else {
            out.add(prefix + frag);
        }
    }

    private static List<String> canonicalArgs(List<String> out) {
        List<String> res = new ArrayList<>(out.size());
        for (String line : out) {
            if (line.startsWith("tool_args ")) {
                int s = line.indexOf(' ', 10);
                try {
                    res.add(line.substring(0, s + 1) + JsonTree.toJson(JsonTree.parse(line.substring(s + 1))));
                } catch (IOException e) {
                    throw new AssertionError("arguments are not JSON: " + line, e);
                }
            } else {
                res.add(line);
            }
        }
        return res;
    }

    private static String unq(String literal) {
        try (var p = io.sluice.codec.dialect.JsonIo.FACTORY.createParser(literal)) {
            p.nextToken();
            return p.getText();
        } catch (IOException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @Test
    void normalizationSelfCheck() {
        assertThat(expected("start id=a model=b created=0\ntext \"x\"\ntext \"y\"\nfinish STOP_SEQUENCE null\nend\n"))
                .containsExactly("start id=a model=b created=0", "text \"xy\"", "finish STOP null", "end");
        assertThat(Usage.ABSENT).isEqualTo(-1);
    }
}
