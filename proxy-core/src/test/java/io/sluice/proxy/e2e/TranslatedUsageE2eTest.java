package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every client dialect against every provider dialect, streaming and not: {@code /v1/stats} and the key's counters
 * count the provider's own usage figures for the call (never an estimate), and the Anthropic client's
 * {@code message_start} carries an input figure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TranslatedUsageE2eTest {

    /** Prompt and completion tokens each mock provider reports, distinct per dialect. */
    private static final Map<String, long[]> USAGE = Map.of(
            "openai", new long[] {11, 5},
            "anthropic", new long[] {13, 7},
            "gemini", new long[] {17, 9},
            "responses", new long[] {19, 3});

    private static final String OPENAI_WHOLE = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":5,"
            + "\"total_tokens\":16}}";
    private static final String OPENAI_SSE = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"hi\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":5,\"total_tokens\":16}}\n\n"
            + "data: [DONE]\n\n";
    private static final String ANTHROPIC_WHOLE = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"m\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
            + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":13,\"output_tokens\":7}}";
    private static final String ANTHROPIC_SSE = "event: message_start\ndata: {\"type\":\"message_start\","
            + "\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
            + "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":13,"
            + "\"output_tokens\":1}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
            + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":7}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    private static final String GEMINI_WHOLE = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
            + "[{\"text\":\"hi\"}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":17,"
            + "\"candidatesTokenCount\":9,\"totalTokenCount\":26},\"modelVersion\":\"m\",\"responseId\":\"g1\"}";
    private static final String GEMINI_SSE = "data: " + GEMINI_WHOLE + "\r\n\r\n";
    private static final String RESPONSE = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,"
            + "\"status\":\"completed\",\"model\":\"m\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\","
            + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"hi\","
            + "\"annotations\":[]}]}],\"usage\":{\"input_tokens\":19,\"input_tokens_details\":{\"cached_tokens\":0},"
            + "\"output_tokens\":3,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":22}}";
    private static final String RESPONSES_SSE = "event: response.created\ndata: {\"type\":\"response.created\","
            + "\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1,"
            + "\"status\":\"in_progress\",\"model\":\"m\",\"output\":[],\"usage\":null}}\n\n"
            + "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
            + "\"sequence_number\":1,\"output_index\":0,\"item\":{\"type\":\"message\",\"id\":\"msg_1\","
            + "\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
            + "\"sequence_number\":2,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
            + "\"delta\":\"hi\"}\n\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":3,"
            + "\"response\":" + RESPONSE + "}\n\n";

    private static final List<TestUpstream> upstreams = new ArrayList<>();
    private static SluiceServer sluice;

    private static Reply reply(String whole, String sse, TestUpstream.Received r) {
        boolean stream = r.body().contains("\"stream\":true") || r.uri().contains("streamGenerateContent");
        return stream ? Reply.sse(sse) : Reply.json(200, whole);
    }

    @BeforeAll
    static void start() throws InterruptedException {
        TestUpstream oa = new TestUpstream(r -> reply(OPENAI_WHOLE, OPENAI_SSE, r));
        TestUpstream an = new TestUpstream(r -> reply(ANTHROPIC_WHOLE, ANTHROPIC_SSE, r));
        TestUpstream ge = new TestUpstream(r -> reply(GEMINI_WHOLE, GEMINI_SSE, r));
        TestUpstream re = new TestUpstream(r -> reply(RESPONSE, RESPONSES_SSE, r));
        upstreams.addAll(List.of(oa, an, ge, re));
        sluice = TestConfig.startYaml(TestConfig.config().yaml() + "providersFromEnv: false\nproviders:\n"
                + "  openai: {type: openai-compatible, baseUrl: 'http://127.0.0.1:" + oa.port()
                + "/v1', apiKey: sk-up-1, models: [m]}\n"
                + "  anthropic: {type: anthropic, baseUrl: 'http://127.0.0.1:" + an.port()
                + "/v1', apiKey: sk-up-1, models: [m]}\n"
                + "  gemini: {type: gemini, baseUrl: 'http://127.0.0.1:" + ge.port()
                + "/v1beta', apiKey: sk-up-1, models: [m]}\n"
                + "  responses: {type: openai-compatible, dialect: responses, baseUrl: 'http://127.0.0.1:"
                + re.port() + "/v1', apiKey: sk-up-1, models: [m]}\n");
    }

    @AfterAll
    static void stop() {
        sluice.close();
        upstreams.forEach(TestUpstream::close);
    }

    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (String client : List.of("openai", "anthropic", "gemini", "responses")) {
            for (String provider : List.of("openai", "anthropic", "gemini", "responses")) {
                out.add(Arguments.of(client, provider, false));
                out.add(Arguments.of(client, provider, true));
            }
        }
        return out.stream();
    }

    private static String path(String client, String model, boolean stream) {
        return switch (client) {
            case "openai" -> "/v1/chat/completions";
            case "anthropic" -> "/v1/messages";
            case "responses" -> "/v1/responses";
            default -> "/v1beta/models/" + model + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
        };
    }

    private static String body(String client, String model, boolean stream) {
        String text = "How many tokens is this prompt? " + "word ".repeat(40);
        return switch (client) {
            case "openai" -> "{\"model\":\"" + model + "\",\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
            case "anthropic" -> "{\"model\":\"" + model + "\",\"max_tokens\":32,\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
            case "responses" -> "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":\"" + text + "\"}";
            default -> "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}";
        };
    }

    private static JsonNode stats() throws Exception {
        return json(Http.get(sluice, "/v1/stats").body());
    }

    private static long keyTokens(String provider) throws Exception {
        return json(Http.get(sluice, "/api/monitoring/providers/" + provider + "/tokens").body())
                .at("/tokens/0/tokensUsed").asLong();
    }

    @ParameterizedTest(name = "{0} client, {1} provider, stream {2}")
    @MethodSource("pairs")
    void statsCountTheProvidersOwnUsage(String client, String provider, boolean stream) throws Exception {
        String model = provider + "/m";
        JsonNode before = stats();
        long requests = before.at("/requests").asLong();
        long keyTokens = keyTokens(provider);

        HttpResponse<String> res = Http.post(sluice, path(client, model, stream), body(client, model, stream));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        Await.until("the call accounted", () -> stats().at("/requests").asLong() == requests + 1);
        JsonNode after = stats();
        long[] expected = USAGE.get(provider);
        assertThat(after.at("/tokens/prompt").asLong() - before.at("/tokens/prompt").asLong())
                .as("prompt tokens").isEqualTo(expected[0]);
        assertThat(after.at("/tokens/completion").asLong() - before.at("/tokens/completion").asLong())
                .as("completion tokens").isEqualTo(expected[1]);
        assertThat(after.at("/estimatedRequests").asLong()).isEqualTo(before.at("/estimatedRequests").asLong());
        // The key that answered counts the same figures (counted when the exchange commits).
        assertThat(keyTokens(provider) - keyTokens).as("the key's tokens").isEqualTo(expected[0] + expected[1]);
        if (client.equals("anthropic") && stream) {
            String start = res.body().substring(0, res.body().indexOf("\n\n"));
            JsonNode message = json(start.substring(start.indexOf("data: ") + 6)).get("message");
            long input = message.at("/usage/input_tokens").asLong();
            // The provider's figure where it gives one with its start (Anthropic, Gemini), else the estimate.
            if (provider.equals("anthropic") || provider.equals("gemini")) {
                assertThat(input).isEqualTo(expected[0]);
            } else {
                assertThat(input).isBetween(50L, 80L);
            }
        }
    }
}
