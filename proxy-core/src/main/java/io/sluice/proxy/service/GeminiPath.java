package io.sluice.proxy.service;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Gemini puts the model and the method in the path: {@code /v1beta/models/{model}:generateContent} or
 * {@code :streamGenerateContent} (also under {@code /v1/}). The model may itself contain slashes
 * ({@code models/openai/gpt-4.1:generateContent}) or be percent-encoded.
 *
 * @param model  the decoded model name
 * @param stream {@code streamGenerateContent}
 */
record GeminiPath(String model, boolean stream) {

    private static final String[] PREFIXES = {"/v1beta/models/", "/v1/models/"};
    private static final String GENERATE = ":generateContent";
    private static final String STREAM = ":streamGenerateContent";

    /** The parsed path (query already removed), or null when it is not a Gemini generate call. */
    static GeminiPath parse(String path) {
        for (String prefix : PREFIXES) {
            if (!path.startsWith(prefix)) {
                continue;
            }
            boolean stream = path.endsWith(STREAM);
            if (!stream && !path.endsWith(GENERATE)) {
                return null;
            }
            String raw = path.substring(prefix.length(), path.length() - (stream ? STREAM : GENERATE).length());
            if (raw.isEmpty()) {
                return null;
            }
            try {
                return new GeminiPath(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8), stream);
            } catch (IllegalArgumentException e) {
                return null; // malformed percent-encoding
            }
        }
        return null;
    }
}
