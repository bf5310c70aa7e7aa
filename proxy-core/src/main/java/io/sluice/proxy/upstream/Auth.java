package io.sluice.proxy.upstream;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.providers.AuthScheme;
import java.util.function.BiConsumer;

/**
 * How a provider takes a key: the descriptor's {@link AuthScheme} ({@code Authorization: Bearer}, {@code x-api-key},
 * {@code x-goog-api-key}, Azure's {@code api-key}), plus the pinned {@code anthropic-version} of the Anthropic dialect.
 * Headers of the descriptor and of the config are set after this and win.
 */
public final class Auth {

    /** The Messages API version every Sluice request is written for. */
    static final String ANTHROPIC_VERSION = "2023-06-01";

    private Auth() {
    }

    /** Claude subscription (Claude Code) OAuth access tokens, which Anthropic takes as Bearer with a beta flag. */
    static final String ANTHROPIC_OAUTH_PREFIX = "sk-ant-oat";
    static final String ANTHROPIC_OAUTH_BETA = "oauth-2025-04-20";

    /** Sets the dialect's version header, then {@code apiKey} as the provider's scheme wants it. */
    static void apply(Dialect dialect, AuthScheme scheme, String apiKey, HttpHeaders h) {
        apply(dialect, scheme, apiKey, h::set);
    }

    /** The same, for any request builder: Sluice's own calls to providers (model lists) authenticate this way too. */
    public static void apply(Dialect dialect, AuthScheme scheme, String apiKey, BiConsumer<String, String> set) {
        if (dialect == Dialects.ANTHROPIC) {
            set.accept("anthropic-version", ANTHROPIC_VERSION);
            if (apiKey != null && apiKey.startsWith(ANTHROPIC_OAUTH_PREFIX)) {
                // An OAuth token from a Claude login, not an API key: x-api-key would be refused.
                set.accept(HttpHeaderNames.AUTHORIZATION.toString(), "Bearer " + apiKey);
                set.accept("anthropic-beta", ANTHROPIC_OAUTH_BETA);
                return;
            }
        }
        scheme.apply(apiKey, set);
    }
}
