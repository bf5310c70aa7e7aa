package io.sluice.codec.dialect.anthropic;

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

/** Client requests read into the hub, hub requests written for Anthropic, and the invalid ones refused. */
class AnthropicRequestTest {

    private static final String DIR = "dialect/anthropic/requests/";

    static HubRequest read(String json) throws RequestException {
        ByteBuf body = PooledChunks.direct(json);
        try {
            return AnthropicDialect.INSTANCE.readRequest(body);
        } finally {
            body.release();
        }
    }

    static String write(HubRequest req) {
        ByteBuf b = AnthropicDialect.INSTANCE.writeRequest(req, ByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    // ---- reading ----

    @Test
    void readsClaudeCodesRequest() throws RequestException {
        HubRequest req = read(Golden.read(DIR + "claude-code.json"));

        assertThat(req.model).isEqualTo("claude-sonnet-4-20250514");
        assertThat(req.maxTokens).isEqualTo(32000);
        assertThat(req.stream).isTrue();
        assertThat(req.temperature).isEqualTo(1.0);
        assertThat(req.reasoning).isEqualTo(Reasoning.ofBudget(31999));
        assertThat(req.user).startsWith("user_3f9c1e8a").endsWith("_session_7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f");
        assertThat(req.dropped()).isEmpty();

        assertThat(req.messages).extracting(Message::role)
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL, Role.TOOL, Role.USER);
        Message system = req.messages.get(0);
        assertThat(system.parts()).hasSize(2).allSatisfy(p -> assertThat(((Part.Text) p).cacheControl())
                .isEqualTo("{\"type\":\"ephemeral\"}"));
        assertThat(((Part.Text) system.parts().get(0)).text())
                .isEqualTo("You are Claude Code, Anthropic's official CLI for Claude.");

        Message assistant = req.messages.get(2);
        assertThat(assistant.parts()).hasSize(2);
        assertThat(assistant.parts().get(0)).isInstanceOfSatisfying(Part.Thinking.class,
                t -> assertThat(t.signature()).startsWith("EpIECkYIBRgC"));
        assertThat(assistant.toolCalls()).containsExactly(
                new ToolCall("toolu_01LLbGcQ2Z7WnyCGRJ6dbc3E", "Bash",
                        "{\"command\":\"./mvnw -q -B -o verify\",\"description\":\"Run the Maven build\"}"),
                new ToolCall("toolu_01H3xNJY4gWbF6zHrR1D5pGd", "Read", "{\"file_path\":\"/home/dev/sluice/pom.xml\"}"));

        // Tool results first, one hub message each, in order; then the rest of that user turn.
        Message r1 = req.messages.get(3);
        assertThat(r1.toolCallId()).isEqualTo("toolu_01LLbGcQ2Z7WnyCGRJ6dbc3E");
        assertThat(r1.toolError()).isTrue();
        assertThat(r1.joinedText()).startsWith("[ERROR] Failed to execute goal");
        Message r2 = req.messages.get(4);
        assertThat(r2.toolCallId()).isEqualTo("toolu_01H3xNJY4gWbF6zHrR1D5pGd");
        assertThat(r2.toolError()).isFalse();
        assertThat(r2.joinedText()).contains("<?xml version=\"1.0\"");
        Message last = req.messages.get(5);
        assertThat(((Part.Text) last.parts().get(0)).cacheControl()).isEqualTo("{\"type\":\"ephemeral\"}");

        assertThat(req.tools).extracting(Tool::name).containsExactly("Bash", "Read", "Edit");
        assertThat(req.tools.get(0).parameters()).startsWith("{\"type\":\"object\",\"properties\":{\"command\":")
                .endsWith("\"additionalProperties\":false,\"$schema\":\"http://json-schema.org/draft-07/schema#\"}");
        assertThat(req.tools.get(0).description()).startsWith("Executes a given bash command");
    }

    @Test
    void readsEveryOtherFeature() throws RequestException {
        HubRequest req = read(Golden.read(DIR + "everything.json"));

        assertThat(req.systemText()).isEqualTo("Be terse.");
        Message user = req.messages.get(1);
        assertThat(user.parts()).hasSize(3);
        assertThat(user.parts().get(0)).isEqualTo(new Part.Image(null, "image/png",
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                null, "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"));
        assertThat(user.parts().get(1)).isEqualTo(Part.Image.ofUrl(
                "https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg"));
        assertThat(user.parts().get(2)).isEqualTo(new Part.Text("What is in these images?"));
        Message assistant = req.messages.get(2);
        assertThat(assistant.parts()).containsExactly(new Part.RedactedThinking(
                "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWX"
                        + "GmKDxH4mPnZ5sQ7vB5URj2pWmN3mBhQ=="),
                new Part.Text("An ant and a pixel."));
        assertThat(assistant.toolCalls()).isEmpty();
        assertThat(req.messages.get(3).joinedText()).isEqualTo("Thanks");

        assertThat(req.tools).containsExactly(new Tool("lookup", "Look up a word",
                "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\"}},\"required\":[\"word\"]}", null,
                "{\"type\":\"ephemeral\"}"));
        assertThat(req.toolChoice).isEqualTo(ToolChoice.named("lookup"));
        assertThat(req.parallelToolCalls).isFalse();
        assertThat(req.temperature).isEqualTo(0.2);
        assertThat(req.topP).isEqualTo(0.9);
        assertThat(req.topK).isEqualTo(40);
        assertThat(req.stop).containsExactly("\n\nHuman:", "END");
        assertThat(req.reasoning).isEqualTo(Reasoning.ofBudget(0));
        assertThat(req.stream).isFalse();
        assertThat(req.dropped()).containsExactly("messages.content.document", "messages.content.server_tool_use",
                "messages.content.web_search_tool_result", "tools.web_search", "tools.bash", "service_tier",
                "mcp_servers", "context_management");
    }

    @Test
    void stringContentAndToolChoices() throws RequestException {
        HubRequest req = read("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],"
                + "\"tool_choice\":{\"type\":\"any\"}}");
        assertThat(req.messages).hasSize(1);
        assertThat(req.messages.get(0).joinedText()).isEqualTo("hi");
        assertThat(req.toolChoice).isEqualTo(ToolChoice.REQUIRED);
        assertThat(req.parallelToolCalls).isNull();
        assertThat(read("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tool_choice\":{\"type\":\"none\"}}")
                .toolChoice).isEqualTo(ToolChoice.NONE);
        assertThat(read("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tool_choice\":{\"type\":\"auto\"}}")
                .toolChoice).isEqualTo(ToolChoice.AUTO);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"model\":\"m\",\"messages\":[]}|max_tokens: Field required|max_tokens",
        "{\"max_tokens\":1,\"messages\":[]}|model: Field required|model",
        "{\"model\":\"m\",\"max_tokens\":1}|messages: Field required|messages",
        "{\"model\":\"m\",\"max_tokens\":\"lots\",\"messages\":[]}"
                + "|max_tokens: \"lots\" (expected: an integer)|max_tokens",
        "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[]}|max_tokens: 0 (expected: >= 1)|max_tokens",
        "{\"model\":\"m\",\"max_tokens\":1.5,\"messages\":[]}|max_tokens: 1.5 (expected: an integer)|max_tokens",
        "{\"model\":7,\"max_tokens\":1,\"messages\":[]}|model: 7 (expected: a string)|model",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":{}}"
                + "|messages: an object (expected: an array of messages)|messages",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}"
                + "|messages[0].role: \"tool\" (expected: \"user\", \"assistant\" or \"system\")|messages[0].role",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image\","
                + "\"source\":{\"type\":\"url\",\"url\":\"https://x/y.png\"}}]}]}"
                + "|messages[0].content: a system message holds text blocks only|messages[0].content",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\"}]}"
                + "|messages[0].content: Field required|messages[0].content",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]}"
                + "|messages[0].content[0].type: Field required|messages[0].content[0].type",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\"}]}]}"
                + "|messages[0].content[0].tool_use_id: Field required|messages[0].content[0].tool_use_id",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\"}]}]}"
                + "|messages[0].content: tool_result blocks are only valid in user messages"
                + "|messages[0].content",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[],\"thinking\":{\"type\":\"enabled\"}}"
                + "|thinking.budget_tokens: Field required|thinking.budget_tokens",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[],\"thinking\":{\"type\":\"on\"}}"
                + "|thinking.type: \"on\" (expected: \"enabled\" or \"disabled\")|thinking.type",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[],\"tool_choice\":{\"type\":\"required\"}}"
                + "|tool_choice.type: \"required\" (expected: \"auto\", \"any\", \"tool\" or \"none\")"
                + "|tool_choice.type",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[],\"tool_choice\":{\"type\":\"tool\"}}"
                + "|tool_choice.name: Field required|tool_choice.name",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[],\"tools\":[{\"name\":\"x\"}]}"
                + "|tools[0].input_schema: Field required|tools[0].input_schema",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[],\"system\":[{\"type\":\"image\"}]}"
                + "|system[0]: type \"image\" (expected: a text block with text)|system[0]",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[],\"temperature\":\"hot\"}"
                + "|temperature: \"hot\" (expected: a number)|temperature",
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[],\"stream\":\"yes\"}"
                + "|stream: \"yes\" (expected: true or false)|stream",
    })
    void refusesInvalidRequests(String body, String message, String param) {
        assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(RequestException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.param()).isEqualTo(param);
        });
    }

    @Test
    void refusesBodiesThatAreNotJsonObjects() {
        assertThatThrownBy(() -> read("[]")).hasMessage("request body: expected a JSON object");
        assertThatThrownBy(() -> read("")).hasMessage("request body: expected a JSON object");
        assertThatThrownBy(() -> read("{\"model\":")).isInstanceOf(RequestException.class)
                .hasMessageStartingWith("request body is not valid JSON: ");
    }

    // ---- writing ----

    @Test
    void writesClaudeCodesRequestBackAlmostVerbatim() throws RequestException {
        HubRequest req = read(Golden.read(DIR + "claude-code.json"));
        String written = write(req);
        Golden.check(DIR + "claude-code.written.json", written + "\n");
        // temperature with thinking is refused by Anthropic (Claude Code sends 1, which is the default anyway)
        assertThat(req.dropped()).containsExactly("temperature");
        assertThat(written).contains("\"max_tokens\":32000,")
                .contains("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999}")
                .contains("\"metadata\":{\"user_id\":\"user_3f9c1e8a");
    }

    @Test
    void writesOpenAiShapedConversation() {
        HubRequest req = new HubRequest();
        req.model = "claude-sonnet-4-20250514";
        req.stream = true;
        req.maxTokens = 1000;
        req.reasoning = Reasoning.ofEffort("high");
        req.temperature = 0.7;
        req.topK = 5;
        req.topP = 0.5;
        req.seed = 42L;
        req.presencePenalty = 0.1;
        req.frequencyPenalty = 0.2;
        req.responseFormat = ResponseFormat.JSON_OBJECT;
        req.user = "user-123";
        req.parallelToolCalls = false;
        req.stop.add("STOP");
        req.messages.add(Message.text(Role.SYSTEM, "You are helpful."));
        req.messages.add(Message.text(Role.SYSTEM, ""));
        req.messages.add(new Message(Role.USER).add(new Part.Text("Weather and time in Paris?"))
                .add(Part.Image.ofUrl("data:image/jpeg;base64,/9j/4AAQ")).name("alice"));
        req.messages.add(new Message(Role.ASSISTANT)
                .add(new Part.Thinking("unsigned, from another provider", null))
                .add(new Part.Text(""))
                .add(new ToolCall("functions.get_weather:0", "get_weather", "{\"city\": \"Paris\"}"))
                .add(new ToolCall("call_2", "get_time", "not json")));
        req.messages.add(Message.toolResult("functions.get_weather:0", "18°C, cloudy"));
        req.messages.add(Message.toolResult("call_2", "14:05").toolError(true));
        req.messages.add(Message.text(Role.USER, "And tomorrow?"));
        req.messages.add(new Message(Role.ASSISTANT).add(new Part.Thinking("only unsigned thinking", null)));
        req.messages.add(Message.text(Role.USER, "Please."));
        req.tools.add(new Tool("get_weather", "Current weather", "{\"type\":\"object\",\"properties\":{\"city\":"
                + "{\"type\":\"string\"}},\"required\":[\"city\"]}", true, null));
        req.tools.add(new Tool("get_time", null, null, null, "{\"type\":\"ephemeral\"}"));

        Golden.check(DIR + "openai-shaped.written.json", write(req) + "\n");
        assertThat(req.dropped()).containsExactly("messages.name", "messages.content.thinking",
                "tool_calls.arguments", "tools.strict", "temperature", "top_p", "top_k", "response_format", "seed",
                "presence_penalty", "frequency_penalty");
    }

    @Test
    void forcedToolChoiceTurnsThinkingOffAndCapsDefault() {
        HubRequest req = new HubRequest();
        req.model = "claude-3-5-haiku-20241022";
        req.reasoning = Reasoning.ofBudget(500);
        req.toolChoice = ToolChoice.named("lookup");
        req.tools.add(new Tool("lookup", null, "{\"type\":\"object\"}", null, null));
        req.messages.add(Message.text(Role.USER, "x"));
        assertThat(write(req)).isEqualTo("{\"model\":\"claude-3-5-haiku-20241022\",\"max_tokens\":4096,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}],"
                + "\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"lookup\"}}");
        assertThat(req.dropped()).containsExactly("reasoning");
    }

    @Test
    void smallBudgetIsRaisedAndToolChoiceNeedsTools() {
        HubRequest req = new HubRequest();
        req.model = "m";
        req.maxTokens = 200;
        req.reasoning = Reasoning.ofBudget(100);
        req.toolChoice = ToolChoice.REQUIRED;
        req.messages.add(Message.text(Role.USER, "x"));
        assertThat(write(req)).isEqualTo("{\"model\":\"m\",\"max_tokens\":1224,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}],"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}");
        assertThat(req.dropped()).containsExactly("tool_choice");

        HubRequest off = new HubRequest();
        off.model = "m";
        off.reasoning = Reasoning.ofEffort("minimal");
        off.toolChoice = ToolChoice.NONE;
        off.temperature = 1.7;
        off.tools.add(new Tool("t", "d", "{}", null, null));
        assertThat(write(off)).isEqualTo("{\"model\":\"m\",\"max_tokens\":4096,\"messages\":[],"
                + "\"tools\":[{\"name\":\"t\",\"description\":\"d\",\"input_schema\":{}}],"
                + "\"tool_choice\":{\"type\":\"none\"},"
                + "\"thinking\":{\"type\":\"disabled\"},\"temperature\":1.0}");
    }

    @Test
    void pathIsMessages() {
        assertThat(AnthropicDialect.INSTANCE.path("claude-sonnet-4-20250514", true)).isEqualTo("/messages");
        assertThat(AnthropicDialect.INSTANCE.path("x", false)).isEqualTo("/messages");
        assertThat(AnthropicDialect.INSTANCE.name()).isEqualTo("anthropic");
    }
}
