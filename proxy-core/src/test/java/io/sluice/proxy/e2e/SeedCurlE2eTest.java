package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.Environment;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Received;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 16, "Done when": Sluice started the way a user of the seed systems starts it — their {@code .env}, made of the
 * seeds' own example variables, in the working directory, and no YAML of their own, only the bundled
 * {@code conf/sluice.yaml} — answers every curl command of the seeds' READMEs (and their SDK and fetch examples) as
 * the seeds say, over a real socket. Each request is sent as the seed writes it; only {@code localhost:4000} and
 * {@code localhost:3010} become Sluice's port. Mock upstreams stand in for the LLM providers only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeedCurlE2eTest {

    /** What curl 8 sends besides the command's own {@code -H} headers. */
    private static final String CURL_AGENT = "curl/8.5.0";
    /** The Copilot token the mock token endpoint hands out in exchange for a GitHub token from the .env. */
    private static final String COPILOT_TOKEN = "tid=seed;exp=1999999999;sku=copilot_for_individual;8kp=1:00ff";
    private static final String COPILOT_TOKEN_PATH = "/copilot_internal/v2/token";
    /** A prompt the mocks answer with a 500, whichever key is sent. */
    private static final String FAIL = "please fail";
    /** The provider types the seeds' .env turns on: seed 000's five and seed 001's eight. */
    private static final String[] SEED_TYPES = {"github-copilot", "claude-code", "cursor-agent", "lead-worker",
        "github-models", "anthropic", "openai", "azure", "ollama", "gemini", "openrouter", "litellm", "xai"};

    @TempDir
    Path tmp;

    private final Map<String, TestUpstream> mocks = new LinkedHashMap<>();
    private int port;
    private SluiceConfig config;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws Exception {
        mock("githubcopilot", Dialect.OPENAI, "");
        mock("atlas", Dialect.OPENAI, "/inference");
        mock("claude_code", Dialect.ANTHROPIC, "/v1");
        mock("cursor_agent", Dialect.OPENAI, "/v1");
        mock("lead_worker", Dialect.OPENAI, "/v1");
        mock("anthropic", Dialect.ANTHROPIC, "/v1");
        mock("openai", Dialect.OPENAI, "/v1");
        mock("azure", Dialect.OPENAI, "/openai/deployments/gpt-4");
        mock("ollama", Dialect.OPENAI, "/v1");
        mock("google", Dialect.GEMINI, "/v1beta");
        mock("openrouter", Dialect.OPENAI, "/api/v1");
        mock("litellm", Dialect.OPENAI, "");
        mock("xai", Dialect.OPENAI, "/v1");
        port = RawHttp.closedPort();

        // The layout bin/sluice runs in: SLUICE_HOME holds conf/sluice.yaml (the bundled file, copied as it is, so
        // that no .env beside the repository's conf/ can leak in); the user's project directory, the working
        // directory, holds their .env and no conf/ of its own, so bin/sluice passes
        // "-c $SLUICE_HOME/conf/sluice.yaml" and Environment reads the working directory's .env.
        Path home = Files.createDirectories(tmp.resolve("sluice-home").resolve("conf"));
        Path yaml = Files.copy(bundledConfig(), home.resolve("sluice.yaml"));
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve(Environment.DOT_ENV), seedDotEnv(), StandardCharsets.UTF_8);
        // Environment.system(yaml) with two stand-ins: this JVM's own environment is left out (a developer's
        // GITHUB_TOKEN or PORT must not change the test), and the bundled usage.file, relative to the working
        // directory ("data/usage.jsonl"), goes to the temporary directory instead of the module directory.
        Map<String, String> env = Environment.of(Map.of("SLUICE_DATA_DIR", tmp.resolve("data").toString()),
                project, yaml);
        this.config = ConfigLoader.load(yaml, env);
        this.config.access().checkExposure(this.config.server()); // what ServeCommand checks before it starts
        sluice = SluiceServer.start(this.config);
    }

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
        mocks.values().forEach(TestUpstream::close);
    }

    /**
     * The {@code .env} a user of the seeds has: every variable the seed documents show, in their order, with their
     * example values; base URLs point at the mocks. Where a seed writes "... and the other providers", the variables
     * are those of the seed repository's {@code .env.example} that seed 001 announces ("Створено .env.example").
     */
    private String seedDotEnv() {
        return String.join("\n",
                "# ---- seed 000: special providers ----",
                "GITHUB_COPILOT_ENABLED=1",
                "GITHUB_COPILOT_API_KEY=your_api_key",
                "GITHUB_COPILOT_TOKEN_1=token_1",
                "GITHUB_COPILOT_TOKEN_2=token_2",
                "GITHUB_COPILOT_TOKEN_3=token_3",
                "GITHUB_COPILOT_TOKEN_4=token_4", // "High Availability: 3-5 tokens"
                "GITHUB_COPILOT_TOKEN_5=token_5",
                // Not in the seed: Copilot's token exchange is at a fixed address (api.github.com), which no seed
                // variable moves; pointed at the mock, whose answer names the mock as the API host, as GitHub's
                // answer names api.githubcopilot.com.
                "GITHUB_COPILOT_TOKEN_URL=" + url("githubcopilot") + COPILOT_TOKEN_PATH,
                "CLAUDE_CODE_ENABLED=1",
                "CLAUDE_CODE_API_KEY=your_anthropic_key",
                "CLAUDE_CODE_TOKEN_1=token_1",
                "CLAUDE_CODE_TOKEN_2=token_2",
                // Not in the seed: Claude Code's endpoint is fixed (api.anthropic.com); the mock stands in for it.
                "CLAUDE_CODE_BASE_URL=" + url("claude_code") + "/v1",
                "CURSOR_AGENT_ENABLED=1",
                "CURSOR_AGENT_API_KEY=your_cursor_key",
                "CURSOR_AGENT_TOKEN_1=token_1",
                "CURSOR_AGENT_TOKEN_2=token_2",
                "CURSOR_AGENT_BASE_URL=" + url("cursor_agent") + "/v1", // not in the seed: fixed, api.cursor.sh
                "LEAD_WORKER_ENABLED=1",
                "LEAD_WORKER_API_KEY=your_lead_worker_key",
                "LEAD_WORKER_TOKEN_1=token_1",
                "LEAD_WORKER_TOKEN_2=token_2",
                "LEAD_WORKER_BASE_URL=" + url("lead_worker") + "/v1", // not in the seed: fixed, api.leadworker.ai
                "ATLAS_ENABLED=1",
                "# ---- seed 001: eight external providers (.env.example) ----",
                "ANTHROPIC_ENABLED=1", // the template's 0, switched on as a user running the Python example does
                "ANTHROPIC_API_KEY=sk-ant-api03-xxx",
                "ANTHROPIC_BASE_URL=" + url("anthropic"), // the seed's form: the API root, without /v1
                "EXT_OPENAI_ENABLED=1",
                "EXT_OPENAI_API_KEY=your_openai_api_key_here",
                "EXT_OPENAI_BASE_URL=" + url("openai") + "/v1", // commented out in the template
                "AZURE_OPENAI_ENABLED=1",
                "AZURE_OPENAI_API_KEY=your_azure_api_key_here",
                "AZURE_OPENAI_ENDPOINT=" + url("azure"),
                "AZURE_OPENAI_API_VERSION=2024-02-15-preview",
                "AZURE_OPENAI_DEPLOYMENT=gpt-4",
                "OLLAMA_ENABLED=1",
                "OLLAMA_BASE_URL=" + url("ollama"), // the seed's http://localhost:11434: no /v1
                "GOOGLE_AI_ENABLED=1",
                "GOOGLE_API_KEY=your_google_api_key_here",
                "GOOGLE_BASE_URL=" + url("google") + "/v1beta",
                "OPENROUTER_ENABLED=1",
                "OPENROUTER_API_KEY=your_openrouter_api_key_here",
                "OPENROUTER_BASE_URL=" + url("openrouter") + "/api/v1",
                "LITELLM_ENABLED=1",
                "LITELLM_API_KEY=your_litellm_api_key_here",
                "LITELLM_BASE_URL=" + url("litellm"), // the seed's http://localhost:4000: no /v1
                "XAI_ENABLED=1",
                "XAI_API_KEY=your_xai_api_key_here",
                "XAI_BASE_URL=" + url("xai") + "/v1",
                "# ---- seed 002: the GitHub-Models proxy ----",
                "GITHUB_TOKEN=your_github_token_here",
                // The seed's https://models.github.ai/inference: GitHub Models' address, as in the seed (OPENAI_ENABLED
                // is not set, so the openai provider, on by EXT_OPENAI_ENABLED, does not take it).
                "OPENAI_BASE_URL=" + url("atlas") + "/inference",
                "PORT=" + port,
                "RATE_LIMIT_ENABLED=1",
                "RATE_LIMIT_PER_MINUTE=30",
                "UPSTREAM_CONCURRENCY_ENABLED=1",
                "UPSTREAM_MAX_CONCURRENT=5",
                "UPSTREAM_QUEUE_MAX=50",
                "UPSTREAM_QUEUE_TIMEOUT_MS=30000",
                "METRICS_ENABLED=1",
                "METRICS_PATH=/metrics",
                "# watchdog.sh's own (read by the script, not by the server)",
                "INTERVAL=10",
                "RESTART_DELAY=2",
                "MAX_RESTARTS_MIN=10",
                "");
    }

    /** The .env alone turns on every provider of the seeds, and Sluice listens on the seed's PORT. */
    @Test
    void theSeedsDotEnvAloneStartsEveryProviderOnItsPort() {
        assertThat(sluice.localAddress().getPort()).as("PORT").isEqualTo(port);
        assertThat(config.enabledProviders()).extracting(ProviderConfig::name).containsExactlyInAnyOrder(
                "mock", "github-copilot", "github-models", "claude-code", "cursor-agent", "lead-worker", "anthropic",
                "openai", "azure", "ollama", "gemini", "openrouter", "litellm", "xai");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Seed 000 (special providers), "cURL" and "Моніторинг"

    /** Seed 000, "Тест GitHub Copilot". */
    @Test
    void seed000CurlGitHubCopilot() throws Exception {
        HttpWire.Message res = curl("POST", "/v1/chat/completions", """
                {
                    "model": "ext-copilot-gpt-4",
                    "messages": [{"role": "user", "content": "Hello"}]
                  }""", "Content-Type", "application/json");
        assertCompletion(res, "githubcopilot");
        // The GitHub token of the .env is exchanged for a Copilot token, which alone reaches the Copilot API.
        Received exchange = mocks.get("githubcopilot").take();
        assertThat(exchange.method() + " " + exchange.uri()).isEqualTo("GET " + COPILOT_TOKEN_PATH);
        assertThat(exchange.header("authorization")).isIn("token your_api_key", "token token_1", "token token_2",
                "token token_3", "token token_4", "token token_5");
        Received chat = next("githubcopilot");
        assertThat(chat.method() + " " + chat.uri()).isEqualTo("POST /chat/completions");
        assertThat(chat.header("authorization")).isEqualTo("Bearer " + COPILOT_TOKEN);
        assertThat(json(chat.body()).path("model").asText()).isEqualTo("gpt-4");
        assertThat(json(chat.body()).at("/messages/0/content").asText()).isEqualTo("Hello");
    }

    /** Seed 000, "Тест ATLAS провайдера". */
    @Test
    void seed000CurlAtlas() throws Exception {
        HttpWire.Message res = curl("POST", "/v1/chat/completions", """
                {
                    "model": "atlas-deepseek/deepseek-r1",
                    "messages": [{"role": "user", "content": "Hi"}]
                  }""", "Content-Type", "application/json");
        assertCompletion(res, "atlas");
        Received got = next("atlas");
        assertThat(got.method() + " " + got.uri()).isEqualTo("POST /inference/chat/completions");
        assertThat(got.header("authorization")).isEqualTo("Bearer your_github_token_here");
        assertThat(json(got.body()).path("model").asText()).isEqualTo("deepseek/deepseek-r1");
    }

    /** Seed 000's Python and JavaScript examples: the OpenAI SDK on .../v1 with api key "dummy", four models. */
    @Test
    void seed000SdkExamples() throws Exception {
        OpenAIClient client = Sdks.openAi("http://127.0.0.1:" + port + "/v1", "dummy");
        try {
            sdkChat(client, "ext-copilot-gpt-4", "Write Python code", "githubcopilot", "gpt-4");
            sdkChat(client, "atlas-openai/gpt-5", "Hello!", "atlas", "openai/gpt-5");
            sdkChat(client, "ext-claude-code-claude-3-5-sonnet-20241022", "Explain async/await", "claude_code",
                    "claude-3-5-sonnet-20241022");
            sdkChat(client, "ext-cursor-gpt-4-cursor", "Debug this code", "cursor_agent", "gpt-4-cursor");
        } finally {
            client.close();
        }
    }

    /** Seed 000, "Перевірка статусу провайдерів": every provider of the .env, enabled and configured. */
    @Test
    void seed000CurlProviders() throws Exception {
        HttpWire.Message res = curl("GET", "/api/monitoring/providers", null);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.path("success").isBoolean() && body.path("success").asBoolean()).as(res.text()).isTrue();
        Map<String, JsonNode> byType = new LinkedHashMap<>();
        body.path("providers").forEach(p -> byType.put(p.path("type").asText(), p));
        assertThat(byType).containsKeys(SEED_TYPES);
        for (String type : SEED_TYPES) {
            JsonNode p = byType.get(type);
            assertThat(p.path("enabled").asBoolean()).as(p.toString()).isTrue();
            assertThat(p.path("configured").asBoolean()).as(p.toString()).isTrue();
        }
        // Issue 16: the seed's available_types and the configured / enabled counts.
        assertThat(body.path("available_types").isArray()).as(res.text()).isTrue();
        List<String> types = new ArrayList<>();
        body.path("available_types").forEach(t -> types.add(t.path("type").asText()));
        assertThat(types).contains(SEED_TYPES);
        assertThat(body.path("enabled").isIntegralNumber()).as(res.text()).isTrue();
        assertThat(body.path("configured").asInt()).isEqualTo(body.path("enabled").asInt())
                .isGreaterThanOrEqualTo(SEED_TYPES.length);
    }

    /** Seed 000, "Всі токени": keyed by provider, with total_providers. */
    @Test
    void seed000CurlAllTokens() throws Exception {
        HttpWire.Message res = curl("GET", "/api/monitoring/providers/tokens/all", null);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.path("success").asBoolean()).as(res.text()).isTrue();
        JsonNode keyed = body.path("tokens");
        List<String> names = new ArrayList<>();
        keyed.fieldNames().forEachRemaining(names::add);
        // Every provider with keys; Ollama takes none.
        assertThat(names).containsExactlyInAnyOrder("github-copilot", "github-models", "claude-code", "cursor-agent",
                "lead-worker", "anthropic", "openai", "azure", "gemini", "openrouter", "litellm", "xai");
        assertThat(body.path("total_providers").isIntegralNumber()).as(res.text()).isTrue();
        assertThat(body.path("total_providers").asInt()).isEqualTo(names.size());
        assertThat(keyNames(keyed.path("github-copilot"))).containsExactly("GITHUB_COPILOT_API_KEY",
                "GITHUB_COPILOT_TOKEN_1", "GITHUB_COPILOT_TOKEN_2", "GITHUB_COPILOT_TOKEN_3", "GITHUB_COPILOT_TOKEN_4",
                "GITHUB_COPILOT_TOKEN_5");
        assertThat(keyNames(keyed.path("claude-code"))).containsExactly("CLAUDE_CODE_API_KEY", "CLAUDE_CODE_TOKEN_1",
                "CLAUDE_CODE_TOKEN_2");
        assertThat(keyNames(keyed.path("github-models"))).containsExactly("GITHUB_TOKEN");
        assertThat(res.text()).as("no key in the clear").doesNotContain("your_api_key", "token_1", "sk-ant-api03-xxx",
                "your_github_token_here");
    }

    /** Seed 000, "Токени GitHub Copilot", in the shape of the seed's "Приклад відповіді". */
    @Test
    void seed000CurlCopilotTokens() throws Exception {
        assertCompletion(curl("POST", "/v1/chat/completions", Bodies.chat("ext-copilot-gpt-4", false, "Hello"),
                "Content-Type", "application/json"), "githubcopilot");
        HttpWire.Message res = curl("GET", "/api/monitoring/providers/githubcopilot/tokens", null);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.path("success").isBoolean() && body.path("success").asBoolean()).as(res.text()).isTrue();
        // The seed's example says "githubcopilot"; Sluice names the provider "github-copilot" and takes the seed's
        // name as an alias. Either names this provider, not another.
        assertThat(body.path("provider").asText()).isIn("githubcopilot", "github-copilot");
        assertThat(keyNames(body)).containsExactly("GITHUB_COPILOT_API_KEY", "GITHUB_COPILOT_TOKEN_1",
                "GITHUB_COPILOT_TOKEN_2", "GITHUB_COPILOT_TOKEN_3", "GITHUB_COPILOT_TOKEN_4", "GITHUB_COPILOT_TOKEN_5");
        int active = 0;
        for (JsonNode t : body.path("tokens")) {
            assertThat(t.path("key").isTextual()).as(t.toString()).isTrue();
            assertThat(t.path("active").isBoolean()).as(t.toString()).isTrue();
            assertThat(t.path("blocked").isBoolean()).as(t.toString()).isTrue();
            assertThat(t.path("blocked").asBoolean()).as(t.toString()).isFalse();
            assertThat(t.path("blockedUntil").isIntegralNumber()).as(t.toString()).isTrue();
            assertThat(t.path("blockedUntil").asLong()).as(t.toString()).isZero();
            assertThat(t.path("failures").isIntegralNumber()).as(t.toString()).isTrue();
            assertThat(t.path("failures").asInt()).as(t.toString()).isZero();
            active += t.path("active").asBoolean() ? 1 : 0;
        }
        assertThat(body.path("total").isIntegralNumber()).as(res.text()).isTrue();
        assertThat(body.path("total").asInt()).isEqualTo(6);
        assertThat(body.path("active").isIntegralNumber()).as(res.text()).isTrue();
        assertThat(body.path("active").asInt()).as("active: the tokens marked active").isEqualTo(active)
                .isPositive();
        assertThat(body.path("blocked").isIntegralNumber()).as(res.text()).isTrue();
        assertThat(body.path("blocked").asInt()).isZero();
    }

    /** Seed 000, "Останні 50 помилок", after Copilot failed a request. */
    @Test
    void seed000CurlCopilotErrorLogs() throws Exception {
        assertCompletion(curl("POST", "/v1/chat/completions", Bodies.chat("ext-copilot-gpt-4", false, "Hello"),
                "Content-Type", "application/json"), "githubcopilot");
        HttpWire.Message failed = curl("POST", "/v1/chat/completions", Bodies.chat("ext-copilot-gpt-4", false,
                FAIL), "Content-Type", "application/json");
        assertThat(failed.status()).as(failed.text()).isBetween(500, 599);

        HttpWire.Message res = curl("GET", "/api/monitoring/providers/githubcopilot/logs?level=error&count=50", null);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.path("success").asBoolean()).as(res.text()).isTrue();
        assertThat(body.path("provider").asText()).isIn("githubcopilot", "github-copilot");
        JsonNode logs = body.path("logs");
        assertThat(logs.isArray() && !logs.isEmpty()).as("the failure is logged: %s", res.text()).isTrue();
        assertThat(logs.size()).isLessThanOrEqualTo(50);
        assertThat(body.path("count").isIntegralNumber()).as(res.text()).isTrue();
        assertThat(body.path("count").asInt()).isEqualTo(logs.size());
        for (JsonNode e : logs) {
            assertLogEntry(e);
            assertThat(e.path("level").asText()).as("level=error: %s", e).isEqualTo("ERROR");
            assertThat(e.path("provider").asText()).isIn("githubcopilot", "github-copilot");
        }
    }

    /** Seed 000, "Всі останні логи": the entries of every provider. */
    @Test
    void seed000CurlAllLogs() throws Exception {
        assertCompletion(curl("POST", "/v1/chat/completions", Bodies.chat("ext-cursor-gpt-4-cursor", false, "Hi"),
                "Content-Type", "application/json"), "cursor_agent");
        assertCompletion(curl("POST", "/v1/chat/completions", Bodies.chat("atlas-openai/gpt-4o", false, "Hi"),
                "Content-Type", "application/json"), "atlas");
        HttpWire.Message res = curl("GET", "/api/monitoring/providers/logs/all?count=200", null);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.path("success").asBoolean()).as(res.text()).isTrue();
        JsonNode logs = body.path("logs");
        assertThat(logs.isArray()).as(res.text()).isTrue();
        assertThat(logs.size()).isBetween(2, 200);
        assertThat(body.path("count").asInt()).isEqualTo(logs.size());
        List<String> providers = new ArrayList<>();
        for (JsonNode e : logs) {
            assertLogEntry(e);
            providers.add(e.path("provider").asText());
        }
        assertThat(providers).contains("cursor-agent", "github-models");
    }

    /** Seed 000, "Статистика": per provider, by level. */
    @Test
    void seed000CurlLogStats() throws Exception {
        assertCompletion(curl("POST", "/v1/chat/completions", Bodies.chat("ext-cursor-gpt-4-cursor", false, "Hi"),
                "Content-Type", "application/json"), "cursor_agent");
        HttpWire.Message res = curl("GET", "/api/monitoring/providers/logs/stats", null);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.path("success").asBoolean()).as(res.text()).isTrue();
        Map<String, JsonNode> byProvider = new LinkedHashMap<>();
        body.path("providers").forEach(p -> byProvider.put(p.path("provider").asText(), p));
        assertThat(byProvider).containsKeys("github-copilot", "github-models", "claude-code", "cursor-agent",
                "lead-worker", "anthropic", "openai", "azure", "ollama", "gemini", "openrouter", "litellm", "xai");
        JsonNode cursor = byProvider.get("cursor-agent");
        assertThat(cursor.path("total").asInt()).as(cursor.toString()).isPositive();
        assertThat(cursor.path("info").asInt()).as(cursor.toString()).isPositive();
        assertThat(cursor.path("error").asInt()).as(cursor.toString()).isZero();
        assertThat(byProvider.get("xai").path("total").asInt()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Seed 001 (external providers), "Приклади використання"

    /** Seed 001's cURL example. */
    @Test
    void seed001CurlGoogle() throws Exception {
        HttpWire.Message res = curl("POST", "/v1/chat/completions", """
                {
                    "model": "ext-google-gemini-pro",
                    "messages": [{"role": "user", "content": "Hello!"}]
                  }""", "Content-Type", "application/json");
        assertCompletion(res, "google");
        Received got = next("google");
        assertThat(got.method() + " " + got.uri()).isEqualTo("POST /v1beta/models/gemini-pro:generateContent");
        assertThat(got.header("x-goog-api-key")).isEqualTo("your_google_api_key_here");
        assertThat(json(got.body()).at("/contents/0/parts/0/text").asText()).isEqualTo("Hello!");
    }

    /** Seed 001's Python example: the OpenAI SDK on .../v1 with api key "dummy", Claude through the proxy. */
    @Test
    void seed001PythonSdk() throws Exception {
        OpenAIClient client = Sdks.openAi("http://127.0.0.1:" + port + "/v1", "dummy");
        try {
            sdkChat(client, "ext-anthropic-claude-3-5-sonnet-20241022", "Hello!", "anthropic",
                    "claude-3-5-sonnet-20241022");
        } finally {
            client.close();
        }
    }

    /** Seed 001's JavaScript example: {@code fetch} as Node sends it, to Ollama at the seed's base URL. */
    @Test
    void seed001JavaScriptFetch() throws Exception {
        String body = "{\"model\":\"ext-ollama-llama3\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
        HttpWire.Message res = send("POST /v1/chat/completions HTTP/1.1\r\n"
                + "host: 127.0.0.1:" + port + "\r\n"
                + "connection: keep-alive\r\n"
                + "Content-Type: application/json\r\n"
                + "accept: */*\r\n"
                + "accept-language: *\r\n"
                + "sec-fetch-mode: cors\r\n"
                + "user-agent: node\r\n"
                + "accept-encoding: gzip, deflate\r\n"
                + "content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
        assertCompletion(res, "ollama");
        Received got = next("ollama");
        assertThat(got.method() + " " + got.uri()).isEqualTo("POST /v1/chat/completions");
        assertThat(json(got.body()).path("model").asText()).isEqualTo("llama3");
        assertThat(got.header("authorization")).isNull();
    }

    /**
     * Seed 001, "Система префіксів моделей" and "Streaming підтримка": each provider's example id reaches that
     * provider, as a plain answer and, with {@code "stream": true}, as OpenAI SSE.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ext-anthropic-claude-3-5-sonnet-20241022 | anthropic | /v1/messages | x-api-key | sk-ant-api03-xxx",
        "ext-openai-gpt-4 | openai | /v1/chat/completions | authorization | Bearer your_openai_api_key_here",
        "ext-azure-gpt-4 | azure | /openai/deployments/gpt-4/chat/completions?api-version=2024-02-15-preview"
                + " | api-key | your_azure_api_key_here",
        "ext-ollama-llama3 | ollama | /v1/chat/completions | authorization | ",
        "ext-google-gemini-pro | google | /v1beta/models/gemini-pro:generateContent | x-goog-api-key"
                + " | your_google_api_key_here",
        "ext-openrouter-anthropic/claude-3.5-sonnet | openrouter | /api/v1/chat/completions | authorization"
                + " | Bearer your_openrouter_api_key_here",
        "ext-litellm-gpt-4 | litellm | /chat/completions | authorization | Bearer your_litellm_api_key_here",
        "ext-xai-grok-beta | xai | /v1/chat/completions | authorization | Bearer your_xai_api_key_here",
    })
    void seed001EachProvidersPrefixPlainAndStreamed(String model, String provider, String uri, String keyHeader,
                                                    String key) throws Exception {
        assertCompletion(curl("POST", "/v1/chat/completions", Bodies.chat(model, false, "Hello!"),
                "Content-Type", "application/json"), provider);
        Received got = next(provider);
        assertThat(got.method() + " " + got.uri()).isEqualTo("POST " + uri);
        assertThat(got.header(keyHeader)).isEqualTo(key);
        assertThat(got.headers().values()).as("no client credential forwarded").noneMatch(v -> v.contains("dummy"));

        HttpWire.Message streamed = curl("POST", "/v1/chat/completions", Bodies.chat(model, true, "Hello!"),
                "Content-Type", "application/json", "Authorization", "Bearer dummy");
        assertStream(streamed, provider);
        assertThat(next(provider).uri()).startsWith(uri.contains(":generateContent")
                ? uri.replace(":generateContent", ":streamGenerateContent") : uri);
    }

    /**
     * Seeds 000 and 001: {@code GET /v1/models} lists the seeds' ids: each special provider's "Моделі", all 58
     * {@code atlas-} ids, and an {@code ext-<provider>-} id of each external one, Ollama's and LiteLLM's fetched
     * from the servers themselves ("/v1/models повертає моделі з усіх провайдерів").
     */
    @Test
    void seedModelIdsAreListed() throws Exception {
        // Ollama's and LiteLLM's lists are fetched once Sluice has started.
        List<String> ids = Await.value("the models of Ollama and LiteLLM in /v1/models", Await.TIMEOUT,
                this::listedModels, l -> l.contains("ext-ollama-llama3:latest") && l.contains("ext-litellm-gpt-4"));
        assertThat(ids).contains(
                "ext-copilot-gpt-4", "ext-copilot-gpt-4-turbo", "ext-copilot-gpt-3.5-turbo",
                "ext-copilot-claude-3-opus", "ext-copilot-claude-3-sonnet",
                "ext-claude-code-claude-3-5-sonnet-20241022", "ext-claude-code-claude-3-opus-20240229",
                "ext-claude-code-claude-3-sonnet-20240229", "ext-claude-code-claude-3-haiku-20240307",
                "ext-cursor-gpt-4-cursor", "ext-cursor-gpt-3.5-turbo-cursor", "ext-cursor-claude-cursor",
                "ext-cursor-cursor-small", "ext-cursor-cursor-medium",
                "ext-leadworker-worker-gpt-4", "ext-leadworker-worker-claude-3", "ext-leadworker-worker-fast",
                "ext-leadworker-worker-accurate", "ext-leadworker-worker-balanced",
                "atlas-openai/gpt-4o", "atlas-openai/gpt-5", "atlas-meta/llama-3.3-70b-instruct",
                "atlas-deepseek/deepseek-r1",
                "ext-azure-gpt-4"); // AZURE_OPENAI_DEPLOYMENT=gpt-4
        assertThat(ids.stream().filter(id -> id.startsWith("atlas-"))).as("all 58 GitHub Models").hasSize(58);
        for (String prefix : new String[] {"ext-anthropic-", "ext-openai-", "ext-azure-", "ext-ollama-",
            "ext-google-", "ext-openrouter-", "ext-litellm-", "ext-xai-"}) {
            assertThat(ids).as(prefix).anyMatch(id -> id.startsWith(prefix));
        }
    }

    private List<String> listedModels() throws IOException {
        HttpWire.Message res = curl("GET", "/v1/models", null);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        res.json().path("data").forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Seed 002 (the GitHub-Models proxy)

    /**
     * Seed 002's "Стандартний OpenAI клієнт": the OpenAI SDK, api key "dummy-key", the seed's bare id, which is
     * GitHub Models' (seed 001's providers are reached by their ext- ids only).
     */
    @Test
    void seed002OpenAiClient() throws Exception {
        OpenAIClient client = Sdks.openAi("http://127.0.0.1:" + port + "/v1", "dummy-key");
        try {
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage("Привіт!").build());
            assertThat(c.choices().get(0).message().content()).hasValue(text("atlas"));
        } finally {
            client.close();
        }
        Received got = next("atlas");
        assertThat(got.header("authorization")).as("sent by GitHub Models, with GITHUB_TOKEN")
                .isEqualTo("Bearer your_github_token_here");
        assertThat(got.method() + " " + got.uri()).isEqualTo("POST /inference/chat/completions");
        assertThat(json(got.body()).path("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(json(got.body()).at("/messages/0/content").asText()).isEqualTo("Привіт!");
    }

    /**
     * Seed 002, "Приклад збору через curl" (the same command twice in the README): {@code curl -s
     * http://localhost:3010/metrics | head -n 40}. The seed's nine metrics with their types, on the path of
     * METRICS_PATH; {@code http_errors_total} counts 5xx only.
     */
    @Test
    void seed002CurlMetrics() throws Exception {
        assertCompletion(curl("POST", "/v1/chat/completions", Bodies.chat("ext-cursor-gpt-4-cursor", false, "Hi"),
                "Content-Type", "application/json"), "cursor_agent");
        assertThat(curl("GET", "/v1/no-such-route", null).status()).isEqualTo(404); // a 4xx: not an "error"

        HttpWire.Message res = curl("GET", "/metrics", null);
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        assertThat(res.header("content-type")).startsWith("text/plain");
        String scrape = res.text();
        List<String> head = scrape.lines().limit(40).toList(); // | head -n 40
        assertThat(head).hasSize(40).allMatch(l -> l.startsWith("# HELP ") || l.startsWith("# TYPE ")
                || l.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? \\S+"), "Prometheus text lines");
        Map<String, String> seedMetrics = new LinkedHashMap<>();
        seedMetrics.put("http_requests_total", "counter");
        seedMetrics.put("http_errors_total", "counter");
        seedMetrics.put("rate_limit_exceeded_total", "counter");
        seedMetrics.put("upstream_active_current", "gauge");
        seedMetrics.put("upstream_queue_length", "gauge");
        seedMetrics.put("http_request_duration_seconds", "histogram");
        seedMetrics.put("process_resident_memory_bytes", "gauge");
        seedMetrics.put("process_uptime_seconds", "gauge");
        seedMetrics.put("nodejs_active_handles", "gauge");
        seedMetrics.forEach((name, type) -> {
            assertThat(scrape).as(name).contains("# TYPE " + name + " " + type + "\n");
            assertThat(Prometheus.gauge(scrape, "histogram".equals(type) ? name + "_count" : name)).as(name)
                    .isPresent();
        });
        assertThat(Prometheus.sample(scrape, "http_requests_total", "POST", "/v1/chat/completions", "200"))
                .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(total(scrape, "http_errors_total")).as("no 5xx was answered").isZero();
        assertThat(scrape).doesNotContain(" NaN\n");
    }

    /**
     * Seed 002, "Простий HTTP запит" and "Рекомендації моделей" (issue 17 item 7): the simple chat answers with the
     * text GitHub Models gave (the seed's {@code {message}}, and {@code response}, which its page reads), through the
     * normal path; the recommendation ranks the catalog's models, each with why.
     */
    @Test
    void seed002SimpleChatAndRecommendModel() throws Exception {
        HttpWire.Message simple = curl("POST", "/v1/simple-chat",
                "{\"message\": \"Привіт!\", \"model\": \"gpt-4o-mini\"}", "Content-Type", "application/json");
        assertThat(simple.status()).as(simple.text()).isEqualTo(200);
        assertThat(simple.json().path("message").asText()).isEqualTo(text("atlas"));
        assertThat(simple.json().path("response").asText()).isEqualTo(text("atlas"));
        assertGateHeaders(simple);
        Received got = next("atlas");
        assertThat(got.method() + " " + got.uri()).isEqualTo("POST /inference/chat/completions");
        assertThat(got.header("authorization")).isEqualTo("Bearer your_github_token_here");
        assertThat(json(got.body()).path("model").asText()).isEqualTo("openai/gpt-4o-mini");
        assertThat(json(got.body()).at("/messages/1/content").asText()).isEqualTo("Привіт!");

        HttpWire.Message recommend = curl("POST", "/v1/recommend-model", """
                {
                    "speed": "high",
                    "quality": "medium",\s
                    "contextSize": "large",
                    "task": "general"
                  }""", "Content-Type", "application/json");
        assertThat(recommend.status()).as(recommend.text()).isEqualTo(200);
        JsonNode recs = recommend.json().path("recommendations");
        assertThat(recs.size()).isEqualTo(3); // the seed's top 3
        for (JsonNode r : recs) {
            assertThat(r.path("name").asText()).isNotEmpty();
            assertThat(r.path("score").asInt()).isPositive();
            assertThat(r.path("why").size()).isPositive();
        }
        assertThat(recommend.json().at("/requirements/contextSize").asText()).isEqualTo("large");

        assertThat(mocks.get("atlas").requestsWaiting() + mocks.get("openai").requestsWaiting())
                .as("the recommendation called no provider").isZero();
        assertCompletion(curl("POST", "/v1/chat/completions", Bodies.chat("ext-cursor-gpt-4-cursor", false, "Hi"),
                "Content-Type", "application/json"), "cursor_agent");
    }

    /**
     * Seed 002's limits from the .env: RATE_LIMIT_ENABLED=1 with RATE_LIMIT_PER_MINUTE=30 answers the 31st request
     * of a minute 429 and counts it in {@code rate_limit_exceeded_total} ("Заблоковані rate limiting запити").
     */
    @Test
    void seed002RateLimitFromTheDotEnv() throws Exception {
        // RATE_LIMIT_PER_MINUTE=30: a bucket of 30 that refills one every 2 s. 40 requests in a row: the first 30 pass,
        // then only what refilled while they ran (a slow machine may take seconds over them).
        long start = System.nanoTime();
        int passed = 0;
        HttpWire.Message limited = null;
        for (int i = 0; i < 40; i++) {
            HttpWire.Message m = curl("POST", "/v1/chat/completions", Bodies.chat("ext-xai-grok-beta", false, "Hi"),
                    "Content-Type", "application/json");
            if (m.status() == 200) {
                passed++;
            } else {
                limited = m;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(passed).isBetween(30, 30 + (int) (seconds / 2) + 1);
        assertThat(limited).as("one request over the limit").isNotNull();
        assertThat(limited.status()).as(limited.text()).isEqualTo(429);
        assertThat(limited.error().path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(total(curl("GET", "/metrics", null).text(), "rate_limit_exceeded_total"))
                .isEqualTo(40.0 - passed);
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    /** What the upstream mock of {@code name} answers with; its text names the provider. */
    private static String text(String provider) {
        return "Hello from " + provider + ".";
    }

    private void sdkChat(OpenAIClient client, String model, String prompt, String provider, String upstreamModel)
            throws InterruptedException {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                .addUserMessage(prompt).build());
        assertThat(c.choices().get(0).message().content()).as("%s answered by the %s mock", model, provider)
                .hasValue(text(provider));
        Received got = next(provider);
        assertThat(json(got.body()).path("model").asText()).as("%s sent to the %s mock as", model, provider)
                .isEqualTo(upstreamModel);
        assertThat(got.headers().values()).as("the SDK's key stays in Sluice").noneMatch(v -> v.contains("dummy"));
    }

    /** The sum of every series of {@code name}: what the seed's unlabelled metric reads. */
    private static double total(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The next request of a chat to {@code provider}'s mock: model listings and token exchanges skipped. */
    private Received next(String provider) throws InterruptedException {
        Received r;
        do {
            r = mocks.get(provider).take();
        } while (r.method().equals("GET"));
        return r;
    }

    private static List<String> keyNames(JsonNode tokens) {
        List<String> names = new ArrayList<>();
        tokens.path("tokens").forEach(t -> names.add(t.path("key").asText()));
        return names;
    }

    /** The fields of the seed's log entry: ISO timestamp, provider, level in capitals, message, model. */
    private static void assertLogEntry(JsonNode e) {
        assertThat(e.path("timestamp").isTextual()).as(e.toString()).isTrue();
        assertThat(Instant.parse(e.path("timestamp").asText())).as(e.toString())
                .isBetween(Instant.now().minusSeconds(120), Instant.now().plusSeconds(1));
        assertThat(e.path("provider").isTextual()).as(e.toString()).isTrue();
        assertThat(e.path("level").asText()).as(e.toString()).isIn("DEBUG", "INFO", "WARN", "ERROR");
        assertThat(e.path("message").isTextual()).as(e.toString()).isTrue();
        assertThat(e.has("model")).as(e.toString()).isTrue();
    }

    private static void assertCompletion(HttpWire.Message res, String provider) {
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        JsonNode body = res.json();
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/message/content").asText()).as("answered by the %s mock", provider)
                .isEqualTo(text(provider));
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertGateHeaders(res);
    }

    /** OpenAI SSE: chat.completion.chunk events carrying the provider's text, a stop, one final [DONE]. */
    private static void assertStream(HttpWire.Message res, String provider) {
        assertThat(res.status()).as(res.text()).isEqualTo(200);
        assertThat(res.header("content-type")).startsWith("text/event-stream");
        List<String> data = new ArrayList<>();
        for (String line : res.text().split("\r?\n")) {
            if (line.startsWith("data:")) {
                data.add(line.substring(5).strip());
            }
        }
        assertThat(data).as(res.text()).isNotEmpty().endsWith("[DONE]");
        assertThat(data.stream().filter("[DONE]"::equals)).as(res.text()).hasSize(1);
        StringBuilder text = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = json(d);
            assertThat(chunk.path("object").asText()).as(d).isEqualTo("chat.completion.chunk");
            for (JsonNode choice : chunk.path("choices")) {
                text.append(choice.at("/delta/content").asText(""));
                if (choice.path("finish_reason").isTextual()) {
                    finishReasons.add(choice.path("finish_reason").asText());
                }
            }
        }
        assertThat(text.toString()).as("streamed by the %s mock: %s", provider, res.text()).isEqualTo(text(provider));
        assertThat(finishReasons).as(res.text()).containsExactly("stop");
        assertGateHeaders(res);
    }

    /** UPSTREAM_CONCURRENCY_ENABLED=1: the seed's X-Upstream-Active / X-Upstream-Queue on the answer. */
    private static void assertGateHeaders(HttpWire.Message res) {
        assertThat(res.header("x-upstream-active")).as("X-Upstream-Active").matches("\\d+");
        assertThat(res.header("x-upstream-queue")).as("X-Upstream-Queue").isEqualTo("0");
    }

    /**
     * What {@code curl [-X method] http://localhost:PORT<target> [-H name:value]... [-d body]} sends: the request
     * line, Host, curl's User-Agent and Accept, the {@code -H} headers, and for {@code -d} the body with its length.
     */
    private HttpWire.Message curl(String method, String target, String body, String... headers) throws IOException {
        StringBuilder req = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("User-Agent: ").append(CURL_AGENT).append("\r\n")
                .append("Accept: */*\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (body != null) {
            req.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        req.append("\r\n");
        if (body != null) {
            req.append(body);
        }
        return send(req.toString());
    }

    /** Sends {@code wire} on a new connection to Sluice and reads one response. */
    private HttpWire.Message send(String wire) throws IOException {
        try (RawHttp client = RawHttp.connect(port)) {
            client.write(wire);
            return client.readResponse();
        }
    }

    private String url(String provider) {
        return "http://127.0.0.1:" + mocks.get(provider).port();
    }

    /** The bundled conf/sluice.yaml of the repository, found from the module directory surefire runs in. */
    private static Path bundledConfig() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path yaml = dir.resolve("conf").resolve("sluice.yaml");
            if (Files.isRegularFile(yaml) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return yaml;
            }
        }
        throw new IllegalStateException("conf/sluice.yaml not found above " + Path.of("").toAbsolutePath());
    }

    /** The wire format a mock speaks. */
    private enum Dialect { OPENAI, ANTHROPIC, GEMINI }

    /** A mock of provider {@code name} speaking {@code dialect} under {@code basePath}; other paths get 404. */
    private void mock(String name, Dialect dialect, String basePath) throws InterruptedException {
        String[] self = new String[1];
        Function<Received, Reply> script = r -> answer(name, dialect, basePath, self[0], r);
        TestUpstream up = new TestUpstream(script);
        self[0] = "http://127.0.0.1:" + up.port();
        mocks.put(name, up);
    }

    private static Reply answer(String name, Dialect dialect, String basePath, String self, Received r) {
        String path = r.uri();
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        if (bare.equals(COPILOT_TOKEN_PATH)) {
            long now = System.currentTimeMillis() / 1000;
            return Reply.json(200, "{\"endpoints\":{\"api\":\"" + self + "\"},\"expires_at\":" + (now + 1800)
                    + ",\"refresh_in\":1500,\"token\":\"" + COPILOT_TOKEN + "\"}");
        }
        if (bare.equals("/api/tags")) { // Ollama's own listing
            return Reply.json(200, "{\"models\":[{\"name\":\"llama3:latest\",\"model\":\"llama3:latest\"}]}");
        }
        if (r.body().contains(FAIL)) {
            return Reply.json(500, "{\"error\":{\"message\":\"upstream failure\",\"type\":\"server_error\"}}");
        }
        boolean stream = path.contains(":streamGenerateContent")
                || (!r.body().isEmpty() && json(r.body()).path("stream").asBoolean(false));
        String text = text(name);
        switch (dialect) {
            case OPENAI:
                if (r.method().equals("GET") && bare.equals(basePath + "/models")) {
                    String id = name.equals("ollama") ? "llama3:latest" : "gpt-4";
                    return Reply.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"" + id + "\",\"object\":"
                            + "\"model\",\"owned_by\":\"" + name + "\"}]}");
                }
                if (!bare.equals(basePath + "/chat/completions")) {
                    break;
                }
                if (!stream) {
                    return Reply.json(200, Bodies.completion(text));
                }
                return Reply.sse(chunk("{\"role\":\"assistant\",\"content\":" + Bodies.quote(text) + "}", "null"),
                        chunk("{}", "\"stop\""), "data: [DONE]\n\n");
            case ANTHROPIC:
                if (!bare.equals(basePath + "/messages")) {
                    break;
                }
                if (!stream) {
                    return Reply.json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                            + "\"model\":\"claude\",\"content\":[{\"type\":\"text\",\"text\":" + Bodies.quote(text)
                            + "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}");
                }
                return Reply.sse("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"
                        + "\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],"
                        + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,"
                        + "\"output_tokens\":1}}}\n\n",
                        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":" + Bodies.quote(text) + "}}\n\n",
                        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                        + "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":4}}\n\n",
                        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
            case GEMINI:
                if (!bare.startsWith(basePath + "/models/")) {
                    break;
                }
                String candidate = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                        + Bodies.quote(text) + "}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":"
                        + "{\"promptTokenCount\":3,\"candidatesTokenCount\":4,\"totalTokenCount\":7}}";
                return stream ? Reply.sse("data: " + candidate + "\r\n\r\n") : Reply.json(200, candidate);
            default:
                break;
        }
        return Reply.json(404, "{\"error\":{\"message\":\"no such path on " + name + ": " + bare + "\"}}");
    }

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason + "}]}\n\n";
    }
}
