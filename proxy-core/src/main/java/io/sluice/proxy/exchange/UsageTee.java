package io.sluice.proxy.exchange;

import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.json.Usage;
import io.sluice.proxy.ops.RequestTrace;

/** Passes a provider's decoded events on, noting the usage it reports in the request's trace on the way. */
final class UsageTee implements HubListener {

    private final RequestTrace trace;
    private HubListener target;

    /** @param trace where usage goes, or null */
    UsageTee(RequestTrace trace) {
        this.trace = trace;
    }

    /** Where the events go from now on. */
    void target(HubListener t) {
        this.target = t;
    }


    @Override
    public void onStart(String id, String model, long created) {
        target.onStart(id, model, created);
    }

    @Override
    public void onText(String delta) {
        target.onText(delta);
    }

    @Override
    public void onReasoning(String delta) {
        target.onReasoning(delta);
    }

    @Override
    public void onReasoningSignature(String signature) {
        target.onReasoningSignature(signature);
    }

    @Override
    public void onRedactedReasoning(String data) {
        target.onRedactedReasoning(data);
    }

    @Override
    public void onToolCallStart(int slot, String id, String name) {
        target.onToolCallStart(slot, id, name);
    }

    @Override
    public void onToolCallArguments(int slot, String fragment) {
        target.onToolCallArguments(slot, fragment);
    }

    @Override
    public void onFinish(FinishReason reason, String stopSequence) {
        target.onFinish(reason, stopSequence);
    }

    @Override
    public void onUsage(Usage usage) {
        if (trace != null) {
            trace.usage(usage.promptTokens(), usage.completionTokens(), usage.cachedTokens(),
                    usage.reasoningTokens());
        }
        target.onUsage(usage);
    }

    @Override
    public void onEnd() {
        target.onEnd();
    }

    @Override
    public void onError(HubError error) {
        target.onError(error);
    }
}
