package io.sluice.codec.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.Role;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.codec.json.ChatRequestScanner.Result;
import io.sluice.codec.json.ModelSplice;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.testing.Chunks;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Issue 17 items 1 and 2 on a same-dialect passthrough: the system prompt and the thinking budget spliced into the
 * client's own bytes, per dialect, each body fed 1 byte, 7 bytes and whole (the outline is built as the body
 * arrives); every result is checked to be one valid JSON object and, where it matters, read back by the dialect.
 */
class BodyRewriterTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final String G = "Answer in French. Say \"bonjour\".\nÇa va?";
    private static final String GQ = "\"Answer in French. Say \\\"bonjour\\\".\\nÇa va?\"";

    private static Rewrite prompt(PromptMode mode) {
        return new Rewrite(new Rewrite.SystemPrompt(mode, G), null);
    }

    private static Rewrite budget(int tokens, boolean inject) {
        return new Rewrite(null, Rewrite.Thinking.budget(tokens, inject));
    }

    private static Rewrite strip() {
        return new Rewrite(null, Rewrite.Thinking.stripped());
    }

    /** {@code json} of dialect {@code d} rewritten by {@code r}, fed to the scanner in chunks of every size. */
    private static String rewrite(Dialect d, String json, Rewrite r) throws RequestException {
        String result = null;
        for (int size : Chunks.SIZES) {
            String out = rewrite(d, json, r, size);
            if (result != null) {
                assertThat(out).as("fed in chunks of " + size).isEqualTo(result);
            }
            result = out;
        }
        return result;
    }

    private static String rewrite(Dialect d, String json, Rewrite r, int size) throws RequestException {
        BodyRewriter rewriter = BodyRewriter.of(d);
        RequestOutline outline = rewriter.outline();
        ChatRequestScanner scanner = new ChatRequestScanner(outline);
        CompositeByteBuf body = ALLOC.compositeBuffer(Integer.MAX_VALUE);
        try {
            for (ByteBuf chunk : PooledChunks.split(json, size, Memory.MIXED)) {
                scanner.feed(chunk);
                body.addComponent(true, chunk);
            }
            assertThat(scanner.end()).as(scanner.error()).isEqualTo(Result.OK);
            assertThat(outline.complete()).isTrue();
            RewritePlan plan = rewriter.plan(outline, body, r);
            ByteBuf out = ModelSplice.apply(ALLOC, body, plan.edits());
            try {
                String text = out.toString(StandardCharsets.UTF_8);
                ChatRequestScanner check = new ChatRequestScanner();
                check.feed(out);
                assertThat(check.end()).as(check.error() + " in " + text).isEqualTo(Result.OK);
                return text;
            } finally {
                out.release();
            }
        } finally {
            body.release();
            scanner.release();
        }
    }

    private static RewritePlan plan(Dialect d, String json, Rewrite r) throws RequestException {
        BodyRewriter rewriter = BodyRewriter.of(d);
        RequestOutline outline = rewriter.outline();
        ChatRequestScanner scanner = new ChatRequestScanner(outline);
        ByteBuf body = PooledChunks.of(json);
        try {
            scanner.feed(body);
            assertThat(scanner.end()).isEqualTo(Result.OK);
            return rewriter.plan(outline, body, r);
        } finally {
            body.release();
        }
    }

    private static HubRequest read(Dialect d, String json) throws RequestException {
        ByteBuf body = PooledChunks.of(json);
        try {
            return d.readRequest(body);
        } finally {
            body.release();
        }
    }

    // ---- OpenAI chat: a system message ----

    @Test
    void openAiPrependsASystemMessage() throws Exception {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
        assertThat(rewrite(Dialects.OPENAI, body, prompt(PromptMode.PREPEND))).isEqualTo("{\"model\":\"gpt-4o\","
                + "\"messages\":[{\"role\":\"system\",\"content\":" + GQ + "},{\"role\":\"system\",\"content\":\"S\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}");
    }

    @Test
    void openAiAppendsAfterTheSystemMessagesThatOpenTheConversation() throws Exception {
        String body = "{\"messages\": [ {\"content\":\"S\",\"role\":\"system\"} , {\"content\":[{\"type\":\"text\","
                + "\"text\":\"D\"}],\"role\":\"developer\"},{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"system\",\"content\":\"late\"}], \"model\":\"o3\"}";
        String out = rewrite(Dialects.OPENAI, body, prompt(PromptMode.APPEND));
        assertThat(out).isEqualTo("{\"messages\": [ {\"content\":\"S\",\"role\":\"system\"} , {\"content\":"
                + "[{\"type\":\"text\",\"text\":\"D\"}],\"role\":\"developer\"},{\"role\":\"system\",\"content\":"
                + GQ + "},{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"system\",\"content\":\"late\"}],"
                + " \"model\":\"o3\"}");
        List<Message> m = read(Dialects.OPENAI, out).messages;
        assertThat(m.get(2).joinedText()).isEqualTo(G);
        assertThat(m.get(3).role()).isEqualTo(Role.USER);
    }

    @Test
    void openAiAppendsFirstWhenNoSystemMessageOpensTheConversation() throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(rewrite(Dialects.OPENAI, body, prompt(PromptMode.APPEND))).isEqualTo("{\"model\":\"m\","
                + "\"messages\":[{\"role\":\"system\",\"content\":" + GQ + "},{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        assertThat(rewrite(Dialects.OPENAI, "{\"model\":\"m\",\"messages\":[]}", prompt(PromptMode.PREPEND)))
                .isEqualTo("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":" + GQ + "}]}");
    }

    @Test
    void openAiReplacesEverySystemAndDeveloperMessage() throws Exception {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"S1\"}, {\"role\":"
                + "\"developer\",\"content\":\"S2\"}, {\"role\":\"user\",\"content\":\"u\"}, {\"role\":\"system\","
                + "\"content\":\"S3\"}, {\"role\":\"assistant\",\"content\":\"a\"}, {\"role\":\"system\",\"content\":"
                + "\"S4\"}]}";
        String out = rewrite(Dialects.OPENAI, body, prompt(PromptMode.REPLACE));
        assertThat(out).isEqualTo("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":" + GQ + "},"
                + "{\"role\":\"user\",\"content\":\"u\"}, {\"role\":\"assistant\",\"content\":\"a\"}]}");
        assertThat(rewrite(Dialects.OPENAI, "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
                + "{\"role\":\"system\",\"content\":\"T\"}]}", prompt(PromptMode.REPLACE)))
                .isEqualTo("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":" + GQ + "}]}");
    }

    @Test
    void replacingTooManyRunsOfSystemMessagesIsRefusedAsTooMuchWork() {
        StringBuilder sb = new StringBuilder("{\"model\":\"m\",\"messages\":[");
        for (int i = 0; i <= RequestOutline.MAX_RUNS; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\"}");
        }
        String body = sb.append("]}").toString();
        assertThatThrownBy(() -> plan(Dialects.OPENAI, body, prompt(PromptMode.REPLACE)))
                .isInstanceOf(WorkBudgetException.class).hasMessageContaining("limit: " + RequestOutline.MAX_RUNS);
    }

    @Test
    void openAiThinking() throws Exception {
        String body = "{\"model\":\"o3\",\"messages\":[],\"reasoning_effort\":\"low\"}";
        assertThat(rewrite(Dialects.OPENAI, body, budget(4096, false)))
                .isEqualTo("{\"model\":\"o3\",\"messages\":[],\"reasoning_effort\":\"high\"}");
        assertThat(rewrite(Dialects.OPENAI, body, budget(1024, false)))
                .isEqualTo("{\"model\":\"o3\",\"messages\":[],\"reasoning_effort\":\"low\"}");
        assertThat(rewrite(Dialects.OPENAI, body, strip())).isEqualTo("{\"model\":\"o3\",\"messages\":[]}");
        String both = "{\"model\":\"o3\",\"messages\":[],\"reasoning_effort\":\"low\",\"reasoning\":{\"effort\":"
                + "\"low\"}}";
        assertThat(rewrite(Dialects.OPENAI, both, strip())).isEqualTo("{\"model\":\"o3\",\"messages\":[]}");
        assertThat(rewrite(Dialects.OPENAI, both, budget(2048, false)))
                .isEqualTo("{\"model\":\"o3\",\"messages\":[],\"reasoning_effort\":\"medium\"}");
        String none = "{\"model\":\"o3\",\"messages\":[]}";
        assertThat(plan(Dialects.OPENAI, none, budget(2048, false)).isEmpty()).isTrue();
        assertThat(plan(Dialects.OPENAI, none, strip()).isEmpty()).isTrue();
        assertThat(rewrite(Dialects.OPENAI, none, budget(2048, true)))
                .isEqualTo("{\"reasoning_effort\":\"medium\",\"model\":\"o3\",\"messages\":[]}");
    }

    // ---- Anthropic: system, string or blocks ----

    @Test
    void anthropicSystemAbsentNullOrString() throws Exception {
        String absent = "{\"model\":\"c\",\"max_tokens\":100,\"messages\":[]}";
        for (PromptMode mode : PromptMode.values()) {
            assertThat(rewrite(Dialects.ANTHROPIC, absent, prompt(mode)))
                    .isEqualTo("{\"system\":" + GQ + ",\"model\":\"c\",\"max_tokens\":100,\"messages\":[]}");
        }
        assertThat(rewrite(Dialects.ANTHROPIC, "{\"model\":\"c\",\"system\":null}", prompt(PromptMode.APPEND)))
                .isEqualTo("{\"model\":\"c\",\"system\":" + GQ + "}");
        String string = "{\"model\":\"c\",\"system\":\"Be \\\"brief\\\".\"}";
        String prepended = rewrite(Dialects.ANTHROPIC, string, prompt(PromptMode.PREPEND));
        assertThat(read(Dialects.ANTHROPIC, withMessages(prepended)).systemText()).isEqualTo(G + "\n\nBe \"brief\".");
        String appended = rewrite(Dialects.ANTHROPIC, string, prompt(PromptMode.APPEND));
        assertThat(read(Dialects.ANTHROPIC, withMessages(appended)).systemText()).isEqualTo("Be \"brief\".\n\n" + G);
        assertThat(rewrite(Dialects.ANTHROPIC, string, prompt(PromptMode.REPLACE)))
                .isEqualTo("{\"model\":\"c\",\"system\":" + GQ + "}");
        assertThat(rewrite(Dialects.ANTHROPIC, "{\"model\":\"c\",\"system\":\"\"}", prompt(PromptMode.APPEND)))
                .isEqualTo("{\"model\":\"c\",\"system\":" + GQ + "}");
    }

    private static String withMessages(String json) {
        return json.substring(0, json.length() - 1) + ",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}";
    }

    /** Claude Code's request: its system blocks carry a cache breakpoint that must stay where it is. */
    private static final String CACHED = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":32000,\"system\":["
            + "{\"type\":\"text\",\"text\":\"You are Claude Code.\",\"cache_control\":{\"type\":\"ephemeral\"}},"
            + "{\"type\":\"text\",\"text\":\"Project rules.\",\"cache_control\":{\"type\":\"ephemeral\","
            + "\"ttl\":\"1h\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void anthropicBlocksKeepTheirCacheControlInPlace() throws Exception {
        String block = "{\"type\":\"text\",\"text\":" + GQ + "}";
        assertThat(rewrite(Dialects.ANTHROPIC, CACHED, prompt(PromptMode.PREPEND)))
                .isEqualTo(CACHED.replace("\"system\":[", "\"system\":[" + block + ","));
        String appended = rewrite(Dialects.ANTHROPIC, CACHED, prompt(PromptMode.APPEND));
        assertThat(appended).isEqualTo(CACHED.replace("\"ttl\":\"1h\"}}]", "\"ttl\":\"1h\"}}," + block + "]"));
        List<Part> parts = read(Dialects.ANTHROPIC, appended).messages.get(0).parts();
        assertThat(parts).containsExactly(new Part.Text("You are Claude Code.", "{\"type\":\"ephemeral\"}"),
                new Part.Text("Project rules.", "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"), new Part.Text(G, null));
        // Replaced: one block, carrying the client's last breakpoint, so its prompt is still cached.
        assertThat(rewrite(Dialects.ANTHROPIC, CACHED, prompt(PromptMode.REPLACE))).isEqualTo("{\"model\":"
                + "\"claude-sonnet-4-5\",\"max_tokens\":32000,\"system\":[{\"type\":\"text\",\"text\":" + GQ
                + ",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}],\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        assertThat(rewrite(Dialects.ANTHROPIC, "{\"system\":[],\"model\":\"c\"}", prompt(PromptMode.APPEND)))
                .isEqualTo("{\"system\":[" + block + "],\"model\":\"c\"}");
        assertThat(rewrite(Dialects.ANTHROPIC, "{\"system\":[{\"type\":\"text\",\"text\":\"x\"}],\"model\":\"c\"}",
                prompt(PromptMode.REPLACE))).isEqualTo("{\"system\":" + GQ + ",\"model\":\"c\"}");
    }

    @Test
    void anthropicThinkingBudgetStaysUnderMaxTokensWithoutTemperature() throws Exception {
        String body = "{\"model\":\"c\",\"max_tokens\":1024,\"temperature\":0.2,\"top_k\":5,\"top_p\":0.5,"
                + "\"messages\":[],\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}}";
        String out = rewrite(Dialects.ANTHROPIC, body, budget(4096, false));
        assertThat(out).isEqualTo("{\"model\":\"c\",\"max_tokens\":5120,\"messages\":[],\"thinking\":"
                + "{\"type\":\"enabled\",\"budget_tokens\":4096}}");
        // Anthropic's smallest budget is 1024; a cap above the budget stays.
        assertThat(rewrite(Dialects.ANTHROPIC, "{\"model\":\"c\",\"max_tokens\":8000,\"top_p\":0.97,"
                + "\"thinking\":{\"type\":\"disabled\"},\"messages\":[]}", budget(500, false)))
                .isEqualTo("{\"model\":\"c\",\"max_tokens\":8000,\"top_p\":0.97,\"thinking\":{\"type\":\"enabled\","
                        + "\"budget_tokens\":1024},\"messages\":[]}");
        assertThat(rewrite(Dialects.ANTHROPIC, body, budget(0, false))).isEqualTo(body.replace(
                "{\"type\":\"enabled\",\"budget_tokens\":2000}", "{\"type\":\"disabled\"}"));
        assertThat(rewrite(Dialects.ANTHROPIC, body, strip())).isEqualTo("{\"model\":\"c\",\"max_tokens\":1024,"
                + "\"temperature\":0.2,\"top_k\":5,\"top_p\":0.5,\"messages\":[]}");
        assertThat(rewrite(Dialects.ANTHROPIC, "{\"model\":\"c\",\"max_tokens\":100,\"messages\":[]}",
                budget(2048, true))).isEqualTo("{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                + "\"model\":\"c\",\"max_tokens\":2148,\"messages\":[]}");
        // A forced tool choice and thinking do not go together: left as sent.
        assertThat(plan(Dialects.ANTHROPIC, "{\"model\":\"c\",\"max_tokens\":100,\"tool_choice\":{\"type\":\"tool\","
                + "\"name\":\"x\"},\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}", budget(2048, false))
                .isEmpty()).isTrue();
    }

    @Test
    void aDuplicateMemberARewriteTouchesIsRefused() {
        assertThatThrownBy(() -> plan(Dialects.ANTHROPIC, "{\"model\":\"c\",\"system\":\"a\",\"system\":\"b\"}",
                prompt(PromptMode.APPEND))).isInstanceOf(RequestException.class).hasMessageContaining("`system`");
    }

    // ---- Gemini: systemInstruction, thinkingConfig ----

    @Test
    void geminiSystemInstruction() throws Exception {
        String part = "{\"text\":" + GQ + "}";
        assertThat(rewrite(Dialects.GEMINI, "{\"contents\":[]}", prompt(PromptMode.APPEND)))
                .isEqualTo("{\"systemInstruction\":{\"parts\":[" + part + "]},\"contents\":[]}");
        String snake = "{\"system_instruction\":{\"role\":\"system\",\"parts\":[{\"text\":\"S\"}]},\"contents\":[]}";
        String appended = rewrite(Dialects.GEMINI, snake, prompt(PromptMode.APPEND));
        assertThat(appended).isEqualTo(snake.replace("{\"text\":\"S\"}", "{\"text\":\"S\"}," + part));
        assertThat(read(Dialects.GEMINI, appended).systemText()).isEqualTo("S" + G);
        assertThat(rewrite(Dialects.GEMINI, snake, prompt(PromptMode.PREPEND)))
                .isEqualTo(snake.replace("{\"text\":\"S\"}", part + ",{\"text\":\"S\"}"));
        assertThat(rewrite(Dialects.GEMINI, snake, prompt(PromptMode.REPLACE)))
                .isEqualTo("{\"system_instruction\":{\"parts\":[" + part + "]},\"contents\":[]}");
        assertThat(rewrite(Dialects.GEMINI, "{\"systemInstruction\":{},\"contents\":[]}", prompt(PromptMode.PREPEND)))
                .isEqualTo("{\"systemInstruction\":{\"parts\":[" + part + "]},\"contents\":[]}");
    }

    @Test
    void geminiThinkingBudget() throws Exception {
        String level = "{\"contents\":[],\"generationConfig\":{\"temperature\":1,\"thinkingConfig\":"
                + "{\"includeThoughts\":true,\"thinkingLevel\":\"high\"}}}";
        assertThat(rewrite(Dialects.GEMINI, level, budget(8192, false)))
                .isEqualTo(level.replace("\"thinkingLevel\":\"high\"", "\"thinkingBudget\":8192"));
        String snake = "{\"contents\":[],\"generation_config\":{\"thinking_config\":{\"thinking_budget\":-1,"
                + "\"thinking_level\":\"low\"}}}";
        assertThat(rewrite(Dialects.GEMINI, snake, budget(0, false))).isEqualTo("{\"contents\":[],"
                + "\"generation_config\":{\"thinking_config\":{\"thinking_budget\":0}}}");
        assertThat(rewrite(Dialects.GEMINI, level, strip()))
                .isEqualTo("{\"contents\":[],\"generationConfig\":{\"temperature\":1}}");
        assertThat(rewrite(Dialects.GEMINI, "{\"contents\":[]}", budget(1024, true)))
                .isEqualTo("{\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":1024}},\"contents\":[]}");
        assertThat(rewrite(Dialects.GEMINI, "{\"contents\":[],\"generationConfig\":{\"topK\":3}}", budget(1024, true)))
                .isEqualTo("{\"contents\":[],\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":1024},"
                        + "\"topK\":3}}");
        assertThat(read(Dialects.GEMINI, rewrite(Dialects.GEMINI, level, budget(8192, false))).reasoning.budget())
                .isEqualTo(8192);
    }

    // ---- Responses: instructions, reasoning.effort ----

    @Test
    void responsesInstructions() throws Exception {
        assertThat(rewrite(Dialects.RESPONSES, "{\"model\":\"o3\",\"input\":\"hi\"}", prompt(PromptMode.PREPEND)))
                .isEqualTo("{\"instructions\":" + GQ + ",\"model\":\"o3\",\"input\":\"hi\"}");
        String body = "{\"model\":\"o3\",\"instructions\":\"Be kind.\",\"input\":[{\"role\":\"developer\","
                + "\"content\":\"D\"},{\"type\":\"message\",\"role\":\"user\",\"content\":\"hi\"}]}";
        String appended = rewrite(Dialects.RESPONSES, body, prompt(PromptMode.APPEND));
        assertThat(read(Dialects.RESPONSES, appended).messages.get(0).joinedText()).isEqualTo("Be kind.\n\n" + G);
        assertThat(rewrite(Dialects.RESPONSES, body, prompt(PromptMode.REPLACE))).isEqualTo("{\"model\":\"o3\","
                + "\"instructions\":" + GQ + ",\"input\":[{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
    }

    @Test
    void responsesReasoningEffort() throws Exception {
        String body = "{\"model\":\"o3\",\"input\":\"hi\",\"reasoning\":{\"summary\":\"auto\",\"effort\":\"low\"}}";
        assertThat(rewrite(Dialects.RESPONSES, body, budget(4096, false))).isEqualTo(body.replace("low", "high"));
        assertThat(rewrite(Dialects.RESPONSES, "{\"model\":\"o3\",\"input\":\"hi\",\"reasoning\":{\"summary\":"
                + "\"auto\"}}", budget(2048, false))).isEqualTo("{\"model\":\"o3\",\"input\":\"hi\",\"reasoning\":"
                + "{\"effort\":\"medium\",\"summary\":\"auto\"}}");
        assertThat(rewrite(Dialects.RESPONSES, body, strip())).isEqualTo("{\"model\":\"o3\",\"input\":\"hi\"}");
        assertThat(rewrite(Dialects.RESPONSES, "{\"model\":\"o3\",\"input\":\"hi\"}", budget(1000, true)))
                .isEqualTo("{\"reasoning\":{\"effort\":\"low\"},\"model\":\"o3\",\"input\":\"hi\"}");
    }

    // ---- sizes (for the adaptive budget) and both at once ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void sizesCountMessagesAndTools(int size) {
        assertThat(size(Dialects.OPENAI, "{\"model\":\"m\",\"messages\":[{},{},{}],\"tools\":[{\"a\":[1]},{}]}",
                size)).isEqualTo(new RequestSize(3, 2, 15));
        assertThat(size(Dialects.GEMINI, "{\"contents\":[{\"parts\":[]}],\"tools\":[{\"function_declarations\":"
                + "[{},{}]},{\"functionDeclarations\":[{}]}]}", size).tools()).isEqualTo(3);
        assertThat(size(Dialects.RESPONSES, "{\"input\":\"hi\"}", size).messages()).isEqualTo(1);
        assertThat(size(Dialects.ANTHROPIC, "{\"messages\":[{\"role\":\"user\"}],\"tools\":[]}", size))
                .isEqualTo(new RequestSize(1, 0, 11));
    }

    private static RequestSize size(Dialect d, String json, int size) {
        BodyRewriter rewriter = BodyRewriter.of(d);
        RequestOutline outline = rewriter.outline();
        ChatRequestScanner scanner = new ChatRequestScanner(outline);
        for (ByteBuf chunk : PooledChunks.split(json, size, Memory.MIXED)) {
            try {
                scanner.feed(chunk);
            } finally {
                chunk.release();
            }
        }
        assertThat(scanner.end()).isEqualTo(Result.OK);
        return rewriter.size(outline, json.length());
    }

    @Test
    void promptAndThinkingTogetherWithTheUsageEditOfTheScanner() throws Exception {
        String body = "{\"model\":\"o3\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"reasoning_effort\":\"high\"}";
        Rewrite both = new Rewrite(new Rewrite.SystemPrompt(PromptMode.PREPEND, "G"),
                Rewrite.Thinking.budget(1024, false));
        BodyRewriter rewriter = BodyRewriter.of(Dialects.OPENAI);
        RequestOutline outline = rewriter.outline();
        ChatRequestScanner scanner = new ChatRequestScanner(outline);
        ByteBuf in = PooledChunks.of(body);
        scanner.feed(in);
        assertThat(scanner.end()).isEqualTo(Result.OK);
        RewritePlan plan = rewriter.plan(outline, in, both);
        List<io.sluice.codec.json.Edit> edits = new java.util.ArrayList<>(plan.edits());
        edits.add(scanner.includeUsageEdit());
        ByteBuf out = ModelSplice.apply(ALLOC, in, edits);
        in.release();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"stream_options\":{\"include_usage\":true},"
                + "\"model\":\"o3\",\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":\"G\"},{\"role\":"
                + "\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"low\"}");
        out.release();
        assertThat(plan.effective()).isEqualTo(both);
    }

    // ---- the hub, for providers of another dialect ----

    @Test
    void theHubGetsTheSystemPromptAsSystemMessagesAndTheBudgetAsReasoning() throws Exception {
        HubRequest hub = read(Dialects.ANTHROPIC, CACHED);
        HubRewriter.apply(hub, new Rewrite(new Rewrite.SystemPrompt(PromptMode.APPEND, "G"),
                Rewrite.Thinking.budget(3000, false)));
        assertThat(hub.messages.stream().filter(m -> m.role() == Role.SYSTEM).map(Message::joinedText))
                .containsExactly("You are Claude Code.Project rules.", "G");
        assertThat(hub.reasoning.budget()).isEqualTo(3000);

        hub = read(Dialects.ANTHROPIC, CACHED);
        HubRewriter.apply(hub, new Rewrite(new Rewrite.SystemPrompt(PromptMode.REPLACE, "G"), null));
        assertThat(hub.messages.get(0).parts()).containsExactly(new Part.Text("G",
                "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"));
        assertThat(hub.messages).filteredOn(m -> m.role() == Role.SYSTEM).hasSize(1);
        ByteBuf anthropic = Dialects.ANTHROPIC.writeRequest(hub, ALLOC);
        assertThat(anthropic.toString(StandardCharsets.UTF_8)).contains("\"system\":[{\"type\":\"text\",\"text\":"
                + "\"G\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]");
        anthropic.release();

        hub = read(Dialects.OPENAI, "{\"model\":\"m\",\"reasoning_effort\":\"high\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        HubRewriter.apply(hub, new Rewrite(new Rewrite.SystemPrompt(PromptMode.PREPEND, "G"),
                Rewrite.Thinking.stripped()));
        assertThat(hub.reasoning).isNull();
        ByteBuf gemini = Dialects.GEMINI.writeRequest(hub, ALLOC);
        assertThat(gemini.toString(StandardCharsets.UTF_8)).contains("\"systemInstruction\":{\"parts\":[{\"text\":"
                + "\"G\"}]}").doesNotContain("thinking");
        gemini.release();
    }
}
