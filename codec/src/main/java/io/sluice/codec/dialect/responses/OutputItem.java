package io.sluice.codec.dialect.responses;

/**
 * One item of a response's {@code output} as the encoders build it: a reasoning item, an assistant message with one
 * {@code output_text} part, or a function call. The streaming encoder grows it delta by delta (the protocol repeats the
 * whole item in {@code output_item.done} and {@code response.completed}); the non-streaming one fills it at once.
 */
final class OutputItem {

    enum Kind { REASONING, MESSAGE, FUNCTION_CALL }

    final Kind kind;
    final String id;
    final int index;
    /** Reasoning summary text, message text, or function-call arguments. */
    final StringBuilder text = new StringBuilder();
    /** Reasoning: {@code encrypted_content}; the hub's signature, whichever provider made it. */
    String signature;
    /** Function call: {@code call_id} and {@code name}. */
    String callId;
    String name;
    /** Reasoning: a summary part was opened (reasoning_summary_part.added written). */
    boolean partOpen;
    /** {@code in_progress}, then {@code completed} or {@code incomplete} (cut by the output cap or a failure). */
    String status = ResponseObjectWriter.IN_PROGRESS;
    boolean done;

    OutputItem(Kind kind, String id, int index) {
        this.kind = kind;
        this.id = id;
        this.index = index;
    }

    /** The item id for output position {@code index}, derived from the response id so golden files stay stable. */
    static String id(Kind kind, String responseId, int index) {
        String base = responseId == null ? "sluice" : responseId.startsWith("resp_") ? responseId.substring(5)
                : responseId;
        String prefix = switch (kind) {
            case REASONING -> "rs_";
            case MESSAGE -> "msg_";
            case FUNCTION_CALL -> "fc_";
        };
        return prefix + base + "_" + index;
    }
}
