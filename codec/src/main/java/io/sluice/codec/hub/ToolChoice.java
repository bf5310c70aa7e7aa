package io.sluice.codec.hub;

/** How the model must use tools; {@code name} is set only for {@link Mode#NAMED}. */
public record ToolChoice(Mode mode, String name) {

    public enum Mode {
        AUTO, NONE,
        /** Must call some tool (OpenAI {@code required}, Anthropic {@code any}, Gemini {@code ANY}). */
        REQUIRED,
        /** Must call the tool called {@link #name}. */
        NAMED
    }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public static ToolChoice named(String name) {
        return new ToolChoice(Mode.NAMED, name);
    }
}
