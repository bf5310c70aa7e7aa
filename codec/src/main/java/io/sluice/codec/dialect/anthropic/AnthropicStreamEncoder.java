package io.sluice.codec.dialect.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonOut;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.TokenEstimate;
import io.sluice.codec.json.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Hub events → an Anthropic Messages stream: {@code message_start}, content blocks with dense indexes, one
 * {@code message_delta} (stop reason and usage, written at {@code onEnd} because usage may follow the finish), then
 * {@code message_stop}. The {@code message_start} usage carries an input figure: the provider's when it reported one
 * with the start ({@link #onStartUsage}: Gemini's first chunk), else Sluice's {@link TokenEstimate} of the client's
 * request.
 *
 * <p>One block is open at a time, as in Anthropic's own streams: a change of kind (text, thinking, tool call) closes
 * it and opens the next. A signature closes its thinking block; a redacted-thinking block opens and closes at once.
 *
 * <p>Interleaved tool arguments (OpenAI upstreams may stream parallel calls' arguments alternately): a tool block stays
 * open until another slot or kind arrives; arguments for a slot whose block is already closed are written as
 * {@code input_json_delta} on that block's original index, after its {@code content_block_stop}. Anthropic never does
 * this, but the official SDKs accumulate {@code partial_json} by {@code index} without checking the block is open,
 * and buffering instead would hold every argument back until the end of the stream.
 */
final class AnthropicStreamEncoder implements StreamEncoder {

    private static final byte[] MESSAGE_START = JsonOut.name("message_start");
    private static final byte[] BLOCK_START = JsonOut.name("content_block_start");
    private static final byte[] BLOCK_DELTA = JsonOut.name("content_block_delta");
    private static final byte[] BLOCK_STOP = JsonOut.name("content_block_stop");
    private static final byte[] MESSAGE_DELTA = JsonOut.name("message_delta");
    private static final byte[] MESSAGE_STOP = JsonOut.name("message_stop");
    private static final byte[] ERROR = JsonOut.name("error");

    private enum Open { NONE, TEXT, THINKING, TOOL }

    private final ByteBufAllocator alloc;
    private final String requestModel;
    private final JsonOut json = new JsonOut();
    private ByteBuf out;

    private boolean started;
    private boolean done;
    private String messageId;
    private Open open = Open.NONE;
    private int openIndex = -1;
    private int openSlot = -1;
    private int nextIndex;
    /** Block index of each tool slot, -1 before its start. */
    private int[] slotIndex = new int[0];
    private boolean hadToolCalls;
    private FinishReason finish;
    private String stopSequence;
    private Usage usage;
    private final HubRequest request;
    private String startModel;
    private Usage startUsage;
    private boolean startWritten;

    AnthropicStreamEncoder(ByteBufAllocator alloc, String requestModel) {
        this(alloc, requestModel, null);
    }

    /** @param request the client's request, for the input-token estimate of {@code message_start}; null for none */
    AnthropicStreamEncoder(ByteBufAllocator alloc, String requestModel, HubRequest request) {
        this.alloc = alloc;
        this.requestModel = requestModel;
        this.request = request;
    }

    @Override
    public void onStart(String id, String model, long created) {
        if (started || done) {
            return;
        }
        started = true;
        messageId = id == null ? "msg_sluice" : id;
        startModel = model;
    }

    /**
     * Writes {@code message_start} once, at the first event after the start or when the output is taken, so that the
     * usage a provider reports with its start ({@link #onStartUsage}) gives the input figure. It leaves in the same
     * {@link #take} as before.
     */
    private void writeStart() {
        if (startWritten || !started) {
            return;
        }
        startWritten = true;
        String model = startModel;
        Usage reported = startUsage;
        try {
            JsonGenerator g = json.beginEvent(out(), MESSAGE_START);
            g.writeStartObject();
            g.writeStringField("type", "message_start");
            g.writeObjectFieldStart("message");
            g.writeStringField("id", messageId);
            g.writeStringField("type", "message");
            g.writeStringField("role", "assistant");
            g.writeStringField("model", model != null ? model : requestModel != null ? requestModel : "");
            g.writeArrayFieldStart("content");
            g.writeEndArray();
            g.writeNullField("stop_reason");
            g.writeNullField("stop_sequence");
            g.writeObjectFieldStart("usage");
            if (reported != null && reported.promptTokens() >= 0) {
                // The provider's own prompt figures, given before the content; output counts come at the end
                // (clients that add message_start's output to message_delta's would count them twice).
                AnthropicUsage.writeFields(g, new Usage(reported.promptTokens(), 0, reported.promptTokens(),
                        reported.cachedTokens(), Usage.ABSENT, reported.cacheWriteTokens()), true);
            } else {
                // Sluice's estimate of the prompt (LangChain reads input tokens here); message_delta carries the
                // provider's real counts at the end.
                g.writeNumberField("input_tokens", request == null ? 0 : TokenEstimate.of(request));
                g.writeNumberField("output_tokens", 0);
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
            json.endEvent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onStartUsage(Usage startUsage) {
        if (started && !startWritten) {
            this.startUsage = startUsage;
        }
    }

    @Override
    public void onText(String delta) {
        if (!live() || delta == null || delta.isEmpty()) {
            return;
        }
        try {
            if (open != Open.TEXT) {
                closeOpen();
                openBlock(Open.TEXT);
                JsonGenerator g = beginBlockStart();
                g.writeStringField("type", "text");
                g.writeStringField("text", "");
                endBlockStart(g);
            }
            JsonGenerator g = beginDelta(openIndex, "text_delta");
            g.writeStringField("text", delta);
            endDelta(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onReasoning(String delta) {
        if (!live() || delta == null || delta.isEmpty()) {
            return;
        }
        try {
            openThinking();
            JsonGenerator g = beginDelta(openIndex, "thinking_delta");
            g.writeStringField("thinking", delta);
            endDelta(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onReasoningSignature(String signature) {
        if (!live() || signature == null) {
            return;
        }
        try {
            openThinking();
            JsonGenerator g = beginDelta(openIndex, "signature_delta");
            g.writeStringField("signature", signature);
            endDelta(g);
            closeOpen();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onRedactedReasoning(String data) {
        if (!live()) {
            return;
        }
        try {
            closeOpen();
            openBlock(Open.THINKING);
            JsonGenerator g = beginBlockStart();
            g.writeStringField("type", "redacted_thinking");
            g.writeStringField("data", data == null ? "" : data);
            endBlockStart(g);
            closeOpen();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onToolCallStart(int slot, String id, String name) {
        if (!live() || slot < 0) {
            return;
        }
        try {
            closeOpen();
            openBlock(Open.TOOL);
            openSlot = slot;
            hadToolCalls = true;
            if (slot >= slotIndex.length) {
                int old = slotIndex.length;
                slotIndex = Arrays.copyOf(slotIndex, Math.max(slot + 1, old * 2 + 2));
                Arrays.fill(slotIndex, old, slotIndex.length, -1);
            }
            slotIndex[slot] = openIndex;
            JsonGenerator g = beginBlockStart();
            g.writeStringField("type", "tool_use");
            // A dialect without call ids gets one derived from the message id, stable for golden files.
            g.writeStringField("id", id != null ? id : "toolu_" + messageId + "_" + slot);
            g.writeStringField("name", name == null ? "" : name);
            g.writeObjectFieldStart("input");
            g.writeEndObject();
            endBlockStart(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onToolCallArguments(int slot, String fragment) {
        if (!live() || fragment == null || fragment.isEmpty() || slot < 0 || slot >= slotIndex.length
                || slotIndex[slot] < 0) {
            return;
        }
        try {
            if (open != Open.TOOL || openSlot != slot) {
                closeOpen(); // another slot's turn: see the class comment
            }
            JsonGenerator g = beginDelta(slotIndex[slot], "input_json_delta");
            g.writeStringField("partial_json", fragment);
            endDelta(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onFinish(FinishReason reason, String stopSequence) {
        this.finish = reason;
        this.stopSequence = stopSequence;
    }

    @Override
    public void onUsage(Usage usage) {
        this.usage = usage;
    }

    @Override
    public void onEnd() {
        if (!live()) {
            return;
        }
        try {
            closeOpen();
            JsonGenerator g = json.beginEvent(out(), MESSAGE_DELTA);
            g.writeStartObject();
            g.writeStringField("type", "message_delta");
            g.writeObjectFieldStart("delta");
            g.writeStringField("stop_reason", StopReasons.toWire(finish, hadToolCalls));
            if (finish == FinishReason.STOP_SEQUENCE && stopSequence != null) {
                g.writeStringField("stop_sequence", stopSequence);
            } else {
                g.writeNullField("stop_sequence");
            }
            g.writeEndObject();
            g.writeObjectFieldStart("usage");
            AnthropicUsage.writeFields(g, usage, false);
            g.writeEndObject();
            g.writeEndObject();
            json.endEvent();

            g = json.beginEvent(out(), MESSAGE_STOP);
            g.writeStartObject();
            g.writeStringField("type", "message_stop");
            g.writeEndObject();
            json.endEvent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        done = true;
        json.close();
    }

    @Override
    public void onError(HubError error) {
        if (done) {
            return;
        }
        writeStart();
        done = true;
        try {
            // The open block stays open: the client's SDK raises on the error event whatever its state.
            AnthropicErrors.write(json.beginEvent(out(), ERROR), error);
            json.endEvent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.close();
    }

    @Override
    public ByteBuf take() {
        if (!done) {
            writeStart();
        }
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
        done = true;
        json.close();
    }

    /** Whether events may be written now; writes the pending {@code message_start} first. */
    private boolean live() {
        if (!started || done) {
            return false;
        }
        writeStart();
        return true;
    }

    private ByteBuf out() {
        if (out == null) {
            out = alloc.buffer(256);
        }
        return out;
    }

    private void openThinking() throws IOException {
        if (open == Open.THINKING) {
            return;
        }
        closeOpen();
        openBlock(Open.THINKING);
        JsonGenerator g = beginBlockStart();
        g.writeStringField("type", "thinking");
        g.writeStringField("thinking", "");
        g.writeStringField("signature", "");
        endBlockStart(g);
    }

    private void openBlock(Open kind) {
        open = kind;
        openIndex = nextIndex++;
        openSlot = -1;
    }

    private void closeOpen() throws IOException {
        if (open == Open.NONE) {
            return;
        }
        JsonGenerator g = json.beginEvent(out(), BLOCK_STOP);
        g.writeStartObject();
        g.writeStringField("type", "content_block_stop");
        g.writeNumberField("index", openIndex);
        g.writeEndObject();
        json.endEvent();
        open = Open.NONE;
        openSlot = -1;
    }

    /** Writes up to the open {@code content_block} object; the caller writes its members. */
    private JsonGenerator beginBlockStart() throws IOException {
        JsonGenerator g = json.beginEvent(out(), BLOCK_START);
        g.writeStartObject();
        g.writeStringField("type", "content_block_start");
        g.writeNumberField("index", openIndex);
        g.writeObjectFieldStart("content_block");
        return g;
    }

    private void endBlockStart(JsonGenerator g) throws IOException {
        g.writeEndObject();
        g.writeEndObject();
        json.endEvent();
    }

    /** Writes up to the open {@code delta} object with its type; the caller writes the payload member. */
    private JsonGenerator beginDelta(int index, String deltaType) throws IOException {
        JsonGenerator g = json.beginEvent(out(), BLOCK_DELTA);
        g.writeStartObject();
        g.writeStringField("type", "content_block_delta");
        g.writeNumberField("index", index);
        g.writeObjectFieldStart("delta");
        g.writeStringField("type", deltaType);
        return g;
    }

    private void endDelta(JsonGenerator g) throws IOException {
        g.writeEndObject();
        g.writeEndObject();
        json.endEvent();
    }
}
