package io.sluice.codec.dialect.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonOut;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.ResponseFormat;
import io.sluice.codec.hub.Role;
import io.sluice.codec.hub.SystemTurns;
import io.sluice.codec.hub.Tool;
import io.sluice.codec.hub.ToolCall;
import io.sluice.codec.hub.ToolChoice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link HubRequest} → a Messages API request body.
 *
 * <p>Turns: the leading SYSTEM messages go to the top-level {@code system} array; a SYSTEM message later in the
 * conversation becomes a {@link SystemTurns#note marked text block} of the user turn it joins (the one after it, or
 * before it when an assistant turn follows): a {@code system} role in {@code messages} needs a beta on Anthropic and
 * is unknown to Anthropic-compatible servers. TOOL messages become {@code tool_result} blocks
 * of a user turn; consecutive same-role messages share one turn (parallel tool results must sit in one user message,
 * and a user message following tool results joins them), with the tool results first, as Anthropic requires. Messages
 * that would be empty (empty text, only unsigned thinking) are skipped so no turn is empty.
 */
final class AnthropicRequestWriter {

    /** {@code max_tokens} is required by Anthropic; used when the client gave no cap. */
    static final int DEFAULT_MAX_TOKENS = 4096;
    /** Anthropic's smallest thinking budget. */
    static final int MIN_THINKING_BUDGET = 1024;

    private AnthropicRequestWriter() {
    }

    static ByteBuf write(HubRequest req, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(1024);
        JsonOut json = new JsonOut();
        try {
            write(json.begin(out), req);
            json.end();
            return out;
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            json.close();
        }
    }

    private static void write(JsonGenerator g, HubRequest req) throws IOException {
        boolean forcedTool = !req.tools.isEmpty() && req.toolChoice != null
                && (req.toolChoice.mode() == ToolChoice.Mode.REQUIRED
                        || req.toolChoice.mode() == ToolChoice.Mode.NAMED);
        Integer budget = null;
        if (req.reasoning != null && req.reasoning.enabled()) {
            if (forcedTool) {
                req.drop("reasoning"); // Anthropic rejects thinking with a forced tool choice
            } else {
                budget = Math.max(MIN_THINKING_BUDGET, req.reasoning.budget());
            }
        }
        int maxTokens = req.maxTokens != null ? req.maxTokens : DEFAULT_MAX_TOKENS;
        if (budget != null && maxTokens <= budget) {
            // Anthropic counts thinking inside max_tokens and wants max_tokens > budget_tokens; the client's cap was
            // meant for the answer (OpenAI counts reasoning apart), so the answer keeps its whole cap on top.
            maxTokens = budget + maxTokens;
        }

        g.writeStartObject();
        g.writeStringField("model", req.model);
        g.writeNumberField("max_tokens", maxTokens);
        writeSystem(g, req);
        writeMessages(g, req);
        writeTools(g, req);
        if (budget != null) {
            g.writeObjectFieldStart("thinking");
            g.writeStringField("type", "enabled");
            g.writeNumberField("budget_tokens", budget);
            g.writeEndObject();
        } else if (req.reasoning != null && !req.reasoning.enabled()) {
            g.writeObjectFieldStart("thinking");
            g.writeStringField("type", "disabled");
            g.writeEndObject();
        }
        if (req.temperature != null) {
            if (budget != null) {
                req.drop("temperature"); // not allowed with thinking
            } else {
                g.writeNumberField("temperature", Math.min(1.0, Math.max(0.0, req.temperature))); // Anthropic: 0..1
            }
        }
        if (req.topP != null) {
            if (budget != null && req.topP < 0.95) {
                req.drop("top_p"); // with thinking Anthropic accepts only 0.95..1
            } else {
                g.writeNumberField("top_p", req.topP);
            }
        }
        if (req.topK != null) {
            if (budget != null) {
                req.drop("top_k");
            } else {
                g.writeNumberField("top_k", req.topK);
            }
        }
        if (!req.stop.isEmpty()) {
            g.writeArrayFieldStart("stop_sequences");
            for (String s : req.stop) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (req.user != null) {
            g.writeObjectFieldStart("metadata");
            g.writeStringField("user_id", req.user);
            g.writeEndObject();
        }
        if (req.stream) {
            g.writeBooleanField("stream", true);
        }
        g.writeEndObject();

        if (req.responseFormat != null && req.responseFormat.kind() != ResponseFormat.Kind.TEXT) {
            req.drop("response_format"); // structured output needs a beta header the hub does not carry
        }
        if (req.seed != null) {
            req.drop("seed");
        }
        if (req.presencePenalty != null) {
            req.drop("presence_penalty");
        }
        if (req.frequencyPenalty != null) {
            req.drop("frequency_penalty");
        }
    }

    private static void writeSystem(JsonGenerator g, HubRequest req) throws IOException {
        boolean opened = false;
        for (int i = 0, n = SystemTurns.leadingCount(req.messages); i < n; i++) {
            for (Part p : req.messages.get(i).parts()) {
                if (!(p instanceof Part.Text t)) {
                    req.drop("system.image");
                    continue;
                }
                if (t.text().isEmpty()) {
                    continue; // Anthropic rejects empty text blocks
                }
                if (!opened) {
                    g.writeArrayFieldStart("system");
                    opened = true;
                }
                writeText(g, t);
            }
        }
        if (opened) {
            g.writeEndArray();
        }
    }

    // ---- messages ----

    private static void writeMessages(JsonGenerator g, HubRequest req) throws IOException {
        g.writeArrayFieldStart("messages");
        List<Message> turn = new ArrayList<>(4);
        boolean turnIsUser = false;
        List<Message> ms = req.messages;
        for (int i = SystemTurns.leadingCount(ms); i < ms.size(); i++) {
            Message m = ms.get(i);
            if (m.role() == Role.SYSTEM ? SystemTurns.note(m).isEmpty() : isEmpty(m, req)) {
                continue;
            }
            boolean user = m.role() != Role.ASSISTANT;
            if (!turn.isEmpty() && user != turnIsUser) {
                writeTurn(g, turn, turnIsUser, req);
                turn.clear();
            }
            turnIsUser = user;
            turn.add(m);
        }
        if (!turn.isEmpty()) {
            writeTurn(g, turn, turnIsUser, req);
        }
        g.writeEndArray();
    }

    /** Whether {@code m} would write no block at all (such a message is skipped, so no turn is ever empty). */
    private static boolean isEmpty(Message m, HubRequest req) {
        if (m.role() == Role.TOOL || !m.toolCalls().isEmpty()) {
            return false;
        }
        boolean thinking = false;
        for (Part p : m.parts()) {
            if (p instanceof Part.Text t) {
                if (!t.text().isEmpty()) {
                    return false;
                }
            } else if (p instanceof Part.Image) {
                if (m.role() == Role.USER) {
                    return false;
                }
            } else if (m.role() == Role.ASSISTANT && p instanceof Part.RedactedThinking) {
                return false;
            } else if (p instanceof Part.Thinking th) {
                if (m.role() == Role.ASSISTANT && th.signature() != null && !th.signature().isEmpty()) {
                    return false;
                }
                thinking = true;
            }
        }
        if (thinking) {
            req.drop("messages.content.thinking");
        }
        return true;
    }

    private static void writeTurn(JsonGenerator g, List<Message> turn, boolean user, HubRequest req)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("role", user ? "user" : "assistant");
        g.writeArrayFieldStart("content");
        if (user) {
            for (Message m : turn) {
                if (m.role() == Role.TOOL) {
                    writeToolResult(g, m);
                }
            }
            for (Message m : turn) {
                if (m.role() == Role.USER) {
                    writeUserParts(g, m, req);
                } else if (m.role() == Role.SYSTEM) {
                    g.writeStartObject();
                    g.writeStringField("type", "text");
                    g.writeStringField("text", SystemTurns.note(m));
                    g.writeEndObject();
                }
            }
        } else {
            for (Message m : turn) {
                writeAssistant(g, m, req);
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeUserParts(JsonGenerator g, Message m, HubRequest req) throws IOException {
        if (m.name() != null) {
            req.drop("messages.name");
        }
        for (Part p : m.parts()) {
            if (p instanceof Part.Text t) {
                if (!t.text().isEmpty()) {
                    writeText(g, t);
                }
            } else if (p instanceof Part.Image img) {
                writeImage(g, img, req);
            } else {
                req.drop("messages.content.thinking"); // reasoning in a user turn has no Anthropic form
            }
        }
    }

    private static void writeAssistant(JsonGenerator g, Message m, HubRequest req) throws IOException {
        if (m.name() != null) {
            req.drop("messages.name");
        }
        for (Part p : m.parts()) {
            if (p instanceof Part.Text t) {
                if (!t.text().isEmpty()) {
                    writeText(g, t);
                }
            } else if (p instanceof Part.Thinking th) {
                if (th.signature() == null || th.signature().isEmpty()) {
                    req.drop("messages.content.thinking"); // Anthropic rejects thinking without its signature
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("type", "thinking");
                g.writeStringField("thinking", th.text());
                g.writeStringField("signature", th.signature());
                g.writeEndObject();
            } else if (p instanceof Part.RedactedThinking r) {
                g.writeStartObject();
                g.writeStringField("type", "redacted_thinking");
                g.writeStringField("data", r.data());
                g.writeEndObject();
            } else {
                req.drop("messages.content.image"); // assistant turns carry no images at Anthropic
            }
        }
        for (ToolCall c : m.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", ToolInput.id(c.id()));
            g.writeStringField("name", c.name());
            String input = ToolInput.objectOrNull(c.arguments());
            if (input == null) {
                if (c.arguments() != null && !c.arguments().isBlank() && !c.arguments().strip().equals("{}")) {
                    req.drop("tool_calls.arguments"); // not a JSON object: Anthropic's input must be one
                }
                g.writeObjectFieldStart("input");
                g.writeEndObject();
            } else {
                g.writeFieldName("input");
                g.writeRawValue(input);
            }
            g.writeEndObject();
        }
    }

    private static void writeToolResult(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "tool_result");
        g.writeStringField("tool_use_id", ToolInput.id(m.toolCallId()));
        // Plain text goes as a string; images or a cache marker on an inner block need the block form.
        boolean blocks = false;
        for (Part p : m.parts()) {
            blocks |= p instanceof Part.Image || p instanceof Part.Text t && t.cacheControl() != null;
        }
        if (blocks) {
            g.writeArrayFieldStart("content");
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t && !t.text().isEmpty()) {
                    writeText(g, t);
                } else if (p instanceof Part.Image img) {
                    writeImage(g, img, null);
                }
            }
            g.writeEndArray();
        } else {
            String text = m.joinedText();
            if (!text.isEmpty()) {
                g.writeStringField("content", text);
            }
        }
        if (m.toolError()) {
            g.writeBooleanField("is_error", true);
        }
        if (m.cacheControl() != null) {
            g.writeFieldName("cache_control");
            g.writeRawValue(m.cacheControl());
        }
        g.writeEndObject();
    }

    private static void writeText(JsonGenerator g, Part.Text t) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "text");
        g.writeStringField("text", t.text());
        if (t.cacheControl() != null) {
            g.writeFieldName("cache_control");
            g.writeRawValue(t.cacheControl());
        }
        g.writeEndObject();
    }

    private static void writeImage(JsonGenerator g, Part.Image img, HubRequest req) throws IOException {
        if (img.detail() != null && req != null) {
            req.drop("image_url.detail");
        }
        g.writeStartObject();
        g.writeStringField("type", "image");
        g.writeObjectFieldStart("source");
        if (img.inline()) {
            g.writeStringField("type", "base64");
            g.writeStringField("media_type", img.mediaType());
            g.writeStringField("data", img.data());
        } else {
            g.writeStringField("type", "url");
            g.writeStringField("url", img.url());
        }
        g.writeEndObject();
        if (img.cacheControl() != null) {
            g.writeFieldName("cache_control");
            g.writeRawValue(img.cacheControl());
        }
        g.writeEndObject();
    }

    // ---- tools ----

    private static void writeTools(JsonGenerator g, HubRequest req) throws IOException {
        if (req.tools.isEmpty()) {
            if (req.toolChoice != null && req.toolChoice.mode() != ToolChoice.Mode.NONE
                    && req.toolChoice.mode() != ToolChoice.Mode.AUTO) {
                req.drop("tool_choice"); // Anthropic rejects tool_choice without tools
            }
            return;
        }
        g.writeArrayFieldStart("tools");
        for (Tool t : req.tools) {
            g.writeStartObject();
            g.writeStringField("name", t.name());
            if (t.description() != null) {
                g.writeStringField("description", t.description());
            }
            g.writeFieldName("input_schema");
            if (t.parameters() != null) {
                g.writeRawValue(t.parameters());
            } else {
                g.writeRawValue("{\"type\":\"object\",\"properties\":{}}");
            }
            if (t.cacheControl() != null) {
                g.writeFieldName("cache_control");
                g.writeRawValue(t.cacheControl());
            }
            if (t.strict() != null) {
                req.drop("tools.strict");
            }
            g.writeEndObject();
        }
        g.writeEndArray();

        ToolChoice choice = req.toolChoice;
        boolean noParallel = Boolean.FALSE.equals(req.parallelToolCalls);
        if (choice == null && !noParallel) {
            return;
        }
        g.writeObjectFieldStart("tool_choice");
        ToolChoice.Mode mode = choice == null ? ToolChoice.Mode.AUTO : choice.mode();
        switch (mode) {
            case AUTO -> g.writeStringField("type", "auto");
            case NONE -> g.writeStringField("type", "none");
            case REQUIRED -> g.writeStringField("type", "any");
            case NAMED -> {
                g.writeStringField("type", "tool");
                g.writeStringField("name", choice.name());
            }
        }
        if (noParallel && mode != ToolChoice.Mode.NONE) {
            g.writeBooleanField("disable_parallel_tool_use", true);
        }
        g.writeEndObject();
    }
}
