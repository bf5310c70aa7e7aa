package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17 items 1 and 2 through Sluice on loopback: every client dialect in front of every provider dialect,
 * streaming and not, with a global system prompt (append) and a custom thinking budget (4096). What each upstream
 * received must carry the client's system prompt then the global one, in the provider's own place, and the budget in
 * the provider's own form; the passthrough pairs keep the client's bytes (Anthropic's {@code cache_control} block
 * intact).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RewriteMatrixE2eTest {

    static final String CLIENT_RULES = "Client rules.";
    static final String GLOBAL_RULES = "Global \"rules\".";
    static final int BUDGET = 4096;

    /** A client dialect: its route, and a request with a system prompt and a thinking configuration of its own. */
    enum Client {
        OPENAI, ANTHROPIC, RESPONSES, GEMINI;

        String path(String model, boolean stream) {
            return switch (this) {
                case OPENAI -> "/v1/chat/completions";
                case ANTHROPIC -> "/v1/messages";
                case RESPONSES -> "/v1/responses";
                case GEMINI -> "/v1beta/models/" + model + (stream ? ":streamGenerateContent?alt=sse"
                        : ":generateContent");
            };
        }

        String body(String model, boolean stream) {
            return switch (this) {
                case OPENAI -> "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":"
                        + "\"system\",\"content\":\"" + CLIENT_RULES + "\"},{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"reasoning_effort\":\"low\"}";
                case ANTHROPIC -> "{\"model\":\"" + model + "\",\"max_tokens\":1024,\"stream\":" + stream
                        + ",\"system\":[{\"type\":\"text\",\"text\":\"" + CLIENT_RULES + "\",\"cache_control\":"
                        + "{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}";
                case RESPONSES -> "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"instructions\":\""
                        + CLIENT_RULES + "\",\"input\":\"hi\",\"reasoning\":{\"effort\":\"low\"}}";
                case GEMINI -> "{\"system_instruction\":{\"parts\":[{\"text\":\"" + CLIENT_RULES + "\"}]},"
                        + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":"
                        + "{\"thinkingConfig\":{\"thinkingBudget\":512}}}";
            };
        }
    }

    /** What an upstream of each dialect answers, whole or streamed. */
    static Reply answer(String dialect, boolean stream) {
        return switch (dialect) {
            case "openai" -> stream ? OpenAiSdkTest.sse(OpenAiSdkTest.TEXT_EVENTS)
                    : Reply.json(200, OpenAiSdkTest.COMPLETION);
            case "anthropic" -> stream ? Reply.sse(TranslationSdkTest.ANTHROPIC_TOOLS_SSE)
                    : Reply.json(200, TranslationSdkTest.ANTHROPIC_MESSAGE);
            case "gemini" -> stream ? Reply.sse(TranslationSdkTest.GEMINI_TOOLS_SSE)
                    : Reply.json(200, TranslationSdkTest.GEMINI_RESPONSE);
            default -> stream ? Reply.sse(RESPONSES_SSE) : Reply.json(200, RESPONSES_ANSWER);
        };
    }

    static final String RESPONSES_ANSWER = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,\"status\":"
            + "\"completed\",\"model\":\"m\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"status\":"
            + "\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"par\","
            + "\"annotations\":[]}]}],\"usage\":{\"input_tokens\":3,\"output_tokens\":1,\"total_tokens\":4}}";
    static final String RESPONSES_SSE = "event: response.created\ndata: {\"type\":\"response.created\","
            + "\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":"
            + "\"in_progress\",\"model\":\"m\",\"output\":[]}}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":"
            + "1,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"par\"}\n\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":2,\"response\":"
            + RESPONSES_ANSWER + "}\n\n";

    private static final Map<String, TestUpstream> UPSTREAMS = new java.util.LinkedHashMap<>();
    private static SluiceServer sluice;

    @BeforeAll
    static void start() throws Exception {
        for (String d : List.of("openai", "anthropic", "gemini", "responses")) {
            UPSTREAMS.put(d, new TestUpstream(r -> answer(d, r.body().contains("\"stream\":true")
                    || r.uri().contains("streamGenerateContent"))));
        }
        sluice = TestConfig.startYaml(TestConfig.config().yaml()
                + "providersFromEnv: false\n"
                + "providers:\n"
                + "  oa: {type: openai-compatible, baseUrl: '" + base("openai", "/v1") + "', apiKey: k, models: [m]}\n"
                + "  an: {type: anthropic, baseUrl: '" + base("anthropic", "/v1") + "', apiKey: k, models: [m]}\n"
                + "  ge: {type: gemini, baseUrl: '" + base("gemini", "/v1beta") + "', apiKey: k, models: [m]}\n"
                + "  re: {type: openai-compatible, dialect: responses, baseUrl: '" + base("responses", "/v1")
                + "', apiKey: k, models: [m]}\n"
                + "systemPrompt:\n  prompt: '" + GLOBAL_RULES + "'\n  mode: append\n"
                + "thinkingBudget: {mode: custom, budget: " + BUDGET + "}\n");
    }

    private static String base(String dialect, String path) {
        return "http://127.0.0.1:" + UPSTREAMS.get(dialect).port() + path;
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
        UPSTREAMS.values().forEach(TestUpstream::close);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Client c : Client.values()) {
            for (String provider : List.of("oa", "an", "ge", "re")) {
                for (boolean stream : new boolean[] {false, true}) {
                    out.add(Arguments.of(c, provider, stream));
                }
            }
        }
        return out.stream();
    }

    private static String dialectOf(String provider) {
        return switch (provider) {
            case "oa" -> "openai";
            case "an" -> "anthropic";
            case "ge" -> "gemini";
            default -> "responses";
        };
    }

    @ParameterizedTest(name = "{0} client, {1} provider, stream {2}")
    @MethodSource("cases")
    void theUpstreamGetsBothInItsOwnForm(Client client, String provider, boolean stream) throws Exception {
        String model = provider + "/m";
        HttpResponse<String> res = Http.post(sluice, client.path(model, stream), client.body(model, stream));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).isNotEmpty();

        String dialect = dialectOf(provider);
        TestUpstream.Received got = UPSTREAMS.get(dialect).take();
        JsonNode sent = json(got.body());
        assertThat(systemText(dialect, sent)).as(got.body()).isEqualTo(CLIENT_RULES + "\n\n" + GLOBAL_RULES);
        switch (dialect) {
            case "openai" -> assertThat(sent.path("reasoning_effort").asText()).isEqualTo("high");
            case "anthropic" -> {
                assertThat(sent.at("/thinking/type").asText()).isEqualTo("enabled");
                assertThat(sent.at("/thinking/budget_tokens").asInt()).isEqualTo(BUDGET);
                assertThat(sent.path("max_tokens").asInt()).isGreaterThan(BUDGET);
                if (client == Client.ANTHROPIC) { // passthrough: the client's cached block, untouched and first
                    assertThat(sent.at("/system/0/cache_control/type").asText()).isEqualTo("ephemeral");
                    assertThat(sent.at("/system/0/text").asText()).isEqualTo(CLIENT_RULES);
                    assertThat(got.body()).contains("{\"type\":\"text\",\"text\":\"" + CLIENT_RULES
                            + "\",\"cache_control\":{\"type\":\"ephemeral\"}}");
                }
            }
            case "gemini" -> assertThat(sent.at("/generationConfig/thinkingConfig/thinkingBudget").asInt())
                    .isEqualTo(BUDGET);
            default -> assertThat(sent.at("/reasoning/effort").asText()).isEqualTo("high");
        }
    }

    /** The system prompt as the provider dialect carries it, its pieces joined by blank lines. */
    static String systemText(String dialect, JsonNode sent) {
        List<String> pieces = new ArrayList<>();
        switch (dialect) {
            case "openai" -> sent.path("messages").forEach(m -> {
                if (m.path("role").asText().equals("system") || m.path("role").asText().equals("developer")) {
                    pieces.add(m.path("content").asText());
                }
            });
            case "anthropic" -> {
                JsonNode s = sent.path("system");
                if (s.isTextual()) {
                    pieces.add(s.asText());
                } else {
                    s.forEach(b -> pieces.add(b.path("text").asText()));
                }
            }
            case "gemini" -> {
                JsonNode si = sent.has("systemInstruction") ? sent.path("systemInstruction")
                        : sent.path("system_instruction");
                si.path("parts").forEach(p -> pieces.add(p.path("text").asText()));
            }
            default -> pieces.add(sent.path("instructions").asText());
        }
        return String.join("\n\n", pieces);
    }

    @Test
    void metricsCountWhatActed() throws Exception {
        HttpResponse<String> res = Http.post(sluice, "/v1/chat/completions", Client.OPENAI.body("oa/m", false));
        assertThat(res.statusCode()).isEqualTo(200);
        UPSTREAMS.get("openai").take();
        String scrape = Prometheus.scrape(sluice);
        assertThat(Prometheus.sample(scrape, "sluice_system_prompt_applied_total", "mode", "append"))
                .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1));
        assertThat(Prometheus.sample(scrape, "sluice_thinking_budget_applied_total", "mode", "custom"))
                .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1));
        assertThat(Prometheus.sample(scrape, "sluice_system_prompt_applied_total", "mode", "replace"))
                .contains(0.0);
    }
}
