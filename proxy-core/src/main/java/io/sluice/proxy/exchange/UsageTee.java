package io.sluice.proxy.exchange;

import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListener;
import io.sluice.codec.json.Usage;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.ops.RequestTrace;
import java.util.List;

/**
 * Passes a provider's decoded events on, noting the usage it reports (and the size of the text, for an estimate when
 * it reports none) in the request's trace on the way, and masking the provider's keys in its error events.
 */
final class UsageTee implements HubListener {

    private final RequestTrace trace;
    private final List<String> secrets;
    private final String responseId;
    private HubListener target;

    /**
     * @param trace   where usage goes, or null
     * @param secrets the provider's keys, masked in error messages (a provider may quote the key it was sent)
     */
    UsageTee(RequestTrace trace, List<String> secrets) {
        this(trace, secrets, null);
    }

    /** @param responseId the id the answer gets instead of the provider's (a stored Responses answer), or null */
    UsageTee(RequestTrace trace, List<String> secrets, String responseId) {
        this.trace = trace;
        this.secrets = secrets;
        this.responseId = responseId;
    }

    private void content(String text) {
        if (trace != null && text != null) {
            trace.content(text.length());
        }
    }

    /** Where the events go from now on. */
    void target(HubListener t) {
        this.target = t;
    }


    @Override
    public void onStart(String id, String model, long created) {
        target.onStart(responseId != null ? responseId : id, model, created);
    }

    @Override
    public void onText(String delta) {
        content(delta);
        target.onText(delta);
    }

    @Override
    public void onReasoning(String delta) {
        content(delta);
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
        content(fragment);
        target.onToolCallArguments(slot, fragment);
    }

    @Override
    public void onFinish(FinishReason reason, String stopSequence) {
        target.onFinish(reason, stopSequence);
    }

    @Override
    public void onStartUsage(Usage usage) {
        target.onStartUsage(usage);
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
        if (trace != null) {
            trace.broken(); // an error event, or a stream cut before its terminal event
        }
        String masked = Secrets.maskAll(error.message(), secrets);
        target.onError(masked == null || masked.equals(error.message()) ? error
                : new HubError(error.status(), error.type(), masked, error.code(), error.param()));
    }
}
