package io.sluice.codec.rewrite;

import java.util.Locale;

/** How a global system prompt meets the client's own. */
public enum PromptMode {
    /** Before the client's system prompt. */
    PREPEND,
    /** After the client's system prompt. */
    APPEND,
    /** Instead of the client's system prompt (and its system messages). */
    REPLACE;

    /** The lower-case name used in config, logs and metrics. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
