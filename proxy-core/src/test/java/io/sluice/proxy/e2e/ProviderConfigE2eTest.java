package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.ConfigSource;
import io.sluice.proxy.config.Environment;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, runtime provider configuration: {@code POST /api/monitoring/providers/:name/config} sets keys, base URL,
 * models and enabled on a running Sluice, effective on the next request, without a restart and without disturbing a
 * stream in flight; persisted to the {@code .env} the config was loaded from (other lines kept, mode 0600) so the next
 * start finds the same; checked like config loading; never echoing a key.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProviderConfigE2eTest {

    private static final String KEY = "sk-ant-api03-runtime-key-0001";
    private static final String KEY_2 = "sk-xai-runtime-secret-key-0002";
    private static final String ADMIN = "admin-config-test-secret-01";

    @TempDir
    Path dir;
    private Path yaml;
    private Path dotEnv;
    private TestUpstream anthropic;
    private TestUpstream openai;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws Exception {
        anthropic = new TestUpstream(r -> Reply.json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":"
                + "\"assistant\",\"model\":\"claude-x\",\"content\":[{\"type\":\"text\",\"text\":\"from anthropic\"}],"
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}"));
        openai = new TestUpstream(r -> Reply.json(200, Bodies.completion("from xai")));
        yaml = dir.resolve("sluice.yaml");
        Files.writeString(yaml, "server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms,"
                + " adminKey: \"" + ADMIN + "\"}\n"
                + "usage: {file: \"" + dir.resolve("usage.jsonl") + "\"}\n"
                + "providers:\n  local-mock: {type: mock}\n", StandardCharsets.UTF_8);
        dotEnv = dir.resolve(".env");
        Files.writeString(dotEnv, "# my providers\n"
                + "ANTHROPIC_ENABLED=1\n"
                + "ANTHROPIC_BASE_URL=" + anthropic.baseUrl() + "/v1\n"
                + "\n# keep me\nOTHER=value # a comment\n", StandardCharsets.UTF_8);
        sluice = startFrom(Map.of());
    }

    private SluiceServer startFrom(Map<String, String> processEnv) throws InterruptedException {
        SluiceConfig cfg = ConfigLoader.load(yaml, Environment.of(processEnv, dir, yaml));
        return SluiceServer.start(cfg, ConfigSource.of(yaml, processEnv, dir));
    }

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
        anthropic.close();
        openai.close();
    }

    private HttpResponse<String> edit(String name, String body) throws Exception {
        return Http.post(sluice, "/api/monitoring/providers/" + name + "/config", body, "x-admin-key", ADMIN);
    }

    private JsonNode provider(String name) throws Exception {
        JsonNode all = json(Http.get(sluice, "/api/monitoring/providers", "x-admin-key", ADMIN).body());
        for (JsonNode p : all.path("providers")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void aKeySetAtRuntimeServesTheNextRequestAndIsSavedToTheEnvFile() throws Exception {
        HttpResponse<String> before = Http.chat(sluice, Bodies.chat("ext-anthropic-claude-x", false, "hi"));
        assertThat(before.statusCode()).as(before.body()).isEqualTo(503);
        assertThat(provider("anthropic").path("status").asText()).isEqualTo("not_configured");

        HttpResponse<String> res = edit("anthropic", "{\"api_key\":\"" + KEY + "\"}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        JsonNode body = json(res.body());
        assertThat(body.path("persisted").asBoolean()).isTrue();
        assertThat(body.path("file").asText()).isEqualTo(dotEnv.toAbsolutePath().normalize().toString());
        assertThat(body.at("/config/status").asText()).isEqualTo("active");
        assertThat(body.at("/config/maskedKeys/0").asText()).isEqualTo("sk-...0001");
        assertThat(res.body()).doesNotContain(KEY);

        HttpResponse<String> after = Http.chat(sluice, Bodies.chat("ext-anthropic-claude-x", false, "hi"));
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        assertThat(json(after.body()).at("/choices/0/message/content").asText()).isEqualTo("from anthropic");
        anthropic.take(); // none was sent while it had no key
        assertThat(provider("anthropic").path("status").asText()).isEqualTo("active");

        String saved = Files.readString(dotEnv, StandardCharsets.UTF_8);
        assertThat(saved).startsWith("# my providers\nANTHROPIC_ENABLED=1\n")
                .contains("\n# keep me\nOTHER=value # a comment\n").endsWith("ANTHROPIC_API_KEY=" + KEY + "\n");
        assertThat(Files.getPosixFilePermissions(dotEnv)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        // Neither the provider's log nor the request log shows the key.
        String logs = Http.get(sluice, "/api/monitoring/providers/anthropic/logs", "x-admin-key", ADMIN).body();
        assertThat(logs).contains("reconfigured by the operator").contains("sk-...0001").doesNotContain(KEY);

        // The next start, from the same files, has the key: what runs now survives a restart.
        sluice.close();
        sluice = startFrom(Map.of());
        HttpResponse<String> restarted = Http.chat(sluice, Bodies.chat("ext-anthropic-claude-x", false, "hi"));
        assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(200);
        assertThat(anthropic.take().header("x-api-key")).isEqualTo(KEY);
    }

    @Test
    void aTypeNotEnabledAtStartIsMadeByItsFirstEditAndListed() throws Exception {
        assertThat(Http.chat(sluice, Bodies.chat("ext-xai-grok-3", false, "hi")).statusCode()).isEqualTo(404);
        HttpResponse<String> res = edit("xai", "{\"api_key\":\"" + KEY_2 + "\",\"base_url\":\"" + openai.baseUrl()
                + "/v1\",\"models\":[\"grok-3\",\"grok-3-mini\"]}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(json(res.body()).path("created").asBoolean()).isTrue();
        assertThat(res.body()).doesNotContain(KEY_2);

        String models = Http.get(sluice, "/v1/models").body();
        assertThat(models).contains("\"ext-xai-grok-3\"").contains("\"ext-xai-grok-3-mini\"");
        HttpResponse<String> chat = Http.chat(sluice, Bodies.chat("ext-xai-grok-3", false, "hi"));
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(json(chat.body()).at("/choices/0/message/content").asText()).isEqualTo("from xai");
        assertThat(openai.take().header("authorization")).isEqualTo("Bearer " + KEY_2);
        assertThat(Files.readString(dotEnv, StandardCharsets.UTF_8)).contains("XAI_ENABLED=1\n")
                .contains("XAI_API_KEY=" + KEY_2 + "\n").contains("XAI_BASE_URL=" + openai.baseUrl() + "/v1\n")
                .contains("XAI_MODELS=grok-3,grok-3-mini\n");
        // The gauges of the new provider read numbers, not NaN.
        String metrics = Http.get(sluice, "/metrics").body();
        assertThat(metrics).contains("upstream_gate_active{provider=\"xai\"} 0.0");

        // Switched off: the seed's "disabled"; its models are gone from the list and its requests are refused.
        HttpResponse<String> off = edit("xai", "{\"enabled\":false}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(provider("xai").path("status").asText()).isEqualTo("disabled");
        assertThat(Http.get(sluice, "/v1/models").body()).doesNotContain("ext-xai-grok-3");
        assertThat(Http.chat(sluice, Bodies.chat("ext-xai-grok-3", false, "hi")).statusCode()).isEqualTo(404);
        assertThat(Files.readString(dotEnv, StandardCharsets.UTF_8)).contains("XAI_ENABLED=0\n")
                .doesNotContain("XAI_ENABLED=1");
    }

    @Test
    void theSeedsGoogleNameMakesAGeminiProviderWithGoogleVariables() throws Exception {
        HttpResponse<String> res = edit("google", "{\"api_key\":\"AIza-runtime-key-0003\"}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(json(res.body()).at("/config/type").asText()).isEqualTo("gemini");
        assertThat(Files.readString(dotEnv, StandardCharsets.UTF_8)).contains("GOOGLE_ENABLED=1\n")
                .contains("GOOGLE_API_KEY=AIza-runtime-key-0003\n");
        assertThat(Http.get(sluice, "/v1/models").body()).contains("\"ext-google-");
        // A second edit of the same provider by another of its names changes it, not a new one.
        HttpResponse<String> again = edit("gemini", "{\"models\":\"gemini-2.5-pro\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again.body()).path("created").asBoolean()).isFalse();
        assertThat(Files.readString(dotEnv, StandardCharsets.UTF_8)).contains("GOOGLE_MODELS=gemini-2.5-pro\n");
    }

    @Test
    void aStreamInFlightFinishesOnTheConfigItStartedWith() throws Exception {
        TestUpstream second = new TestUpstream(r -> Reply.json(200, Bodies.completion("from the new base")));
        try {
            openai.script(r -> Reply.sse("data: " + chunk("one ") + "\n\n").pause(Duration.ofMillis(800))
                    .part("data: " + chunk("two") + "\n\n").part("data: [DONE]\n\n"));
            assertThat(edit("xai", "{\"api_key\":\"" + KEY_2 + "\",\"base_url\":\"" + openai.baseUrl()
                    + "/v1\"}").statusCode()).isEqualTo(200);
            HttpClient client = Http.client(sluice);
            HttpRequest req = HttpRequest.newBuilder(URI.create(Http.base(sluice) + "/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Bodies.chat("ext-xai-grok-3", true, "hi"))).build();
            CompletableFuture<HttpResponse<String>> stream = client.sendAsync(req,
                    HttpResponse.BodyHandlers.ofString());
            openai.take(); // the stream has reached the first upstream
            HttpResponse<String> moved = edit("xai", "{\"api_key\":\"sk-other-key-0004\",\"base_url\":\""
                    + second.baseUrl() + "/v1\"}");
            assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
            HttpResponse<String> done = stream.get(20, TimeUnit.SECONDS);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("one ").contains("two").contains("[DONE]");

            HttpResponse<String> next = Http.chat(sluice, Bodies.chat("ext-xai-grok-3", false, "hi"));
            assertThat(json(next.body()).at("/choices/0/message/content").asText()).isEqualTo("from the new base");
            assertThat(second.take().header("authorization")).isEqualTo("Bearer sk-other-key-0004");
        } finally {
            second.close();
        }
    }

    /** Edits while requests run: the swap is atomic, so every request finds a whole provider (its key, its URL). */
    @Test
    void editsUnderLoadNeverFailARequest() throws Exception {
        assertThat(edit("xai", "{\"api_key\":\"sk-load-key-a\",\"base_url\":\"" + openai.baseUrl() + "/v1\"}")
                .statusCode()).isEqualTo(200);
        HttpClient client = Http.client(sluice);
        java.util.List<CompletableFuture<HttpResponse<String>>> sent = new java.util.ArrayList<>();
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(16);
        Thread editor = new Thread(() -> {
            try {
                for (int i = 0; i < 20; i++) {
                    String keys = i % 2 == 0 ? "[\"sk-load-key-b\",\"sk-load-key-c\"]" : "[\"sk-load-key-a\"]";
                    edit("xai", "{\"api_keys\":" + keys + "}");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        editor.start();
        for (int i = 0; i < 300; i++) {
            window.acquire();
            HttpRequest req = HttpRequest.newBuilder(URI.create(Http.base(sluice) + "/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Bodies.chat("ext-xai-grok-3", i % 3 == 0, "hi")))
                    .build();
            sent.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) ->
                    window.release()));
        }
        editor.join(30_000);
        for (CompletableFuture<HttpResponse<String>> f : sent) {
            HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        int seen = 0;
        while (openai.requestsWaiting() > 0 || seen < sent.size()) {
            String auth = openai.take().header("authorization");
            assertThat(auth).isIn("Bearer sk-load-key-a", "Bearer sk-load-key-b", "Bearer sk-load-key-c");
            seen++;
        }
        assertThat(seen).isEqualTo(sent.size());
        Http.chat(sluice, Bodies.chat("ext-xai-grok-3", false, "hi"));
        assertThat(openai.take().header("authorization")).isEqualTo("Bearer sk-load-key-a"); // the 20th edit's
    }

    private static String chunk(String text) {
        return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + Bodies.quote(text) + "}}]}";
    }

    @Test
    void badValuesAreRefusedNamingTheFieldAndChangeNothing() throws Exception {
        String saved = Files.readString(dotEnv, StandardCharsets.UTF_8);
        assertRefused(edit("anthropic", "{\"base_url\":\"ftp://example.com\"}"), 400,
                "base_url: \\\"ftp://example.com\\\"");
        HttpResponse<String> userinfo = edit("anthropic", "{\"base_url\":\"http://bob:hunter2@example.com/v1\"}");
        assertRefused(userinfo, 400, "base_url:");
        assertThat(userinfo.body()).doesNotContain("hunter2").contains("without credentials");
        HttpResponse<String> spaced = edit("anthropic", "{\"api_key\":[\"sk-has space-secret-0005\"]}");
        assertRefused(spaced, 400, "api_keys[0]:");
        assertThat(spaced.body()).doesNotContain("space-secret");
        assertRefused(edit("anthropic", "{\"api_key\":\"a\",\"api_keys\":[\"b\"]}"), 400, "api_keys:");
        assertRefused(edit("anthropic", "{\"colour\":\"blue\"}"), 400, "\\\"colour\\\": unknown field");
        assertRefused(edit("anthropic", "{\"enabled\":\"maybe\"}"), 400, "enabled:");
        assertRefused(edit("anthropic", "{\"models\":[1]}"), 400, "models[0]:");
        assertRefused(edit("anthropic", "not json"), 400, "body: not valid JSON");
        assertRefused(edit("anthropic", "{}"), 400, "body: no field to change");
        assertRefused(edit("openai-compatible-lab", "{\"api_key\":\"k\"}"), 400, "base_url: missing");
        assertRefused(edit("nobody", "{\"enabled\":true}"), 404, "no provider or provider type named nobody");
        assertRefused(edit("local-mock", "{\"api_key\":\"k\"}"), 400, "built-in mock");
        assertThat(Files.readString(dotEnv, StandardCharsets.UTF_8)).isEqualTo(saved);
        assertThat(provider("anthropic").path("status").asText()).isEqualTo("not_configured");
        assertThat(Http.get(sluice, "/api/monitoring/providers/anthropic/config", "x-admin-key", ADMIN)
                .statusCode()).isEqualTo(405);
        // Like the rest of /api: the admin key is required.
        HttpResponse<String> anon = Http.post(sluice, "/api/monitoring/providers/anthropic/config",
                "{\"api_key\":\"" + KEY + "\"}");
        assertThat(anon.statusCode()).isEqualTo(401);
        assertThat(provider("anthropic").path("status").asText()).isEqualTo("not_configured");
    }

    private static void assertRefused(HttpResponse<String> res, int status, String message) throws IOException {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(json(res.body()).path("success").asBoolean()).isFalse();
        assertThat(res.body()).contains(message);
    }

    @Test
    void aProviderOfTheYamlFileChangesUntilRestartAndSaysSo() throws Exception {
        HttpResponse<String> res = edit("local-mock", "{\"models\":[\"only-this\"]}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(json(res.body()).path("persisted").asBoolean()).isFalse();
        assertThat(json(res.body()).path("note").asText()).contains("is configured in").contains("sluice.yaml");
        assertThat(Http.get(sluice, "/v1/models").body()).contains("only-this");
    }

    @Test
    void aVariableTheProcessEnvironmentSetsIsNamedInTheAnswer() throws Exception {
        sluice.close();
        sluice = startFrom(Map.of("ANTHROPIC_BASE_URL", anthropic.baseUrl() + "/v1"));
        HttpResponse<String> res = edit("anthropic", "{\"base_url\":\"" + anthropic.baseUrl() + "/v1/\"}");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(json(res.body()).path("note").asText()).contains("ANTHROPIC_BASE_URL")
                .contains("outranks");
        ProviderConfig now = sluice.config().provider("anthropic").orElseThrow();
        assertThat(now.baseUrl().toString()).isEqualTo(anthropic.baseUrl() + "/v1");
    }
}
