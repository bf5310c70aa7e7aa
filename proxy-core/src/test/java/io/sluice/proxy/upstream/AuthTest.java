package io.sluice.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.codec.dialect.Dialects;
import io.sluice.providers.AuthScheme;
import org.junit.jupiter.api.Test;

class AuthTest {

    @Test
    void eachSchemeSendsTheKeyItsWay() {
        assertThat(headers(Dialects.OPENAI, AuthScheme.BEARER, "sk-1").get("authorization")).isEqualTo("Bearer sk-1");
        HttpHeaders a = headers(Dialects.ANTHROPIC, AuthScheme.X_API_KEY, "sk-ant-api03-x");
        assertThat(a.get("x-api-key")).isEqualTo("sk-ant-api03-x");
        assertThat(a.get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(a.contains("authorization")).isFalse();
        assertThat(headers(Dialects.GEMINI, AuthScheme.X_GOOG_API_KEY, "g").get("x-goog-api-key")).isEqualTo("g");
        assertThat(headers(Dialects.OPENAI, AuthScheme.AZURE_API_KEY, "az").get("api-key")).isEqualTo("az");
        assertThat(headers(Dialects.OPENAI, AuthScheme.NONE, null).isEmpty()).isTrue();
    }

    @Test
    void aClaudeOAuthTokenGoesAsBearerWithTheOAuthBeta() {
        HttpHeaders h = headers(Dialects.ANTHROPIC, AuthScheme.X_API_KEY, "sk-ant-oat01-abc");
        assertThat(h.get("authorization")).isEqualTo("Bearer sk-ant-oat01-abc");
        assertThat(h.get("anthropic-beta")).isEqualTo("oauth-2025-04-20");
        assertThat(h.contains("x-api-key")).isFalse();
        assertThat(h.get("anthropic-version")).isEqualTo("2023-06-01");
    }

    private static HttpHeaders headers(io.sluice.codec.dialect.Dialect d, AuthScheme s, String key) {
        HttpHeaders h = new DefaultHttpHeaders();
        Auth.apply(d, s, key, h);
        return h;
    }
}
