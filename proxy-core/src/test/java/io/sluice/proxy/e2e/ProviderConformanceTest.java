package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import io.sluice.providers.GitHubModels;
import io.sluice.providers.ProviderCatalog;
import io.sluice.providers.ProviderDescriptor;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Received;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue "Providers and routing": with nothing but the seeds' environment variables (an explicit map, never the
 * process environment) and a config file that names no provider, Sluice lists each built-in provider's models from
 * {@code GET /v1/models} and relays a request for one of them, from the official OpenAI SDK, to a loopback upstream
 * standing in for that provider: the path its API documents, its auth header, its extra headers, the upstream model
 * id in the body, and an answer in its own dialect that the SDK reads back as text.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // the first case pays the SDK's class loading
class ProviderConformanceTest {

    /** What the SDK sends Sluice as its key: it must never reach an upstream. */
    static final String CLIENT_KEY = "sk-client-key-never-forwarded";
    /** A GitHub OAuth token as the seeds set it: exchanged, never sent to the Copilot API. */
    static final String COPILOT_GITHUB_TOKEN = "gho_CopilotSeedToken0123456789abcdefABCD";
    /** What the token endpoint hands out in exchange, in Copilot's format. */
    static final String COPILOT_TOKEN = "tid=5e1f2c3d4b5a;exp=1999999999;sku=copilot_for_business_seat;"
            + "proxy-ep=proxy.business.githubcopilot.com;8kp=1:0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final String TOKEN_PATH = "/copilot_internal/v2/token";
    static final String STREAMED_TEXT = "Sluice relays every byte.";

    /** Anthropic Messages stream of plain text, as api.anthropic.com sends it. */
    static final String ANTHROPIC_TEXT_SSE = ""
            + "event: message_start\n"
            + "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01HkXq2Vd7p1u3qR9s8TzY4w\",\"type\":"
            + "\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],"
            + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,"
            + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n"
            + "event: content_block_start\n"
            + "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
            + "\"text\":\"\"}}\n\n"
            + "event: ping\n"
            + "data: {\"type\": \"ping\"}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
            + "\"Sluice relays\"}}\n\n"
            + "event: content_block_delta\n"
            + "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
            + "\" every byte.\"}}\n\n"
            + "event: content_block_stop\n"
            + "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\n"
            + "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
            + "\"usage\":{\"output_tokens\":5}}\n\n"
            + "event: message_stop\n"
            + "data: {\"type\":\"message_stop\"}\n\n";

    /** Gemini {@code streamGenerateContent?alt=sse} of plain text (CRLF framing, as Google sends it). */
    static final String GEMINI_TEXT_SSE = ""
            + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Sluice relays\"}],\"role\": \"model\"},"
            + "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 3,\"candidatesTokenCount\": 2,"
            + "\"totalTokenCount\": 5},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"q8ZHaPbOL4\"}\r\n\r\n"
            + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" every byte.\"}],\"role\": \"model\"},"
            + "\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 3,"
            + "\"candidatesTokenCount\": 5,\"totalTokenCount\": 8},\"modelVersion\": \"gemini-2.5-flash\","
            + "\"responseId\": \"q8ZHaPbOL4\"}\r\n\r\n";

    /** The wire format an upstream answers in, and the text the SDK must read from each answer. */
    enum Wire {
        OPENAI("Hello! How can I assist you today?"),
        ANTHROPIC("Hi! My name is Claude."),
        GEMINI("Hello from Gemini.");

        final String text;

        Wire(String text) {
            this.text = text;
        }

        Reply reply(Received r) {
            if (r.method().equals("GET") && r.uri().endsWith("/models")) {
                return Reply.json(200, "{\"object\":\"list\",\"data\":[]}"); // ollama, litellm list models
            }
            boolean stream = r.uri().contains(":streamGenerateContent")
                    || (!r.body().isEmpty() && json(r.body()).path("stream").asBoolean(false));
            return switch (this) {
                case OPENAI -> stream ? OpenAiSdkTest.sse(OpenAiSdkTest.TEXT_EVENTS)
                        : Reply.json(200, OpenAiSdkTest.COMPLETION);
                case ANTHROPIC -> stream ? Reply.sse(ANTHROPIC_TEXT_SSE.substring(0, 700),
                        ANTHROPIC_TEXT_SSE.substring(700)) : Reply.json(200, TranslationSdkTest.ANTHROPIC_MESSAGE);
                case GEMINI -> stream ? Reply.sse(GEMINI_TEXT_SSE)
                        : Reply.json(200, TranslationSdkTest.GEMINI_RESPONSE);
            };
        }
    }

    /** The auth headers an upstream must see, and those it must not. */
    record Auth(Map<String, String> present, List<String> absent) {
        static final List<String> ALL = List.of("authorization", "x-api-key", "api-key", "x-goog-api-key");

        static Auth of(String header, String value, String... more) {
            Map<String, String> present = new LinkedHashMap<>();
            present.put(header, value);
            for (int i = 0; i < more.length; i += 2) {
                present.put(more[i], more[i + 1]);
            }
            return new Auth(present, ALL.stream().filter(h -> !present.containsKey(h)).toList());
        }

        static Auth bearer(String key) {
            return of("authorization", "Bearer " + key);
        }

        static Auth xApiKey(String key) {
            return of("x-api-key", key, "anthropic-version", "2023-06-01");
        }

        static Auth none() {
            return new Auth(Map.of(), ALL);
        }
    }

    /**
     * One provider as the environment turns it on. Env values may hold {@code {up}} (the chat upstream's origin)
     * and {@code {token}} (the Copilot token endpoint's origin).
     */
    record Case(String label, String provider, Map<String, String> env, Wire wire, List<String> modelIds,
                List<String> listedUpstream, String model, String upstreamModel, String path, String streamPath,
                Auth auth, Map<String, String> headers) {
        @Override
        public String toString() {
            return label;
        }

        boolean copilot() {
            return env.values().stream().anyMatch(v -> v.contains("{token}"));
        }
    }

    /** Builds a {@link Case}; reads top to bottom like the case table of the issue. */
    static final class CaseBuilder {
        private final String label;
        private final String provider;
        private final Wire wire;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> modelIds = new ArrayList<>();
        private final List<String> listedUpstream = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String model;
        private String upstreamModel;
        private String path;
        private String streamPath;
        private Auth auth;

        CaseBuilder(String label, String provider, Wire wire) {
            this.label = label;
            this.provider = provider;
            this.wire = wire;
        }

        CaseBuilder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** The ids {@code /v1/models} must list, in order: {@code prefix + model} for each. */
        CaseBuilder lists(String prefix, List<String> models) {
            models.forEach(m -> modelIds.add(prefix + m));
            listedUpstream.addAll(models);
            return this;
        }

        CaseBuilder lists(String prefix, String... models) {
            return lists(prefix, List.of(models));
        }

        CaseBuilder chat(String clientModel, String upstream) {
            this.model = clientModel;
            this.upstreamModel = upstream;
            return this;
        }

        CaseBuilder path(String nonStreaming, String streaming) {
            this.path = nonStreaming;
            this.streamPath = streaming;
            return this;
        }

        CaseBuilder path(String both) {
            return path(both, both);
        }

        CaseBuilder auth(Auth a) {
            this.auth = a;
            return this;
        }

        CaseBuilder header(String name, String value) {
            headers.put(name.toLowerCase(Locale.ROOT), value);
            return this;
        }

        Case build() {
            return new Case(label, provider, Map.copyOf(env), wire, List.copyOf(modelIds),
                    List.copyOf(listedUpstream), model, upstreamModel, path, streamPath, auth, Map.copyOf(headers));
        }
    }

    static CaseBuilder provider(String label, String provider, Wire wire) {
        return new CaseBuilder(label, provider, wire);
    }

    static final List<String> OPENAI_MODELS = List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini",
            "gpt-4.1-nano", "o4-mini", "o3", "gpt-5", "gpt-5-mini", "text-embedding-3-small", "text-embedding-3-large",
            "gpt-image-1");

    /** Every built-in type but mock and the two generic compatible ones, plus one dynamic provider of each of those. */
    static Stream<Case> cases() {
        return Stream.of(
                provider("openai", "openai", Wire.OPENAI)
                        .env("OPENAI_ENABLED", "1").env("OPENAI_API_KEY", "sk-proj-openai-test-0001")
                        .env("OPENAI_BASE_URL", "{up}/v1")
                        .lists("ext-openai-", OPENAI_MODELS)
                        .chat("openai/gpt-4o", "gpt-4o").path("/v1/chat/completions")
                        .auth(Auth.bearer("sk-proj-openai-test-0001")).build(),
                provider("openai (EXT_OPENAI_*)", "openai", Wire.OPENAI)
                        .env("EXT_OPENAI_ENABLED", "true").env("EXT_OPENAI_API_KEY", "sk-ext-openai-test-0002")
                        .env("EXT_OPENAI_BASE_URL", "{up}/v1")
                        .lists("ext-openai-", OPENAI_MODELS)
                        .chat("ext-openai-gpt-4o-mini", "gpt-4o-mini").path("/v1/chat/completions")
                        .auth(Auth.bearer("sk-ext-openai-test-0002")).build(),
                provider("anthropic", "anthropic", Wire.ANTHROPIC)
                        .env("ANTHROPIC_ENABLED", "1").env("ANTHROPIC_API_KEY", "sk-ant-test-1234")
                        .env("ANTHROPIC_BASE_URL", "{up}/v1")
                        .lists("ext-anthropic-", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1",
                                "claude-3-5-sonnet-latest", "claude-3-5-haiku-latest")
                        .chat("ext-anthropic-claude-3-5-sonnet", "claude-3-5-sonnet").path("/v1/messages")
                        .auth(Auth.xApiKey("sk-ant-test-1234")).build(),
                provider("gemini (GOOGLE_AI_*)", "gemini", Wire.GEMINI)
                        .env("GOOGLE_AI_ENABLED", "1").env("GOOGLE_API_KEY", "AIzaSyGoogleTestKey0123456789")
                        .env("GOOGLE_AI_BASE_URL", "{up}/v1beta")
                        .lists("ext-google-", "gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite",
                                "gemini-2.0-flash")
                        .chat("gemini/gemini-2.5-flash", "gemini-2.5-flash")
                        .path("/v1beta/models/gemini-2.5-flash:generateContent",
                                "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
                        .auth(Auth.of("x-goog-api-key", "AIzaSyGoogleTestKey0123456789")).build(),
                provider("azure", "azure", Wire.OPENAI)
                        .env("AZURE_OPENAI_ENABLED", "1").env("AZURE_OPENAI_ENDPOINT", "{up}")
                        .env("AZURE_OPENAI_API_KEY", "azure-key-test-0123456789abcdef")
                        .env("AZURE_OPENAI_DEPLOYMENT", "gpt4o-prod")
                        .lists("ext-azure-", "gpt4o-prod")
                        .chat("azure/gpt4o-prod", "gpt4o-prod")
                        .path("/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21")
                        .auth(Auth.of("api-key", "azure-key-test-0123456789abcdef")).build(),
                provider("azure (API_VERSION)", "azure", Wire.OPENAI)
                        .env("AZURE_OPENAI_ENABLED", "yes").env("AZURE_OPENAI_ENDPOINT", "{up}/")
                        .env("AZURE_OPENAI_API_KEY", "azure-key-test-fedcba9876543210")
                        .env("AZURE_OPENAI_DEPLOYMENTS", "gpt4o-prod,gpt4o-mini-dev")
                        .env("AZURE_OPENAI_API_VERSION", "2025-01-01-preview")
                        .lists("ext-azure-", "gpt4o-prod", "gpt4o-mini-dev")
                        .chat("azure/gpt4o-mini-dev", "gpt4o-mini-dev")
                        .path("/openai/deployments/gpt4o-mini-dev/chat/completions?api-version=2025-01-01-preview")
                        .auth(Auth.of("api-key", "azure-key-test-fedcba9876543210")).build(),
                provider("ollama", "ollama", Wire.OPENAI)
                        .env("OLLAMA_ENABLED", "1").env("OLLAMA_BASE_URL", "{up}/v1")
                        .lists("ext-ollama-", "llama3.2", "llama3.1", "qwen2.5-coder", "mistral", "gemma3")
                        .chat("ollama/llama3.2", "llama3.2").path("/v1/chat/completions")
                        .auth(Auth.none()).build(),
                provider("openrouter", "openrouter", Wire.OPENAI)
                        .env("OPENROUTER_ENABLED", "1").env("OPENROUTER_API_KEY", "sk-or-v1-test-0123456789")
                        .env("OPENROUTER_BASE_URL", "{up}/api/v1")
                        .lists("ext-openrouter-", "openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5",
                                "google/gemini-2.5-flash", "meta-llama/llama-3.3-70b-instruct",
                                "deepseek/deepseek-chat")
                        .chat("openrouter/anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4.5")
                        .path("/api/v1/chat/completions")
                        .auth(Auth.bearer("sk-or-v1-test-0123456789")).header("X-Title", "Sluice").build(),
                provider("xai", "xai", Wire.OPENAI)
                        .env("XAI_ENABLED", "1").env("XAI_API_KEY", "xai-test-0123456789abcdef")
                        .env("XAI_BASE_URL", "{up}/v1")
                        .lists("ext-xai-", "grok-4", "grok-3", "grok-3-mini", "grok-2-image")
                        .chat("ext-xai-grok-3-mini", "grok-3-mini").path("/v1/chat/completions")
                        .auth(Auth.bearer("xai-test-0123456789abcdef")).build(),
                provider("litellm", "litellm", Wire.OPENAI)
                        .env("LITELLM_ENABLED", "1").env("LITELLM_API_KEY", "sk-litellm-master-0123")
                        .env("LITELLM_BASE_URL", "{up}/v1").env("LITELLM_MODELS", "gpt-4o, claude-3-5-sonnet")
                        .lists("ext-litellm-", "gpt-4o", "claude-3-5-sonnet")
                        .chat("litellm/claude-3-5-sonnet", "claude-3-5-sonnet").path("/v1/chat/completions")
                        .auth(Auth.bearer("sk-litellm-master-0123")).build(),
                provider("github-models (ATLAS_*)", "github-models", Wire.OPENAI)
                        .env("ATLAS_ENABLED", "1").env("GITHUB_TOKEN", "gho_AtlasSeedToken0123456789abcdefABCDEF")
                        .env("ATLAS_BASE_URL", "{up}/inference")
                        // The free tier's 30 requests/min would refuse the walk over all 58 ids; the seed's own
                        // variables lift it, as its users do with a paid plan.
                        .env("RATE_LIMIT_ENABLED", "1").env("RATE_LIMIT_PER_MINUTE", "600")
                        .lists("atlas-", GitHubModels.MODELS)
                        .chat("atlas-openai/gpt-4o", "openai/gpt-4o").path("/inference/chat/completions")
                        .auth(Auth.bearer("gho_AtlasSeedToken0123456789abcdefABCDEF"))
                        .header("X-GitHub-Api-Version", "2022-11-28").build(),
                provider("github-copilot", "github-copilot", Wire.OPENAI)
                        .env("GITHUB_COPILOT_ENABLED", "1").env("GITHUB_COPILOT_TOKEN_1", COPILOT_GITHUB_TOKEN)
                        .env("GITHUB_COPILOT_TOKEN_URL", "{token}" + TOKEN_PATH)
                        .lists("ext-copilot-", "gpt-4o", "gpt-4.1", "gpt-5", "gpt-5-mini", "o3-mini", "o4-mini",
                                "claude-3.7-sonnet", "claude-sonnet-4", "gemini-2.5-pro", "gpt-4", "gpt-4-turbo",
                                "gpt-3.5-turbo", "claude-3-opus", "claude-3-sonnet")
                        .chat("ext-copilot-gpt-4o", "gpt-4o").path("/chat/completions")
                        .auth(Auth.bearer(COPILOT_TOKEN))
                        .header("Editor-Version", "vscode/1.95.0")
                        .header("Editor-Plugin-Version", "copilot-chat/0.22.4")
                        .header("Copilot-Integration-Id", "vscode-chat")
                        .header("Openai-Intent", "conversation-panel").build(),
                provider("claude-code", "claude-code", Wire.ANTHROPIC)
                        .env("CLAUDE_CODE_ENABLED", "1").env("CLAUDE_CODE_TOKEN_1", "sk-ant-claude-code-test-0001")
                        .env("CLAUDE_CODE_BASE_URL", "{up}/v1")
                        .lists("ext-claude-code-", "claude-sonnet-4-5", "claude-3-5-sonnet-20241022",
                                "claude-3-opus-20240229", "claude-3-sonnet-20240229", "claude-3-haiku-20240307")
                        .chat("ext-claude-code-claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022")
                        .path("/v1/messages")
                        .auth(Auth.xApiKey("sk-ant-claude-code-test-0001")).build(),
                provider("cursor-agent", "cursor-agent", Wire.OPENAI)
                        .env("CURSOR_AGENT_ENABLED", "1").env("CURSOR_AGENT_API_KEY", "cursor-key-test-0123456789")
                        .env("CURSOR_AGENT_BASE_URL", "{up}/v1")
                        .lists("ext-cursor-", "gpt-4-cursor", "gpt-3.5-turbo-cursor", "claude-cursor", "cursor-small",
                                "cursor-medium")
                        .chat("ext-cursor-cursor-small", "cursor-small").path("/v1/chat/completions")
                        .auth(Auth.bearer("cursor-key-test-0123456789")).build(),
                provider("lead-worker", "lead-worker", Wire.OPENAI)
                        .env("LEAD_WORKER_ENABLED", "1").env("LEAD_WORKER_TOKEN_1", "lw-token-test-0123456789")
                        .env("LEAD_WORKER_BASE_URL", "{up}/v1")
                        .lists("ext-leadworker-", "worker-gpt-4", "worker-claude-3", "worker-fast", "worker-accurate",
                                "worker-balanced")
                        .chat("ext-leadworker-worker-fast", "worker-fast").path("/v1/chat/completions")
                        .auth(Auth.bearer("lw-token-test-0123456789")).build(),
                provider("openai-compatible-local (dynamic)", "openai-compatible-local", Wire.OPENAI)
                        .env("OPENAI_COMPATIBLE_LOCAL_BASE_URL", "{up}/v1")
                        .env("OPENAI_COMPATIBLE_LOCAL_API_KEY", "sk-local-test-0123456789")
                        .env("OPENAI_COMPATIBLE_LOCAL_MODELS", "qwen2.5-7b-instruct,phi-4")
                        .lists("ext-openai-compatible-local-", "qwen2.5-7b-instruct", "phi-4")
                        .chat("openai-compatible-local/qwen2.5-7b-instruct", "qwen2.5-7b-instruct")
                        .path("/v1/chat/completions")
                        .auth(Auth.bearer("sk-local-test-0123456789")).build(),
                provider("anthropic-compatible-x (dynamic)", "anthropic-compatible-x", Wire.ANTHROPIC)
                        .env("ANTHROPIC_COMPATIBLE_X_BASE_URL", "{up}/api/anthropic/v1")
                        .env("ANTHROPIC_COMPATIBLE_X_API_KEY", "sk-x-anthropic-test-0123")
                        .env("ANTHROPIC_COMPATIBLE_X_MODELS", "glm-4.6")
                        .lists("ext-anthropic-compatible-x-", "glm-4.6")
                        .chat("ext-anthropic-compatible-x-glm-4.6", "glm-4.6").path("/api/anthropic/v1/messages")
                        .auth(Auth.xApiKey("sk-x-anthropic-test-0123")).build());
    }

    @Test
    void everyBuiltInProviderButTheGenericOnesHasACase() {
        List<String> covered = cases().map(Case::provider).toList();
        List<String> expected = ProviderCatalog.BUILT_IN.stream()
                .filter(d -> !d.compatibleFamily() && !d.id().equals("mock")).map(ProviderDescriptor::id).toList();
        assertThat(expected).hasSize(13);
        assertThat(covered).containsAll(expected);
        assertThat(GitHubModels.MODELS).hasSize(58);
    }

    /** The next chat request, past the model-list fetches of providers that discover their models. */
    private static Received takeChat(TestUpstream up) throws InterruptedException {
        Received r = up.take();
        while (r.method().equals("GET")) {
            assertThat(r.uri()).endsWith("/models");
            r = up.take();
        }
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void listsItsModelsAndRelaysChatWithItsPathAuthAndHeaders(Case c) throws Exception {
        try (TestUpstream up = new TestUpstream(c.wire()::reply);
             TestUpstream tokens = c.copilot() ? new TestUpstream(r -> copilotToken(up.port())) : null) {
            Map<String, String> env = resolve(c.env(), up, tokens);
            try (SluiceServer sluice = start(env, c.provider()); Sdk client = new Sdk(sluice)) {
                OpenAIClient sdk = client.api();
                // a. /v1/models: exactly this provider's models, under their public ids, owned by it.
                List<Model> models = sdk.models().list().data();
                assertThat(models).extracting(Model::id).containsExactlyElementsOf(c.modelIds());
                assertThat(models).extracting(Model::ownedBy).containsOnly(c.provider());
                models.forEach(Model::validate);

                // b. Non-streaming chat.
                ChatCompletion cc = sdk.chat().completions().create(params(c.model()).build());
                assertThat(cc.choices().get(0).message().content()).contains(c.wire().text);
                assertReached(c, takeChat(up), false, up);

                // b. Streaming chat.
                ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
                try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(
                        params(c.model()).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true)
                                .build()).build())) {
                    s.stream().forEach(acc::accumulate);
                }
                ChatCompletion streamed = acc.chatCompletion();
                assertThat(streamed.choices().get(0).message().content()).contains(STREAMED_TEXT);
                assertThat(streamed.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
                assertReached(c, takeChat(up), true, up);
                // c. Every listed id routes: each one answered, the upstream asked for the model it stands for.
                for (int i = 0; i < c.modelIds().size(); i++) {
                    String id = c.modelIds().get(i);
                    String upstream = c.listedUpstream().get(i);
                    HttpResponse<String> res = Http.chat(sluice, Bodies.chat(id, false, "hi"));
                    assertThat(res.statusCode()).as(id + ": " + res.body()).isEqualTo(200);
                    assertThat(json(res.body()).at("/choices/0/message/content").asText()).as(id)
                            .contains(c.wire().text);
                    Received got = takeChat(up);
                    assertThat(got.uri().contains("/" + upstream + ":") || got.uri().contains("/" + upstream + "/")
                            || got.body().contains("\"model\":\"" + upstream + "\"")).as(id + " -> " + got.uri()
                            + " " + got.body()).isTrue();
                }
                while (up.requestsWaiting() > 0) { // a model-list fetch may land after the chats
                    assertThat(up.take().uri()).endsWith("/models");
                }
            }
            if (tokens != null) {
                // 3. One exchange for both requests, with the GitHub token and the editor headers.
                Received ex = tokens.take();
                assertThat(ex.method()).isEqualTo("GET");
                assertThat(ex.uri()).isEqualTo(TOKEN_PATH);
                assertThat(ex.header("authorization")).isEqualTo("token " + COPILOT_GITHUB_TOKEN);
                assertThat(ex.header("editor-version")).isEqualTo("vscode/1.95.0");
                assertThat(ex.header("editor-plugin-version")).isEqualTo("copilot-chat/0.22.4");
                assertThat(ex.header("copilot-integration-id")).isEqualTo("vscode-chat");
                assertThat(tokens.requestsWaiting()).isZero();
            }
        }
    }

    /** What the upstream received for case {@code c}: path, auth, headers, body. */
    private static void assertReached(Case c, Received got, boolean stream, TestUpstream up) {
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.uri()).isEqualTo(stream ? c.streamPath() : c.path());
        assertThat(got.header("host")).isEqualTo("127.0.0.1:" + up.port());
        c.auth().present().forEach((h, v) -> assertThat(got.header(h)).as("header %s", h).isEqualTo(v));
        c.auth().absent().forEach(h -> assertThat(got.header(h)).as("header %s", h).isNull());
        c.headers().forEach((h, v) -> assertThat(got.header(h)).as("header %s", h).isEqualTo(v));
        assertThat(got.headers().values()).noneMatch(v -> v.contains(CLIENT_KEY) || v.contains(COPILOT_GITHUB_TOKEN));
        assertThat(got.body()).doesNotContain(CLIENT_KEY).doesNotContain(COPILOT_GITHUB_TOKEN);
        assertThat(got.header("accept")).isEqualTo(stream ? "text/event-stream" : "application/json");

        JsonNode body = json(got.body());
        switch (c.wire()) {
            case OPENAI -> {
                assertThat(body.get("model").asText()).isEqualTo(c.upstreamModel());
                assertThat(body.at("/messages/0/content").asText()).isEqualTo("Say hello.");
                assertThat(body.path("stream").asBoolean(false)).isEqualTo(stream);
            }
            case ANTHROPIC -> {
                assertThat(body.get("model").asText()).isEqualTo(c.upstreamModel());
                assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
                assertThat(body.at("/messages/0/content").toString()).contains("Say hello.");
                assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
                assertThat(body.path("stream").asBoolean(false)).isEqualTo(stream);
            }
            case GEMINI -> {
                assertThat(body.has("model")).as("Gemini takes the model in the path").isFalse();
                assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo("Say hello.");
                assertThat(body.at("/generationConfig/maxOutputTokens").asInt()).isEqualTo(64);
            }
            default -> throw new AssertionError(c.wire());
        }
    }

    /** c. Two keys from the environment are used in turn, each under its provider's auth scheme. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("twoKeys")
    void twoKeysAreUsedInTurn(String label, Map<String, String> env, String model, String header, String first,
                              String second) throws Exception {
        try (TestUpstream up = new TestUpstream(Wire.OPENAI::reply)) {
            env = resolve(env, up, null);
            try (SluiceServer sluice = start(env, null); Sdk client = new Sdk(sluice)) {
                OpenAIClient sdk = client.api();
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    sdk.chat().completions().create(params(model).build());
                    seen.add(up.take().header(header));
                }
                assertThat(seen).containsExactly(first, second, first, second);
            }
        }
    }

    static Stream<Arguments> twoKeys() {
        return Stream.of(
                Arguments.of("github-models: GITHUB_TOKEN, GITHUB_TOKEN_2",
                        Map.of("ATLAS_ENABLED", "1", "GITHUB_TOKEN", "gho_firstAtlasToken000000000000000000000",
                                "GITHUB_TOKEN_2", "gho_secondAtlasToken00000000000000000000",
                                "ATLAS_BASE_URL", "{up}/inference"),
                        "atlas-openai/gpt-4o", "authorization", "Bearer gho_firstAtlasToken000000000000000000000",
                        "Bearer gho_secondAtlasToken00000000000000000000"),
                Arguments.of("openai: OPENAI_API_KEY, OPENAI_API_KEY_2",
                        Map.of("OPENAI_ENABLED", "1", "OPENAI_API_KEY", "sk-first-0000000000",
                                "OPENAI_API_KEY_2", "sk-second-000000000", "OPENAI_BASE_URL", "{up}/v1"),
                        "openai/gpt-4o-mini", "authorization", "Bearer sk-first-0000000000",
                        "Bearer sk-second-000000000"),
                Arguments.of("azure: AZURE_OPENAI_API_KEY, AZURE_OPENAI_API_KEY_2",
                        Map.of("AZURE_OPENAI_ENABLED", "1", "AZURE_OPENAI_API_KEY", "azure-first-00000000",
                                "AZURE_OPENAI_API_KEY_2", "azure-second-0000000", "AZURE_OPENAI_ENDPOINT", "{up}",
                                "AZURE_OPENAI_DEPLOYMENT", "gpt4o-prod"),
                        "azure/gpt4o-prod", "api-key", "azure-first-00000000", "azure-second-0000000"));
    }

    /** Two GitHub tokens for Copilot: each is exchanged once, and the two Copilot tokens are used in turn. */
    @Test
    void twoCopilotGitHubTokensAreExchangedOnceEachAndUsedInTurn() throws Exception {
        try (TestUpstream up = new TestUpstream(Wire.OPENAI::reply);
             TestUpstream tokens = new TestUpstream(r -> Reply.json(200, copilotTokenJson(
                     "tid=for-" + r.header("authorization").substring("token gho_".length(), "token gho_".length() + 4),
                     up.port())))) {
            Map<String, String> env = resolve(Map.of("GITHUB_COPILOT_ENABLED", "1",
                    "GITHUB_COPILOT_TOKEN_1", "gho_AAAAfirst00000000000000000000000000",
                    "GITHUB_COPILOT_TOKEN_2", "gho_BBBBsecond0000000000000000000000000",
                    "GITHUB_COPILOT_TOKEN_URL", "{token}" + TOKEN_PATH), up, tokens);
            try (SluiceServer sluice = start(env, "github-copilot"); Sdk client = new Sdk(sluice)) {
                OpenAIClient sdk = client.api();
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    sdk.chat().completions().create(params("ext-copilot-gpt-4.1").build());
                    seen.add(up.take().header("authorization"));
                }
                assertThat(seen).containsExactly("Bearer tid=for-AAAA", "Bearer tid=for-BBBB",
                        "Bearer tid=for-AAAA", "Bearer tid=for-BBBB");
            }
            List<String> exchanged = List.of(tokens.take().header("authorization"),
                    tokens.take().header("authorization"));
            assertThat(exchanged).containsExactly("token gho_AAAAfirst00000000000000000000000000",
                    "token gho_BBBBsecond0000000000000000000000000");
            assertThat(tokens.requestsWaiting()).isZero();
        }
    }

    /** 2. A refused exchange: 502 in OpenAI's error shape naming the key's variable, never its value. */
    @Test
    void refusedCopilotExchangeIsA502NamingTheKeyVariableNotTheToken() throws Exception {
        try (TestUpstream up = new TestUpstream(Wire.OPENAI::reply);
             TestUpstream tokens = new TestUpstream(r -> Reply.json(401,
                     "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}"))) {
            Map<String, String> env = resolve(Map.of("GITHUB_COPILOT_ENABLED", "1",
                    "GITHUB_COPILOT_TOKEN_1", COPILOT_GITHUB_TOKEN,
                    "GITHUB_COPILOT_TOKEN_URL", "{token}" + TOKEN_PATH), up, tokens);
            try (SluiceServer sluice = start(env, "github-copilot"); Sdk client = new Sdk(sluice)) {
                OpenAIClient sdk = client.api();
                HttpResponse<String> res = Http.chat(sluice, Bodies.chat("ext-copilot-gpt-4o", false, "hi"));
                assertThat(res.statusCode()).isEqualTo(502);
                assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(
                        ct -> assertThat(ct).startsWith("application/json"));
                assertThat(res.body()).doesNotContain(COPILOT_GITHUB_TOKEN)
                        .doesNotContain(COPILOT_GITHUB_TOKEN.substring(4, 20));
                JsonNode error = HttpWire.openAiError(res.body());
                assertThat(error.get("message").asText()).contains("GITHUB_COPILOT_TOKEN_1").contains("401");
                assertThat(error.get("type").asText()).isEqualTo("api_error");
                assertThat(tokens.take().header("authorization")).isEqualTo("token " + COPILOT_GITHUB_TOKEN);

                // The refused GitHub token is a key failure: it backs off (1 s) instead of hammering the token
                // endpoint; meanwhile the SDK is told to retry later.
                assertThatThrownBy(() -> sdk.chat().completions().create(params("ext-copilot-gpt-4o").build()))
                        .isInstanceOfSatisfying(RateLimitException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(429);
                            assertThat(e.headers().values("retry-after")).containsExactly("1");
                            assertThat(e.getMessage()).contains("cooling down")
                                    .doesNotContain(COPILOT_GITHUB_TOKEN);
                        });
                assertThat(tokens.requestsWaiting()).isZero();
                // After the backoff nothing was cached: the next request exchanges again, and fails the same way.
                // The scheduler's clock is the system's, so the test asks until the answer is no longer "cooling
                // down" (each of those is refused without an exchange, as asserted above) instead of sleeping.
                ChatCompletionCreateParams again = params("ext-copilot-gpt-4o").build();
                Throwable after = Await.value("the GitHub token's backoff to end", Duration.ofSeconds(10),
                        () -> catchThrowable(() -> sdk.chat().completions().create(again)),
                        e -> !(e instanceof RateLimitException));
                assertThat(after).isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("GITHUB_COPILOT_TOKEN_1").doesNotContain(COPILOT_GITHUB_TOKEN);
                });
                tokens.take();
                assertThat(tokens.requestsWaiting()).as("one exchange after the backoff").isZero();
                assertThat(up.requestsWaiting()).as("no chat request without a Copilot token").isZero();
                assertThat(up.connections()).isZero();
            }
        }
    }

    // ---- helpers ----

    private static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello.").maxCompletionTokens(64);
    }

    /** The official OpenAI SDK pointed at Sluice, closed with the test's resources. */
    record Sdk(OpenAIClient api) implements AutoCloseable {
        Sdk(SluiceServer s) {
            this(Sdks.openAi(s, CLIENT_KEY));
        }

        @Override
        public void close() {
            api.close();
        }
    }

    /** Sluice from a config file naming no provider, with providers from {@code env} only. */
    private static SluiceServer start(Map<String, String> env, String expectProvider) throws InterruptedException {
        String yaml = TestConfig.config().yaml() + "providersFromEnv: true\n";
        SluiceConfig config = ConfigLoader.parse(yaml, env);
        if (expectProvider != null) {
            assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly(expectProvider);
        }
        return SluiceServer.start(config);
    }

    private static Map<String, String> resolve(Map<String, String> env, TestUpstream up, TestUpstream tokens) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> out.put(k, v.replace("{up}", "http://127.0.0.1:" + up.port())
                .replace("{token}", tokens == null ? "{token}" : "http://127.0.0.1:" + tokens.port())));
        return out;
    }

    /** The token endpoint's answer, naming the chat upstream as the API host. */
    private static Reply copilotToken(int apiPort) {
        return Reply.json(200, copilotTokenJson(COPILOT_TOKEN, apiPort));
    }

    private static String copilotTokenJson(String token, int apiPort) {
        long now = System.currentTimeMillis() / 1000;
        return "{\"annotations_enabled\":true,\"chat_enabled\":true,\"endpoints\":{\"api\":\"http://127.0.0.1:"
                + apiPort + "\",\"proxy\":\"https://proxy.business.githubcopilot.com\"},\"expires_at\":" + (now + 1800)
                + ",\"refresh_in\":1500,\"sku\":\"copilot_for_business_seat\",\"token\":\"" + token + "\"}";
    }
}
