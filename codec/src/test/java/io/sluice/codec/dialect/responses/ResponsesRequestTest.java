package io.sluice.codec.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Part;
import io.sluice.codec.hub.Reasoning;
import io.sluice.codec.hub.ResponseFormat;
import io.sluice.codec.hub.Role;
import io.sluice.codec.hub.Tool;
import io.sluice.codec.hub.ToolCall;
import io.sluice.codec.hub.ToolChoice;
import io.sluice.codec.testing.Golden;
import io.sluice.codec.testing.PooledChunks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponsesRequestTest {

    private static final String DIR = "dialect/responses/";

    static HubRequest read(String json) throws RequestException {
        ByteBuf body = PooledChunks.direct(json);
        try {
            return ResponsesDialect.INSTANCE.readRequest(body);
        } finally {
            body.release();
        }
    }

    static String write(HubRequest r) {
        ByteBuf b = ResponsesDialect.INSTANCE.writeRequest(r, ByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    @Test
    void codexAgentTurn() throws RequestException {
        HubRequest r = read(Golden.read(DIR + "request-codex.json"));
        assertThat(r.model).isEqualTo("gpt-5-codex");
        assertThat(r.stream).isTrue();
        assertThat(r.parallelToolCalls).isFalse();
        assertThat(r.toolChoice).isEqualTo(ToolChoice.AUTO);
        assertThat(r.reasoning).isEqualTo(Reasoning.ofEffort("medium"));
        assertThat(r.tools).extracting(Tool::name).containsExactly("shell", "apply_patch");
        assertThat(r.tools.get(0).strict()).isFalse();
        assertThat(r.tools.get(0).parameters()).startsWith("{\"type\":\"object\",\"properties\":{\"command\":");
        assertThat(r.dropped()).containsExactly("tools.web_search", "reasoning.summary", "store", "include",
                "prompt_cache_key");

        assertThat(r.messages).extracting(Message::role).containsExactly(Role.SYSTEM, Role.SYSTEM, Role.USER,
                Role.ASSISTANT, Role.TOOL, Role.ASSISTANT, Role.TOOL, Role.TOOL);
        assertThat(r.messages.get(0).joinedText()).startsWith("You are Codex");
        assertThat(r.messages.get(1).joinedText()).startsWith("<permissions instructions>");

        Message firstTurn = r.messages.get(3);
        assertThat(firstTurn.parts()).containsExactly(new Part.Thinking(
                "**Running the tests**\n\nI'll run go test first.",
                "gAAAAABotA1Qm3Xk9fTq2Lw8Vz0Nc4Hs6Jd_aE5bR7uT1yI3oP0-lK8jG2fD6sA4qW9eZxC1vB5nM7_hU3tR0pL2kJ9gF4dS"
                        + "6aQ=="));
        assertThat(firstTurn.toolCalls()).containsExactly(new ToolCall("call_9Xk2mP7qR4tV8wZ1", "shell",
                "{\"command\":[\"bash\",\"-lc\",\"go test ./...\"],\"workdir\":\"/repo\"}"));
        assertThat(r.messages.get(4).toolCallId()).isEqualTo("call_9Xk2mP7qR4tV8wZ1");
        assertThat(r.messages.get(4).name()).isEqualTo("shell");
        assertThat(r.messages.get(4).joinedText()).startsWith("--- FAIL: TestParseDate");

        Message secondTurn = r.messages.get(5);
        assertThat(secondTurn.parts()).hasSize(2);
        assertThat(((Part.Thinking) secondTurn.parts().get(0)).text()).isEmpty();
        assertThat(secondTurn.parts().get(1))
                .isEqualTo(new Part.Text("The month is not validated; I'll add a range check."));
        assertThat(secondTurn.toolCalls()).extracting(ToolCall::id)
                .containsExactly("call_4Lr8sT2vY6bN0cQ3", "call_7Hj1kD5fG9aS3eW6");
        assertThat(r.messages.get(7).name()).isEqualTo("shell");
    }

    @Test
    void stringInputWithStructuredOutput() throws RequestException {
        HubRequest r = read(Golden.read(DIR + "request-simple.json"));
        assertThat(r.messages).hasSize(1);
        assertThat(r.messages.get(0).role()).isEqualTo(Role.USER);
        assertThat(r.messages.get(0).joinedText()).startsWith("Extract the event");
        assertThat(r.responseFormat.kind()).isEqualTo(ResponseFormat.Kind.JSON_SCHEMA);
        assertThat(r.responseFormat.name()).isEqualTo("calendar_event");
        assertThat(r.responseFormat.strict()).isTrue();
        assertThat(r.responseFormat.schema()).startsWith("{\"type\":\"object\"")
                .endsWith("\"additionalProperties\":false}");
        assertThat(r.maxTokens).isEqualTo(256);
        assertThat(r.temperature).isEqualTo(0.2);
        assertThat(r.topP).isEqualTo(0.9);
        assertThat(r.user).isEqualTo("user_8f3a2c");
        assertThat(r.stream).isFalse();
        assertThat(r.dropped()).containsExactly("text.format.description", "text.verbosity", "metadata", "truncation",
                "service_tier");
    }

    @Test
    void imagesRolesRefusalsAndBuiltInItems() throws RequestException {
        HubRequest r = read(Golden.read(DIR + "request-multimodal.json"));
        assertThat(r.messages).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT,
                Role.USER, Role.ASSISTANT, Role.TOOL);
        Message user = r.messages.get(1);
        assertThat(user.parts()).hasSize(3);
        Part.Image url = (Part.Image) user.parts().get(1);
        assertThat(url.url()).isEqualTo("https://upload.wikimedia.org/wikipedia/commons/3/3f/Lock_gate.jpg");
        assertThat(url.detail()).isEqualTo("high");
        Part.Image inline = (Part.Image) user.parts().get(2);
        assertThat(inline.inline()).isTrue();
        assertThat(inline.mediaType()).isEqualTo("image/png");
        assertThat(inline.detail()).isEqualTo("auto");
        assertThat(r.messages.get(2).joinedText()).isEqualTo("A canal lock gate. I can't read the file.");
        assertThat(r.messages.get(4).toolCalls()).containsExactly(new ToolCall("call_w1", "get_weather", "{}"));
        Message tool = r.messages.get(5);
        assertThat(tool.toolCallId()).isEqualTo("call_w1");
        assertThat(tool.parts()).hasSize(2).element(1).isInstanceOf(Part.Image.class);
        assertThat(r.tools).extracting(Tool::name).containsExactly("get_weather");
        assertThat(r.toolChoice).isEqualTo(ToolChoice.named("get_weather"));
        assertThat(r.user).isEqualTo("end-user-7");
        assertThat(r.dropped()).containsExactly("input_image.file_id", "input_file", "input.reasoning",
                "input.web_search_call", "tools.web_search_preview", "tools.file_search");
    }

    @Test
    void writeCodexTurnGolden() throws RequestException {
        HubRequest r = read(Golden.read(DIR + "request-codex.json"));
        r.model = "gpt-5-codex-2025-09-15";
        Golden.check(DIR + "encoded/request-codex.json", write(r) + "\n");
    }

    @Test
    void writeMultimodalGolden() throws RequestException {
        HubRequest r = read(Golden.read(DIR + "request-multimodal.json"));
        Golden.check(DIR + "encoded/request-multimodal.json", write(r) + "\n");
    }

    /** A request as an Anthropic client would send it, through the hub, to OpenAI's Responses API. */
    @Test
    void writeForeignHubRequestGolden() {
        HubRequest r = new HubRequest();
        r.model = "o4-mini";
        r.stream = true;
        r.messages.add(Message.text(Role.SYSTEM, "You are terse."));
        r.messages.add(Message.text(Role.SYSTEM, "Use metric units."));
        r.messages.add(new Message(Role.USER).add(new Part.Text("Weather in Paris?", "{\"type\":\"ephemeral\"}"))
                .add(new Part.Image(null, "image/jpeg", "/9j/4AAQ", null, null)));
        r.messages.add(new Message(Role.ASSISTANT)
                .add(new Part.Thinking("Need the weather tool.", "EqQBCkYIBxgCKkBsig=="))
                .add(new Part.RedactedThinking("EmwKAhgBEgy3va"))
                .add(new Part.Text("Checking."))
                .add(new ToolCall("toolu_01A", "get_weather", "{\"city\":\"Paris\"}")));
        r.messages.add(Message.toolResult("toolu_01A", "21°C, sunny").toolError(false));
        r.messages.add(new Message(Role.ASSISTANT)
                .add(new Part.Thinking("", "gAAAAABoReplayedFromOpenAI=="))
                .add(new Part.Text("It is 21°C and sunny.")));
        r.messages.add(Message.text(Role.USER, "And Tokyo?"));
        r.tools.add(new Tool("get_weather", "Weather for a city", "{\"type\":\"object\",\"properties\":{\"city\":"
                + "{\"type\":\"string\"}},\"required\":[\"city\"]}", null, "{\"type\":\"ephemeral\"}"));
        r.toolChoice = ToolChoice.REQUIRED;
        r.maxTokens = 4096;
        r.temperature = 1.0;
        r.topK = 40;
        r.stop.add("\n\nHuman:");
        r.seed = 7L;
        r.reasoning = Reasoning.ofBudget(2048);
        r.responseFormat = new ResponseFormat(ResponseFormat.Kind.JSON_SCHEMA, null, "{\"type\":\"object\"}", null);
        r.user = "user-1";
        String json = write(r);
        Golden.check(DIR + "encoded/request-foreign.json", json + "\n");
        assertThat(json).contains("\"instructions\":\"You are terse.\\n\\nUse metric units.\"", "\"store\":false",
                "\"reasoning\":{\"effort\":\"medium\"}", "\"include\":[\"reasoning.encrypted_content\"]",
                "\"strict\":false", "{\"type\":\"reasoning\",\"summary\":[],\"encrypted_content\":\"gAAAAABoReplayed");
        assertThat(json).doesNotContain("EqQBCkYIBxgCKkBsig==", "EmwKAhgBEgy3va", "top_k", "stop", "seed");
        assertThat(r.dropped()).containsExactly("cache_control", "thinking", "assistant.redacted_thinking", "stop",
                "seed", "top_k");
    }

    @Test
    void readWriteReadKeepsTheConversation() throws RequestException {
        HubRequest first = read(Golden.read(DIR + "request-codex.json"));
        HubRequest second = read(write(first));
        assertThat(second.messages).hasSize(first.messages.size() - 1); // instructions and developer join into one
        assertThat(second.messages.get(0).joinedText()).isEqualTo(first.systemText());
        for (int i = 2; i < first.messages.size(); i++) {
            Message a = first.messages.get(i);
            Message b = second.messages.get(i - 1);
            assertThat(b.role()).isEqualTo(a.role());
            assertThat(b.parts()).isEqualTo(a.parts());
            assertThat(b.toolCalls()).isEqualTo(a.toolCalls());
            assertThat(b.toolCallId()).isEqualTo(a.toolCallId());
        }
        assertThat(second.tools).isEqualTo(first.tools);
        assertThat(second.reasoning).isEqualTo(first.reasoning);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}|previous_response_id is not supported: "
            + "Sluice holds no such stored state for this request; send the full input|previous_response_id",
        "{\"model\":\"m\",\"input\":\"hi\",\"conversation\":\"conv_1\"}|conversation is not supported: Sluice "
            + "holds no such stored state for this request; send the full input|conversation",
        "{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}|input[0]: item_reference is not "
            + "supported: Sluice holds no such stored state for this request; send the full input|input[0]",
        "{\"input\":\"hi\"}|model: missing (expected: a model name)|model",
        "{\"model\":\"m\"}|input: missing (expected: a string or an array of input items)|input",
        "{\"model\":\"m\",\"input\":42}|input: 42 (expected: a string or an array of input items)|input",
        "{\"model\":\"m\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}"
            + "|input[0].role: \"robot\" (expected: user, assistant, system or developer)|input[0].role",
        "{\"model\":\"m\",\"input\":[{\"content\":\"x\"}]}|input[0].type: missing (expected: message, function_call, "
            + "function_call_output or reasoning)|input[0].type",
        "{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]}"
            + "|input[0].call_id: missing (expected: the call's id)|input[0].call_id",
        "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}|tools[0]"
            + ".name: missing (expected: the function's name at the top level; Responses tools are flat, not nested "
            + "under \"function\" as in Chat Completions)|tools[0].name",
        "{\"model\":\"m\",\"input\":\"hi\",\"max_output_tokens\":\"100\"}|max_output_tokens: \"100\" (expected: a "
            + "non-negative integer)|max_output_tokens",
        "{\"model\":\"m\",\"input\":\"hi\",\"temperature\":\"hot\"}"
            + "|temperature: \"hot\" (expected: a number)|temperature",
        "{\"model\":\"m\",\"input\":\"hi\",\"tool_choice\":\"any\"}"
            + "|tool_choice: \"any\" (expected: \"auto\", \"none\", \"required\" or an object)|tool_choice",
        "{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"xml\"}}}"
            + "|text.format.type: \"xml\" (expected: text, json_object or json_schema)|text.format.type",
        "{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\"}}}|text.format"
            + ".schema: missing (expected: a JSON Schema object)|text.format.schema",
        "{\"model\":\"m\",\"input\":\"hi\",\"stream\":\"yes\"}|stream: \"yes\" (expected: true or false)|stream",
        "[1,2]|request body: not a JSON object (expected: a Responses request object)|",
    })
    void invalidRequests(String body, String message, String param) {
        assertThatThrownBy(() -> read(body)).isInstanceOf(RequestException.class).hasMessage(message)
                .satisfies(e -> assertThat(((RequestException) e).param()).isEqualTo(param));
    }

    @Test
    void invalidJson() {
        assertThatThrownBy(() -> read("{\"model\":\"m\",\"input\":")).isInstanceOf(RequestException.class)
                .hasMessageStartingWith("request body is not valid JSON: ");
    }

    @Test
    void pathIsRelativeToV1() {
        assertThat(ResponsesDialect.INSTANCE.path("gpt-4.1", true)).isEqualTo("/responses");
        assertThat(ResponsesDialect.INSTANCE.path("gpt-4.1", false)).isEqualTo("/responses");
        assertThat(ResponsesDialect.INSTANCE.name()).isEqualTo("responses");
    }
}
