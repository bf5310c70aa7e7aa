package io.sluice.codec.hub;

import io.sluice.codec.json.Usage;

/**
 * The hub's response events, in OpenAI's shape and order. A stream decoder calls them as its provider's events arrive,
 * one call per fact, without buffering; a stream encoder turns them into the client's dialect at once. A non-streaming
 * response is decoded into the same calls, so one {@link HubAccumulator} serves every dialect.
 *
 * <p>Order contract (decoders guarantee, encoders may rely on): {@link #onStart} first, exactly once; then any mix of
 * content calls; then at most one {@link #onFinish}; {@link #onUsage} any number of times anywhere after onStart
 * (cumulative, the last one wins: encoders write usage at the end); then exactly one of {@link #onEnd} (the provider's
 * terminal event was seen) or {@link #onError} (it was not, or the provider sent an error). Nothing after
 * onEnd/onError. A decoder that fails before onStart calls onError only.
 *
 * <p>Tool calls: {@code slot} is the hub's own dense index (0, 1, 2 … in order of first appearance), not the
 * provider's; a provider id seen again maps to its slot, a new id opens a new slot even if the provider reused an index
 * (DESIGN.md §3, the reused-index trap). Arguments arrive as JSON text fragments to be concatenated.
 */
public interface HubListener {

    /**
     * @param id      the provider's response/message id (a dialect without one gets a generated {@code chatcmpl-…})
     * @param model   the model that answers, as the provider named it
     * @param created seconds since the epoch; 0 when the provider did not say (encoders then write the current time)
     */
    void onStart(String id, String model, long created);

    void onText(String delta);

    /** Visible reasoning text (thinking). */
    void onReasoning(String delta);

    /** The signature closing the current thinking block (Anthropic {@code signature_delta}). */
    void onReasoningSignature(String signature);

    /** An Anthropic {@code redacted_thinking} block, passed on only to Anthropic clients. */
    default void onRedactedReasoning(String data) {
    }

    void onToolCallStart(int slot, String id, String name);

    void onToolCallArguments(int slot, String fragment);

    /** @param stopSequence the matched stop sequence when the provider says which, else null */
    void onFinish(FinishReason reason, String stopSequence);

    /**
     * The usage a provider reported with its start, before any content (Gemini's first chunk carries the prompt
     * count): called at most once, right after {@link #onStart}. A hint for encoders that announce the prompt up front
     * (Anthropic's {@code message_start}); only its prompt figures mean anything yet, and accounting reads
     * {@link #onUsage}, which follows with the same or later figures.
     */
    default void onStartUsage(Usage usage) {
    }

    /** Cumulative usage; a later call replaces an earlier one. */
    void onUsage(Usage usage);

    /** The provider's terminal event arrived: the stream is complete. */
    void onEnd();

    /** The stream failed: a provider error event, unparseable input, or the stream ended without its terminal event. */
    void onError(HubError error);
}
