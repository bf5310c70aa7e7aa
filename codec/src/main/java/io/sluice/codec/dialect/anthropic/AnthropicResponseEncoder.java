package io.sluice.codec.dialect.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonOut;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubResponse;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A {@link HubResponse} → a non-streaming Messages response object, members in the API's order. */
final class AnthropicResponseEncoder {

    private AnthropicResponseEncoder() {
    }

    static ByteBuf encode(HubResponse r, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(512);
        JsonOut json = new JsonOut();
        try {
            write(json.begin(out), r);
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

    private static void write(JsonGenerator g, HubResponse r) throws IOException {
        String id = r.id() == null ? "msg_sluice" : r.id();
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("type", "message");
        g.writeStringField("role", "assistant");
        g.writeStringField("model", r.model() == null ? "" : r.model());
        g.writeArrayFieldStart("content");
        for (Part p : r.content()) {
            if (p instanceof Part.Text t) {
                g.writeStartObject();
                g.writeStringField("type", "text");
                g.writeStringField("text", t.text());
                g.writeEndObject();
            } else if (p instanceof Part.Thinking th) {
                g.writeStartObject();
                g.writeStringField("type", "thinking");
                g.writeStringField("thinking", th.text());
                g.writeStringField("signature", th.signature() == null ? "" : th.signature());
                g.writeEndObject();
            } else if (p instanceof Part.RedactedThinking rt) {
                g.writeStartObject();
                g.writeStringField("type", "redacted_thinking");
                g.writeStringField("data", rt.data());
                g.writeEndObject();
            }
        }
        int slot = 0;
        for (ToolCall c : r.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("type", "tool_use");
            g.writeStringField("id", c.id() != null ? c.id() : "toolu_" + id + "_" + slot);
            g.writeStringField("name", c.name() == null ? "" : c.name());
            g.writeFieldName("input");
            String input = ToolInput.objectOrNull(c.arguments());
            g.writeRawValue(input == null ? "{}" : input);
            g.writeEndObject();
            slot++;
        }
        g.writeEndArray();
        g.writeStringField("stop_reason", StopReasons.toWire(r.finish(), !r.toolCalls().isEmpty()));
        if (r.finish() == FinishReason.STOP_SEQUENCE && r.stopSequence() != null) {
            g.writeStringField("stop_sequence", r.stopSequence());
        } else {
            g.writeNullField("stop_sequence");
        }
        g.writeObjectFieldStart("usage");
        AnthropicUsage.writeFields(g, r.usage(), true);
        g.writeEndObject();
        g.writeEndObject();
    }
}
