package io.sluice.codec.hub;

/**
 * One piece of message content. {@code cacheControl} fields hold the raw JSON of an Anthropic-style
 * {@code cache_control} object (e.g. {@code {"type":"ephemeral"}}), or {@code null}; writers for dialects without
 * explicit cache markers drop it.
 */
public sealed interface Part {

    /** Plain text. */
    record Text(String text, String cacheControl) implements Part {
        public Text(String text) {
            this(text, null);
        }
    }

    /**
     * An image, either by URL ({@code url} set, {@code data} null) or inline ({@code mediaType} + base64 {@code data}).
     * A {@code data:} URL read from OpenAI is split into the inline form so every writer sees one shape.
     *
     * @param detail OpenAI's {@code low|high|auto}, or null
     */
    record Image(String url, String mediaType, String data, String detail, String cacheControl) implements Part {

        public static Image ofUrl(String url) {
            if (url.startsWith("data:")) {
                int semi = url.indexOf(";base64,");
                if (semi > 5) {
                    return new Image(null, url.substring(5, semi), url.substring(semi + 8), null, null);
                }
            }
            return new Image(url, null, null, null, null);
        }

        public boolean inline() {
            return data != null;
        }

        /** The URL form: the URL itself, or a {@code data:} URL for inline bytes. */
        public String asUrl() {
            return inline() ? "data:" + mediaType + ";base64," + data : url;
        }
    }

    /**
     * Model reasoning shown to the client ({@code thinking} in Anthropic, {@code thought} parts in Gemini,
     * {@code reasoning_content} on OpenAI-compatible providers).
     *
     * @param signature Anthropic's opaque signature that must come back verbatim with the block, or null. Only ever
     *                  sent back to the dialect that produced it (a signature from one provider means nothing to
     *                  another).
     */
    record Thinking(String text, String signature) implements Part {
    }

    /** Anthropic's encrypted {@code redacted_thinking} block: only meaningful to Anthropic, dropped elsewhere. */
    record RedactedThinking(String data) implements Part {
    }
}
