package io.sluice.proxy.upstream;

import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.providers.AuthScheme;

/**
 * How a provider takes a key: the descriptor's {@link AuthScheme} ({@code Authorization: Bearer}, {@code x-api-key},
 * {@code x-goog-api-key}, Azure's {@code api-key}), plus the pinned {@code anthropic-version} of the Anthropic dialect.
 * Headers of the descriptor and of the config are set after this and win.
 */
final class Auth {

    /** The Messages API version every Sluice request is written for. */
    static final String ANTHROPIC_VERSION = "2023-06-01";

    private Auth() {
    }

    /** Sets the dialect's version header, then {@code apiKey} as the provider's scheme wants it. */
    static void apply(Dialect dialect, AuthScheme scheme, String apiKey, HttpHeaders h) {
        if (dialect == Dialects.ANTHROPIC) {
            h.set("anthropic-version", ANTHROPIC_VERSION);
        }
        scheme.apply(apiKey, h::set);
    }
}
