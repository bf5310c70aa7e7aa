package io.sluice.proxy.service;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Gemini puts the model and the method in the path: {@code /v1beta/models/{model}:generateContent},
 * {@code :streamGenerateContent}, {@code :countTokens}, {@code :embedContent}, {@code :batchEmbedContents}, or no
 * method for {@code GET /v1beta/models/{model}} (also under {@code /v1/}). The model may itself contain slashes
 * ({@code models/openai/gpt-4.1:generateContent}) or be percent-encoded. {@code @ai-sdk/google} sends a model id that
 * contains a slash without the {@code models/} prefix ({@code getModelPath}:
 * {@code /v1beta/oai/gpt-4o:generateContent}), so under {@code /v1beta/} any path ending in a method names its model
 * whole.
 *
 * @param model  the decoded model name
 * @param method what the path asks of the model
 */
record GeminiPath(String model, Method method) {

    /** The methods of Gemini's model resource that Sluice serves. */
    enum Method {
        GENERATE(":generateContent"),
        STREAM(":streamGenerateContent"),
        COUNT_TOKENS(":countTokens"),
        EMBED(":embedContent"),
        BATCH_EMBED(":batchEmbedContents"),
        /** {@code GET .../models/{model}}: the model itself. */
        GET("");

        final String suffix;

        Method(String suffix) {
            this.suffix = suffix;
        }

        boolean embeds() {
            return this == EMBED || this == BATCH_EMBED;
        }
    }

    static final String V1BETA = "/v1beta/";
    private static final String[] PREFIXES = {"/v1beta/models/", "/v1/models/"};
    /** {@code GET} of the list itself. */
    static final String[] LISTS = {"/v1beta/models", "/v1/models"};

    /** {@code streamGenerateContent}. */
    boolean stream() {
        return method == Method.STREAM;
    }

    /** The parsed path (query already removed) of a method call, or null when it is none. */
    static GeminiPath parse(String path) {
        GeminiPath p = parseAny(path);
        return p == null || p.method == Method.GET ? null : p;
    }

    /**
     * The parsed path of a method call or, under {@code /v1beta/models/}, of the model itself; null for anything
     * else. {@code /v1/models/{id}} without a method is OpenAI's and Anthropic's model retrieval too: the caller
     * decides by the request's headers.
     */
    static GeminiPath parseAny(String path) {
        for (String prefix : PREFIXES) {
            if (path.startsWith(prefix)) {
                return split(path, prefix.length(), true);
            }
        }
        // @ai-sdk/google: /v1beta/{provider}/{model}:method, the model id whole (it contains a slash).
        if (path.startsWith(V1BETA) && path.indexOf('/', V1BETA.length()) > 0) {
            GeminiPath p = split(path, V1BETA.length(), false);
            return p != null && p.model.indexOf('/') > 0 ? p : null;
        }
        return null;
    }

    private static GeminiPath split(String path, int from, boolean bare) {
        Method method = null;
        for (Method m : Method.values()) {
            if (m != Method.GET && path.endsWith(m.suffix)) {
                method = m;
                break;
            }
        }
        if (method == null && !bare) {
            return null;
        }
        if (method == null) {
            method = Method.GET;
        }
        String raw = path.substring(from, path.length() - method.suffix.length());
        if (raw.isEmpty() || raw.endsWith("/")) {
            return null;
        }
        try {
            return new GeminiPath(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8), method);
        } catch (IllegalArgumentException e) {
            return null; // malformed percent-encoding
        }
    }
}
