package io.sluice.codec.hub;

/** Who wrote a message. OpenAI's {@code developer} role reads as {@link #SYSTEM}. */
public enum Role {
    SYSTEM, USER, ASSISTANT,
    /** A tool result; {@link Message#toolCallId()} says which call it answers. */
    TOOL
}
