package io.sluice.codec.dialect.openai;

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

/**
 * A {@link HubRequest} as an OpenAI chat completions body for a provider. Streams always ask for the usage chunk
 * (Sluice accounts every stream, whatever the client asked). What OpenAI cannot take is dropped by name on the request:
 * thinking blocks and signatures (OpenAI keeps its reasoning to itself), {@code cache_control} (OpenAI caches
 * prefixes automatically), {@code top_k}, a tool result's error flag and images.
 */
final class OpenAiRequestWriter {

    private final HubRequest r;
    private final JsonGenerator g;

    private OpenAiRequestWriter(HubRequest r, JsonGenerator g) {
        this.r = r;
        this.g = g;
    }

    static ByteBuf write(HubRequest r, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(1024);
        try (JsonOut json = new JsonOut()) {
            new OpenAiRequestWriter(r, json.begin(out)).writeRoot();
            json.end();
        } catch (IOException e) {
            out.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        return out;
    }

    private void writeRoot() throws IOException {
        g.writeStartObject();
        g.writeStringField("model", r.model);
        g.writeArrayFieldStart("messages");
        for (Message m : SystemTurns.toolSafeOrder(r.messages)) {
            writeMessage(m);
        }
        g.writeEndArray();
        if (r.stream) {
            g.writeBooleanField("stream", true);
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
        }
        if (r.maxTokens != null) {
            g.writeNumberField(r.maxTokensParam == null ? "max_completion_tokens" : r.maxTokensParam, r.maxTokens);
        }
        if (r.temperature != null) {
            g.writeNumberField("temperature", r.temperature);
        }
        if (r.topP != null) {
            g.writeNumberField("top_p", r.topP);
        }
        if (r.topK != null) {
            r.drop("top_k");
        }
        if (!r.stop.isEmpty()) {
            g.writeArrayFieldStart("stop");
            for (String s : r.stop) {
                g.writeString(s);
            }
            g.writeEndArray();
        }
        if (r.presencePenalty != null) {
            g.writeNumberField("presence_penalty", r.presencePenalty);
        }
        if (r.frequencyPenalty != null) {
            g.writeNumberField("frequency_penalty", r.frequencyPenalty);
        }
        if (r.seed != null) {
            g.writeNumberField("seed", r.seed);
        }
        if (r.user != null) {
            g.writeStringField("user", r.user);
        }
        if (!r.tools.isEmpty()) {
            writeTools();
        }
        if (r.toolChoice != null) {
            writeToolChoice(r.toolChoice);
        }
        if (r.parallelToolCalls != null) {
            g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls);
        }
        if (r.responseFormat != null) {
            writeResponseFormat(r.responseFormat);
        }
        if (r.reasoning != null) {
            g.writeStringField("reasoning_effort", r.reasoning.effortLevel());
        }
        g.writeEndObject();
    }

    private void writeMessage(Message m) throws IOException {
        g.writeStartObject();
        switch (m.role()) {
            case SYSTEM -> {
                g.writeStringField("role", "system");
                writeName(m);
                g.writeStringField("content", text(m));
            }
            case USER -> {
                g.writeStringField("role", "user");
                writeName(m);
                writeUserContent(m);
            }
            case ASSISTANT -> {
                g.writeStringField("role", "assistant");
                writeName(m);
                String text = text(m);
                if (text.isEmpty() && !m.toolCalls().isEmpty()) {
                    g.writeNullField("content");
                } else {
                    g.writeStringField("content", text);
                }
                if (!m.toolCalls().isEmpty()) {
                    g.writeArrayFieldStart("tool_calls");
                    for (ToolCall c : m.toolCalls()) {
                        g.writeStartObject();
                        g.writeStringField("id", c.id());
                        g.writeStringField("type", "function");
                        g.writeObjectFieldStart("function");
                        g.writeStringField("name", c.name());
                        g.writeStringField("arguments", c.arguments() == null ? "{}" : c.arguments());
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
            }
            case TOOL -> {
                g.writeStringField("role", "tool");
                g.writeStringField("tool_call_id", m.toolCallId());
                if (m.toolError()) {
                    r.drop("tool_result.is_error");
                }
                if (m.cacheControl() != null) {
                    r.drop("cache_control");
                }
                g.writeStringField("content", text(m));
            }
        }
        g.writeEndObject();
    }

    private void writeName(Message m) throws IOException {
        if (m.name() != null) {
            g.writeStringField("name", m.name());
        }
    }

    /**
     * The message's text parts joined, for roles whose content Sluice sends as a string; notes what that leaves out.
     */
    private String text(Message m) {
        StringBuilder sb = new StringBuilder();
        for (Part part : m.parts()) {
            if (part instanceof Part.Text t) {
                sb.append(t.text());
                if (t.cacheControl() != null) {
                    r.drop("cache_control");
                }
            } else {
                noteDropped(m, part);
            }
        }
        return sb.toString();
    }

    private void noteDropped(Message m, Part part) {
        if (part instanceof Part.Thinking || part instanceof Part.RedactedThinking) {
            r.drop("thinking");
        } else if (part instanceof Part.Image) {
            r.drop(m.role() == Role.TOOL ? "tool_result.image" : "system.image");
        }
    }

    /** A string when the message is one plain text, else parts: text and image_url (inline bytes as a data: URL). */
    private void writeUserContent(Message m) throws IOException {
        if (m.parts().size() == 1 && m.parts().get(0) instanceof Part.Text t) {
            if (t.cacheControl() != null) {
                r.drop("cache_control");
            }
            g.writeStringField("content", t.text());
            return;
        }
        g.writeArrayFieldStart("content");
        for (Part part : m.parts()) {
            if (part instanceof Part.Text t) {
                if (t.cacheControl() != null) {
                    r.drop("cache_control");
                }
                g.writeStartObject();
                g.writeStringField("type", "text");
                g.writeStringField("text", t.text());
                g.writeEndObject();
            } else if (part instanceof Part.Image img) {
                if (img.cacheControl() != null) {
                    r.drop("cache_control");
                }
                g.writeStartObject();
                g.writeStringField("type", "image_url");
                g.writeObjectFieldStart("image_url");
                g.writeStringField("url", img.asUrl());
                if (img.detail() != null) {
                    g.writeStringField("detail", img.detail());
                }
                g.writeEndObject();
                g.writeEndObject();
            } else {
                noteDropped(m, part);
            }
        }
        g.writeEndArray();
    }

    private void writeTools() throws IOException {
        g.writeArrayFieldStart("tools");
        for (Tool t : r.tools) {
            if (t.cacheControl() != null) {
                r.drop("cache_control");
            }
            g.writeStartObject();
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", t.name());
            if (t.description() != null) {
                g.writeStringField("description", t.description());
            }
            if (t.parameters() != null) {
                g.writeFieldName("parameters");
                g.writeRawValue(t.parameters());
            }
            if (t.strict() != null) {
                g.writeBooleanField("strict", t.strict());
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeToolChoice(ToolChoice c) throws IOException {
        switch (c.mode()) {
            case AUTO -> g.writeStringField("tool_choice", "auto");
            case NONE -> g.writeStringField("tool_choice", "none");
            case REQUIRED -> g.writeStringField("tool_choice", "required");
            case NAMED -> {
                g.writeObjectFieldStart("tool_choice");
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name());
                g.writeEndObject();
                g.writeEndObject();
            }
        }
    }

    private void writeResponseFormat(ResponseFormat f) throws IOException {
        g.writeObjectFieldStart("response_format");
        switch (f.kind()) {
            case TEXT -> g.writeStringField("type", "text");
            case JSON_OBJECT -> g.writeStringField("type", "json_object");
            case JSON_SCHEMA -> {
                g.writeStringField("type", "json_schema");
                g.writeObjectFieldStart("json_schema");
                // OpenAI requires a name; clients of other dialects rarely give one.
                g.writeStringField("name", f.name() == null ? "response" : f.name());
                if (f.schema() != null) {
                    g.writeFieldName("schema");
                    g.writeRawValue(f.schema());
                }
                if (f.strict() != null) {
                    g.writeBooleanField("strict", f.strict());
                }
                g.writeEndObject();
            }
        }
        g.writeEndObject();
    }
}
