package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.UPSTREAM_KEY;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official OpenAI Java SDK as the client, through Sluice, to a scripted upstream speaking recorded-shape OpenAI
 * responses: what the SDK parses must be exactly what the upstream said, and what the upstream receives must be
 * exactly what the SDK sent, model prefix aside.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenAiSdkTest {

    /** A non-streaming completion in the shape api.openai.com returns it. */
    static final String COMPLETION = "{\n"
            + "  \"id\": \"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\n"
            + "  \"object\": \"chat.completion\",\n"
            + "  \"created\": 1741569952,\n"
            + "  \"model\": \"gpt-4o-mini-2024-07-18\",\n"
            + "  \"choices\": [\n"
            + "    {\n"
            + "      \"index\": 0,\n"
            + "      \"message\": {\n"
            + "        \"role\": \"assistant\",\n"
            + "        \"content\": \"Hello! How can I assist you today?\",\n"
            + "        \"refusal\": null,\n"
            + "        \"annotations\": []\n"
            + "      },\n"
            + "      \"logprobs\": null,\n"
            + "      \"finish_reason\": \"stop\"\n"
            + "    }\n"
            + "  ],\n"
            + "  \"usage\": {\n"
            + "    \"prompt_tokens\": 19,\n"
            + "    \"completion_tokens\": 10,\n"
            + "    \"total_tokens\": 29,\n"
            + "    \"prompt_tokens_details\": {\"cached_tokens\": 0, \"audio_tokens\": 0},\n"
            + "    \"completion_tokens_details\": {\"reasoning_tokens\": 0, \"audio_tokens\": 0,"
            + " \"accepted_prediction_tokens\": 0, \"rejected_prediction_tokens\": 0}\n"
            + "  },\n"
            + "  \"service_tier\": \"default\",\n"
            + "  \"system_fingerprint\": \"fp_06737a9306\"\n"
            + "}\n";

    static final String USAGE = "{\"prompt_tokens\":12,\"completion_tokens\":4,\"total_tokens\":16,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
            + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,"
            + "\"rejected_prediction_tokens\":0}}";

    /** Role chunk, four content chunks, finish chunk, usage chunk (include_usage), [DONE]. */
    static final List<String> TEXT_EVENTS = List.of(
            chunk(choice("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null), "null"),
            chunk(choice("{\"content\":\"Sluice\"}", null), "null"),
            chunk(choice("{\"content\":\" relays\"}", null), "null"),
            chunk(choice("{\"content\":\" every\"}", null), "null"),
            chunk(choice("{\"content\":\" byte.\"}", null), "null"),
            chunk(choice("{}", "stop"), "null"),
            chunk("[]", USAGE),
            "data: [DONE]\n\n");

    /** Two parallel tool calls, arguments split over several chunks. */
    static final List<String> TOOL_EVENTS = List.of(
            chunk(choice("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                    + "\"id\":\"call_weather_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],"
                    + "\"refusal\":null}", null), "null"),
            chunk(choice(args(0, "{\\\"lo"), null), "null"),
            chunk(choice(args(0, "cation\\\": \\\"Par"), null), "null"),
            chunk(choice(args(0, "is\\\"}"), null), "null"),
            chunk(choice("{\"tool_calls\":[{\"index\":1,\"id\":\"call_time_2\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_time\",\"arguments\":\"\"}}]}", null), "null"),
            chunk(choice(args(1, "{\\\"tz\\\":"), null), "null"),
            chunk(choice(args(1, " \\\"Europe/"), null), "null"),
            chunk(choice(args(1, "Paris\\\"}"), null), "null"),
            chunk(choice("{}", "tool_calls"), "null"),
            chunk("[]", USAGE),
            "data: [DONE]\n\n");

    private TestUpstream upstream;
    private SluiceServer sluice;
    private OpenAIClient client;

    @BeforeEach
    void start() throws InterruptedException {
        upstream = new TestUpstream(r -> Reply.json(200, COMPLETION));
        sluice = config().openAiCompatible("up", upstream, "gpt-4o-mini").mock().start();
        client = Sdks.openAi(sluice, Sdks.CLIENT_KEY);
    }

    @AfterEach
    void close() {
        client.close();
        sluice.close();
        upstream.close();
    }

    static String chunk(String choices, String usage) {
        return "data: {\"id\":\"chatcmpl-BPq9fXo2rHkVZ\",\"object\":\"chat.completion.chunk\",\"created\":1745341200,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                + "\"system_fingerprint\":\"fp_0392822090\",\"choices\":" + choices + ",\"usage\":" + usage + "}\n\n";
    }

    static String choice(String delta, String finish) {
        return "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]";
    }

    static String args(int index, String jsonEscapedFragment) {
        return "{\"tool_calls\":[{\"index\":" + index + ",\"function\":{\"arguments\":\"" + jsonEscapedFragment
                + "\"}}]}";
    }

    /** The events as the upstream writes them: one merged pair, one event split mid-JSON, the rest one by one. */
    static Reply sse(List<String> events) {
        Reply r = Reply.sse();
        r.part(events.get(0) + events.get(1));
        String third = events.get(2);
        r.part(third.substring(0, 40)).part(third.substring(40));
        for (int i = 3; i < events.size(); i++) {
            r.part(events.get(i));
        }
        return r;
    }

    private static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addSystemMessage("You are terse.")
                .addUserMessage("Say hello, with \"quotes\" and unicode: héllo ✓")
                .temperature(0.25)
                .maxCompletionTokens(64)
                .safetyIdentifier("e2e-user")
                .putAdditionalBodyProperty("x_vendor_extension", JsonValue.from(Map.of("kept", true)));
    }

    private static ChatCompletionCreateParams streaming(ChatCompletionCreateParams.Builder b) {
        return b.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    }

    /** What the SDK puts on the wire for {@code params}, captured by pointing it straight at a recording upstream. */
    private static String sentBySdk(ChatCompletionCreateParams params, boolean stream, Reply reply) throws Exception {
        try (TestUpstream direct = new TestUpstream(r -> reply)) {
            OpenAIClient c = Sdks.openAi(direct.baseUrl().toString(), Sdks.CLIENT_KEY);
            try {
                if (stream) {
                    try (StreamResponse<ChatCompletionChunk> s = c.chat().completions().createStreaming(params)) {
                        s.stream().forEach(x -> { });
                    }
                } else {
                    c.chat().completions().create(params);
                }
            } finally {
                c.close();
            }
            return direct.take().body();
        }
    }

    /** The upstream got the SDK's body byte for byte, with only the model value rewritten. */
    private static void assertForwardedVerbatim(TestUpstream.Received got, String sdkBody, String clientModel,
                                                String upstreamModel) {
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.uri()).isEqualTo("/v1/chat/completions");
        assertThat(got.header("authorization")).isEqualTo("Bearer " + UPSTREAM_KEY);
        assertThat(got.body()).doesNotContain("sk-client-key-never-forwarded");

        String clientModelField = "\"model\":\"" + clientModel + "\"";
        assertThat(sdkBody).contains(clientModelField);
        assertThat(got.body())
                .isEqualTo(sdkBody.replace(clientModelField, "\"model\":\"" + upstreamModel + "\""));

        ObjectNode sent = (ObjectNode) json(sdkBody);
        ObjectNode received = (ObjectNode) json(got.body());
        assertThat(received.remove("model").asText()).isEqualTo(upstreamModel);
        assertThat(sent.remove("model").asText()).isEqualTo(clientModel);
        assertThat(received).isEqualTo(sent);
    }

    @Test
    void nonStreamingCompletionRoundTrips() throws Exception {
        ChatCompletionCreateParams params = params("up/gpt-4o-mini").build();
        String sdkBody = sentBySdk(params, false, Reply.json(200, COMPLETION));

        ChatCompletion cc = client.chat().completions().create(params);

        assertThat(cc.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(cc.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(cc.choices()).hasSize(1);
        assertThat(cc.choices().get(0).message().content()).contains("Hello! How can I assist you today?");
        assertThat(cc.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = cc.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(19);
        assertThat(usage.completionTokens()).isEqualTo(10);
        assertThat(usage.totalTokens()).isEqualTo(29);

        assertForwardedVerbatim(upstream.take(), sdkBody, "up/gpt-4o-mini", "gpt-4o-mini");
    }

    @Test
    void chunkedNonStreamingCompletionRoundTrips() {
        // Same body, but the upstream sends it in pieces with chunked transfer encoding.
        upstream.script(r -> Reply.status(200).header("content-type", "application/json")
                .part(COMPLETION.substring(0, 100)).part(COMPLETION.substring(100, 400))
                .part(COMPLETION.substring(400)));

        ChatCompletion cc = client.chat().completions().create(params("up/gpt-4o-mini").build());

        assertThat(cc.choices().get(0).message().content()).contains("Hello! How can I assist you today?");
        assertThat(cc.usage().orElseThrow().totalTokens()).isEqualTo(29);
    }

    @Test
    void bareModelNameRoutesWithoutRewriting() throws Exception {
        ChatCompletionCreateParams params = params("gpt-4o-mini").build();
        String sdkBody = sentBySdk(params, false, Reply.json(200, COMPLETION));

        ChatCompletion cc = client.chat().completions().create(params);

        assertThat(cc.choices().get(0).message().content()).contains("Hello! How can I assist you today?");
        assertForwardedVerbatim(upstream.take(), sdkBody, "gpt-4o-mini", "gpt-4o-mini");
    }

    @Test
    void streamedCompletionAccumulatesToWhatUpstreamSent() throws Exception {
        upstream.script(r -> sse(TEXT_EVENTS));
        ChatCompletionCreateParams params = streaming(params("up/gpt-4o-mini"));
        String sdkBody = sentBySdk(params, true, sse(TEXT_EVENTS));

        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(c -> {
                acc.accumulate(c);
                c.choices().forEach(ch -> ch.delta().content().ifPresent(deltas::add));
            });
        }
        ChatCompletion cc = acc.chatCompletion();

        assertThat(deltas).containsExactly("", "Sluice", " relays", " every", " byte.");
        assertThat(cc.choices().get(0).message().content()).contains("Sluice relays every byte.");
        assertThat(cc.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        CompletionUsage usage = cc.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(12);
        assertThat(usage.completionTokens()).isEqualTo(4);
        assertThat(usage.totalTokens()).isEqualTo(16);

        TestUpstream.Received got = upstream.take();
        assertThat(got.header("accept")).contains("text/event-stream");
        assertThat(json(got.body()).get("stream").asBoolean()).isTrue();
        assertThat(json(got.body()).at("/stream_options/include_usage").asBoolean()).isTrue();
        assertForwardedVerbatim(got, sdkBody, "up/gpt-4o-mini", "gpt-4o-mini");
    }

    @Test
    void streamedBytesReachTheClientUnchanged() throws Exception {
        upstream.script(r -> sse(TEXT_EVENTS));

        try (RawHttp raw = RawHttp.connect(sluice)) {
            // A client that asked for usage gets the provider's bytes as they are, usage chunk included (one that
            // did not gets it dropped: StreamUsageE2eTest).
            raw.postJson("/v1/chat/completions", Bodies.chat("up/gpt-4o-mini", true, "hi")
                    .replace("\"stream\":true", "\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
            HttpWire.Message res = raw.readResponse();
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.header("content-type")).startsWith("text/event-stream");
            assertThat(res.text()).isEqualTo(String.join("", TEXT_EVENTS));
        }
    }

    @Test
    void parallelToolCallsAccumulateThroughTheProxy() throws Exception {
        upstream.script(r -> sse(TOOL_EVENTS));
        ChatCompletionCreateParams params = streaming(params("up/gpt-4o-mini")
                .addTool(tool("get_weather", "location"))
                .addTool(tool("get_time", "tz"))
                .parallelToolCalls(true));
        String sdkBody = sentBySdk(params, true, sse(TOOL_EVENTS));

        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(acc::accumulate);
        }
        ChatCompletion cc = acc.chatCompletion();

        ChatCompletion.Choice choice = cc.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(2);
        ChatCompletionMessageFunctionToolCall weather = calls.get(0).asFunction();
        ChatCompletionMessageFunctionToolCall time = calls.get(1).asFunction();
        assertThat(weather.id()).isEqualTo("call_weather_1");
        assertThat(weather.function().name()).isEqualTo("get_weather");
        assertThat(weather.function().arguments()).isEqualTo("{\"location\": \"Paris\"}");
        assertThat(time.id()).isEqualTo("call_time_2");
        assertThat(time.function().name()).isEqualTo("get_time");
        assertThat(time.function().arguments()).isEqualTo("{\"tz\": \"Europe/Paris\"}");
        assertThat(cc.usage().orElseThrow().totalTokens()).isEqualTo(16);

        TestUpstream.Received got = upstream.take();
        assertThat(json(got.body()).get("tools")).hasSize(2);
        assertForwardedVerbatim(got, sdkBody, "up/gpt-4o-mini", "gpt-4o-mini");
    }

    private static ChatCompletionFunctionTool tool(String name, String param) {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name(name)
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties",
                                        JsonValue.from(Map.of(param, Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of(param)))
                                .build())
                        .build())
                .build();
    }

    @Test
    void upstreamErrorReachesTheSdkAsItsTypedException() {
        upstream.script(r -> Reply.json(429, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini\","
                + "\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}"));

        assertThatThrownBy(() -> client.chat().completions().create(params("up/gpt-4o-mini").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.code()).contains("rate_limit_exceeded");
                    assertThat(e.getMessage()).contains("Rate limit reached");
                });
    }

    @Test
    void midStreamUpstreamFailureSurfacesInTheSdkAfterTheContentSoFar() {
        upstream.script(r -> Reply.sse(TEXT_EVENTS.get(0), TEXT_EVENTS.get(1))
                .pause(Duration.ofMillis(100)).then(Reply.Ending.RESET));

        List<String> deltas = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                    .createStreaming(streaming(params("up/gpt-4o-mini")))) {
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(deltas::add)));
            }
        }).isInstanceOf(SseException.class);
        assertThat(deltas).containsExactly("", "Sluice");
    }

    @Test
    void mockEchoNonStreaming() {
        ChatCompletion cc = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("mock/echo").addUserMessage("the quick brown fox").build());

        assertThat(cc.choices().get(0).message().content()).contains("the quick brown fox");
        assertThat(cc.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(cc.usage().orElseThrow().completionTokens()).isEqualTo(4);
    }

    @Test
    void mockEchoStreaming() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        List<String> deltas = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                streaming(ChatCompletionCreateParams.builder().model("mock/echo")
                        .addUserMessage("first message").addAssistantMessage("ok")
                        .addUserMessage("the quick brown fox")))) {
            stream.stream().forEach(c -> {
                acc.accumulate(c);
                c.choices().forEach(ch -> ch.delta().content().ifPresent(deltas::add));
            });
        }
        ChatCompletion cc = acc.chatCompletion();

        assertThat(deltas).containsExactly("", "the ", "quick ", "brown ", "fox");
        assertThat(cc.choices().get(0).message().content()).contains("the quick brown fox");
        assertThat(cc.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(cc.usage().orElseThrow().completionTokens()).isEqualTo(4);
        assertThat(upstream.requestsWaiting()).isZero();
    }
}
