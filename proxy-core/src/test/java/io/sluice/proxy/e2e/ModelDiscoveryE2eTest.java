package io.sluice.proxy.e2e;
import static io.sluice.proxy.testing.HttpWire.JSON;
import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A local server's own model list shows in /v1/models and routes bare ids; a failing list keeps the config's. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModelDiscoveryE2eTest {

    private static List<String> ids(SluiceServer s) throws Exception {
        JsonNode data = json(Http.get(s, "/v1/models").body()).path("data");
        List<String> out = new ArrayList<>();
        data.forEach(m -> out.add(m.path("id").asText()));
        return out;
    }

    @Test
    void discoveredModelsAreListedAndRouted() throws Exception {
        try (TestUpstream up = new TestUpstream(r -> r.method().equals("GET")
                ? TestUpstream.Reply.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"qwen3:8b\"},"
                        + "{\"id\":\"llama3.2:latest\"}]}")
                : TestUpstream.Reply.json(200, Bodies.completion("hi")))) {
            SluiceServer s = TestConfig.startYaml("""
                    server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}
                    providersFromEnv: false
                    providers:
                      ollama:
                        baseUrl: http://127.0.0.1:%d/v1
                        models: [configured-model]
                    """.replace("%d", Integer.toString(up.port())));
            try {
                TestUpstream.Received list = up.take();
                assertThat(list.method()).isEqualTo("GET");
                assertThat(list.uri()).isEqualTo("/v1/models");
                assertThat(list.header("authorization")).isNull(); // ollama takes no key
                Await.until("discovered models listed", Duration.ofSeconds(10),
                        () -> ids(s).contains("ext-ollama-qwen3:8b"));
                assertThat(ids(s)).containsExactly("ext-ollama-configured-model", "ext-ollama-qwen3:8b",
                        "ext-ollama-llama3.2:latest");
                assertThat(Http.chat(s, Bodies.chat("llama3.2:latest", false, "hi")).statusCode())
                        .isEqualTo(200);
                assertThat(JSON.readTree(up.take().body()).path("model").asText()).isEqualTo("llama3.2:latest");
            } finally {
                s.close();
            }
        }
    }

    /**
     * Issue 16: the seed's {@code OLLAMA_BASE_URL=http://localhost:11434} (no {@code /v1}) against a server that
     * answers only Ollama's own paths: models are listed from it and chat reaches {@code /v1/chat/completions}.
     */
    @Test
    void theSeedsBareOllamaUrlReachesOllamasOwnPaths() throws Exception {
        try (TestUpstream up = new TestUpstream(r -> switch (r.method() + " " + r.uri()) {
            case "GET /v1/models" -> TestUpstream.Reply.json(200, "{\"object\":\"list\",\"data\":"
                    + "[{\"id\":\"qwen3:8b\"}]}");
            case "GET /api/tags" -> TestUpstream.Reply.json(200, "{\"models\":[{\"name\":\"qwen3:8b\"}]}");
            case "POST /v1/chat/completions", "POST /api/chat" -> TestUpstream.Reply.json(200,
                    Bodies.completion("from ollama"));
            default -> TestUpstream.Reply.json(404, "404 page not found");
        })) {
            SluiceServer s = SluiceServer.start(ConfigLoader.parse(
                    "server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n",
                    Map.of("OLLAMA_ENABLED", "1", "OLLAMA_BASE_URL", "http://127.0.0.1:" + up.port())));
            try {
                Await.until("Ollama's models listed", Duration.ofSeconds(10),
                        () -> ids(s).contains("ext-ollama-qwen3:8b"));
                HttpResponse<String> res = Http.chat(s, Bodies.chat("ollama/qwen3:8b", false, "hi"));
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                assertThat(res.body()).contains("from ollama");
            } finally {
                s.close();
            }
        }
    }

    @Test
    void aFailingListKeepsTheConfiguredModels() throws Exception {
        try (TestUpstream up = new TestUpstream(r -> TestUpstream.Reply.json(500, "{\"error\":\"down\"}"))) {
            SluiceServer s = TestConfig.startYaml("""
                    server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}
                    providersFromEnv: false
                    providers:
                      openai-compatible-box:
                        baseUrl: http://127.0.0.1:%d/v1
                        apiKey: sk-box-0123456789abcd
                        models: [m1]
                        discoverModels: true
                      openai:
                        apiKey: sk-openai-0123456789ab
                        models: [gpt-4o]
                    """.replace("%d", Integer.toString(up.port())));
            try {
                TestUpstream.Received list = up.take(); // only the one that asked for it
                assertThat(list.header("authorization")).isEqualTo("Bearer sk-box-0123456789abcd");
                assertThat(ids(s)).containsExactly("ext-openai-compatible-box-m1", "ext-openai-gpt-4o");
                assertThat(up.requestsWaiting()).isZero();
            } finally {
                s.close();
            }
        }
    }
}
