package io.sluice.codec.dialect.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonOut;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.SystemTurns;
import io.sluice.codec.hub.Tool;
import io.sluice.codec.hub.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A {@link HubRequest} as a {@code POST /v1/responses} body for OpenAI. Always {@code "store": false}: Sluice is
 * stateless, so nothing is kept at OpenAI and every turn carries its full input.
 *
 * <ul>
 *   <li>Leading system messages → {@code instructions} (joined by blank lines); a system message later in the
 *       conversation → a {@code system} message item where it stands; user/assistant messages → message items
 *       ({@code input_text}/{@code input_image}; assistant text as {@code output_text}); assistant tool calls →
 *       {@code function_call} items; tool messages → {@code function_call_output} (a string, or parts when the result
 *       has images).</li>
 *   <li>Thinking → a {@code reasoning} item before its message, only when the signature is OpenAI
 *       {@code encrypted_content} (a Fernet token, {@code gAAAAA…}): another provider's signature means nothing here
 *       and the text alone cannot be replayed, so the part is dropped ({@code thinking}). When reasoning is requested,
 *       {@code include: ["reasoning.encrypted_content"]} is added so the answer's reasoning can come back next turn
 *       (only then: non-reasoning models reject it).</li>
 *   <li>Tools flat, {@code strict} false unless set (Responses defaults it to true); {@code text.format};
 *       {@code reasoning.effort}; {@code max_output_tokens}. Dropped: stop, seed, penalties, top_k, cache_control,
 *       redacted thinking, tool-error flags, images in system/assistant messages.</li>
 * </ul>
 */
final class ResponsesRequestWriter {

    /** Fernet tokens (OpenAI's encrypted_content) start with version byte 0x80 and a timestamp: "gAAAAA" in base64. */
    static final String OPENAI_ENCRYPTED_PREFIX = "gAAAAA";

    private ResponsesRequestWriter() {
    }

    static ByteBuf write(HubRequest r, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer(1024);
        try (JsonOut out = new JsonOut()) {
            write(out.begin(buf), r);
            out.end();
            return buf;
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private static void write(JsonGenerator g, HubRequest r) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", r.model);
        String system = SystemTurns.leadingText(r.messages);
        if (!system.isEmpty()) {
            g.writeStringField("instructions", system);
        }
        g.writeFieldName("input");
        g.writeStartArray();
        List<Message> messages = SystemTurns.toolSafeOrder(r.messages);
        int leading = SystemTurns.leadingCount(messages);
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            switch (m.role()) {
                case SYSTEM -> systemMessage(g, m, r, i >= leading);
                case USER -> userMessage(g, m, r);
                case ASSISTANT -> assistantMessage(g, m, r);
                case TOOL -> toolOutput(g, m, r);
            }
        }
        g.writeEndArray();
        if (!r.tools.isEmpty()) {
            g.writeFieldName("tools");
            g.writeStartArray();
            for (Tool t : r.tools) {
                if (t.cacheControl() != null) {
                    r.drop("cache_control");
                }
                ResponseObjectWriter.writeTool(g, t);
            }
            g.writeEndArray();
        }
        if (r.toolChoice != null) {
            ResponseObjectWriter.writeToolChoice(g, r.toolChoice);
        }
        if (r.parallelToolCalls != null) {
            g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls);
        }
        if (r.maxTokens != null) {
            g.writeNumberField("max_output_tokens", r.maxTokens);
        }
        if (r.temperature != null) {
            g.writeNumberField("temperature", r.temperature);
        }
        if (r.topP != null) {
            g.writeNumberField("top_p", r.topP);
        }
        if (r.responseFormat != null) {
            g.writeFieldName("text");
            g.writeStartObject();
            g.writeFieldName("format");
            ResponseObjectWriter.writeFormat(g, r.responseFormat);
            g.writeEndObject();
        }
        if (r.reasoning != null) {
            g.writeFieldName("reasoning");
            g.writeStartObject();
            g.writeStringField("effort", r.reasoning.effortLevel());
            g.writeEndObject();
            g.writeFieldName("include");
            g.writeStartArray();
            g.writeString("reasoning.encrypted_content");
            g.writeEndArray();
        }
        if (r.user != null) {
            g.writeStringField("user", r.user);
        }
        if (r.stream) {
            g.writeBooleanField("stream", true);
        }
        g.writeBooleanField("store", false);
        g.writeEndObject();
        if (!r.stop.isEmpty()) {
            r.drop("stop");
        }
        if (r.seed != null) {
            r.drop("seed");
        }
        if (r.presencePenalty != null) {
            r.drop("presence_penalty");
        }
        if (r.frequencyPenalty != null) {
            r.drop("frequency_penalty");
        }
        if (r.topK != null) {
            r.drop("top_k");
        }
    }

    /** A leading system message went to {@code instructions}; a later one stays an input item where it stands. */
    private static void systemMessage(JsonGenerator g, Message m, HubRequest r, boolean mid) throws IOException {
        for (Part part : m.parts()) {
            if (!(part instanceof Part.Text)) {
                r.drop("system." + partName(part));
            }
        }
        String text = m.joinedText();
        if (!mid || text.isEmpty()) {
            return;
        }
        g.writeStartObject();
        g.writeStringField("type", "message");
        g.writeStringField("role", "system");
        g.writeFieldName("content");
        g.writeStartArray();
        inputText(g, text);
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void userMessage(JsonGenerator g, Message m, HubRequest r) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "message");
        g.writeStringField("role", "user");
        g.writeFieldName("content");
        g.writeStartArray();
        for (Part part : m.parts()) {
            if (part instanceof Part.Text t) {
                if (t.cacheControl() != null) {
                    r.drop("cache_control");
                }
                inputText(g, t.text());
            } else if (part instanceof Part.Image img) {
                if (img.cacheControl() != null) {
                    r.drop("cache_control");
                }
                inputImage(g, img);
            } else {
                r.drop("user." + partName(part));
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void assistantMessage(JsonGenerator g, Message m, HubRequest r) throws IOException {
        boolean text = false;
        for (Part part : m.parts()) {
            if (part instanceof Part.Thinking t) {
                if (t.signature() != null && t.signature().startsWith(OPENAI_ENCRYPTED_PREFIX)) {
                    g.writeStartObject();
                    g.writeStringField("type", "reasoning");
                    g.writeFieldName("summary");
                    g.writeStartArray();
                    if (!t.text().isEmpty()) {
                        ResponseObjectWriter.writeSummaryPart(g, t.text());
                    }
                    g.writeEndArray();
                    g.writeStringField("encrypted_content", t.signature());
                    g.writeEndObject();
                } else {
                    r.drop("thinking");
                }
            } else if (part instanceof Part.Text) {
                text = true;
            } else {
                r.drop("assistant." + partName(part));
            }
        }
        if (text) {
            g.writeStartObject();
            g.writeStringField("type", "message");
            g.writeStringField("role", "assistant");
            g.writeFieldName("content");
            g.writeStartArray();
            for (Part part : m.parts()) {
                if (part instanceof Part.Text t) {
                    g.writeStartObject();
                    g.writeStringField("type", "output_text");
                    g.writeStringField("text", t.text());
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        for (ToolCall c : m.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("type", "function_call");
            g.writeStringField("call_id", c.id());
            g.writeStringField("name", c.name());
            g.writeStringField("arguments", c.arguments());
            g.writeEndObject();
        }
    }

    private static void toolOutput(JsonGenerator g, Message m, HubRequest r) throws IOException {
        if (m.toolError()) {
            r.drop("is_error");
        }
        if (m.cacheControl() != null) {
            r.drop("cache_control");
        }
        g.writeStartObject();
        g.writeStringField("type", "function_call_output");
        g.writeStringField("call_id", m.toolCallId());
        boolean images = false;
        for (Part part : m.parts()) {
            images |= part instanceof Part.Image;
        }
        if (!images) {
            g.writeStringField("output", m.joinedText());
        } else {
            g.writeFieldName("output");
            g.writeStartArray();
            for (Part part : m.parts()) {
                if (part instanceof Part.Text t) {
                    inputText(g, t.text());
                } else if (part instanceof Part.Image img) {
                    inputImage(g, img);
                }
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void inputText(JsonGenerator g, String text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "input_text");
        g.writeStringField("text", text);
        g.writeEndObject();
    }

    private static void inputImage(JsonGenerator g, Part.Image img) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "input_image");
        g.writeStringField("image_url", img.asUrl());
        g.writeStringField("detail", img.detail() == null ? "auto" : img.detail());
        g.writeEndObject();
    }

    private static String partName(Part part) {
        if (part instanceof Part.Image) {
            return "image";
        }
        if (part instanceof Part.Thinking) {
            return "thinking";
        }
        return part instanceof Part.RedactedThinking ? "redacted_thinking" : "text";
    }
}
