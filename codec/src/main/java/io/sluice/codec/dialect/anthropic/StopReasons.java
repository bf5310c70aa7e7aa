package io.sluice.codec.dialect.anthropic;

import io.sluice.codec.hub.FinishReason;

/**
 * Anthropic {@code stop_reason} values and the hub's {@link FinishReason}, both ways.
 *
 * <pre>
 * end_turn                       -> STOP            STOP, OTHER    -> end_turn (tool_use when the turn had tool calls)
 * stop_sequence                  -> STOP_SEQUENCE   STOP_SEQUENCE  -> stop_sequence
 * max_tokens                     -> LENGTH          LENGTH         -> max_tokens
 * model_context_window_exceeded  -> LENGTH
 * tool_use                       -> TOOL_CALLS      TOOL_CALLS     -> tool_use
 * refusal                        -> CONTENT_FILTER  CONTENT_FILTER -> refusal
 * pause_turn                     -> PAUSE           PAUSE          -> pause_turn
 * anything else                  -> OTHER
 * </pre>
 */
final class StopReasons {

    private StopReasons() {
    }

    static FinishReason toHub(String stopReason) {
        return switch (stopReason) {
            case "end_turn" -> FinishReason.STOP;
            case "stop_sequence" -> FinishReason.STOP_SEQUENCE;
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            case "pause_turn" -> FinishReason.PAUSE;
            default -> FinishReason.OTHER;
        };
    }

    /**
     * @param reason       null when the upstream gave none
     * @param hadToolCalls the turn carried tool calls: some OpenAI-compatible upstreams say {@code stop} after calling
     *                     tools, and Anthropic clients wait for {@code tool_use} before running them
     */
    static String toWire(FinishReason reason, boolean hadToolCalls) {
        if (reason == null) {
            return hadToolCalls ? "tool_use" : "end_turn";
        }
        return switch (reason) {
            case STOP, OTHER -> hadToolCalls ? "tool_use" : "end_turn";
            case STOP_SEQUENCE -> "stop_sequence";
            case LENGTH -> "max_tokens";
            case TOOL_CALLS -> "tool_use";
            case CONTENT_FILTER -> "refusal";
            case PAUSE -> "pause_turn";
        };
    }
}
