package io.sluice.codec.dialect.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.dialect.SseStreamDecoder;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.json.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OpenAI {@code chat.completion.chunk} events to hub events, one chunk at a time, straight from parser tokens.
 *
 * <p>Per stream it keeps which hub slot each provider {@code tool_calls[].index} currently means: a new {@code id}
 * with a function name opens a new slot even at an index seen before (DESIGN.md §3, the reused-index trap), an id seen
 * before goes back to its slot (servers that repeat the id on every fragment), a fragment without id (or with a fresh
 * id but no name: servers that mint an id per chunk) goes to the slot its index maps to.
 * A finish reason is reported at the end of the chunk that carries it, so content and usage in the same chunk come
 * first; content that arrives after it is ignored (the hub's order contract puts finish after all content).
 * The body may end without {@code [DONE]} once a finish reason was seen: many OpenAI-compatible servers never send it.
 */
final class OpenAiStreamDecoder extends SseStreamDecoder {

    /** Id used when a server sends chunks without one (the hub wants a {@code chatcmpl-…} id). */
    static final String FALLBACK_ID = "chatcmpl-sluice";
    /** Largest provider tool-call index accepted; anything above is a broken stream, not a real call. */
    static final int MAX_TOOL_INDEX = 1023;

    private enum State {
        /** No chunk with content, usage or a finish reason yet. */
        IDLE,
        STREAMING,
        /** A finish reason was reported; waiting for usage and {@code [DONE]} (or the end of the body). */
        FINISHED
    }

    private State state = State.IDLE;
    private String startId;
    /** Provider tool index → hub slot, -1 when unmapped. */
    private int[] slotOfIndex = new int[4];
    private final List<String> slotIds = new ArrayList<>(0);
    /** Slot of the legacy {@code delta.function_call}, -1 before one started. */
    private int functionSlot = -1;

    // ---- per chunk ----
    private String id;
    private String model;
    private long created;
    private boolean hasChoice;
    private String finishReason;
    private Usage usage;
    private boolean errorSeen;
    private boolean errorObject;
    private final OpenAiErrorCodec.Fields error = new OpenAiErrorCodec.Fields();
    private boolean reasoningInDelta;

    OpenAiStreamDecoder(HubListener listener) {
        super(listener);
        Arrays.fill(slotOfIndex, -1);
    }

    /** A stream that is broken in a way JSON parsing does not see (e.g. an absurd tool index). */
    private static final class BadChunk extends RuntimeException {
        BadChunk(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    protected void onJson(String event, JsonParser p) throws IOException {
        id = null;
        model = null;
        created = 0;
        hasChoice = false;
        finishReason = null;
        usage = null;
        errorSeen = false;
        errorObject = "error".equals(event);
        error.message = null;
        error.type = null;
        error.code = null;
        error.numericCode = 0;
        if (p.nextToken() != JsonToken.START_OBJECT) {
            fail(new HubError(502, HubError.API_ERROR, "upstream sent a stream event that is not a JSON object"));
            return;
        }
        try {
            readChunk(p);
        } catch (BadChunk e) {
            fail(new HubError(502, HubError.API_ERROR, e.getMessage()));
            return;
        }
        if (finished()) {
            return;
        }
        if (errorSeen || errorObject) {
            fail(OpenAiErrorCodec.toHub(0, error));
            return;
        }
        if (finishReason != null && state != State.FINISHED) {
            ensureStarted();
            state = State.FINISHED;
            listener.onFinish(OpenAiWire.finishReason(finishReason), null);
        }
        if (usage != null) {
            ensureStarted();
            listener.onUsage(usage);
        }
        if (hasChoice) {
            ensureStarted();
        }
    }

    private void readChunk(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                // Only the first chunk's id and model are used: later chunks skip them without a String each.
                case "id" -> id = t == JsonToken.VALUE_STRING && state == State.IDLE ? p.getText() : id;
                case "model" -> model = t == JsonToken.VALUE_STRING && state == State.IDLE ? p.getText() : model;
                case "created" -> created = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : created;
                case "object" -> errorObject |= t == JsonToken.VALUE_STRING && OpenAiWire.textIs(p, "error");
                case "choices" -> {
                    if (t == JsonToken.START_ARRAY) {
                        readChoices(p);
                    } else {
                        p.skipChildren();
                    }
                }
                case "usage" -> usage = OpenAiWire.readUsage(p);
                case "error" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    errorSeen = true;
                    OpenAiErrorCodec.readErrorValue(p, error);
                }
                // vLLM / Mistral put the error's fields at the top ({"object":"error","message":…}).
                case "message", "type", "code" -> OpenAiErrorCodec.readField(p, name, error);
                default -> p.skipChildren();
            }
        }
    }

    private void readChoices(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            hasChoice = true;
            boolean other = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (other) {
                    p.skipChildren();
                    continue;
                }
                switch (name) {
                    // Sluice asks for one choice (n > 1 is refused); a stray other index is not this answer.
                    case "index" -> other = v == JsonToken.VALUE_NUMBER_INT && p.getIntValue() != 0;
                    case "delta" -> {
                        if (v == JsonToken.START_OBJECT) {
                            readDelta(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "finish_reason" -> {
                        if (v == JsonToken.VALUE_STRING && finishReason == null) {
                            finishReason = p.getText();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
    }

    private void readDelta(JsonParser p) throws IOException {
        reasoningInDelta = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                // A refusal is what the model said instead of an answer: the hub has no other place for it.
                case "content", "refusal" -> {
                    if (v == JsonToken.VALUE_STRING && p.getTextLength() > 0 && open()) {
                        listener.onText(p.getText());
                    }
                }
                // DeepSeek/vLLM say reasoning_content, OpenRouter says reasoning; some send both with the same text.
                case "reasoning_content", "reasoning" -> {
                    if (v == JsonToken.VALUE_STRING && p.getTextLength() > 0 && !reasoningInDelta && open()) {
                        reasoningInDelta = true;
                        listener.onReasoning(p.getText());
                    }
                }
                case "tool_calls" -> {
                    if (v == JsonToken.START_ARRAY) {
                        readToolCalls(p);
                    } else {
                        p.skipChildren();
                    }
                }
                case "function_call" -> {
                    if (v == JsonToken.START_OBJECT) {
                        readFunctionCall(p);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private void readToolCalls(JsonParser p) throws IOException {
        int position = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            int index = position++;
            String callId = null;
            String name = null;
            String args = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "index" -> index = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : index;
                    case "id" -> callId = v == JsonToken.VALUE_STRING ? p.getText() : callId;
                    case "function" -> {
                        if (v != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            continue;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken fv = p.nextToken();
                            if (f.equals("name") && fv == JsonToken.VALUE_STRING) {
                                name = p.getText();
                            } else if (f.equals("arguments")) {
                                args = arguments(p, fv);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            toolCall(index, callId, name, args);
        }
    }

    /** Arguments are a JSON string; a few servers send the object itself, kept as its JSON text. */
    private static String arguments(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v == JsonToken.START_OBJECT) {
            return JsonIo.raw(p);
        }
        p.skipChildren();
        return null;
    }

    private void toolCall(int index, String callId, String name, String args) {
        if (!open()) {
            return;
        }
        if (index < 0 || index > MAX_TOOL_INDEX) {
            throw new BadChunk("upstream sent tool_calls[].index " + index + " (expected: 0.." + MAX_TOOL_INDEX + ")");
        }
        int slot;
        int mapped = index < slotOfIndex.length ? slotOfIndex[index] : -1;
        if (callId != null && !callId.isEmpty()) {
            slot = slotIds.indexOf(callId);
            if (slot < 0) {
                // A new call always names its function; a fresh id on a nameless fragment is a server minting ids
                // per chunk, and the fragment continues the call at its index.
                slot = mapped >= 0 && (name == null || name.isEmpty()) ? mapped : openSlot(callId, name);
            }
            map(index, slot);
        } else {
            slot = mapped;
            if (slot < 0) {
                slot = openSlot(null, name);
                map(index, slot);
            }
        }
        if (args != null && !args.isEmpty()) {
            listener.onToolCallArguments(slot, args);
        }
    }

    /** The deprecated single {@code function_call} delta: one call, its own slot. */
    private void readFunctionCall(JsonParser p) throws IOException {
        String name = null;
        String args = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("name") && v == JsonToken.VALUE_STRING) {
                name = p.getText();
            } else if (f.equals("arguments")) {
                args = arguments(p, v);
            } else {
                p.skipChildren();
            }
        }
        if (!open()) {
            return;
        }
        if (functionSlot < 0 || name != null) {
            functionSlot = openSlot(null, name);
        }
        if (args != null && !args.isEmpty()) {
            listener.onToolCallArguments(functionSlot, args);
        }
    }

    private int openSlot(String callId, String name) {
        int slot = slotIds.size();
        String id = callId != null ? callId : "call_" + startId + "_" + slot;
        slotIds.add(id);
        listener.onToolCallStart(slot, id, name == null ? "" : name);
        return slot;
    }

    private void map(int index, int slot) {
        if (index >= slotOfIndex.length) {
            int n = Math.max(index + 1, slotOfIndex.length * 2);
            int old = slotOfIndex.length;
            slotOfIndex = Arrays.copyOf(slotOfIndex, n);
            Arrays.fill(slotOfIndex, old, n, -1);
        }
        slotOfIndex[index] = slot;
    }

    /** Starts the stream if needed; false once a finish reason was reported (later content is ignored). */
    private boolean open() {
        if (state == State.FINISHED) {
            return false;
        }
        ensureStarted();
        return true;
    }

    private void ensureStarted() {
        if (state == State.IDLE) {
            state = State.STREAMING;
            startId = id == null || id.isEmpty() ? FALLBACK_ID : id;
            start(startId, model, created);
        }
    }

    @Override
    protected void onDone() {
        if (!started()) {
            fail(new HubError(502, HubError.API_ERROR, "upstream stream ended with [DONE] before any chunk"));
            return;
        }
        finish();
    }

    @Override
    protected void onBodyEnd() {
        if (state == State.FINISHED) {
            finish();
        } else {
            fail(HubError.truncated());
        }
    }
}
