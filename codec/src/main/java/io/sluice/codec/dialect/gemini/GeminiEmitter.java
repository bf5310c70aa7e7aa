package io.sluice.codec.dialect.gemini;

import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.json.Usage;
import java.util.UUID;

/**
 * Turns parsed {@link GeminiChunk}s into hub events, keeping the per-response state: the id, tool-call slots, whether
 * a function was called and whether a finish reason was seen. Shared by the stream decoder and the non-streaming
 * response decoder.
 *
 * <ul>
 *   <li>Gemini sends whole function calls, never fragments: every {@code functionCall} part opens a new slot and
 *       gets its arguments in one fragment. Without an {@code id} (Gemini API before Gemini 3) the id is
 *       {@code call_<responseId>_<slot>}, stable across runs.</li>
 *   <li>A {@code thoughtSignature} on a thought part is reported after that thought's text (it closes it); on any
 *       other part (Gemini puts it on the first part after the thoughts, often an empty text part at the end) it is
 *       reported before the part's content, closing the thinking that came before.</li>
 *   <li>Content after the finish reason is ignored (the hub's order contract puts finish last; Gemini sends nothing
 *       after it in practice); usage keeps updating.</li>
 * </ul>
 */
final class GeminiEmitter {

    /** Where the emitter reports the start (the stream decoder's bookkeeping owns it). */
    interface Host {
        void hostStart(String id, String model);
    }

    private final HubListener listener;
    private String id;
    private int nextSlot;
    private boolean calledFunctions;
    private boolean finishSeen;
    private Usage lastUsage;

    GeminiEmitter(HubListener listener) {
        this.listener = listener;
    }

    boolean started() {
        return id != null;
    }

    boolean finishSeen() {
        return finishSeen;
    }

    /** Emits the chunk's events; returns the error to fail the stream with, or null. */
    HubError apply(GeminiChunk c, Host host) {
        if (c.hasError) {
            return GeminiErrors.fromChunk(c);
        }
        if (!c.isResponse()) {
            return null; // nothing to say (an empty object): no start on its account
        }
        if (id == null) {
            id = c.responseId != null ? c.responseId : "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
            host.hostStart(id, c.modelVersion);
            if (c.hasUsage) {
                Usage u = GeminiMappings.usageFromGemini(c);
                if (u.promptTokens() >= 0) {
                    listener.onStartUsage(u); // the prompt count, before this chunk's content
                }
            }
        }
        if (!finishSeen) {
            for (int i = 0; i < c.parts.size(); i++) {
                part(c.parts.get(i));
            }
            if (c.finishReason != null) {
                finishSeen = true;
                listener.onFinish(GeminiMappings.finishFromGemini(c.finishReason, calledFunctions), null);
            } else if (!c.hasCandidate && c.blockReason != null) {
                finishSeen = true; // the prompt itself was blocked
                listener.onFinish(FinishReason.CONTENT_FILTER, null);
            }
        }
        if (c.hasUsage) {
            Usage u = GeminiMappings.usageFromGemini(c);
            if (!u.equals(lastUsage)) {
                lastUsage = u;
                listener.onUsage(u);
            }
        }
        return null;
    }

    private void part(GeminiChunk.PartIn p) {
        switch (p.kind) {
            case THOUGHT -> {
                if (p.text != null && !p.text.isEmpty()) {
                    listener.onReasoning(p.text);
                }
                if (p.signature != null) {
                    listener.onReasoningSignature(p.signature);
                }
            }
            case TEXT -> {
                if (p.signature != null) {
                    listener.onReasoningSignature(p.signature);
                }
                if (p.text != null && !p.text.isEmpty()) {
                    listener.onText(p.text);
                }
            }
            case CALL -> {
                if (p.signature != null) {
                    listener.onReasoningSignature(p.signature);
                }
                int slot = nextSlot++;
                calledFunctions = true;
                String callId = p.callId != null && !p.callId.isEmpty() ? p.callId : "call_" + id + "_" + slot;
                listener.onToolCallStart(slot, callId, p.name);
                listener.onToolCallArguments(slot, p.args == null ? "{}" : p.args);
            }
            default -> throw new IllegalStateException();
        }
    }
}
