package io.sluice.providers;

import java.util.function.BiConsumer;

/** How a provider takes a credential on each request. */
public enum AuthScheme {
    /** {@code Authorization: Bearer <key>}: OpenAI and most OpenAI-compatible APIs. */
    BEARER,
    /** {@code x-api-key: <key>}: Anthropic (the {@code anthropic-version} header is the dialect's business). */
    X_API_KEY,
    /** {@code x-goog-api-key: <key>}: Gemini. */
    X_GOOG_API_KEY,
    /** {@code api-key: <key>}: Azure OpenAI. */
    AZURE_API_KEY,
    /**
     * The configured key is a GitHub OAuth token, exchanged for a short-lived Copilot token which is sent as
     * {@code Authorization: Bearer}. The exchange happens in the proxy; {@link #apply} sees the exchanged token.
     */
    COPILOT_TOKEN_EXCHANGE,
    /** No credential (a local Ollama). A key, if configured anyway, is sent as Bearer. */
    NONE;

    /** Sets the header(s) carrying {@code key}; does nothing when {@code key} is null. */
    public void apply(String key, BiConsumer<String, String> header) {
        if (key == null) {
            return;
        }
        switch (this) {
            case X_API_KEY -> header.accept("x-api-key", key);
            case X_GOOG_API_KEY -> header.accept("x-goog-api-key", key);
            case AZURE_API_KEY -> header.accept("api-key", key);
            default -> header.accept("authorization", "Bearer " + key);
        }
    }

    /** Whether a provider with this scheme can work without any configured key. */
    public boolean keyOptional() {
        return this == NONE;
    }
}
