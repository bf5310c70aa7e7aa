package io.sluice.codec.dialect.responses;

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
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link HubResponse} as a non-streaming Responses body: the same object {@code response.completed} carries.
 * Thinking parts become reasoning items (signature as {@code encrypted_content}), each text part a message item, tool
 * calls function_call items after them. Redacted thinking is dropped. The client's request is not available here
 * (see {@link io.sluice.codec.dialect.Dialect#encodeResponse}), so request settings are written as the API defaults.
 */
final class ResponsesResponseEncoder {

    private ResponsesResponseEncoder() {
    }

    static ByteBuf encode(HubResponse r, ByteBufAllocator alloc) {
        String id = r.id() != null ? r.id() : "resp_sluice";
        String incomplete = r.finish() == FinishReason.LENGTH ? "max_output_tokens"
                : r.finish() == FinishReason.CONTENT_FILTER ? "content_filter" : null;
        String status = r.error() != null ? ResponseObjectWriter.FAILED
                : incomplete != null ? ResponseObjectWriter.INCOMPLETE : ResponseObjectWriter.COMPLETED;
        String itemStatus = status.equals(ResponseObjectWriter.COMPLETED) ? ResponseObjectWriter.COMPLETED
                : ResponseObjectWriter.INCOMPLETE;
        List<OutputItem> items = new ArrayList<>(r.content().size() + r.toolCalls().size());
        for (Part part : r.content()) {
            if (part instanceof Part.Thinking t) {
                OutputItem item = item(OutputItem.Kind.REASONING, id, items, ResponseObjectWriter.COMPLETED);
                item.text.append(t.text());
                item.signature = t.signature();
            } else if (part instanceof Part.Text t) {
                item(OutputItem.Kind.MESSAGE, id, items, itemStatus).text.append(t.text());
            }
        }
        for (ToolCall c : r.toolCalls()) {
            OutputItem item = item(OutputItem.Kind.FUNCTION_CALL, id, items, itemStatus);
            item.callId = c.id();
            item.name = c.name();
            item.text.append(c.arguments());
        }
        long created = r.created() > 0 ? r.created() : System.currentTimeMillis() / 1000;
        ByteBuf buf = alloc.buffer(512);
        try (JsonOut out = new JsonOut()) {
            JsonGenerator g = out.begin(buf);
            ResponseObjectWriter.write(g, id, created, status, r.model(), items, r.usage(), incomplete, r.error(),
                    null);
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

    private static OutputItem item(OutputItem.Kind kind, String id, List<OutputItem> items, String status) {
        OutputItem item = new OutputItem(kind, OutputItem.id(kind, id, items.size()), items.size());
        item.done = true;
        item.status = status;
        items.add(item);
        return item;
    }
}
