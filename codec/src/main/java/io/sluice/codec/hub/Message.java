package io.sluice.codec.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * One chat message in OpenAI's shape: a role, content parts, the assistant's tool calls, or a tool result.
 * Mutable while a reader builds it; treat as read-only afterwards.
 */
public final class Message {

    private final Role role;
    private final List<Part> parts = new ArrayList<>(2);
    private final List<ToolCall> toolCalls = new ArrayList<>(0);
    private String toolCallId;
    private String name;
    private boolean toolError;
    private String cacheControl;

    public Message(Role role) {
        this.role = role;
    }

    public static Message text(Role role, String text) {
        return new Message(role).add(new Part.Text(text));
    }

    public static Message toolResult(String toolCallId, String text) {
        return new Message(Role.TOOL).toolCallId(toolCallId).add(new Part.Text(text));
    }

    public Role role() {
        return role;
    }

    public List<Part> parts() {
        return parts;
    }

    public Message add(Part part) {
        parts.add(part);
        return this;
    }

    public List<ToolCall> toolCalls() {
        return toolCalls;
    }

    public Message add(ToolCall call) {
        toolCalls.add(call);
        return this;
    }

    /** For {@link Role#TOOL}: the id of the call this message answers. */
    public String toolCallId() {
        return toolCallId;
    }

    public Message toolCallId(String id) {
        this.toolCallId = id;
        return this;
    }

    /** OpenAI's participant {@code name}, or for a tool result the function's name when the dialect gave it. */
    public String name() {
        return name;
    }

    public Message name(String name) {
        this.name = name;
        return this;
    }

    /** For {@link Role#TOOL}: the tool failed (Anthropic {@code is_error}). */
    public boolean toolError() {
        return toolError;
    }

    public Message toolError(boolean error) {
        this.toolError = error;
        return this;
    }

    /** For {@link Role#TOOL}: raw {@code cache_control} JSON of the tool-result block, or null. */
    public String cacheControl() {
        return cacheControl;
    }

    public Message cacheControl(String raw) {
        this.cacheControl = raw;
        return this;
    }

    /** All text parts joined, for dialects whose field is a plain string. */
    public String joinedText() {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Part.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return role + (toolCallId == null ? "" : "[" + toolCallId + "]") + parts
                + (toolCalls.isEmpty() ? "" : toolCalls);
    }
}
