package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Received;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20: a passthrough OpenAI stream always asks the provider for usage (and hides the usage chunk from a client
 * that did not ask); a provider that reports none is estimated from the text, not the SSE bytes; a provider's key
 * quoted in a mid-stream error event never reaches the client, passthrough or translated.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamUsageE2eTest {

    private static final String KEY = "sk-usage-e2e-0123456789abcdefXYZ";
    private static final String ANT_KEY = "sk-ant-usage-e2e-0123456789abcdefXYZ";
    private static final int CHUNKS = 20;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private static String chunk(String content) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m1\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":" + Bodies.quote(content) + "},\"finish_reason\":null}]}\n\n";
    }

    private static final String FINISH = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
    private static final String USAGE = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m1\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":25,"
            + "\"total_tokens\":32}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    /** An OpenAI-compatible provider streaming 20 chunks of "tok " and, when asked (unless {@code deaf}), usage. */
    private static Reply openAi(Received r, boolean deaf) {
        Reply reply = Reply.sse();
        for (int i = 0; i < CHUNKS; i++) {
            reply.part(chunk("tok "));
        }
        reply.part(FINISH);
        if (!deaf && json(r.body()).path("stream_options").path("include_usage").asBoolean()) {
            reply.part(USAGE);
        }
        return reply.part(DONE);
    }

    private SluiceServer sluice(String providers) throws Exception {
        SluiceServer s = TestConfig.startYaml("server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms}\n"
                + "providersFromEnv: false\nproviders:\n" + providers);
        open.add(s);
        return s;
    }

    private TestUpstream upstream(Function<Received, Reply> script) throws Exception {
        TestUpstream up = new TestUpstream(script);
        open.add(up);
        return up;
    }

    private static String openAiProvider(TestUpstream up) {
        return "  p:\n    type: openai-compatible\n    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n"
                + "    apiKeys: [" + KEY + "]\n    models: [m1]\n";
    }

    private static String anthropicProvider(TestUpstream up) {
        return "  claude:\n    type: anthropic\n    baseUrl: http://127.0.0.1:" + up.port() + "/v1\n"
                + "    apiKey: " + ANT_KEY + "\n    models: [claude-sonnet-4-5]\n";
    }

    private static JsonNode modelRow(SluiceServer s, String provider, String model) throws Exception {
        JsonNode rows = json(Http.get(s, "/v1/stats").body()).path("models");
        for (JsonNode r : rows) {
            if (r.path("provider").asText().equals(provider) && r.path("model").asText().equals(model)) {
                return r;
            }
        }
        throw new AssertionError("no row " + provider + "/" + model + " in " + rows);
    }

    @Test
    void streamThatDidNotAskGetsUsageAskedForAndHidden() throws Exception {
        TestUpstream up = upstream(r -> openAi(r, false));
        SluiceServer s = sluice(openAiProvider(up));
        HttpResponse<String> res = Http.chat(s, Bodies.chat("p/m1", true, "hello"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).doesNotContain("usage").doesNotContain("\"choices\":[]").endsWith(DONE)
                .contains(chunk("tok "));
        assertThat(res.body().split("tok ", -1)).hasSize(CHUNKS + 1);

        Received r = up.take();
        JsonNode sent = json(r.body());
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(sent.path("model").asText()).isEqualTo("m1");
        assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("hello");

        JsonNode row = modelRow(s, "p", "m1");
        assertThat(row.path("promptTokens").asLong()).isEqualTo(7);
        assertThat(row.path("completionTokens").asLong()).isEqualTo(25);
        assertThat(row.path("estimatedRequests").asLong()).isZero();
    }

    @Test
    void streamThatAskedGetsUsageAndItsOwnBytes() throws Exception {
        TestUpstream up = upstream(r -> openAi(r, false));
        SluiceServer s = sluice(openAiProvider(up));
        String body = "{\"model\":\"p/m1\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        HttpResponse<String> res = Http.chat(s, body);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains(USAGE).endsWith(USAGE + DONE);
        assertThat(up.take().body()).isEqualTo(body.replace("p/m1", "m1"));
        assertThat(modelRow(s, "p", "m1").path("completionTokens").asLong()).isEqualTo(25);
    }

    @Test
    void streamOptionsOfEveryShapeAskForUsage() throws Exception {
        TestUpstream up = upstream(r -> openAi(r, false));
        SluiceServer s = sluice(openAiProvider(up));
        String[] options = {"{\"include_usage\":false}", "{}", "null", "{\"include_usage\":null,\"x\":1}",
            "{ \"x\" : 1 }"};
        for (String o : options) {
            String body = "{\"model\":\"p/m1\",\"stream\":true,\"stream_options\":" + o
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<String> res = Http.chat(s, body);
            assertThat(res.statusCode()).as(o).isEqualTo(200);
            assertThat(res.body()).as(o).doesNotContain("usage").endsWith(DONE);
            JsonNode sent = json(up.take().body());
            assertThat(sent.path("stream_options").path("include_usage").asBoolean()).as(o).isTrue();
            assertThat(sent.path("messages").get(0).path("content").asText()).as(o).isEqualTo("hi");
        }
        assertThat(modelRow(s, "p", "m1").path("estimatedRequests").asLong()).isZero();
    }

    @Test
    void providerWithoutUsageIsEstimatedFromTheTextNotTheBytes() throws Exception {
        TestUpstream up = upstream(r -> openAi(r, true));
        SluiceServer s = sluice(openAiProvider(up));
        HttpResponse<String> res = Http.chat(s, Bodies.chat("p/m1", true, "hello"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body().length()).isGreaterThan(2000);
        JsonNode row = modelRow(s, "p", "m1");
        assertThat(row.path("estimatedRequests").asLong()).isEqualTo(1);
        // 20 x "tok " is 80 characters: 20 tokens at 4 a token, not the ~600 of the stream's bytes.
        assertThat(row.path("completionTokens").asLong()).isEqualTo(20);
    }

    @Test
    void keyInAPassthroughOpenAiErrorEventIsMasked() throws Exception {
        TestUpstream up = upstream(r -> Reply.sse(chunk("one "), chunk("two "),
                "data: {\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ".\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"invalid_api_key\"}}\n\n"));
        SluiceServer s = sluice(openAiProvider(up));
        HttpResponse<String> res = Http.chat(s, Bodies.chat("p/m1", true, "hello"));
        assertThat(res.body()).contains("one ", "two ", "Incorrect API key provided: sk-").doesNotContain(KEY)
                .doesNotContain(KEY.substring(3, 20));
    }

    @Test
    void keyInAPassthroughAnthropicErrorEventIsMasked() throws Exception {
        TestUpstream up = upstream(r -> Reply.sse(anthropicStart(), anthropicText("Hello"),
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                        + "\"message\":\"invalid x-api-key " + ANT_KEY + "\"}}\n\n"));
        SluiceServer s = sluice(anthropicProvider(up));
        HttpResponse<String> res = Http.post(s, "/v1/messages",
                "{\"model\":\"claude/claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(res.body()).contains("Hello", "event: error", "invalid x-api-key sk-").doesNotContain(ANT_KEY)
                .doesNotContain(ANT_KEY.substring(3, 20));
    }

    @Test
    void keyInATranslatedErrorEventIsMasked() throws Exception {
        TestUpstream up = upstream(r -> Reply.sse(anthropicStart(), anthropicText("Hello"),
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                        + "\"message\":\"invalid x-api-key " + ANT_KEY + "\"}}\n\n"));
        SluiceServer s = sluice(anthropicProvider(up));
        HttpResponse<String> res = Http.chat(s, Bodies.chat("claude/claude-sonnet-4-5", true, "hi"));
        assertThat(res.body()).contains("Hello", "invalid x-api-key sk-").doesNotContain(ANT_KEY)
                .doesNotContain(ANT_KEY.substring(3, 20));
    }

    private static String anthropicStart() {
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":"
                + "\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\","
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    }

    private static String anthropicText(String text) {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":" + Bodies.quote(text) + "}}\n\n";
    }
}
