package io.sluice.codec.hub;

/**
 * An honest, cheap estimate of a request's input tokens for {@code /v1/messages/count_tokens} when no provider
 * tokenizer is at hand: about 4 UTF-16 characters per token for English prose and code (the rule of thumb OpenAI and
 * Anthropic both publish), a few tokens of framing per message and tool, and Anthropic's published upper figure for
 * one image (~1,600 tokens). It is an estimate and documented as one; accounting never uses it. Also the input
 * figure of a translated Anthropic stream's {@code message_start} when the provider reports none before its content.
 * Linear in the request's size; it reads lengths, copies nothing.
 */
public final class TokenEstimate {

    public static final int CHARS_PER_TOKEN = 4;
    public static final int PER_MESSAGE = 3;
    public static final int PER_TOOL = 8;
    public static final int PER_IMAGE = 1600;

    private TokenEstimate() {
    }

    public static long of(HubRequest r) {
        long chars = 0;
        long extra = 0;
        for (Message m : r.messages) {
            extra += PER_MESSAGE;
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t) {
                    chars += t.text().length();
                } else if (p instanceof Part.Thinking t) {
                    chars += t.text().length();
                } else if (p instanceof Part.Image) {
                    extra += PER_IMAGE;
                }
            }
            for (ToolCall c : m.toolCalls()) {
                chars += c.name().length() + c.arguments().length();
                extra += PER_MESSAGE;
            }
        }
        for (Tool t : r.tools) {
            extra += PER_TOOL;
            chars += t.name().length() + (t.description() == null ? 0 : t.description().length())
                    + (t.parameters() == null ? 0 : t.parameters().length());
        }
        return extra + (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }
}
