package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.JSON;
import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Model resolution over real sockets: prefixes, aliases, combos, the per-provider route, and what bad ids get. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RoutingE2eTest {

    private TestUpstream upstream;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws Exception {
        upstream = new TestUpstream(r -> TestUpstream.Reply.json(200, Bodies.completion("hi")));
        String yaml = config().mock().yaml() + """
                  local:
                    type: openai-compatible
                    baseUrl: http://127.0.0.1:%d/v1
                    apiKey: sk-local-0123456789abcd
                    prefix: team-
                    models: [qwen2.5-coder, llama3.2]
                  gemini:
                    baseUrl: http://127.0.0.1:%d/v1beta
                    apiKey: g-0123456789abcd
                  anthropic:
                    enabled: false
                    apiKey: sk-ant-0123456789abcd
                routing:
                  aliases:
                    coder: local/qwen2.5-coder
                    sonnet: anthropic/claude-sonnet-4-5
                  combos:
                    chain: [anthropic/claude-sonnet-4-5, local/llama3.2, mock/echo]
                  wildcards:
                    "llama*": local
                """.replace("%d", Integer.toString(upstream.port()));
        sluice = TestConfig.startYaml(yaml);
    }

    @AfterEach
    void stop() {
        sluice.close();
        upstream.close();
    }

    private String upstreamModel() throws Exception {
        TestUpstream.Received r = upstream.take();
        return JSON.readTree(r.body()).path("model").asText();
    }

    @Test
    void everyNamingFormReachesTheSameUpstreamModel() throws Exception {
        List<String> seen = new ArrayList<>();
        for (String model : List.of("local/qwen2.5-coder", "team-qwen2.5-coder", "ext-local-qwen2.5-coder",
                "qwen2.5-coder", "coder")) {
            HttpResponse<String> res = Http.chat(sluice, Bodies.chat(model, false, "hi"));
            assertThat(res.statusCode()).as(model).isEqualTo(200);
            seen.add(upstreamModel());
        }
        assertThat(seen).containsOnly("qwen2.5-coder");
        Http.chat(sluice, Bodies.chat("llama3.1:8b", false, "hi")); // wildcard, model unchanged
        assertThat(upstreamModel()).isEqualTo("llama3.1:8b");
        Http.chat(sluice, Bodies.chat("chain", false, "hi")); // anthropic is off: next entry
        assertThat(upstreamModel()).isEqualTo("llama3.2");
    }

    @Test
    void perProviderRoute() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/providers/local/chat/completions",
                Bodies.chat("some-unlisted-model", false, "hi"));
        assertThat(res.statusCode()).isEqualTo(200);
        TestUpstream.Received r = upstream.take();
        assertThat(r.uri()).isEqualTo("/v1/chat/completions");
        assertThat(r.header("authorization")).isEqualTo("Bearer sk-local-0123456789abcd");
        assertThat(JSON.readTree(r.body()).path("model").asText()).isEqualTo("some-unlisted-model");

        // The model names another provider, but the route pins this one: its own id goes up unchanged.
        Http.post(sluice, "/v1/providers/local/chat/completions", Bodies.chat("mock/echo", false, "hi"));
        assertThat(upstreamModel()).isEqualTo("mock/echo");
        Http.post(sluice, "/v1/providers/local/chat/completions", Bodies.chat("local/llama3.2", false, "hi"));
        assertThat(upstreamModel()).isEqualTo("llama3.2");

        // The Anthropic route under a provider: an Anthropic client reaching the OpenAI-compatible server.
        HttpResponse<String> msg = Http.post(sluice, "/v1/providers/local/messages", Bodies.messages("x", 10, "hi"));
        assertThat(msg.statusCode()).isEqualTo(200);
        assertThat(json(msg.body()).path("type").asText()).isEqualTo("message");
        assertThat(upstreamModel()).isEqualTo("x");

        HttpResponse<String> off = Http.post(sluice, "/v1/providers/anthropic/chat/completions",
                Bodies.chat("claude-sonnet-4-5", false, "hi"));
        assertThat(off.statusCode()).isEqualTo(404);
        JsonNode err = json(off.body()).path("error");
        assertThat(err.path("code").asText()).isEqualTo("provider_not_found");
        assertThat(err.path("message").asText()).contains("anthropic", "enabled providers: mock, local, gemini");
        assertThat(Http.post(sluice, "/v1/providers//chat/completions", Bodies.chat("x", false, "hi")).statusCode())
                .isEqualTo(404);
        assertThat(upstream.requestsWaiting()).isZero();
    }

    @Test
    void badAndUnknownModelsGetClearErrorsInTheClientsDialect() throws Exception {
        HttpResponse<String> bad = Http.chat(sluice, Bodies.chat("../../etc/passwd", false, "hi"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad.body()).path("error").path("code").asText()).isEqualTo("invalid_model");

        HttpResponse<String> ctl = Http.post(sluice, "/v1/messages", Bodies.messages("a\u0001b", 5, "x"));
        assertThat(ctl.statusCode()).isEqualTo(400);
        assertThat(json(ctl.body()).path("type").asText()).isEqualTo("error");
        assertThat(json(ctl.body()).path("error").path("message").asText()).contains("control character")
                .doesNotContain("\u0001");

        // Gemini takes the model in its URL path: an id with a slash cannot go there.
        HttpResponse<String> path = Http.chat(sluice, Bodies.chat("gemini/models/x", false, "hi"));
        assertThat(path.statusCode()).isEqualTo(400);
        assertThat(json(path.body()).path("error").path("message").asText())
                .contains("cannot be sent to provider gemini");

        HttpResponse<String> alias = Http.chat(sluice, Bodies.chat("sonnet", false, "hi"));
        assertThat(alias.statusCode()).isEqualTo(404);
        assertThat(json(alias.body()).path("error").path("message").asText())
                .isEqualTo("The model `sonnet` is unavailable: alias sonnet -> anthropic/claude-sonnet-4-5: "
                        + "no enabled provider serves anthropic/claude-sonnet-4-5");

        HttpResponse<String> typo = Http.post(sluice, "/v1/messages", Bodies.messages("qwen2.5-codr", 5, "x"));
        assertThat(typo.statusCode()).isEqualTo(404);
        assertThat(json(typo.body()).path("error").path("type").asText()).isEqualTo("not_found_error");
        assertThat(json(typo.body()).path("error").path("message").asText())
                .contains("did you mean team-qwen2.5-coder");
        assertThat(upstream.requestsWaiting()).isZero();
    }

    @Test
    void modelsListsEveryEnabledProviderOwnedByIt() throws Exception {
        HttpResponse<String> res = Http.get(sluice, "/v1/models");
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode data = json(res.body()).path("data");
        Map<String, String> owners = new java.util.LinkedHashMap<>();
        data.forEach(m -> owners.put(m.path("id").asText(), m.path("owned_by").asText()));
        assertThat(owners).containsEntry("mock/echo", "mock")
                .containsEntry("team-qwen2.5-coder", "local")
                .containsEntry("ext-google-gemini-2.5-flash", "gemini") // the seed's ext-google- form
                .containsEntry("coder", "local")
                .containsEntry("chain", "local")
                .doesNotContainKey("sonnet");
        assertThat(owners.keySet()).noneMatch(id -> id.contains("claude"));
    }
}
