package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client key's allow-list holds for what is actually called, whatever the route: {@code /v1/providers/{p}/...}
 * cannot send an allowed model id to another provider, and 404 hints name only models and providers the key may use.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessScopeE2eTest {

    private static final String CI = "sk-ci-aaaaaaaaaaaaaaaa01";
    private static final String MOCK_ONLY = "sk-mock-only-00000000002";
    private static final String TEAM = "sk-team-0123456789abcdef";

    private final List<TestUpstream.Received> seen = new CopyOnWriteArrayList<>();

    private Reply completion(TestUpstream.Received r) {
        seen.add(r);
        return Reply.json(200, OpenAiSdkTest.COMPLETION);
    }

    private static SluiceServer exposed(TestUpstream up) throws Exception {
        return TestConfig.startYaml("server: {host: 0.0.0.0, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n"
                + "providersFromEnv: false\n"
                + "access:\n  clientKeys:\n    team: " + TEAM + "\n"
                + "    ci: {key: " + CI + ", models: [\"mock/*\", m1]}\n"
                + "    mockonly: {key: " + MOCK_ONLY + ", models: [\"mock/*\"]}\n"
                + "providers:\n  mock:\n    mock: {chunkDelay: 0ms}\n  p:\n    type: openai-compatible\n"
                + "    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n    apiKeys: [sk-provider-000000000099]\n"
                + "    models: [m1, m2]\n");
    }

    private static HttpResponse<String> chat(SluiceServer s, String path, String model, String key)
            throws Exception {
        return Http.post(s, path, Bodies.chat(model, false, "hi"), "authorization", "Bearer " + key);
    }

    @Test
    void aForcedProviderCannotSideStepTheAllowList() throws Exception {
        try (TestUpstream up = new TestUpstream(this::completion);
             SluiceServer s = exposed(up)) {
            // ci may use mock/*: forcing provider p with the model id "mock/echo" would call p, which it may not.
            HttpResponse<String> forced = chat(s, "/v1/providers/p/chat/completions", "mock/echo", CI);
            assertThat(forced.statusCode()).isEqualTo(403);
            assertThat(json(forced.body()).path("error").path("code").asText()).isEqualTo("model_not_allowed");
            // Asked for by a name that would route to p anyway, the model is still p's own: refused too.
            assertThat(chat(s, "/v1/providers/p/chat/completions", "p/mock/echo", CI).statusCode()).isEqualTo(403);
            assertThat(chat(s, "/v1/chat/completions", "p/mock/echo", CI).statusCode()).isEqualTo(403);
            assertThat(seen).isEmpty();
            // What the key may use still works through the forced route: m1 on p, and the mock on the mock.
            assertThat(chat(s, "/v1/providers/p/chat/completions", "m1", CI).statusCode()).isEqualTo(200);
            assertThat(chat(s, "/v1/providers/mock/chat/completions", "mock/echo", CI).statusCode()).isEqualTo(200);
            assertThat(seen).hasSize(1);
            // An unrestricted key may force anything.
            assertThat(chat(s, "/v1/providers/p/chat/completions", "mock/echo", TEAM).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void notFoundHintsNameOnlyWhatTheKeyMayUse() throws Exception {
        try (TestUpstream up = new TestUpstream(this::completion);
             SluiceServer s = exposed(up)) {
            String open = json(chat(s, "/v1/chat/completions", "m3", TEAM).body()).path("error").path("message")
                    .asText();
            assertThat(open).contains("did you mean").contains("m2");
            HttpResponse<String> r = chat(s, "/v1/chat/completions", "m3", CI);
            assertThat(r.statusCode()).isEqualTo(404);
            String hint = json(r.body()).path("error").path("message").asText();
            assertThat(hint).contains("m1").doesNotContain("m2");

            String all = json(chat(s, "/v1/providers/nope/chat/completions", "m1", TEAM).body()).path("error")
                    .path("message").asText();
            assertThat(all).contains("enabled providers: mock, p");
            HttpResponse<String> p = chat(s, "/v1/providers/nope/chat/completions", "m1", MOCK_ONLY);
            assertThat(p.statusCode()).isEqualTo(404);
            assertThat(json(p.body()).path("error").path("message").asText()).endsWith("enabled providers: mock");
        }
    }
}
