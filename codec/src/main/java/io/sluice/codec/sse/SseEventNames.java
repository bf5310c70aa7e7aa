package io.sluice.codec.sse;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Event names the providers send on every event, so the framer can hand out a shared {@code String} instead of decoding
 * one per event.
 */
final class SseEventNames {

    private static final String[] NAMES = {
        // Anthropic Messages
        "message_start", "message_delta", "message_stop", "content_block_start", "content_block_delta",
        "content_block_stop", "ping", "error",
        // OpenAI Responses
        "response.created", "response.in_progress", "response.completed", "response.failed", "response.incomplete",
        "response.output_item.added", "response.output_item.done", "response.content_part.added",
        "response.content_part.done", "response.output_text.delta", "response.output_text.done",
        "response.function_call_arguments.delta", "response.function_call_arguments.done",
        "response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
        "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
        "response.refusal.delta", "response.refusal.done",
        // generic
        "message", "done",
    };
    private static final byte[][] BYTES = new byte[NAMES.length][];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            BYTES[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private SseEventNames() {
    }

    /** The event name in {@code buf[index, index + length)}: a shared instance when known, else a new string. */
    static String of(ByteBuf buf, int index, int length) {
        for (int i = 0; i < BYTES.length; i++) {
            if (BYTES[i].length == length && equals(buf, index, BYTES[i])) {
                return NAMES[i];
            }
        }
        return buf.toString(index, length, StandardCharsets.UTF_8);
    }

    /**
     * Whether {@code buf[index, index + expected.length)} holds exactly {@code expected}; the caller checked the range.
     */
    static boolean equals(ByteBuf buf, int index, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (buf.getByte(index + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
