package io.sluice.codec.dialect.openai;

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
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Random hub event sequences → {@link OpenAiStreamEncoder} → bytes cut at random places → {@link OpenAiStreamDecoder}:
 * what the client of an OpenAI-speaking Sluice sees must be what the hub said, up to what the dialect legitimately
 * merges or cannot carry (normalized below).
 */
class OpenAiRoundTripTest {

    private static final int ITERATIONS = 300;
    private static final String[] WORDS = {"Hello", " world", "\"quoted\"", "\\back\\slash", "line\nbreak", "tab\t",
            "é", "中文", "😀", "\u0001ctl", "\u2028sep", "{\"json\":true}", "data: [DONE]", "\r\n\r\n", " ", ""};
    /** Errors whose status is the one their type implies: OpenAI's error object carries no status of its own. */
    private static final HubError[] ERRORS = {
            new HubError(400, HubError.INVALID_REQUEST, "bad \"input\""),
            new HubError(401, HubError.AUTHENTICATION, "bad key"),
            new HubError(403, HubError.PERMISSION, "forbidden"),
            new HubError(404, HubError.NOT_FOUND, "no such model"),
            new HubError(413, HubError.REQUEST_TOO_LARGE, "too big"),
            new HubError(429, HubError.RATE_LIMIT, "slow down"),
            new HubError(500, HubError.API_ERROR, "boom\nsecond line"),
            new HubError(504, HubError.TIMEOUT, "timed out"),
            new HubError(529, HubError.OVERLOADED, "Overloaded")};

    @Test
    void randomHubStreamsSurviveEncodeThenDecode() {
        Random rnd = new Random(0x5EEDL);
        for (int i = 0; i < ITERATIONS; i++) {
            boolean includeUsage = rnd.nextInt(4) != 0;
            List<Consumer<HubListener>> events = randomEvents(rnd);
            HubRecorder expected = new HubRecorder();
            byte[] bytes = encode(events, includeUsage, expected);
            String actual = decode(bytes, rnd);
            assertThat(normalize(actual, true))
                    .as("iteration %d (include_usage=%s)%nhub:%n%s%nsse:%n%s", i, includeUsage,
                            expected.transcript(), new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(normalize(expected.transcript(), includeUsage));
        }
    }

    private static List<Consumer<HubListener>> randomEvents(Random rnd) {
        List<Consumer<HubListener>> ev = new ArrayList<>();
        String id = "chatcmpl-" + Integer.toString(rnd.nextInt(1 << 30), 36);
        long created = 1_700_000_000L + rnd.nextInt(1_000_000);
        String model = "model/" + rnd.nextInt(9);
        ev.add(l -> l.onStart(id, model, created));
        int blocks = rnd.nextInt(5);
        for (int b = 0; b < blocks; b++) {
            boolean reasoning = rnd.nextInt(3) == 0;
            int deltas = 1 + rnd.nextInt(4);
            for (int d = 0; d < deltas; d++) {
                String s = text(rnd);
                ev.add(reasoning ? l -> l.onReasoning(s) : l -> l.onText(s));
            }
            if (reasoning && rnd.nextBoolean()) {
                String sig = "Eq" + Integer.toString(rnd.nextInt(1 << 30), 36) + "==";
                ev.add(l -> l.onReasoningSignature(sig));
            }
        }
        int calls = rnd.nextInt(4);
        for (int c = 0; c < calls; c++) {
            int slot = c;
            String callId = "call_" + c + "_" + Integer.toString(rnd.nextInt(1 << 30), 36);
            String name = "fn_" + rnd.nextInt(100);
            ev.add(l -> l.onToolCallStart(slot, callId, name));
            String args = "{\"q\":" + io.sluice.codec.dialect.JsonIo.quote(text(rnd) + text(rnd)) + ",\"n\":"
                    + rnd.nextInt(1000) + "}";
            int pos = 0;
            while (pos < args.length()) {
                int end = Math.min(args.length(), pos + 1 + rnd.nextInt(8));
                String frag = args.substring(pos, end);
                ev.add(l -> l.onToolCallArguments(slot, frag));
                pos = end;
            }
        }
        if (rnd.nextInt(5) != 0) {
            FinishReason f = FinishReason.values()[rnd.nextInt(FinishReason.values().length)];
            ev.add(l -> l.onFinish(f, f == FinishReason.STOP_SEQUENCE ? "###" : null));
        }
        if (rnd.nextInt(4) != 0) {
            Usage u = new Usage(rnd.nextInt(5000), rnd.nextInt(5000), rnd.nextBoolean() ? rnd.nextInt(10_000) : -1,
                    rnd.nextBoolean() ? rnd.nextInt(100) : -1, rnd.nextBoolean() ? rnd.nextInt(100) : -1,
                    rnd.nextBoolean() ? rnd.nextInt(100) : -1);
            ev.add(l -> l.onUsage(u));
        }
        if (rnd.nextInt(8) == 0) {
            HubError e = ERRORS[rnd.nextInt(ERRORS.length)];
            ev.add(l -> l.onError(e));
        } else {
            ev.add(HubListener::onEnd);
        }
        return ev;
    }

    private static String text(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    /** Plays the events into the encoder (taking output at random moments) and into {@code expected}. */
    private static byte[] encode(List<Consumer<HubListener>> events, boolean includeUsage, HubRecorder expected) {
        HubRequest client = new HubRequest();
        client.stream = true;
        client.includeUsage = includeUsage;
        StreamEncoder enc = OpenAiDialect.INSTANCE.streamEncoder(ByteBufAllocator.DEFAULT, client);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Consumer<HubListener> e : events) {
            e.accept(expected);
            e.accept(enc);
            take(enc, out);
        }
        take(enc, out);
        enc.release();
        return out.toByteArray();
    }

    private static void take(StreamEncoder enc, ByteArrayOutputStream out) {
        ByteBuf b = enc.take();
        if (b != null) {
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            out.writeBytes(a);
            b.release();
        }
    }

    private static String decode(byte[] bytes, Random rnd) {
        HubRecorder rec = new HubRecorder();
        StreamDecoder dec = OpenAiDialect.INSTANCE.streamDecoder(rec);
        int pos = 0;
        while (pos < bytes.length) {
            int n = Math.min(bytes.length - pos, 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 300));
            Memory m = Memory.values()[rnd.nextInt(2)];
            for (ByteBuf chunk : PooledChunks.split(Arrays.copyOfRange(bytes, pos, pos + n), n, m)) {
                dec.feed(chunk);
                chunk.release();
            }
            pos += n;
        }
        dec.end();
        return rec.transcript();
    }

    /**
     * What survives OpenAI's chat chunks: adjacent text (and reasoning) deltas join, empty ones vanish, signatures are
     * dropped, tool arguments concatenate per slot, finish reasons without an OpenAI word read as STOP, usage only
     * reaches a client that asked for it and only at a clean end, a total is the sum of what was reported, and the
     * cache-write count has no OpenAI field.
     */
    private static List<String> normalize(String transcript, boolean includeUsage) {
        List<String> out = new ArrayList<>();
        String kind = null;
        StringBuilder acc = new StringBuilder();
        List<StringBuilder> args = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        String usage = null;
        String finish = null;
        String terminal = null;
        for (String line : transcript.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int sp = line.indexOf(' ');
            String op = sp < 0 ? line : line.substring(0, sp);
            String rest = sp < 0 ? "" : line.substring(sp + 1);
            switch (op) {
                case "start" -> out.add(line);
                case "text", "reasoning" -> {
                    String s = unquote(rest);
                    if (!op.equals(kind) && !s.isEmpty()) {
                        flush(out, kind, acc);
                        kind = op;
                    }
                    acc.append(s);
                }
                case "signature" -> {
                }
                case "tool_start" -> {
                    flush(out, kind, acc);
                    kind = null;
                    calls.add(rest);
                    args.add(new StringBuilder());
                }
                case "tool_args" -> {
                    int s = rest.indexOf(' ');
                    args.get(Integer.parseInt(rest.substring(0, s))).append(unquote(rest.substring(s + 1)));
                }
                case "finish" -> {
                    String r = rest.substring(0, rest.indexOf(' '));
                    finish = switch (r) {
                        case "TOOL_CALLS", "LENGTH", "CONTENT_FILTER" -> r;
                        default -> "STOP";
                    };
                }
                case "usage" -> {
                    long[] u = Arrays.stream(rest.split(" ")).mapToLong(Long::parseLong).toArray();
                    long total = u[2] >= 0 ? u[2] : Usage.sum(u[0], u[1]);
                    usage = u[0] + " " + u[1] + " " + total + " " + u[3] + " " + u[4];
                }
                case "end", "error" -> terminal = line;
                default -> throw new IllegalArgumentException(line);
            }
        }
        flush(out, kind, acc);
        for (int i = 0; i < calls.size(); i++) {
            out.add("tool " + calls.get(i) + " args=" + args.get(i));
        }
        if (finish != null) {
            out.add("finish " + finish);
        }
        if (usage != null && includeUsage && "end".equals(terminal)) {
            out.add("usage " + usage);
        }
        out.add(terminal);
        return out;
    }

    private static void flush(List<String> out, String kind, StringBuilder acc) {
        if (kind != null && !acc.isEmpty()) {
            out.add(kind + " " + acc);
        }
        acc.setLength(0);
    }

    private static String unquote(String literal) {
        try (var p = io.sluice.codec.dialect.JsonIo.FACTORY.createParser(literal)) {
            p.nextToken();
            return p.getText();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
