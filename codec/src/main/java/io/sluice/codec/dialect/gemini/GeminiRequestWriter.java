package io.sluice.codec.dialect.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.ResponseFormat;
import io.sluice.codec.hub.Role;
import io.sluice.codec.hub.SystemTurns;
import io.sluice.codec.hub.Tool;
import io.sluice.codec.hub.ToolChoice;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a hub request as a Gemini {@code GenerateContentRequest} body. The model goes in the URL ({@link
 * GeminiDialect#path}), never in the body. Fields follow the proto's order: contents, tools, toolConfig,
 * systemInstruction, generationConfig.
 *
 * <p>The leading system messages become {@code systemInstruction}. Gemini has no system turn inside {@code contents}:
 * a system message later in the conversation becomes a {@link SystemTurns#note marked text part} of a user turn, and
 * consecutive user and such system messages share one turn so turns still alternate. Tool results become {@code user}
 * turns of
 * {@code functionResponse} parts, consecutive results sharing one turn (Gemini answers parallel calls that way); a
 * result that is a JSON object is the {@code response} itself, other text is wrapped as {@code {"result": text}} or
 * {@code {"error": text}} for a failed tool (the API reference suggests exactly these keys). Call ids are not sent
 * (Gemini rejects {@code id} on request parts and pairs responses with calls by name and order). Tool schemas go
 * through {@link GeminiSchemaCleaner}.
 */
final class GeminiRequestWriter {

    private GeminiRequestWriter() {
    }

    static ByteBuf write(HubRequest r, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer(512);
        try (JsonGenerator g = JsonIo.FACTORY.createGenerator((OutputStream) new ByteBufOutputStream(buf))) {
            write(r, g);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return buf;
    }

    private static void write(HubRequest r, JsonGenerator g) throws IOException {
        g.writeStartObject();
        writeContents(r, g);
        if (!r.tools.isEmpty()) {
            writeTools(r, g);
        } else if (r.toolChoice != null && r.toolChoice.mode() != ToolChoice.Mode.NONE
                && r.toolChoice.mode() != ToolChoice.Mode.AUTO) {
            r.drop("tool_choice");
        }
        writeSystem(r, g);
        writeGenerationConfig(r, g);
        g.writeEndObject();
        if (r.parallelToolCalls != null) {
            r.drop("parallel_tool_calls");
        }
        if (r.user != null) {
            r.drop("user");
        }
    }

    private static void writeContents(HubRequest r, JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("contents");
        List<Message> ms = SystemTurns.toolSafeOrder(r.messages);
        int leading = SystemTurns.leadingCount(ms);
        for (int i = leading; i < ms.size(); i++) {
            Message m = ms.get(i);
            switch (m.role()) {
                case SYSTEM, USER -> i = writeUserTurn(r, g, ms, i) - 1;
                case ASSISTANT -> {
                    if (GeminiModelParts.hasContent(m.parts(), m.toolCalls())) {
                        g.writeStartObject();
                        g.writeStringField("role", "model");
                        GeminiModelParts.write(g, m.parts(), m.toolCalls(), r, false);
                        g.writeEndObject();
                    }
                }
                case TOOL -> {
                    g.writeStartObject();
                    g.writeStringField("role", "user");
                    g.writeArrayFieldStart("parts");
                    writeToolResult(r, g, m);
                    while (i + 1 < ms.size() && ms.get(i + 1).role() == Role.TOOL) {
                        writeToolResult(r, g, ms.get(++i));
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                default -> throw new IllegalStateException("role " + m.role());
            }
        }
        g.writeEndArray();
    }

    /**
     * Writes the run of user and mid-conversation system messages starting at {@code from} as one user turn (Gemini
     * wants turns to alternate; a system message becomes a marked text part) and returns the index after the run.
     */
    private static int writeUserTurn(HubRequest r, JsonGenerator g, List<Message> ms, int from) throws IOException {
        int end = from;
        boolean any = false;
        while (end < ms.size() && (ms.get(end).role() == Role.USER || ms.get(end).role() == Role.SYSTEM)) {
            any |= hasUserParts(ms.get(end));
            end++;
        }
        if (!any) {
            return end; // Gemini rejects a turn without parts
        }
        g.writeStartObject();
        g.writeStringField("role", "user");
        g.writeArrayFieldStart("parts");
        for (int i = from; i < end; i++) {
            Message m = ms.get(i);
            if (m.role() == Role.USER) {
                writeUserParts(r, g, m);
                continue;
            }
            for (Part p : m.parts()) {
                if (!(p instanceof Part.Text)) {
                    r.drop("system message content (non-text)");
                }
            }
            String note = SystemTurns.note(m);
            if (!note.isEmpty()) {
                g.writeStartObject();
                g.writeStringField("text", note);
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.writeEndObject();
        return end;
    }

    private static boolean hasUserParts(Message m) {
        if (m.role() == Role.SYSTEM) {
            return !m.joinedText().isEmpty();
        }
        for (Part p : m.parts()) {
            if (p instanceof Part.Image || p instanceof Part.Text t && !t.text().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static void writeUserParts(HubRequest r, JsonGenerator g, Message m) throws IOException {
        for (Part p : m.parts()) {
            if (p instanceof Part.Text t) {
                if (t.cacheControl() != null) {
                    r.drop("cache_control");
                }
                if (!t.text().isEmpty()) {
                    g.writeStartObject();
                    g.writeStringField("text", t.text());
                    g.writeEndObject();
                }
            } else if (p instanceof Part.Image img) {
                g.writeStartObject();
                GeminiModelParts.writeImage(g, img, r);
                g.writeEndObject();
            } else {
                r.drop("thinking (in a user message)");
            }
        }
    }

    private static void writeToolResult(HubRequest r, JsonGenerator g, Message m) throws IOException {
        String name = m.name() != null ? m.name() : r.toolName(m.toolCallId());
        if (name == null) {
            name = "unknown";
            r.drop("tool result without a known function name");
        }
        for (Part p : m.parts()) {
            if (!(p instanceof Part.Text)) {
                r.drop("tool result content (non-text)");
                break;
            }
        }
        if (m.cacheControl() != null) {
            r.drop("cache_control");
        }
        String text = m.joinedText();
        g.writeStartObject();
        g.writeObjectFieldStart("functionResponse"); // no "id": the API rejects it (see GeminiModelParts)
        g.writeStringField("name", name);
        g.writeFieldName("response");
        boolean object = GeminiJson.isObject(text);
        if (object && !m.toolError()) {
            GeminiJson.copy(g, text);
        } else {
            g.writeStartObject();
            g.writeFieldName(m.toolError() ? "error" : "result");
            if (object) {
                GeminiJson.copy(g, text);
            } else {
                g.writeString(text);
            }
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeTools(HubRequest r, JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("tools");
        g.writeStartObject();
        g.writeArrayFieldStart("functionDeclarations");
        for (int i = 0; i < r.tools.size(); i++) {
            Tool t = r.tools.get(i);
            g.writeStartObject();
            g.writeStringField("name", t.name());
            if (t.description() != null) {
                g.writeStringField("description", t.description());
            }
            String params;
            try {
                params = GeminiSchemaCleaner.cleanParameters(t.parameters());
            } catch (WorkBudgetException e) {
                throw new WorkBudgetException("tool " + t.name() + ": " + e.getMessage(), "tools[" + i + "]");
            }
            if (params != null) {
                g.writeFieldName("parameters");
                g.writeRawValue(params);
            }
            g.writeEndObject();
            if (t.strict() != null) {
                r.drop("tools.function.strict");
            }
            if (t.cacheControl() != null) {
                r.drop("cache_control");
            }
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();

        ToolChoice c = r.toolChoice;
        if (c != null) {
            g.writeObjectFieldStart("toolConfig");
            g.writeObjectFieldStart("functionCallingConfig");
            switch (c.mode()) {
                case AUTO -> g.writeStringField("mode", "AUTO");
                case NONE -> g.writeStringField("mode", "NONE");
                case REQUIRED -> g.writeStringField("mode", "ANY");
                case NAMED -> {
                    g.writeStringField("mode", "ANY");
                    g.writeArrayFieldStart("allowedFunctionNames");
                    g.writeString(c.name());
                    g.writeEndArray();
                }
                default -> throw new IllegalStateException();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void writeSystem(HubRequest r, JsonGenerator g) throws IOException {
        boolean open = false;
        for (int i = 0, n = SystemTurns.leadingCount(r.messages); i < n; i++) {
            for (Part p : r.messages.get(i).parts()) {
                if (p instanceof Part.Text t && !t.text().isEmpty()) {
                    if (!open) {
                        g.writeObjectFieldStart("systemInstruction");
                        g.writeArrayFieldStart("parts");
                        open = true;
                    }
                    if (t.cacheControl() != null) {
                        r.drop("cache_control");
                    }
                    g.writeStartObject();
                    g.writeStringField("text", t.text());
                    g.writeEndObject();
                } else if (!(p instanceof Part.Text)) {
                    r.drop("system message content (non-text)");
                }
            }
        }
        if (open) {
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeGenerationConfig(HubRequest r, JsonGenerator g) throws IOException {
        ResponseFormat rf = r.responseFormat;
        boolean json = rf != null && rf.kind() != ResponseFormat.Kind.TEXT;
        if (r.stop.isEmpty() && !json && r.maxTokens == null && r.temperature == null && r.topP == null
                && r.topK == null && r.seed == null && r.presencePenalty == null && r.frequencyPenalty == null
                && r.reasoning == null) {
            return;
        }
        g.writeObjectFieldStart("generationConfig");
        if (!r.stop.isEmpty()) {
            g.writeArrayFieldStart("stopSequences");
            for (String s : r.stop) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (json) {
            g.writeStringField("responseMimeType", "application/json");
            if (rf.kind() == ResponseFormat.Kind.JSON_SCHEMA) {
                String schema;
                try {
                    schema = GeminiSchemaCleaner.cleanResponseSchema(rf.schema());
                } catch (WorkBudgetException e) {
                    throw new WorkBudgetException("response format: " + e.getMessage(), "response_format");
                }
                if (schema != null) {
                    g.writeFieldName("responseSchema");
                    g.writeRawValue(schema);
                }
                if (rf.strict() != null) {
                    r.drop("response_format.json_schema.strict");
                }
            }
        }
        if (r.maxTokens != null) {
            g.writeNumberField("maxOutputTokens", r.maxTokens);
        }
        if (r.temperature != null) {
            g.writeNumberField("temperature", r.temperature);
        }
        if (r.topP != null) {
            g.writeNumberField("topP", r.topP);
        }
        if (r.topK != null) {
            g.writeNumberField("topK", r.topK);
        }
        if (r.seed != null) {
            // Gemini's seed is an int32; larger OpenAI seeds are folded into range rather than rejected.
            g.writeNumberField("seed", (int) (long) r.seed);
        }
        if (r.presencePenalty != null) {
            g.writeNumberField("presencePenalty", r.presencePenalty);
        }
        if (r.frequencyPenalty != null) {
            g.writeNumberField("frequencyPenalty", r.frequencyPenalty);
        }
        if (r.reasoning != null) {
            g.writeObjectFieldStart("thinkingConfig");
            g.writeNumberField("thinkingBudget", r.reasoning.budget());
            if (r.reasoning.enabled()) {
                g.writeBooleanField("includeThoughts", true);
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
