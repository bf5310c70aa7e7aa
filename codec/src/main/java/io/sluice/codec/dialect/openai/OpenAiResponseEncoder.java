package io.sluice.codec.dialect.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonOut;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubResponse;
import io.sluice.codec.hub.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@link HubResponse} as an OpenAI {@code chat.completion} object. {@code content} is null when the answer is only
 * tool calls, as OpenAI writes it; reasoning goes to {@code reasoning_content} (DeepSeek's field, what
 * OpenAI-compatible clients read); signatures and redacted thinking have no place here. A response that failed is
 * written as the error body instead.
 */
final class OpenAiResponseEncoder {

    private OpenAiResponseEncoder() {
    }

    static ByteBuf encode(HubResponse r, ByteBufAllocator alloc) {
        if (r.error() != null) {
            return OpenAiErrorCodec.encode(r.error(), alloc);
        }
        ByteBuf out = alloc.buffer(512);
        try (JsonOut json = new JsonOut()) {
            write(json.begin(out), r);
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

    private static void write(JsonGenerator g, HubResponse r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id() == null ? OpenAiStreamDecoder.FALLBACK_ID : r.id());
        g.writeStringField("object", "chat.completion");
        g.writeNumberField("created", r.created() > 0 ? r.created() : System.currentTimeMillis() / 1000);
        g.writeStringField("model", r.model());
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        String text = r.text();
        if (text.isEmpty() && !r.toolCalls().isEmpty()) {
            g.writeNullField("content");
        } else {
            g.writeStringField("content", text);
        }
        String reasoning = r.reasoning();
        if (reasoning != null && !reasoning.isEmpty()) {
            g.writeStringField("reasoning_content", reasoning);
        }
        if (!r.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : r.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name());
                g.writeStringField("arguments", c.arguments());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", finishReason(r));
        g.writeEndObject();
        g.writeEndArray();
        if (r.usage() != null) {
            OpenAiWire.writeUsage(g, r.usage());
        }
        g.writeEndObject();
    }

    /** OpenAI always names a finish reason here; when the upstream gave none, the content says which. */
    private static String finishReason(HubResponse r) {
        FinishReason f = r.finish();
        if (f == null) {
            f = r.toolCalls().isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS;
        }
        return OpenAiWire.finishReason(f);
    }
}
