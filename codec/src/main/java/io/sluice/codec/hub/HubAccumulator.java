package io.sluice.codec.hub;

import io.sluice.codec.json.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers hub events into a {@link HubResponse}: what a non-streaming client gets, whichever dialect produced the
 * events. Adjacent text deltas join into one part, reasoning deltas into one thinking part that a signature closes.
 */
public final class HubAccumulator implements HubListener {

    private String id;
    private String model;
    private long created;
    private final List<Part> content = new ArrayList<>(2);
    private StringBuilder text;
    private StringBuilder thinking;
    private final List<String> callIds = new ArrayList<>(0);
    private final List<String> callNames = new ArrayList<>(0);
    private final List<StringBuilder> callArgs = new ArrayList<>(0);
    private FinishReason finish;
    private String stopSequence;
    private Usage usage;
    private HubError error;
    private boolean ended;

    @Override
    public void onStart(String id, String model, long created) {
        this.id = id;
        this.model = model;
        this.created = created;
    }

    @Override
    public void onText(String delta) {
        closeThinking(null);
        if (text == null) {
            text = new StringBuilder();
        }
        text.append(delta);
    }

    @Override
    public void onReasoning(String delta) {
        closeText();
        if (thinking == null) {
            thinking = new StringBuilder();
        }
        thinking.append(delta);
    }

    @Override
    public void onReasoningSignature(String signature) {
        closeText();
        closeThinking(signature);
    }

    @Override
    public void onRedactedReasoning(String data) {
        closeText();
        closeThinking(null);
        content.add(new Part.RedactedThinking(data));
    }

    @Override
    public void onToolCallStart(int slot, String id, String name) {
        closeText();
        closeThinking(null);
        while (callIds.size() <= slot) {
            callIds.add(null);
            callNames.add(null);
            callArgs.add(new StringBuilder());
        }
        callIds.set(slot, id);
        callNames.set(slot, name);
    }

    @Override
    public void onToolCallArguments(int slot, String fragment) {
        if (slot < callArgs.size()) {
            callArgs.get(slot).append(fragment);
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
        ended = true;
    }

    @Override
    public void onError(HubError error) {
        this.error = error;
    }

    /** The provider's terminal event arrived and no error came. */
    public boolean complete() {
        return ended && error == null;
    }

    public HubError error() {
        return error;
    }

    public HubResponse response() {
        closeText();
        closeThinking(null);
        List<ToolCall> calls = new ArrayList<>(callIds.size());
        for (int i = 0; i < callIds.size(); i++) {
            String args = callArgs.get(i).toString();
            calls.add(new ToolCall(callIds.get(i), callNames.get(i), args.isEmpty() ? "{}" : args));
        }
        return new HubResponse(id, model, created, List.copyOf(content), List.copyOf(calls), finish, stopSequence,
                usage, error);
    }

    private void closeText() {
        if (text != null) {
            content.add(new Part.Text(text.toString()));
            text = null;
        }
    }

    private void closeThinking(String signature) {
        if (thinking != null || signature != null) {
            content.add(new Part.Thinking(thinking == null ? "" : thinking.toString(), signature));
            thinking = null;
        }
    }
}
