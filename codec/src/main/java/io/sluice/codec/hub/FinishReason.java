package io.sluice.codec.hub;

/**
 * Why generation stopped, as the hub knows it. Every dialect maps its own reasons onto these and back; the table is
 * in each dialect's encoder/decoder and in README "Translation".
 */
public enum FinishReason {
    /** Natural end (OpenAI {@code stop}, Anthropic {@code end_turn}, Gemini {@code STOP}). */
    STOP,
    /** A stop sequence matched (Anthropic {@code stop_sequence}; OpenAI says {@code stop}). */
    STOP_SEQUENCE,
    /** The output cap was hit. */
    LENGTH,
    /** The model called tools and waits for their results. */
    TOOL_CALLS,
    /** Filtered or refused (OpenAI {@code content_filter}, Anthropic {@code refusal}, Gemini safety family). */
    CONTENT_FILTER,
    /** Anthropic {@code pause_turn}: a long-running server tool paused the turn. */
    PAUSE,
    /** Anything else the provider said; reads as {@code stop} where a dialect has no better word. */
    OTHER
}
