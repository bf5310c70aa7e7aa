package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stored Responses answers over raw HTTP, the way the Vercel AI SDK's OpenAI provider uses them: a tool loop whose
 * second step names the first step's output items by {@code item_reference}, then {@code previous_response_id},
 * in front of a chat, an Anthropic, a Gemini and a Responses upstream, streaming and not. What each upstream received
 * must be the whole conversation.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResponsesStateE2eTest {

    static final String ALICE = "sk-alice-0123456789abcdef";
    static final String BOB = "sk-bob-0123456789abcdef";
    static final String KEYS = "access:\n  clientKeys:\n    alice: " + ALICE + "\n    bob: " + BOB + "\n";
    static final String QUESTION = "Weather and time in Paris?";
    static final String TOOLS = "[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"location\":{\"type\":\"string\"}}}},{\"type\":\"function\",\"name\":\"get_time\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"tz\":{\"type\":\"string\"}}}}]";
    /** A Responses upstream's own answer (api.openai.com's ids). */
    static final String RESPONSES_ANSWER = "{\"id\":\"resp_upstream_1\",\"object\":\"response\",\"created_at\":1,"
            + "\"status\":\"completed\",\"model\":\"gpt-5\",\"output\":[{\"type\":\"message\",\"id\":\"msg_up_1\","
            + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":"
            + "\"From OpenAI.\",\"annotations\":[]}]}],\"usage\":{\"input_tokens\":3,\"output_tokens\":3,"
            + "\"total_tokens\":6}}";

    private TestUpstream openAi;
    private TestUpstream anthropic;
    private TestUpstream gemini;
    private TestUpstream responses;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws InterruptedException {
        // Tool calls first; once the tool results are in the conversation, text.
        openAi = new TestUpstream(r -> OpenAiSdkTest.sse(r.body().contains("sunny") ? OpenAiSdkTest.TEXT_EVENTS
                : OpenAiSdkTest.TOOL_EVENTS));
        anthropic = new TestUpstream(r -> r.body().contains("sunny") ? Reply.json(200,
                TranslationSdkTest.ANTHROPIC_MESSAGE) : Reply.sse(TranslationSdkTest.ANTHROPIC_TOOLS_SSE));
        gemini = new TestUpstream(r -> r.body().contains("sunny") ? Reply.json(200,
                TranslationSdkTest.GEMINI_RESPONSE) : Reply.sse(TranslationSdkTest.GEMINI_TOOLS_SSE));
        responses = new TestUpstream(r -> Reply.json(200, RESPONSES_ANSWER));
        sluice = TestConfig.startYaml(config()
                .openAiCompatible("oa", openAi, "gpt-4o-mini")
                .provider("an", "anthropic", anthropic, "/v1", "claude-sonnet-4-5")
                .provider("gm", "gemini", gemini, "/v1beta", "gemini-2.5-flash")
                .providersYaml("  re:\n    type: openai-compatible\n    dialect: responses\n"
                        + "    baseUrl: http://127.0.0.1:" + responses.port() + "/v1\n"
                        + "    apiKey: " + TestConfig.UPSTREAM_KEY + "\n    models: [gpt-5]\n")
                .yaml() + KEYS);
    }

    @AfterEach
    void close() {
        sluice.close();
        openAi.close();
        anthropic.close();
        gemini.close();
        responses.close();
    }

    private HttpResponse<String> post(String key, String body) throws Exception {
        return Http.post(sluice, "/v1/responses", body, "authorization", "Bearer " + key);
    }

    /** The response object of an answer: the body, or the {@code response.completed} event's. */
    static JsonNode answer(HttpResponse<String> res, boolean stream) {
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        if (!stream) {
            return json(res.body());
        }
        JsonNode done = null;
        for (String line : res.body().split("\n")) {
            if (line.startsWith("data: ") && line.contains("\"response.completed\"")) {
                done = json(line.substring(6)).get("response");
            }
        }
        assertThat(done).as(res.body()).isNotNull();
        return done;
    }

    private TestUpstream upstream(String model) {
        return model.startsWith("oa/") ? openAi : model.startsWith("an/") ? anthropic : gemini;
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @CsvSource({"oa/gpt-4o-mini,false", "oa/gpt-4o-mini,true", "an/claude-sonnet-4-5,false",
            "an/claude-sonnet-4-5,true", "gm/gemini-2.5-flash,false", "gm/gemini-2.5-flash,true"})
    void aVercelToolLoopByItemReferenceThenPreviousResponseId(String model, boolean stream) throws Exception {
        ObjectNode first = HttpWire.JSON.createObjectNode().put("model", model).put("stream", stream);
        first.putArray("input").addObject().put("role", "user").putArray("content").addObject()
                .put("type", "input_text").put("text", QUESTION);
        first.set("tools", json(TOOLS));
        JsonNode step1 = answer(post(ALICE, first.toString()), stream);
        upstream(model).take();

        // Step 2 as @ai-sdk/openai sends it with store unset: earlier output items by reference, then the results.
        ObjectNode second = first.deepCopy();
        ArrayNode input = (ArrayNode) second.get("input");
        List<String> callIds = new ArrayList<>();
        for (JsonNode item : step1.get("output")) {
            assertThat(item.path("id").asText()).isNotEmpty();
            input.addObject().put("type", "item_reference").put("id", item.get("id").asText());
            if (item.path("type").asText().equals("function_call")) {
                callIds.add(item.get("call_id").asText());
            }
        }
        assertThat(callIds).hasSize(2);
        for (String callId : callIds) {
            input.addObject().put("type", "function_call_output").put("call_id", callId)
                    .put("output", "sunny, 21:00");
        }
        JsonNode step2 = answer(post(ALICE, second.toString()), stream);
        JsonNode sent = json(upstream(model).take().body());
        assertExpanded(model, sent, callIds);

        // Step 3 by previous_response_id: the whole conversation again, and the last answer.
        ObjectNode third = HttpWire.JSON.createObjectNode().put("model", model).put("stream", stream)
                .put("previous_response_id", step2.get("id").asText()).put("input", "Thanks!");
        third.set("tools", json(TOOLS));
        JsonNode step3 = answer(post(ALICE, third.toString()), stream);
        String again = upstream(model).take().body();
        assertExpanded(model, json(again), callIds);
        String answer2 = text(step2);
        assertThat(answer2).isNotEmpty();
        assertThat(again).contains(QUESTION, "sunny, 21:00", answer2, "Thanks!").doesNotContain("previous_response_id");

        // What retrieve shows is what the client got.
        JsonNode got = json(Http.get(sluice, "/v1/responses/" + step3.get("id").asText(),
                "authorization", "Bearer " + ALICE).body());
        assertThat(got.get("id")).isEqualTo(step3.get("id"));
        assertThat(got.get("output")).isEqualTo(step3.get("output"));
        assertThat(got.get("previous_response_id").asText()).isEqualTo(step2.get("id").asText());
        // Another key sees nothing of it.
        HttpResponse<String> other = Http.get(sluice, "/v1/responses/" + step3.get("id").asText(),
                "authorization", "Bearer " + BOB);
        assertThat(other.statusCode()).isEqualTo(404);
    }

    private static String text(JsonNode response) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode item : response.get("output")) {
            for (JsonNode part : item.path("content")) {
                sb.append(part.path("text").asText());
            }
        }
        return sb.toString();
    }

    /** The upstream got the question, the assistant's calls (ids kept) and their results, in its own dialect. */
    private static void assertExpanded(String model, JsonNode sent, List<String> callIds) {
        String body = sent.toString();
        assertThat(body).contains(QUESTION, "sunny, 21:00", "get_weather", "get_time").doesNotContain("item_reference");
        if (model.startsWith("oa/")) {
            JsonNode m = sent.get("messages");
            assertThat(m.get(0).get("role").asText()).isEqualTo("user");
            assertThat(m.get(1).get("role").asText()).isEqualTo("assistant");
            assertThat(m.get(1).at("/tool_calls/0/id").asText()).isEqualTo(callIds.get(0));
            assertThat(m.get(1).at("/tool_calls/1/id").asText()).isEqualTo(callIds.get(1));
            assertThat(m.get(1).at("/tool_calls/0/function/arguments").asText()).contains("Paris");
            assertThat(m.get(2).get("role").asText()).isEqualTo("tool");
            assertThat(m.get(2).get("tool_call_id").asText()).isEqualTo(callIds.get(0));
            assertThat(m.get(3).get("tool_call_id").asText()).isEqualTo(callIds.get(1));
        } else if (model.startsWith("an/")) {
            JsonNode m = sent.get("messages");
            assertThat(m.get(1).get("role").asText()).isEqualTo("assistant");
            assertThat(body).contains("\"tool_use_id\":\"" + callIds.get(0) + "\"",
                    "\"tool_use_id\":\"" + callIds.get(1) + "\"", "Checking both");
            assertThat(m.get(1).toString()).contains(callIds.get(0), callIds.get(1), "Paris");
        } else {
            JsonNode c = sent.get("contents");
            assertThat(c.get(1).get("role").asText()).isEqualTo("model");
            assertThat(c.get(1).toString()).contains("functionCall", "Paris");
            assertThat(c.get(2).toString()).contains("functionResponse", "get_weather", "get_time");
        }
    }

    @Test
    void previousResponseIdAndItemReferencesOfAnotherKeyAreUnknown() throws Exception {
        JsonNode mine = answer(post(ALICE, "{\"model\":\"oa/gpt-4o-mini\",\"input\":\"Hello\",\"tools\":" + TOOLS
                + "}"), false);
        openAi.take();
        String id = mine.get("id").asText();
        String item = mine.at("/output/0/id").asText();

        HttpResponse<String> prev = post(BOB, "{\"model\":\"oa/gpt-4o-mini\",\"previous_response_id\":\"" + id
                + "\",\"input\":\"go on\"}");
        HttpResponse<String> unknown = post(BOB, "{\"model\":\"oa/gpt-4o-mini\",\"previous_response_id\":"
                + "\"resp_nope\",\"input\":\"go on\"}");
        assertThat(prev.statusCode()).isEqualTo(400);
        assertThat(prev.body()).isEqualTo(unknown.body().replace("resp_nope", id));
        assertThat(json(prev.body()).get("error")).isEqualTo(json("{\"message\":\"Previous response with id '" + id
                + "' not found.\",\"type\":\"invalid_request_error\",\"param\":\"previous_response_id\","
                + "\"code\":\"previous_response_not_found\"}"));

        HttpResponse<String> ref = post(BOB, "{\"model\":\"oa/gpt-4o-mini\",\"input\":[{\"type\":\"item_reference\","
                + "\"id\":\"" + item + "\"}]}");
        assertThat(ref.statusCode()).isEqualTo(404);
        assertThat(json(ref.body()).at("/error/message").asText()).startsWith("Item with id '" + item
                + "' not found.");
        assertThat(json(ref.body()).at("/error/param").asText()).isEqualTo("input");

        for (String method : List.of("GET", "DELETE")) {
            HttpResponse<String> theirs = Http.send(sluice, method, "/v1/responses/" + id, null,
                    "authorization", "Bearer " + BOB);
            HttpResponse<String> none = Http.send(sluice, method, "/v1/responses/resp_nope", null,
                    "authorization", "Bearer " + BOB);
            assertThat(theirs.statusCode()).isEqualTo(404);
            assertThat(theirs.body()).isEqualTo(none.body().replace("resp_nope", id));
        }
        assertThat(Http.get(sluice, "/v1/responses/" + id, "authorization", "Bearer " + ALICE).statusCode())
                .isEqualTo(200);
        assertThat(openAi.requestsWaiting()).isZero(); // nothing refused went upstream
    }

    @Test
    void deleteForgetsAnAnswerAndStoreFalseKeepsNone() throws Exception {
        JsonNode kept = answer(post(ALICE, "{\"model\":\"oa/gpt-4o-mini\",\"input\":\"Hello\"}"), false);
        String id = kept.get("id").asText();
        assertThat(id).startsWith("resp_");
        HttpResponse<String> del = Http.send(sluice, "DELETE", "/v1/responses/" + id, null,
                "authorization", "Bearer " + ALICE);
        assertThat(json(del.body())).isEqualTo(json("{\"id\":\"" + id + "\",\"object\":\"response\","
                + "\"deleted\":true}"));
        assertThat(Http.get(sluice, "/v1/responses/" + id, "authorization", "Bearer " + ALICE).statusCode())
                .isEqualTo(404);

        JsonNode unstored = answer(post(ALICE, "{\"model\":\"oa/gpt-4o-mini\",\"input\":\"Hello\",\"store\":false}"),
                false);
        HttpResponse<String> get = Http.get(sluice, "/v1/responses/" + unstored.get("id").asText(),
                "authorization", "Bearer " + ALICE);
        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(json(get.body()).at("/error/message").asText()).isEqualTo("Response with id '"
                + unstored.get("id").asText() + "' not found.");
        HttpResponse<String> ref = post(ALICE, "{\"model\":\"oa/gpt-4o-mini\",\"input\":[{\"type\":"
                + "\"item_reference\",\"id\":\"" + unstored.at("/output/0/id").asText() + "\"}]}");
        assertThat(ref.statusCode()).isEqualTo(404);
    }

    @Test
    void aResponsesUpstreamGetsUnknownReferencesAsTheyAreAndKnownOnesExpanded() throws Exception {
        HttpResponse<String> passed = post(ALICE, "{\"model\":\"re/gpt-5\",\"previous_response_id\":"
                + "\"resp_only_openai_knows\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_openai\"}]}");
        assertThat(passed.statusCode()).isEqualTo(200);
        JsonNode sent = json(responses.take().body());
        assertThat(sent.get("previous_response_id").asText()).isEqualTo("resp_only_openai_knows");
        assertThat(sent.at("/input/0/type").asText()).isEqualTo("item_reference");
        // Sluice does not hold that chain: it does not keep the answer as if it did.
        assertThat(Http.get(sluice, "/v1/responses/resp_upstream_1", "authorization", "Bearer " + ALICE)
                .statusCode()).isEqualTo(404);

        JsonNode first = answer(post(ALICE, "{\"model\":\"re/gpt-5\",\"input\":\"Hi\"}"), false);
        responses.take();
        assertThat(first.get("id").asText()).isEqualTo("resp_upstream_1"); // the provider's ids, passed through
        post(ALICE, "{\"model\":\"re/gpt-5\",\"previous_response_id\":\"resp_upstream_1\",\"input\":\"More\"}");
        JsonNode expanded = json(responses.take().body());
        assertThat(expanded.has("previous_response_id")).isFalse();
        assertThat(expanded.at("/input/0/content/0/text").asText()).isEqualTo("Hi");
        assertThat(expanded.at("/input/1/id").asText()).isEqualTo("msg_up_1");
        assertThat(expanded.at("/input/2/content/0/text").asText()).isEqualTo("More");
        assertThat(expanded.get("model").asText()).isEqualTo("gpt-5");
    }

    @Test
    void inputItemsListsTheExpandedInput() throws Exception {
        JsonNode one = answer(post(ALICE, "{\"model\":\"oa/gpt-4o-mini\",\"input\":\"Hello\"}"), false);
        JsonNode two = answer(post(ALICE, "{\"model\":\"oa/gpt-4o-mini\",\"previous_response_id\":\""
                + one.get("id").asText() + "\",\"input\":\"Again\"}"), false);
        JsonNode list = json(Http.get(sluice, "/v1/responses/" + two.get("id").asText() + "/input_items?order=asc",
                "authorization", "Bearer " + ALICE).body());
        assertThat(list.get("object").asText()).isEqualTo("list");
        JsonNode data = list.get("data");
        int earlier = one.get("output").size(); // the first answer's items, between the two user turns
        assertThat(data).hasSize(earlier + 2);
        assertThat(data.at("/0/content/0/text").asText()).isEqualTo("Hello");
        assertThat(data.at("/0/type").asText()).isEqualTo("message");
        assertThat(data.at("/0/id").asText()).startsWith("msg_");
        assertThat(data.at("/1/id").asText()).isEqualTo(one.at("/output/0/id").asText());
        assertThat(data.get(earlier + 1).at("/content/0/text").asText()).isEqualTo("Again");
        assertThat(list.get("first_id").asText()).isEqualTo(data.at("/0/id").asText());
        assertThat(list.get("has_more").asBoolean()).isFalse();
        JsonNode page = json(Http.get(sluice, "/v1/responses/" + two.get("id").asText() + "/input_items?limit=1",
                "authorization", "Bearer " + ALICE).body());
        assertThat(page.get("data")).hasSize(1);
        assertThat(page.at("/data/0/content/0/text").asText()).isEqualTo("Again"); // newest first by default
        assertThat(page.get("has_more").asBoolean()).isTrue();
    }

    @Test
    void storedAnswersSurviveARestartWithADataDir(@TempDir Path dir) throws Exception {
        String yaml = config().openAiCompatible("oa", openAi, "gpt-4o-mini").yaml() + KEYS + "dataDir: \"" + dir
                + "\"\nresponses: {ttl: 720h, maxResponses: 100}\n";
        sluice.close();
        sluice = TestConfig.startYaml(yaml);
        JsonNode one = answer(post(ALICE, "{\"model\":\"oa/gpt-4o-mini\",\"input\":\"Hello\",\"stream\":true}"),
                true);
        openAi.take();
        sluice.close();

        sluice = TestConfig.startYaml(yaml);
        JsonNode got = json(Http.get(sluice, "/v1/responses/" + one.get("id").asText(), "authorization",
                "Bearer " + ALICE).body());
        assertThat(got.get("output")).isEqualTo(one.get("output"));
        post(ALICE, "{\"model\":\"oa/gpt-4o-mini\",\"previous_response_id\":\"" + one.get("id").asText()
                + "\",\"input\":\"Again\"}");
        assertThat(openAi.take().body()).contains("Hello", "call_weather_1", "Again");
        assertThat(Files.readString(dir.resolve("responses/responses.jsonl"))).doesNotContain(ALICE)
                .contains("\"scope\":\"alice\"");
    }

    /** Claude thinking (signed) before a tool call, as api.anthropic.com streams it. */
    static final String THINKING_TOOL_SSE = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
            + "{\"id\":\"msg_th\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
            + "\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
            + "{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
            + "{\"type\":\"thinking_delta\",\"thinking\":\"Need the weather tool.\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
            + "{\"type\":\"signature_delta\",\"signature\":\"EqQBCkYIBRgCKkCsig\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
            + "{\"type\":\"tool_use\",\"id\":\"toolu_th_1\",\"name\":\"get_weather\",\"input\":{}}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
            + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"location\\\":\\\"Paris\\\"}\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},"
            + "\"usage\":{\"output_tokens\":30}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    @ParameterizedTest(name = "stream={0}")
    @CsvSource({"false", "true"})
    void aReasoningItemByReferenceGivesClaudeItsSignedThinkingBack(boolean stream) throws Exception {
        anthropic.script(r -> r.body().contains("sunny") ? Reply.json(200, TranslationSdkTest.ANTHROPIC_MESSAGE)
                : Reply.sse(THINKING_TOOL_SSE));
        String model = "an/claude-sonnet-4-5";
        JsonNode step1 = answer(post(ALICE, "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"reasoning\":{\"effort\":\"low\"},\"input\":\"" + QUESTION + "\",\"tools\":" + TOOLS + "}"),
                stream);
        anthropic.take();
        JsonNode reasoning = step1.at("/output/0");
        assertThat(reasoning.get("type").asText()).isEqualTo("reasoning");
        assertThat(reasoning.get("id").asText()).startsWith("rs_");
        JsonNode call = step1.at("/output/1");

        // @ai-sdk/openai: the reasoning and the call by reference, then the result.
        String second = "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":[{\"role\":\"user\","
                + "\"content\":\"" + QUESTION + "\"},{\"type\":\"item_reference\",\"id\":\""
                + reasoning.get("id").asText() + "\"},{\"type\":\"item_reference\",\"id\":\"" + call.get("id").asText()
                + "\"},{\"type\":\"function_call_output\",\"call_id\":\"" + call.get("call_id").asText()
                + "\",\"output\":\"sunny\"}],\"tools\":" + TOOLS + "}";
        answer(post(ALICE, second), stream);
        JsonNode sent = json(anthropic.take().body());
        JsonNode assistant = sent.at("/messages/1");
        assertThat(assistant.get("role").asText()).isEqualTo("assistant");
        assertThat(assistant.at("/content/0/type").asText()).isEqualTo("thinking");
        assertThat(assistant.at("/content/0/thinking").asText()).isEqualTo("Need the weather tool.");
        assertThat(assistant.at("/content/0/signature").asText()).isEqualTo("EqQBCkYIBRgCKkCsig");
        assertThat(assistant.at("/content/1/type").asText()).isEqualTo("tool_use");
        assertThat(assistant.at("/content/1/id").asText()).isEqualTo("toolu_th_1");
        assertThat(sent.at("/messages/2/content/0/tool_use_id").asText()).isEqualTo("toolu_th_1");
    }

    @Test
    void aResponsesUpstreamsStreamIsStoredUnderTheProvidersIds() throws Exception {
        responses.script(r -> Reply.sse(RewriteMatrixE2eTest.RESPONSES_SSE));
        JsonNode streamed = answer(post(BOB, "{\"model\":\"re/gpt-5\",\"stream\":true,\"input\":\"Hi\"}"), true);
        assertThat(streamed.get("id").asText()).isEqualTo("resp_1");
        responses.take();

        JsonNode got = json(Http.get(sluice, "/v1/responses/resp_1", "authorization", "Bearer " + BOB).body());
        assertThat(got.get("output")).isEqualTo(streamed.get("output"));
        post(BOB, "{\"model\":\"re/gpt-5\",\"stream\":true,\"input\":[{\"type\":\"item_reference\",\"id\":"
                + "\"msg_1\"},{\"role\":\"user\",\"content\":\"More\"}]}");
        JsonNode sent = json(responses.take().body());
        assertThat(sent.at("/input/0/id").asText()).isEqualTo("msg_1");
        assertThat(sent.at("/input/0/content/0/text").asText()).isEqualTo("par");
        assertThat(sent.at("/input/0/role").asText()).isEqualTo("assistant");
        assertThat(sent.get("stream").asBoolean()).isTrue();
    }
}
