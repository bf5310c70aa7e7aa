package io.sluice.codec.dialect.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonOut;
import io.sluice.codec.dialect.StreamEncoder;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.json.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Hub events to OpenAI {@code chat.completion.chunk} events ({@code data: {…}\n\n}, unnamed), written with one
 * reusable generator into one buffer per {@link #take()}.
 *
 * <p>As OpenAI does: the first chunk says {@code role: assistant} with empty content; each chunk has one choice
 * (index 0); every chunk carries {@code "usage":null} when the client asked for {@code include_usage}, and then the
 * usage chunk ({@code "choices":[]}) comes last, before {@code data: [DONE]}, only with counts the upstream reported.
 * An error ends the stream with {@code data: {"error":{…}}} and nothing after it (the SDKs raise on it).
 */
final class OpenAiStreamEncoder implements StreamEncoder {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final int INITIAL_CAPACITY = 256;

    private enum State { NEW, OPEN, CLOSED }

    private final ByteBufAllocator alloc;
    private final boolean includeUsage;
    private final JsonOut json = new JsonOut();
    private State state = State.NEW;
    private ByteBuf out;
    private String id;
    private String model;
    private long created;
    private Usage usage;

    OpenAiStreamEncoder(ByteBufAllocator alloc, boolean includeUsage) {
        this.alloc = alloc;
        this.includeUsage = includeUsage;
    }

    @Override
    public void onStart(String id, String model, long created) {
        if (state != State.NEW) {
            return;
        }
        this.id = id;
        this.model = model;
        this.created = created > 0 ? created : System.currentTimeMillis() / 1000;
        state = State.OPEN;
        try {
            JsonGenerator g = beginChunk();
            g.writeStringField("role", "assistant");
            g.writeStringField("content", "");
            endChunk(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onText(String delta) {
        stringDelta("content", delta);
    }

    @Override
    public void onReasoning(String delta) {
        stringDelta("reasoning_content", delta);
    }

    /** OpenAI has no signatures: a signature only ever goes back to the provider that made it. */
    @Override
    public void onReasoningSignature(String signature) {
    }

    @Override
    public void onToolCallStart(int slot, String callId, String name) {
        if (!open()) {
            return;
        }
        try {
            JsonGenerator g = beginChunk();
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", slot);
            g.writeStringField("id", callId);
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", name);
            g.writeStringField("arguments", "");
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            endChunk(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onToolCallArguments(int slot, String fragment) {
        if (!open()) {
            return;
        }
        try {
            JsonGenerator g = beginChunk();
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", slot);
            g.writeObjectFieldStart("function");
            g.writeStringField("arguments", fragment);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            endChunk(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onFinish(FinishReason reason, String stopSequence) {
        if (!open()) {
            return;
        }
        try {
            beginChunk();
            endChunk(OpenAiWire.finishReason(reason));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        try {
            if (includeUsage && usage != null) {
                JsonGenerator g = json.beginEvent(buffer(), null);
                head(g);
                g.writeArrayFieldStart("choices");
                g.writeEndArray();
                OpenAiWire.writeUsage(g, usage);
                g.writeEndObject();
                json.endEvent();
            }
            buffer().writeBytes(DONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        close();
    }

    @Override
    public void onError(HubError error) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            OpenAiErrorCodec.write(json.beginEvent(buffer(), null), error);
            json.endEvent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        close();
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
        close();
    }

    // ---- writing ----

    private void stringDelta(String field, String delta) {
        if (!open() || delta.isEmpty()) {
            return;
        }
        try {
            beginChunk().writeStringField(field, delta);
            endChunk(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True while events may be written; content before onStart (a broken decoder) opens an id-less stream. */
    private boolean open() {
        if (state == State.NEW) {
            onStart(OpenAiStreamDecoder.FALLBACK_ID, null, 0);
        }
        return state == State.OPEN;
    }

    private void head(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
    }

    /** Writes a chunk up to the inside of {@code choices[0].delta}. */
    private JsonGenerator beginChunk() throws IOException {
        JsonGenerator g = json.beginEvent(buffer(), null);
        head(g);
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("delta");
        return g;
    }

    private void endChunk(String finishReason) throws IOException {
        JsonGenerator g = json.begin(out);
        g.writeEndObject();
        g.writeNullField("logprobs");
        if (finishReason == null) {
            g.writeNullField("finish_reason");
        } else {
            g.writeStringField("finish_reason", finishReason);
        }
        g.writeEndObject();
        g.writeEndArray();
        if (includeUsage) {
            g.writeNullField("usage");
        }
        g.writeEndObject();
        json.endEvent();
    }

    private ByteBuf buffer() {
        if (out == null) {
            out = alloc.buffer(INITIAL_CAPACITY);
        }
        return out;
    }

    private void close() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            json.close();
        }
    }
}
