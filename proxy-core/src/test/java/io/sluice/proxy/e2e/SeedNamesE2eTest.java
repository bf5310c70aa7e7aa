package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, names: the seeds name providers {@code google}, {@code atlas}, {@code claude_code}, ... Each is an alias
 * of the one provider of that type, whatever it is called in the config, everywhere a provider is named: the
 * monitoring API and {@code /v1/providers/{p}/...}. A name that fits two providers names neither.
 */
class SeedNamesE2eTest {

    private TestUpstream gemini;
    private TestUpstream github;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws InterruptedException {
        gemini = new TestUpstream(r -> Reply.json(200, "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
                + "[{\"text\":\"from gemini\"}]},\"finishReason\":\"STOP\"}]}"));
        github = new TestUpstream(r -> Reply.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":"
                + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"from atlas\"},\"finish_reason\":"
                + "\"stop\"}]}"));
        sluice = config().provider("gm", "gemini", gemini, "/v1beta", "gemini-2.5-flash")
                .provider("gh", "github-models", github, "/inference", "gpt-4o-mini")
                .provider("oa1", "openai-compatible", github, "/v1", "m")
                .provider("oa2", "openai-compatible", github, "/v1", "m").start();
    }

    @AfterEach
    void stop() {
        sluice.close();
        gemini.close();
        github.close();
    }

    @Test
    void theSeedsProviderNamesWorkInTheMonitoringApi() throws Exception {
        for (String name : new String[] {"google", "gemini", "GOOGLE", "gm"}) {
            HttpResponse<String> res = Http.get(sluice, "/api/monitoring/providers/" + name + "/tokens");
            assertThat(res.statusCode()).as(name + ": " + res.body()).isEqualTo(200);
            assertThat(res.body()).contains("\"gm\"");
        }
        for (String name : new String[] {"atlas", "github", "github-models"}) {
            HttpResponse<String> res = Http.get(sluice, "/api/monitoring/providers/" + name + "/logs");
            assertThat(res.statusCode()).as(name + ": " + res.body()).isEqualTo(200);
        }
        // Two providers of one type: the type's name is ambiguous, so it names neither.
        assertThat(Http.get(sluice, "/api/monitoring/providers/openai-compatible/tokens").statusCode())
                .isEqualTo(404);
        assertThat(Http.get(sluice, "/api/monitoring/providers/nobody/tokens").statusCode()).isEqualTo(404);
    }

    @Test
    void theSeedsProviderNamesWorkInProviderRoutes() throws Exception {
        HttpResponse<String> g = Http.post(sluice, "/v1/providers/google/chat/completions",
                Bodies.chat("gemini-2.5-flash", false, "hi"));
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        assertThat(json(g.body()).at("/choices/0/message/content").asText()).isEqualTo("from gemini");

        HttpResponse<String> a = Http.post(sluice, "/v1/providers/atlas/chat/completions",
                Bodies.chat("gpt-4o-mini", false, "hi"));
        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
        assertThat(json(a.body()).at("/choices/0/message/content").asText()).isEqualTo("from atlas");
    }

    /** Issue 16: a provider enabled without its key starts "not configured"; its requests say which variable to set. */
    @Test
    void aProviderEnabledWithoutItsKeyIsNotConfiguredNotFatal() throws Exception {
        SluiceServer s = SluiceServer.start(ConfigLoader.parse(
                "server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n",
                java.util.Map.of("XAI_ENABLED", "1")));
        try {
            HttpResponse<String> res = Http.chat(s, Bodies.chat("ext-xai-grok-3", false, "hi"));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(503);
            assertThat(json(res.body()).at("/error/code").asText()).isEqualTo("provider_not_configured");
            assertThat(json(res.body()).at("/error/message").asText()).contains("XAI_API_KEY");
            JsonNode providers = json(Http.get(s, "/api/monitoring/providers").body()).path("providers");
            JsonNode xai = null;
            for (JsonNode p : providers) {
                if (p.path("name").asText().equals("xai")) {
                    xai = p;
                }
            }
            assertThat(xai).isNotNull();
            assertThat(xai.path("enabled").asBoolean()).isTrue();
            assertThat(xai.path("configured").asBoolean()).isFalse();
            assertThat(xai.path("healthy").asBoolean()).isFalse();
        } finally {
            s.close();
        }
    }
}
