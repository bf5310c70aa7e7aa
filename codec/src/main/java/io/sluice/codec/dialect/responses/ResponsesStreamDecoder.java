package io.sluice.codec.dialect.responses;

import com.fasterxml.jackson.core.JsonParser;
import io.sluice.codec.dialect.SseStreamDecoder;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubListener;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A Responses event stream into hub events. One {@link ResponsesEvent} scratch object reads each event's fields in one
 * token pass, whatever their order; dispatch is on the data's {@code type} (the {@code event:} name when absent).
 *
 * <ul>
 *   <li>{@code response.created}/{@code in_progress}/{@code queued} → onStart (id, model, created_at).</li>
 *   <li>{@code output_item.added} of a function_call → onToolCallStart on a new slot, keyed by item id (a new id is a
 *       new slot even at a reused output_index), id = {@code call_id}. Message and reasoning items are only
 *       tracked.</li>
 *   <li>{@code output_text.delta} → onText; {@code refusal.delta} → onText as well (the hub has no refusal channel:
 *       the refusal reads as the answer, finish stays STOP).</li>
 *   <li>{@code reasoning_summary_text.delta}, {@code reasoning_text.delta} → onReasoning; a new summary part of the
 *       same item is separated by a blank line ({@code "\n\n"}).</li>
 *   <li>{@code function_call_arguments.delta} → onToolCallArguments; arguments that only arrive whole (in
 *       {@code function_call_arguments.done} or {@code output_item.done}, as some compatible servers do) are passed
 *       on once when no delta came.</li>
 *   <li>{@code output_item.done} of a reasoning item with {@code encrypted_content} → onReasoningSignature (the
 *       content in {@code .added} differs from the final one and is ignored).</li>
 *   <li>{@code response.completed} → onFinish (TOOL_CALLS when a function call came, else STOP), onUsage, onEnd;
 *       {@code response.incomplete} → onFinish (max_output_tokens → LENGTH, content_filter → CONTENT_FILTER, else
 *       OTHER), onUsage, onEnd; {@code response.failed} and {@code error} (flat as documented, or nested under
 *       {@code error} as OpenAI really sends it) → onError.</li>
 *   <li>Everything else ({@code *.done} not named above, {@code content_part.*}, annotations, {@code keepalive},
 *       built-in tool progress) is ignored; a {@code [DONE]} line is ignored too, so a stream that ends without its
 *       terminal event is reported truncated.</li>
 * </ul>
 */
final class ResponsesStreamDecoder extends SseStreamDecoder {

    private final ResponsesEvent ev = new ResponsesEvent();
    private final Map<String, Integer> slotByItem = new HashMap<>(4);
    private final Map<Integer, Integer> slotByIndex = new HashMap<>(4);
    /** Per slot: some argument text was passed on. */
    private boolean[] argsSeen = new boolean[4];
    private int slots;
    private String reasoningItem;
    private int summaryIndex;

    ResponsesStreamDecoder(HubListener listener) {
        super(listener);
    }

    @Override
    protected void onJson(String event, JsonParser json) throws IOException {
        String type = ev.read(json) ? ev.type != null ? ev.type : event : null;
        if (type == null) {
            return;
        }
        switch (type) {
            case "response.created", "response.in_progress", "response.queued" -> ensureStarted();
            case "response.output_item.added" -> {
                ensureStarted();
                if ("function_call".equals(ev.itemType)) {
                    openCall();
                }
            }
            case "response.output_text.delta", "response.refusal.delta" -> {
                ensureStarted();
                if (ev.delta != null && !ev.delta.isEmpty()) {
                    listener.onText(ev.delta);
                }
            }
            case "response.reasoning_summary_text.delta" -> {
                ensureStarted();
                if (ev.itemId != null && ev.itemId.equals(reasoningItem) && ev.summaryIndex > summaryIndex) {
                    listener.onReasoning("\n\n");
                }
                reasoningItem = ev.itemId;
                summaryIndex = ev.summaryIndex;
                reasoning();
            }
            case "response.reasoning_text.delta" -> {
                ensureStarted();
                reasoning();
            }
            case "response.function_call_arguments.delta" -> {
                int slot = slot();
                if (slot >= 0 && ev.delta != null && !ev.delta.isEmpty()) {
                    argsSeen[slot] = true;
                    listener.onToolCallArguments(slot, ev.delta);
                }
            }
            case "response.function_call_arguments.done" -> wholeArguments(slot(), ev.arguments);
            case "response.output_item.done" -> {
                ensureStarted();
                if ("reasoning".equals(ev.itemType) && ev.encryptedContent != null) {
                    listener.onReasoningSignature(ev.encryptedContent);
                } else if ("function_call".equals(ev.itemType)) {
                    int slot = ev.itemId == null ? -1 : slotByItem.getOrDefault(ev.itemId, -1);
                    if (slot < 0) {
                        slot = openCall();
                    }
                    wholeArguments(slot, ev.itemArguments);
                }
            }
            case "response.completed" -> {
                ensureStarted();
                listener.onFinish(slots > 0 ? FinishReason.TOOL_CALLS : FinishReason.STOP, null);
                usage();
                finish();
            }
            case "response.incomplete" -> {
                ensureStarted();
                listener.onFinish(incomplete(ev.incompleteReason), null);
                usage();
                finish();
            }
            case "response.failed" -> fail(ResponsesErrors.streamError(null, ev.errorCode,
                    ev.errorMessage != null ? ev.errorMessage : "response failed"));
            case "error" -> fail(ResponsesErrors.streamError(ev.errorType, ev.errorCode, ev.errorMessage));
            default -> {
                // content_part.*, *.done, annotations, keepalive, built-in tool progress: nothing the hub carries
            }
        }
    }

    /**
     * {@code [DONE]} is not part of this dialect; a stream that ends after it without a terminal event is truncated.
     */
    @Override
    protected void onDone() {
    }

    static FinishReason incomplete(String reason) {
        if ("max_output_tokens".equals(reason)) {
            return FinishReason.LENGTH;
        }
        return "content_filter".equals(reason) ? FinishReason.CONTENT_FILTER : FinishReason.OTHER;
    }

    private void ensureStarted() {
        start(ev.responseId, ev.model, ev.createdAt);
    }

    private void reasoning() {
        if (ev.delta != null && !ev.delta.isEmpty()) {
            listener.onReasoning(ev.delta);
        }
    }

    private void usage() {
        if (ev.usage != null) {
            listener.onUsage(ev.usage);
        }
    }

    /** A new slot for the function_call item of this event; an item id seen before keeps its slot. */
    private int openCall() {
        if (ev.itemId != null) {
            Integer known = slotByItem.get(ev.itemId);
            if (known != null) {
                return known;
            }
        }
        int slot = slots++;
        if (slot == argsSeen.length) {
            argsSeen = java.util.Arrays.copyOf(argsSeen, slot * 2);
        }
        if (ev.itemId != null) {
            slotByItem.put(ev.itemId, slot);
        }
        if (ev.outputIndex >= 0) {
            slotByIndex.put(ev.outputIndex, slot);
        }
        listener.onToolCallStart(slot, ev.callId, ev.name);
        if (ev.itemArguments != null && !ev.itemArguments.isEmpty()) {
            argsSeen[slot] = true;
            listener.onToolCallArguments(slot, ev.itemArguments);
        }
        return slot;
    }

    /** The slot an arguments event belongs to: by item id, else by output index; -1 when unknown. */
    private int slot() {
        if (ev.itemId != null) {
            Integer s = slotByItem.get(ev.itemId);
            if (s != null) {
                return s;
            }
        }
        if (ev.outputIndex >= 0) {
            Integer s = slotByIndex.get(ev.outputIndex);
            if (s != null) {
                return s;
            }
        }
        return -1;
    }

    private void wholeArguments(int slot, String arguments) {
        if (slot >= 0 && !argsSeen[slot] && arguments != null && !arguments.isEmpty()) {
            argsSeen[slot] = true;
            listener.onToolCallArguments(slot, arguments);
        }
    }
}
