package io.sluice.codec.dialect.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonOut;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.json.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hub events into a Responses event stream, the way OpenAI sends one: {@code response.created},
 * {@code response.in_progress}, then per output item {@code output_item.added}, its part/delta/done events and
 * {@code output_item.done}, and at the end {@code response.completed} (or {@code response.incomplete} when the output
 * cap or the content filter cut the answer) carrying the whole response. Every event has {@code type} and
 * {@code sequence_number} (from 0) first; {@code output_index} grows by one per item.
 *
 * <p>Items: reasoning deltas open a reasoning item with one summary part (its signature becomes
 * {@code encrypted_content}, whichever provider made it, so the client can send it back); text opens a message item
 * with one {@code output_text} part; each tool call is a function_call item. As OpenAI does, an item is done before
 * the next one is added. Arguments that arrive for a call already done (a source that interleaves parallel calls) are
 * still sent as deltas of that item and are in the final {@code output}; strict clients may have closed it. An error
 * ends the stream with an {@code error} event (the documented flat shape) followed by {@code response.failed}.
 */
final class ResponsesStreamEncoder implements StreamEncoder {

    private static final int INITIAL_CAPACITY = 512;

    private final ByteBufAllocator alloc;
    private final HubRequest request;
    private final JsonOut json = new JsonOut();
    private ByteBuf out;
    private int sequence;
    private String id;
    private String model;
    private long created;
    private boolean started;
    private boolean ended;
    private final List<OutputItem> items = new ArrayList<>(4);
    /** Items before this index are all done. */
    private int firstOpen;
    /** The open reasoning or message item, or null. */
    private OutputItem current;
    /** Function-call items by hub slot (done ones included, for late arguments). */
    private final List<OutputItem> calls = new ArrayList<>(0);
    private FinishReason finish;
    private Usage usage;

    ResponsesStreamEncoder(ByteBufAllocator alloc, HubRequest request) {
        this.alloc = alloc;
        this.request = request;
    }

    @Override
    public void onStart(String id, String model, long created) {
        if (started || ended) {
            return;
        }
        started = true;
        this.id = id != null ? id : "resp_sluice";
        this.model = model != null ? model : request != null ? request.model : null;
        this.created = created > 0 ? created : System.currentTimeMillis() / 1000;
        try {
            lifecycle(Names.CREATED, ResponseObjectWriter.IN_PROGRESS, null, null);
            lifecycle(Names.IN_PROGRESS, ResponseObjectWriter.IN_PROGRESS, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onText(String delta) {
        if (!open() || delta.isEmpty()) {
            return;
        }
        try {
            OutputItem m = current;
            if (m == null || m.kind != OutputItem.Kind.MESSAGE) {
                closeAll(ResponseObjectWriter.COMPLETED);
                m = add(OutputItem.Kind.MESSAGE, null, null);
                current = m;
                JsonGenerator g = begin(Names.CONTENT_PART_ADDED);
                itemRef(g, m);
                g.writeNumberField("content_index", 0);
                g.writeFieldName("part");
                ResponseObjectWriter.writeOutputText(g, "");
                end(g);
            }
            m.text.append(delta);
            JsonGenerator g = begin(Names.OUTPUT_TEXT_DELTA);
            itemRef(g, m);
            g.writeNumberField("content_index", 0);
            g.writeStringField("delta", delta);
            emptyArray(g, "logprobs");
            end(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onReasoning(String delta) {
        if (!open() || delta.isEmpty()) {
            return;
        }
        try {
            OutputItem r = reasoningItem();
            if (!r.partOpen) {
                r.partOpen = true;
                JsonGenerator g = begin(Names.SUMMARY_PART_ADDED);
                itemRef(g, r);
                g.writeNumberField("summary_index", 0);
                g.writeFieldName("part");
                ResponseObjectWriter.writeSummaryPart(g, "");
                end(g);
            }
            r.text.append(delta);
            JsonGenerator g = begin(Names.SUMMARY_TEXT_DELTA);
            itemRef(g, r);
            g.writeNumberField("summary_index", 0);
            g.writeStringField("delta", delta);
            end(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onReasoningSignature(String signature) {
        if (!open()) {
            return;
        }
        try {
            OutputItem r = reasoningItem();
            r.signature = signature;
            close(r, ResponseObjectWriter.COMPLETED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Anthropic's redacted_thinking has no Responses equivalent and means nothing to other providers: dropped. */
    @Override
    public void onRedactedReasoning(String data) {
    }

    @Override
    public void onToolCallStart(int slot, String callId, String name) {
        if (!open()) {
            return;
        }
        try {
            closeAll(ResponseObjectWriter.COMPLETED);
            OutputItem c = add(OutputItem.Kind.FUNCTION_CALL, callId, name);
            while (calls.size() <= slot) {
                calls.add(null);
            }
            calls.set(slot, c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onToolCallArguments(int slot, String fragment) {
        if (!open() || slot >= calls.size() || calls.get(slot) == null || fragment.isEmpty()) {
            return;
        }
        OutputItem c = calls.get(slot);
        c.text.append(fragment);
        try {
            JsonGenerator g = begin(Names.ARGUMENTS_DELTA);
            itemRef(g, c);
            g.writeStringField("delta", fragment);
            end(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onFinish(FinishReason reason, String stopSequence) {
        this.finish = reason;
    }

    @Override
    public void onUsage(Usage usage) {
        this.usage = usage;
    }

    @Override
    public void onEnd() {
        if (!open()) {
            return;
        }
        ended = true;
        String reason = finish == FinishReason.LENGTH ? "max_output_tokens"
                : finish == FinishReason.CONTENT_FILTER ? "content_filter" : null;
        try {
            closeAll(reason == null ? ResponseObjectWriter.COMPLETED : ResponseObjectWriter.INCOMPLETE);
            if (reason == null) {
                lifecycle(Names.COMPLETED, ResponseObjectWriter.COMPLETED, null, null);
            } else {
                lifecycle(Names.INCOMPLETE, ResponseObjectWriter.INCOMPLETE, reason, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            json.close();
        }
    }

    @Override
    public void onError(HubError error) {
        if (ended) {
            return;
        }
        ended = true;
        try {
            JsonGenerator g = begin(Names.ERROR);
            g.writeStringField("code", ResponsesErrors.code(error));
            g.writeStringField("message", error.message());
            g.writeNullField("param");
            end(g);
            if (started) {
                for (int i = firstOpen; i < items.size(); i++) {
                    if (!items.get(i).done) {
                        items.get(i).status = ResponseObjectWriter.INCOMPLETE;
                    }
                }
                lifecycle(Names.FAILED, ResponseObjectWriter.FAILED, null, error);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            json.close();
        }
    }

    @Override
    public ByteBuf take() {
        ByteBuf b = out;
        out = null;
        return b;
    }

    @Override
    public void release() {
        if (out != null) {
            out.release();
            out = null;
        }
        if (!ended) {
            ended = true;
            json.close();
        }
    }

    private boolean open() {
        return started && !ended;
    }

    private OutputItem reasoningItem() throws IOException {
        OutputItem r = current;
        if (r == null || r.kind != OutputItem.Kind.REASONING) {
            closeAll(ResponseObjectWriter.COMPLETED);
            r = add(OutputItem.Kind.REASONING, null, null);
            current = r;
        }
        return r;
    }

    /** Opens the next output item and writes its {@code output_item.added}. */
    private OutputItem add(OutputItem.Kind kind, String callId, String name) throws IOException {
        int index = items.size();
        OutputItem item = new OutputItem(kind, OutputItem.id(kind, id, index), index);
        item.callId = callId;
        item.name = name;
        items.add(item);
        JsonGenerator g = begin(Names.ITEM_ADDED);
        g.writeNumberField("output_index", index);
        g.writeFieldName("item");
        ResponseObjectWriter.writeItem(g, item, true);
        end(g);
        return item;
    }

    private void closeAll(String status) throws IOException {
        for (int i = firstOpen; i < items.size(); i++) {
            OutputItem item = items.get(i);
            if (!item.done) {
                close(item, status);
            }
        }
        firstOpen = items.size();
    }

    /** Writes the done events of {@code item}: its text/arguments in full, then {@code output_item.done}. */
    private void close(OutputItem item, String status) throws IOException {
        item.done = true;
        item.status = status;
        if (current == item) {
            current = null;
        }
        switch (item.kind) {
            case REASONING -> {
                if (item.partOpen) {
                    JsonGenerator g = begin(Names.SUMMARY_TEXT_DONE);
                    itemRef(g, item);
                    g.writeNumberField("summary_index", 0);
                    ResponseObjectWriter.writeChars(g, "text", item.text);
                    end(g);
                    g = begin(Names.SUMMARY_PART_DONE);
                    itemRef(g, item);
                    g.writeNumberField("summary_index", 0);
                    g.writeFieldName("part");
                    ResponseObjectWriter.writeSummaryPart(g, item.text);
                    end(g);
                }
            }
            case MESSAGE -> {
                JsonGenerator g = begin(Names.OUTPUT_TEXT_DONE);
                itemRef(g, item);
                g.writeNumberField("content_index", 0);
                ResponseObjectWriter.writeChars(g, "text", item.text);
                emptyArray(g, "logprobs");
                end(g);
                g = begin(Names.CONTENT_PART_DONE);
                itemRef(g, item);
                g.writeNumberField("content_index", 0);
                g.writeFieldName("part");
                ResponseObjectWriter.writeOutputText(g, item.text);
                end(g);
            }
            case FUNCTION_CALL -> {
                JsonGenerator g = begin(Names.ARGUMENTS_DONE);
                itemRef(g, item);
                g.writeStringField("name", item.name);
                ResponseObjectWriter.writeChars(g, "arguments", item.text);
                end(g);
            }
        }
        JsonGenerator g = begin(Names.ITEM_DONE);
        g.writeNumberField("output_index", item.index);
        g.writeFieldName("item");
        ResponseObjectWriter.writeItem(g, item, false);
        end(g);
    }

    private void lifecycle(Names name, String status, String incompleteReason, HubError error) throws IOException {
        JsonGenerator g = begin(name);
        g.writeFieldName("response");
        boolean terminal = !ResponseObjectWriter.IN_PROGRESS.equals(status);
        ResponseObjectWriter.write(g, id, created, status, model, items, terminal ? usage : null, incompleteReason,
                error, request);
        end(g);
    }

    private JsonGenerator begin(Names name) throws IOException {
        if (out == null) {
            out = alloc.buffer(INITIAL_CAPACITY);
        }
        JsonGenerator g = json.beginEvent(out, name.bytes);
        g.writeStartObject();
        g.writeStringField("type", name.type);
        g.writeNumberField("sequence_number", sequence++);
        return g;
    }

    private void end(JsonGenerator g) throws IOException {
        g.writeEndObject();
        json.endEvent();
    }

    private static void itemRef(JsonGenerator g, OutputItem item) throws IOException {
        g.writeStringField("item_id", item.id);
        g.writeNumberField("output_index", item.index);
    }

    private static void emptyArray(JsonGenerator g, String field) throws IOException {
        g.writeFieldName(field);
        g.writeStartArray();
        g.writeEndArray();
    }

    /** Event types with their pre-encoded {@code event:} names. */
    private enum Names {
        CREATED("response.created"),
        IN_PROGRESS("response.in_progress"),
        ITEM_ADDED("response.output_item.added"),
        ITEM_DONE("response.output_item.done"),
        CONTENT_PART_ADDED("response.content_part.added"),
        CONTENT_PART_DONE("response.content_part.done"),
        OUTPUT_TEXT_DELTA("response.output_text.delta"),
        OUTPUT_TEXT_DONE("response.output_text.done"),
        SUMMARY_PART_ADDED("response.reasoning_summary_part.added"),
        SUMMARY_PART_DONE("response.reasoning_summary_part.done"),
        SUMMARY_TEXT_DELTA("response.reasoning_summary_text.delta"),
        SUMMARY_TEXT_DONE("response.reasoning_summary_text.done"),
        ARGUMENTS_DELTA("response.function_call_arguments.delta"),
        ARGUMENTS_DONE("response.function_call_arguments.done"),
        COMPLETED("response.completed"),
        INCOMPLETE("response.incomplete"),
        FAILED("response.failed"),
        ERROR("error");

        final String type;
        final byte[] bytes;

        Names(String type) {
            this.type = type;
            this.bytes = JsonOut.name(type);
        }
    }
}
