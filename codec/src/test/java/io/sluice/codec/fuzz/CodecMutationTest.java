package io.sluice.codec.fuzz;

import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The suite's short fuzz run: every codec target on its golden fixtures and on seeded mutations of them (bytes
 * flipped, inserted, deleted, duplicated and cut, JSON-ish tokens spliced in), fed in random chunk sizes. Seeded, so a
 * failure reproduces; about 12,000 inputs in a few seconds. The long, coverage-guided runs are Jazzer's
 * ({@link CodecFuzzTest}, {@code bin/bench fuzz}).
 */
class CodecMutationTest {

    private static final int MUTATIONS_PER_SEED = 150;
    private static final String[] TOKENS = {"{", "}", "[", "]", "\"", ":", ",", "null", "\\u0000", "\\", "\n\n",
        "data: ", "event: ", "\"$ref\":\"#\"", "{\"type\":\"object\"", "1e999999", "-0", "\uD83D"};

    private static byte[] resource(String path) {
        try (InputStream in = CodecMutationTest.class.getResourceAsStream("/" + path)) {
            if (in == null) {
                throw new AssertionError("missing fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] mutate(byte[] seed, Random r) {
        List<Byte> b = new ArrayList<>(seed.length + 16);
        for (byte x : seed) {
            b.add(x);
        }
        int edits = 1 + r.nextInt(8);
        for (int e = 0; e < edits; e++) {
            int at = b.isEmpty() ? 0 : r.nextInt(b.size());
            switch (r.nextInt(6)) {
                case 0 -> {
                    if (!b.isEmpty()) {
                        b.set(at, (byte) r.nextInt(256));
                    }
                }
                case 1 -> b.add(at, (byte) r.nextInt(256));
                case 2 -> {
                    if (!b.isEmpty()) {
                        b.remove(at);
                    }
                }
                case 3 -> {
                    int n = Math.min(b.size() - at, 1 + r.nextInt(64));
                    b.addAll(at, new ArrayList<>(b.subList(at, at + n)));
                }
                case 4 -> {
                    while (b.size() > at) {
                        b.remove(b.size() - 1);
                    }
                }
                default -> {
                    byte[] t = TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                    for (int i = t.length - 1; i >= 0; i--) {
                        b.add(at, t[i]);
                    }
                }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    /** Runs {@code target} on the seeds and their mutations, with a chunk size drawn for each. */
    private static void run(long seed, List<byte[]> seeds, BiConsumer<byte[], Integer> target) {
        Random r = new Random(seed);
        for (byte[] s : seeds) {
            target.accept(s, 1);
            target.accept(s, Integer.MAX_VALUE);
            for (int i = 0; i < MUTATIONS_PER_SEED; i++) {
                byte[] input = mutate(s, r);
                int chunk = r.nextBoolean() ? 1 + r.nextInt(16) : Integer.MAX_VALUE;
                try {
                    target.accept(input, chunk);
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError("seed " + seed + ", input " + i + " (chunk " + chunk + "): "
                            + new String(input, StandardCharsets.UTF_8), e);
                }
            }
        }
    }

    private static List<byte[]> seeds(String... paths) {
        List<byte[]> out = new ArrayList<>();
        for (String p : paths) {
            out.add(resource(p));
        }
        return out;
    }

    @Test
    void requestReadersAndWriters() {
        Dialect[] clients = {Dialects.OPENAI, Dialects.ANTHROPIC, Dialects.GEMINI, Dialects.RESPONSES};
        String[] fixtures = {"fixtures/openai-chat-request.json", "dialect/anthropic/requests/claude-code.json",
            "dialect/gemini/request-tools.json", "dialect/responses/request-codex.json"};
        for (int i = 0; i < clients.length; i++) {
            Dialect d = clients[i];
            run(21L + i, seeds(fixtures[i]), (in, chunk) -> FuzzTargets.request(d, in));
        }
    }

    @Test
    void requestRewrites() {
        Dialect[] clients = {Dialects.OPENAI, Dialects.ANTHROPIC, Dialects.GEMINI, Dialects.RESPONSES};
        String[] fixtures = {"fixtures/openai-chat-request.json", "dialect/anthropic/requests/claude-code.json",
            "dialect/gemini/request-tools.json", "dialect/responses/request-codex.json"};
        for (int i = 0; i < clients.length; i++) {
            Dialect d = clients[i];
            run(61L + i, seeds(fixtures[i]), (in, chunk) -> FuzzTargets.rewrite(d, in, chunk));
        }
    }

    @Test
    void streamDecoders() {
        run(31L, seeds("fixtures/openai-chat-tools-stream.txt"),
            (in, c) -> FuzzTargets.stream(Dialects.OPENAI, in, c));
        run(32L, seeds("fixtures/anthropic-messages-stream.txt"),
            (in, c) -> FuzzTargets.stream(Dialects.ANTHROPIC, in, c));
        run(33L, seeds("dialect/gemini/tools.sse"), (in, c) -> FuzzTargets.stream(Dialects.GEMINI, in, c));
        run(34L, seeds("dialect/responses/reasoning.sse"), (in, c) -> FuzzTargets.stream(Dialects.RESPONSES, in, c));
    }

    @Test
    void responseAndErrorDecoders() {
        run(41L, seeds("fixtures/openai-chat-response.json"),
            (in, c) -> FuzzTargets.response(Dialects.OPENAI, in, 500));
        run(42L, seeds("dialect/gemini/response-tools.json", "dialect/gemini/error-429.json"),
            (in, c) -> FuzzTargets.response(Dialects.GEMINI, in, 429));
    }

    @Test
    void framerScannerAndFeeder() {
        run(51L, seeds("fixtures/openai-chat-stream.txt"), FuzzTargets::sse);
        run(52L, seeds("fixtures/openai-chat-request.json"), FuzzTargets::scanner);
        run(53L, seeds("fixtures/openai-chat-request.json", "dialect/gemini/request-tools.json"),
            FuzzTargets::feeder);
    }
}
