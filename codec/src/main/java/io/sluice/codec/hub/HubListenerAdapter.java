package io.sluice.codec.hub;

import io.sluice.codec.json.Usage;

/**
 * A {@link HubListener} that ignores every event, for listeners that want a few of them (usage only, text only):
 * override what you need, as with Netty's {@code ChannelInboundHandlerAdapter}.
 */
public abstract class HubListenerAdapter implements HubListener {

    @Override
    public void onStart(String id, String model, long created) {
    }

    @Override
    public void onText(String delta) {
    }

    @Override
    public void onReasoning(String delta) {
    }

    @Override
    public void onReasoningSignature(String signature) {
    }

    @Override
    public void onToolCallStart(int slot, String id, String name) {
    }

    @Override
    public void onToolCallArguments(int slot, String fragment) {
    }

    @Override
    public void onFinish(FinishReason reason, String stopSequence) {
    }

    @Override
    public void onUsage(Usage usage) {
    }

    @Override
    public void onEnd() {
    }

    @Override
    public void onError(HubError error) {
    }
}
