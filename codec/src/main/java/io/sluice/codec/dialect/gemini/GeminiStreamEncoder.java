package io.sluice.codec.dialect.gemini;

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
import java.util.ArrayList;
import java.util.List;

/**
 * Hub events → a Gemini {@code streamGenerateContent?alt=sse} stream: one {@code data: <GenerateContentResponse>}
 * event per text or thought delta, framed {@code \r\n\r\n} as Google's servers frame it.
 *
 * <ul>
 *   <li>Gemini clients expect whole {@code functionCall} parts with {@code args} as an object, so argument fragments
 *       are buffered per slot and the calls go out together in one event (as Gemini sends parallel calls) as soon as
 *       anything else happens: text, thinking, a signature, the finish or the end. Not at the next slot's start:
 *       providers may still send fragments of an earlier slot. Arguments that are not a JSON object become
 *       {@code {}}.</li>
 *   <li>A signature waits for the next text or function-call part and rides on it as {@code thoughtSignature} (where
 *       Gemini puts it); if thinking or the end comes first it goes out alone on an empty text part, the shape Gemini
 *       itself uses at the end of a stream.</li>
 *   <li>The finish reason and usage are written once, in a last event at {@link #onEnd()}; {@code modelVersion} and
 *       {@code responseId} ride on every event.</li>
 *   <li>An error becomes {@code data: {"error":{"code","message","status"}}} and ends the stream.</li>
 * </ul>
 */
final class GeminiStreamEncoder implements StreamEncoder {

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final class Call {
        final int slot;
        final String id;
        final String name;
        final StringBuilder args = new StringBuilder();

        Call(int slot, String id, String name) {
            this.slot = slot;
            this.id = id;
            this.name = name;
        }
    }

    private final ByteBufAllocator alloc;
    private final JsonOut out = new JsonOut();
    private final String requestedModel;
    private ByteBuf buf;
    private String id;
    private String model;
    private String pendingSignature;
    private final List<Call> calls = new ArrayList<>(0);
    private FinishReason finish;
    private Usage usage;
    private boolean done;
    /** The event being written has {@code content.parts} open. */
    private boolean openedParts;

    GeminiStreamEncoder(ByteBufAllocator alloc, String requestedModel) {
        this.alloc = alloc;
        this.requestedModel = requestedModel;
    }

    @Override
    public void onStart(String id, String model, long created) {
        this.id = id;
        this.model = model != null ? model : requestedModel;
    }

    @Override
    public void onText(String delta) {
        if (done) {
            return;
        }
        flushCalls(false);
        if (delta.isEmpty()) {
            return;
        }
        try {
            JsonGenerator g = openParts();
            g.writeStartObject();
            g.writeStringField("text", delta);
            writeSignature(g);
            g.writeEndObject();
            close(g, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onReasoning(String delta) {
        if (done) {
            return;
        }
        flushCalls(false);
        flushSignature();
        if (delta.isEmpty()) {
            return;
        }
        try {
            JsonGenerator g = openParts();
            g.writeStartObject();
            g.writeStringField("text", delta);
            g.writeBooleanField("thought", true);
            g.writeEndObject();
            close(g, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void onReasoningSignature(String signature) {
        if (done) {
            return;
        }
        flushCalls(false);
        flushSignature();
        pendingSignature = signature;
    }

    @Override
    public void onToolCallStart(int slot, String id, String name) {
        if (!done) {
            calls.add(new Call(slot, id, name));
        }
    }

    @Override
    public void onToolCallArguments(int slot, String fragment) {
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).slot == slot) {
                calls.get(i).args.append(fragment);
                return;
            }
        }
    }

    @Override
    public void onFinish(FinishReason reason, String stopSequence) {
        if (!done) {
            flushCalls(false);
            finish = reason;
        }
    }

    @Override
    public void onUsage(Usage usage) {
        this.usage = usage;
    }

    @Override
    public void onEnd() {
        if (done) {
            return;
        }
        flushCalls(false);
        done = true;
        if (finish == null && usage == null && pendingSignature == null) {
            closeOut();
            return;
        }
        try {
            // Gemini's own last chunk carries content too ({"text":""} when the text has all been sent); clients
            // such as LangChain's ChatGoogleGenerativeAI skip a candidate without content, and its usage with it.
            JsonGenerator g = openParts();
            g.writeStartObject();
            g.writeStringField("text", "");
            if (pendingSignature != null) {
                writeSignature(g);
            }
            g.writeEndObject();
            close(g, finish, usage);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        closeOut();
    }

    @Override
    public void onError(HubError error) {
        if (done) {
            return;
        }
        flushCalls(true);
        flushSignature();
        done = true;
        if (buf == null) {
            buf = alloc.buffer(128);
        }
        buf.writeBytes(DATA);
        try {
            GeminiErrors.write(out.begin(buf), error);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.end();
        buf.writeBytes(END);
        closeOut();
    }

    @Override
    public ByteBuf take() {
        ByteBuf b = buf;
        buf = null;
        return b;
    }

    @Override
    public void release() {
        done = true;
        if (buf != null) {
            buf.release();
            buf = null;
        }
        closeOut();
    }

    // ---- writing ----

    /** Sends the buffered calls; on an error only those whose arguments are a complete JSON object. */
    private void flushCalls(boolean completeOnly) {
        if (calls.isEmpty()) {
            return;
        }
        try {
            JsonGenerator g = null;
            for (Call c : calls) {
                String args = c.args.toString();
                if (completeOnly && !GeminiJson.isObject(args)) {
                    continue;
                }
                if (g == null) {
                    g = openParts();
                }
                g.writeStartObject();
                g.writeObjectFieldStart("functionCall");
                if (c.id != null) {
                    g.writeStringField("id", c.id);
                }
                g.writeStringField("name", c.name);
                g.writeFieldName("args");
                GeminiJson.writeArgs(g, args);
                g.writeEndObject();
                writeSignature(g);
                g.writeEndObject();
            }
            if (g != null) {
                close(g, null, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            calls.clear();
        }
    }

    /** A signature nothing carried: alone on an empty text part. */
    private void flushSignature() {
        if (pendingSignature == null) {
            return;
        }
        try {
            JsonGenerator g = openParts();
            g.writeStartObject();
            g.writeStringField("text", "");
            writeSignature(g);
            g.writeEndObject();
            close(g, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeSignature(JsonGenerator g) throws IOException {
        if (pendingSignature != null) {
            g.writeStringField("thoughtSignature", pendingSignature);
            pendingSignature = null;
        }
    }

    /** {@code data: {"candidates":[{} — the candidate object is open. */
    private JsonGenerator open() throws IOException {
        if (buf == null) {
            buf = alloc.buffer(256);
        }
        buf.writeBytes(DATA);
        JsonGenerator g = out.begin(buf);
        g.writeStartObject();
        g.writeArrayFieldStart("candidates");
        g.writeStartObject();
        return g;
    }

    /** {@link #open()} plus {@code "content":{"parts":[} — the parts array is open. */
    private JsonGenerator openParts() throws IOException {
        JsonGenerator g = open();
        g.writeObjectFieldStart("content");
        g.writeArrayFieldStart("parts");
        openedParts = true;
        return g;
    }

    private void close(JsonGenerator g, FinishReason reason, Usage u) throws IOException {
        if (openedParts) {
            g.writeEndArray();
            g.writeStringField("role", "model");
            g.writeEndObject();
            openedParts = false;
        }
        if (reason != null) {
            g.writeStringField("finishReason", GeminiMappings.finishToGemini(reason));
        }
        g.writeNumberField("index", 0);
        g.writeEndObject();
        g.writeEndArray();
        if (u != null) {
            g.writeObjectFieldStart("usageMetadata");
            GeminiMappings.writeUsage(g, u);
            g.writeEndObject();
        }
        if (model != null) {
            g.writeStringField("modelVersion", model);
        }
        if (id != null) {
            g.writeStringField("responseId", id);
        }
        g.writeEndObject();
        out.end();
        buf.writeBytes(END);
    }

    private void closeOut() {
        try {
            out.close();
        } catch (RuntimeException e) {
            // a generator left mid-value by an earlier failure: nothing more to write anyway
        }
    }
}
