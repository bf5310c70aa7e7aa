package io.sluice.proxy.testing;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The smallest valid request bodies of each client dialect, one user turn each, and a minimal upstream answer. Field
 * order is fixed (tests measure lengths and splice offsets); strings are JSON-escaped, so a control character passed
 * in is sent as its JSON escape.
 */
public final class Bodies {

    private Bodies() {
    }

    /** OpenAI chat completions: {@code {"model","stream","messages":[{"role":"user","content"}]}}. */
    public static String chat(String model, boolean stream, String userText) {
        return "{\"model\":" + quote(model) + ",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + quote(userText) + "}]}";
    }

    /** Anthropic Messages: {@code {"model","max_tokens","messages":[{"role":"user","content"}]}}. */
    public static String messages(String model, int maxTokens, String userText) {
        return "{\"model\":" + quote(model) + ",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + quote(userText) + "}]}";
    }

    /** Gemini generateContent (the model is in the path): {@code {"contents":[{"role":"user","parts":[{"text"}]}]}}. */
    public static String gemini(String userText) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + quote(userText) + "}]}]}";
    }

    /** OpenAI embeddings of one string: {@code {"model","input"}}. */
    public static String embeddings(String model, String input) {
        return "{\"model\":" + quote(model) + ",\"input\":" + quote(input) + "}";
    }

    /** An OpenAI chat.completion answering {@code content}, with usage 1 + 1, as a provider sends it. */
    public static String completion(String content) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":" + quote(content) + "},"
                + "\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
    }

    /** {@code s} as a JSON string literal, quotes included. */
    public static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
