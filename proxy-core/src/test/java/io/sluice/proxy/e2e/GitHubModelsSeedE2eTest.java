package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: GitHub Models as its seed starts it. {@code GITHUB_TOKEN} alone turns it on; the seed's bare ids reach
 * today's catalog ids; its free tier (30 requests a minute, 5 at once, 50 waiting, 30 s) is the provider's default,
 * with {@code X-Upstream-Active} / {@code X-Upstream-Queue} on its answers.
 */
class GitHubModelsSeedE2eTest {

    private static final String SERVER = "server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n";

    private TestUpstream github;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws InterruptedException {
        github = new TestUpstream(r -> Reply.json(200, Bodies.completion("from github")));
        sluice = SluiceServer.start(ConfigLoader.parse(SERVER, Map.of("GITHUB_TOKEN", "gho_seed0123456789abcd",
                "ATLAS_BASE_URL", "http://127.0.0.1:" + github.port() + "/inference")));
    }

    @AfterEach
    void stop() {
        sluice.close();
        github.close();
    }

    @Test
    void theSeedsBareIdsReachTodaysCatalog() throws Exception {
        Map<String, String> seedToCatalog = Map.of("gpt-4o-mini", "openai/gpt-4o-mini",
                "Phi-3.5-mini-instruct", "microsoft/phi-3.5-mini-instruct",
                "Meta-Llama-3.1-405B-Instruct", "meta/meta-llama-3.1-405b-instruct",
                "openai/gpt-4.1", "openai/gpt-4.1");
        for (Map.Entry<String, String> e : seedToCatalog.entrySet()) {
            HttpResponse<String> res = Http.chat(sluice, Bodies.chat(e.getKey(), false, "hi"));
            assertThat(res.statusCode()).as(e.getKey() + ": " + res.body()).isEqualTo(200);
            assertThat(json(res.body()).at("/choices/0/message/content").asText()).isEqualTo("from github");
            TestUpstream.Received got = github.take();
            assertThat(got.uri()).isEqualTo("/inference/chat/completions");
            assertThat(json(got.body()).path("model").asText()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(got.header("authorization")).isEqualTo("Bearer gho_seed0123456789abcd");
            // The free tier's gate reports itself on every answer.
            assertThat(res.headers().firstValue("x-upstream-active")).isPresent();
            assertThat(res.headers().firstValue("x-upstream-queue")).hasValue("0");
        }
    }

    @Test
    void theFreeTiersThirtyRequestsAMinuteAreTheDefault() throws Exception {
        int ok = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 31; i++) {
            last = Http.chat(sluice, Bodies.chat("gpt-4o-mini", false, "hi"));
            if (last.statusCode() == 200) {
                ok++;
                github.take();
            }
        }
        assertThat(ok).isEqualTo(30);
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(json(last.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void anExplicitSwitchStillWins() {
        SluiceConfig off = ConfigLoader.parse(SERVER, Map.of("GITHUB_TOKEN", "gho_seed0123456789abcd",
                "ATLAS_ENABLED", "0"));
        assertThat(off.provider("github-models")).isEmpty();
        SluiceConfig on = ConfigLoader.parse(SERVER, Map.of("GITHUB_TOKEN", "gho_seed0123456789abcd"));
        assertThat(on.provider("atlas")).hasValueSatisfying(p -> assertThat(p.enabled()).isTrue());
    }
}
