package io.sluice.proxy.upstream;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;

/**
 * How each dialect's API takes a key: OpenAI and Responses {@code Authorization: Bearer}, Anthropic {@code x-api-key}
 * with a pinned {@code anthropic-version}, Gemini {@code x-goog-api-key}. Headers configured on the provider are set
 * after this and win (an {@code anthropic-version} of your choosing, Azure's {@code api-key}).
 */
final class Auth {

    /** The Messages API version every Sluice request is written for. */
    static final String ANTHROPIC_VERSION = "2023-06-01";

    private Auth() {
    }

    static void apply(Dialect dialect, String apiKey, HttpHeaders h) {
        if (dialect == Dialects.ANTHROPIC) {
            h.set("anthropic-version", ANTHROPIC_VERSION);
            if (apiKey != null) {
                h.set("x-api-key", apiKey);
            }
        } else if (dialect == Dialects.GEMINI) {
            if (apiKey != null) {
                h.set("x-goog-api-key", apiKey);
            }
        } else if (apiKey != null) {
            h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
        }
    }
}
