package io.sluice.codec.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.codec.json.ChatRequestScanner.Result;
import io.sluice.codec.json.ModelSplice;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random bodies built from the members the rewriters touch, in every shape JSON allows (null, strings, numbers,
 * empty and nested containers, elements that are not messages, members in any order, whitespace anywhere): every
 * rewrite must give one valid JSON object, the same whatever the chunking, or refuse with a declared exception.
 */
class BodyRewriterPropertyTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final int BODIES_PER_DIALECT = 400;

    /** The members each dialect's rewriter looks at, with the members it looks at inside them. */
    private static final Map<Dialect, List<String>> NAMES = Map.of(
            Dialects.OPENAI, List.of("model", "messages", "tools", "reasoning_effort", "reasoning", "stream",
                    "stream_options"),
            Dialects.ANTHROPIC, List.of("model", "system", "messages", "tools", "thinking", "max_tokens",
                    "temperature", "top_k", "top_p", "tool_choice"),
            Dialects.GEMINI, List.of("systemInstruction", "system_instruction", "contents", "tools",
                    "generationConfig", "generation_config"),
            Dialects.RESPONSES, List.of("model", "instructions", "input", "tools", "reasoning"));
    private static final List<String> INNER = List.of("role", "content", "text", "type", "parts", "cache_control",
            "thinkingConfig", "thinking_config", "thinkingBudget", "thinkingLevel", "includeThoughts", "effort",
            "functionDeclarations", "budget_tokens", "summary");
    private static final List<String> ROLES = List.of("system", "developer", "user", "assistant", "tool");

    private final StringBuilder sb = new StringBuilder();
    private Random r;

    private void ws() {
        switch (r.nextInt(6)) {
            case 0 -> sb.append(' ');
            case 1 -> sb.append("\n  ");
            case 2 -> sb.append('\t');
            default -> { }
        }
    }

    private void value(int depth) {
        ws();
        int kind = depth > 3 ? r.nextInt(4) : r.nextInt(8);
        switch (kind) {
            case 0 -> sb.append("null");
            case 1 -> sb.append('"').append(r.nextBoolean() ? ROLES.get(r.nextInt(ROLES.size())) : "t\\\"x")
                    .append('"');
            case 2 -> sb.append(r.nextInt(3) == 0 ? "0.5" : Integer.toString(r.nextInt(70_000) - 100));
            case 3 -> sb.append(r.nextBoolean());
            case 4, 5 -> {
                sb.append('{');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        ws();
                        sb.append(',');
                    }
                    ws();
                    sb.append('"').append(INNER.get(r.nextInt(INNER.size()))).append('"');
                    ws();
                    sb.append(':');
                    value(depth + 1);
                }
                ws();
                sb.append('}');
            }
            default -> {
                sb.append('[');
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        ws();
                        sb.append(',');
                    }
                    if (r.nextInt(3) > 0) {
                        ws();
                        sb.append("{\"role\":\"").append(ROLES.get(r.nextInt(ROLES.size())))
                                .append("\",\"content\":\"c\"}");
                    } else {
                        value(depth + 1);
                    }
                }
                ws();
                sb.append(']');
            }
        }
        ws();
    }

    private String body(Dialect d) {
        sb.setLength(0);
        sb.append('{');
        List<String> names = new ArrayList<>(NAMES.get(d));
        Collections.shuffle(names, r);
        int n = r.nextInt(names.size() + 1);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            ws();
            String name = r.nextInt(25) == 0 ? names.get(0) : names.get(i); // now and then a duplicate
            sb.append('"').append(name).append("\":");
            value(0);
        }
        ws();
        return sb.append('}').toString();
    }

    private static Rewrite rewrite(Random r) {
        Rewrite.SystemPrompt p = r.nextInt(4) == 0 ? null
                : new Rewrite.SystemPrompt(PromptMode.values()[r.nextInt(3)], "G");
        Rewrite.Thinking t = switch (r.nextInt(4)) {
            case 0 -> null;
            case 1 -> Rewrite.Thinking.stripped();
            default -> Rewrite.Thinking.budget(r.nextBoolean() ? 0 : 1 + r.nextInt(40_000), r.nextBoolean());
        };
        return new Rewrite(p, t);
    }

    /** The rewritten body fed in chunks of {@code size}; null when the body does not scan or is refused. */
    private static String apply(Dialect d, String json, Rewrite rw, int size) {
        BodyRewriter rewriter = BodyRewriter.of(d);
        RequestOutline outline = rewriter.outline();
        ChatRequestScanner scanner = new ChatRequestScanner(outline);
        CompositeByteBuf body = ALLOC.compositeBuffer(Integer.MAX_VALUE);
        try {
            for (ByteBuf chunk : PooledChunks.split(json, size, Memory.MIXED)) {
                scanner.feed(chunk);
                body.addComponent(true, chunk);
            }
            if (scanner.end() != Result.OK) {
                return null;
            }
            RewritePlan plan;
            try {
                plan = rewriter.plan(outline, body, rw);
            } catch (RequestException | WorkBudgetException e) {
                return "refused: " + e.getMessage();
            }
            ByteBuf out = ModelSplice.apply(ALLOC, body, plan.edits());
            try {
                String text = out.toString(StandardCharsets.UTF_8);
                ChatRequestScanner check = new ChatRequestScanner();
                check.feed(out);
                assertThat(check.end()).as("%s on %s gave %s (%s)", rw, json, text, check.error())
                        .isEqualTo(Result.OK);
                return text;
            } finally {
                out.release();
            }
        } finally {
            body.release();
            scanner.release();
        }
    }

    @Test
    void everyRewriteOfEveryShapeIsOneJsonObjectWhateverTheChunking() {
        for (Dialect d : Dialects.ALL) {
            r = new Random(17 + d.name().hashCode());
            int valid = 0;
            for (int i = 0; i < BODIES_PER_DIALECT; i++) {
                String json = body(d);
                Rewrite rw = rewrite(r);
                String whole = apply(d, json, rw, Integer.MAX_VALUE);
                if (whole == null) {
                    continue; // not a body the scanner takes ("stream": 3, "model": null, ...)
                }
                valid += whole.startsWith("refused: ") ? 0 : 1;
                assertThat(apply(d, json, rw, 1 + r.nextInt(9))).as("%s on %s", rw, json).isEqualTo(whole);
            }
            assertThat(valid).as("bodies rewritten, " + d.name()).isGreaterThan(BODIES_PER_DIALECT / 4);
        }
    }
}
