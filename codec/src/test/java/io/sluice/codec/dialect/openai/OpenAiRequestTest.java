package io.sluice.codec.dialect.openai;

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
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiRequestTest {

    private static final OpenAiDialect D = OpenAiDialect.INSTANCE;

    static HubRequest read(String json) throws RequestException {
        ByteBuf body = PooledChunks.direct(json);
        try {
            return D.readRequest(body);
        } finally {
            body.release();
        }
    }

    static HubRequest fixture(String name) throws RequestException {
        return read(Golden.read("dialect/openai/request/" + name + ".json"));
    }

    static String write(HubRequest r) {
        ByteBuf out = D.writeRequest(r, ByteBufAllocator.DEFAULT);
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    @Test
    void fullRequest() throws RequestException {
        HubRequest r = fixture("full");
        assertThat(r.model).isEqualTo("gpt-4o");
        assertThat(r.stream).isTrue();
        assertThat(r.includeUsage).isTrue();
        assertThat(r.maxTokens).as("max_completion_tokens wins over max_tokens").isEqualTo(1024);
        assertThat(r.temperature).isEqualTo(0.2);
        assertThat(r.topP).isEqualTo(0.9);
        assertThat(r.stop).containsExactly("\n\nUser:", "END");
        assertThat(r.presencePenalty).isEqualTo(0.1);
        assertThat(r.frequencyPenalty).isEqualTo(-0.5);
        assertThat(r.seed).isEqualTo(42L);
        assertThat(r.user).isEqualTo("user-1234");
        assertThat(r.reasoning).isEqualTo(Reasoning.ofEffort("low"));
        assertThat(r.parallelToolCalls).isTrue();
        assertThat(r.toolChoice).isEqualTo(ToolChoice.named("get_weather"));
        assertThat(r.tools).containsExactly(new Tool("get_weather", "Get the current weather for a location",
                "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\",\"description\":\"City and"
                        + " country\"}},\"required\":[\"location\"],\"additionalProperties\":false}", true, null));
        assertThat(r.responseFormat).isEqualTo(new ResponseFormat(ResponseFormat.Kind.JSON_SCHEMA, "forecast",
                "{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\"}},\"required\":[\"summary\"],"
                        + "\"additionalProperties\":false}", true));

        assertThat(r.messages).extracting(Message::role).containsExactly(Role.SYSTEM, Role.SYSTEM, Role.USER,
                Role.ASSISTANT, Role.TOOL, Role.TOOL, Role.ASSISTANT, Role.USER);
        assertThat(r.systemText()).isEqualTo("You are a travel assistant. Answer in the user's language.\n\n"
                + "Use metric units.");
        Message user = r.messages.get(2);
        assertThat(user.name()).isEqualTo("alice");
        assertThat(user.parts()).containsExactly(
                new Part.Text("Quel temps fait-il à Paris et à Tokyo ? Voici une photo 📷"),
                new Part.Image("https://upload.example.org/paris.jpg", null, null, "high", null),
                new Part.Image(null, "image/png", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42m"
                        + "P8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", null, null));
        Message assistant = r.messages.get(3);
        assertThat(assistant.parts()).containsExactly(new Part.Thinking("Two cities: call the tool twice.", null));
        assertThat(assistant.toolCalls()).containsExactly(
                new ToolCall("call_Yq3mB7dXkP0sRt9VwLz2cHnA", "get_weather", "{\"location\":\"Paris, France\"}"),
                new ToolCall("call_Fh6nQ1uJ8eWb4oKs5GtM0rVd", "get_weather", "{\"location\":\"Tokyo, Japan\"}"));
        assertThat(r.messages.get(4).toolCallId()).isEqualTo("call_Yq3mB7dXkP0sRt9VwLz2cHnA");
        assertThat(r.messages.get(5).joinedText()).isEqualTo("{\"temperature\":28,\"unit\":\"C\"}");
        assertThat(r.toolName("call_Fh6nQ1uJ8eWb4oKs5GtM0rVd")).isEqualTo("get_weather");
        assertThat(r.dropped()).containsExactly("response_format.json_schema.description",
                "stream_options.include_obfuscation", "logprobs", "logit_bias", "service_tier", "store", "metadata",
                "modalities", "prediction", "web_search_options", "prompt_cache_key");
    }

    @Test
    void legacyFunctionsBecomeToolsAndToolMessages() throws RequestException {
        HubRequest r = fixture("legacy-functions");
        assertThat(r.tools).extracting(Tool::name).containsExactly("get_current_weather");
        assertThat(r.toolChoice).isEqualTo(ToolChoice.AUTO);
        assertThat(r.maxTokens).isEqualTo(256);
        assertThat(r.messages).hasSize(3);
        ToolCall call = r.messages.get(1).toolCalls().get(0);
        assertThat(call).isEqualTo(new ToolCall("call_fn_1", "get_current_weather",
                "{\n  \"location\": \"Boston, MA\"\n}"));
        Message result = r.messages.get(2);
        assertThat(result.role()).isEqualTo(Role.TOOL);
        assertThat(result.toolCallId()).isEqualTo("call_fn_1");
        assertThat(result.name()).isEqualTo("get_current_weather");
        assertThat(r.dropped()).containsExactly("messages[].role=function");
    }

    @Test
    void openRouterConventions() throws RequestException {
        HubRequest r = fixture("openrouter-cache");
        assertThat(r.messages.get(0).parts()).containsExactly(
                new Part.Text("You are a historian. Here is the full text of the book:"),
                new Part.Text("HUGE TEXT BODY", "{\"type\":\"ephemeral\"}"));
        assertThat(r.messages.get(1).parts()).containsExactly(
                new Part.Text("Summarize chapter 1 and transcribe this clip."));
        assertThat(r.reasoning).isEqualTo(Reasoning.ofBudget(2000));
        assertThat(r.topK).isEqualTo(40);
        assertThat(r.temperature).isEqualTo(1.0);
        assertThat(r.stream).isTrue();
        assertThat(r.includeUsage).isFalse();
        assertThat(r.dropped()).containsExactly("content.input_audio", "content.file", "reasoning.exclude", "usage",
                "provider");
    }

    @Test
    void minimal() throws RequestException {
        HubRequest r = fixture("minimal");
        assertThat(r.model).isEqualTo("gpt-4o-mini");
        assertThat(r.stream).isFalse();
        assertThat(r.messages).hasSize(1);
        assertThat(r.messages.get(0).joinedText()).isEqualTo("Hi");
        assertThat(r.dropped()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "legacy-functions", "openrouter-cache", "minimal"})
    void writesWhatItReadsAsGoldenJson(String name) throws RequestException {
        HubRequest r = fixture(name);
        Golden.check("dialect/openai/request/" + name + ".out.json", write(r) + "\n");
        // What was written reads back to the same conversation.
        HubRequest again = read(write(r));
        assertThat(again.messages).hasSameSizeAs(r.messages);
        assertThat(again.tools).isEqualTo(r.tools.stream()
                .map(t -> new Tool(t.name(), t.description(), t.parameters(), t.strict(), null)).toList());
    }

    @Test
    void writerDropsWhatOpenAiCannotTake() {
        HubRequest r = new HubRequest();
        r.model = "gpt-4.1";
        r.stream = true;
        r.includeUsage = false;
        r.messages.add(new Message(Role.SYSTEM).add(new Part.Text("Be brief.", "{\"type\":\"ephemeral\"}")));
        r.messages.add(new Message(Role.USER)
                .add(new Part.Text("What is in this image?"))
                .add(new Part.Image(null, "image/jpeg", "/9j/4AAQSkZJRg==", null, null)));
        r.messages.add(new Message(Role.ASSISTANT)
                .add(new Part.Thinking("Look at the picture.", "EqQBCkYIBxgCKkBsig=="))
                .add(new Part.RedactedThinking("EmwKAhgBEgy3va3pzix"))
                .add(new Part.Text("I will zoom in."))
                .add(new ToolCall("toolu_01A09q90qw90lq917835lq9", "zoom", "{\"factor\":2}")));
        r.messages.add(Message.toolResult("toolu_01A09q90qw90lq917835lq9", "zoom failed").toolError(true)
                .add(new Part.Image("https://example.org/z.png", null, null, null, null)));
        r.tools.add(new Tool("zoom", null, "{\"type\":\"object\"}", null, "{\"type\":\"ephemeral\"}"));
        r.toolChoice = ToolChoice.REQUIRED;
        r.maxTokens = 2048;
        r.topK = 5;
        r.stop.add("STOP");
        r.reasoning = Reasoning.ofBudget(4096);
        r.responseFormat = new ResponseFormat(ResponseFormat.Kind.JSON_SCHEMA, null, "{\"type\":\"object\"}", null);
        Golden.check("dialect/openai/request/from-hub.out.json", write(r) + "\n");
        assertThat(r.dropped()).containsExactly("cache_control", "thinking", "tool_result.is_error",
                "tool_result.image", "top_k");
    }

    @Test
    void nonStreamingWritesNoStreamFields() throws RequestException {
        assertThat(write(fixture("minimal"))).isEqualTo(
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    }

    @Test
    void streamingAlwaysAsksForUsage() throws RequestException {
        HubRequest r = read("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(r.includeUsage).isFalse();
        assertThat(write(r)).contains("\"stream\":true,\"stream_options\":{\"include_usage\":true}");
    }

    @Test
    void nullOptionalsAreUnset() throws RequestException {
        HubRequest r = read("{\"model\":\"m\",\"temperature\":null,\"stop\":null,\"tools\":null,"
                + "\"stream_options\":null,\"messages\":[{\"role\":\"assistant\",\"content\":null},"
                + "{\"role\":\"user\",\"content\":\"x\","
                + "\"name\":null}],\"stop\":\"###\",\"max_tokens\":100.0}");
        assertThat(r.temperature).isNull();
        assertThat(r.tools).isEmpty();
        assertThat(r.stop).containsExactly("###");
        assertThat(r.maxTokens).isEqualTo(100);
        assertThat(r.messages.get(0).parts()).isEmpty();
    }

    @Test
    void openRouterReasoningEffortAndDisabled() throws RequestException {
        assertThat(read("{\"model\":\"m\",\"reasoning\":{\"effort\":\"high\"},\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}").reasoning).isEqualTo(Reasoning.ofEffort("high"));
        assertThat(read("{\"model\":\"m\",\"reasoning\":{\"enabled\":false},\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}]}").reasoning).isEqualTo(Reasoning.ofBudget(0));
        assertThat(read("{\"model\":\"m\",\"reasoning_effort\":\"minimal\",\"reasoning\":{\"effort\":\"high\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").reasoning)
                .as("reasoning_effort wins").isEqualTo(Reasoning.ofEffort("minimal"));
    }

    @Test
    void toolChoiceStringsAndUnsupportedKinds() throws RequestException {
        String msgs = ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertThat(read("{\"model\":\"m\",\"tool_choice\":\"none\"" + msgs).toolChoice).isEqualTo(ToolChoice.NONE);
        assertThat(read("{\"model\":\"m\",\"tool_choice\":\"required\"" + msgs).toolChoice)
                .isEqualTo(ToolChoice.REQUIRED);
        HubRequest allowed = read("{\"model\":\"m\",\"tool_choice\":{\"type\":\"allowed_tools\",\"allowed_tools\":"
                + "{\"mode\":\"auto\",\"tools\":[]}}" + msgs);
        assertThat(allowed.toolChoice).isNull();
        assertThat(allowed.dropped()).containsExactly("tool_choice.allowed_tools");
        HubRequest custom = read("{\"model\":\"m\",\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"grammar\"}}]"
                + msgs);
        assertThat(custom.tools).isEmpty();
        assertThat(custom.dropped()).containsExactly("tools.custom");
    }

    // CHECKSTYLE.OFF: LineLength (one row per request: the body, the message and the param it gets)
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{"messages":[{"role":"user","content":"x"}]}`                      | model: missing (expected: the model name, a non-empty string) | model
            `{"model":"m"}`                                                     | messages: missing (expected: a non-empty array of messages) | messages
            `{"model":"m","messages":[]}`                                       | messages: empty (expected: a non-empty array of messages) | messages
            `{"model":"m","messages":{}}`                                       | messages: an object (expected: a non-empty array of messages) | messages
            `{"model":42,"messages":[]}`                                        | model: 42 (expected: a string) | model
            `{"model":"m","n":2,"messages":[{"role":"user","content":"x"}]}`    | n: 2 (expected: 1; a translated request returns a single choice) | n
            `{"model":"m","temperature":"hot","messages":[]}`                   | temperature: "hot" (expected: a number) | temperature
            `{"model":"m","max_tokens":0,"messages":[]}`                        | max_tokens: 0 (expected: an integer >= 1) | max_tokens
            `{"model":"m","max_completion_tokens":1.5,"messages":[]}`           | max_completion_tokens: 1.5 (expected: an integer) | max_completion_tokens
            `{"model":"m","stream":"yes","messages":[]}`                        | stream: "yes" (expected: true or false) | stream
            `{"model":"m","messages":[{"content":"x"}]}`                        | messages[0].role: missing (expected: system, developer, user, assistant, tool or function) | messages[0].role
            `{"model":"m","messages":[{"role":"robot","content":"x"}]}`         | messages[0].role: "robot" (expected: system, developer, user, assistant, tool or function) | messages[0].role
            `{"model":"m","messages":[{"role":"user"}]}`                        | messages[0].content: missing (expected: a string or an array of content parts) | messages[0].content
            `{"model":"m","messages":[{"role":"user","content":5}]}`            | messages[0].content: 5 (expected: a string or an array of content parts) | messages[0].content
            `{"model":"m","messages":[{"role":"user","content":[{"text":"x"}]}]}` | messages[0].content[0].type: missing (expected: text, image_url, input_audio or file) | messages[0].content[0].type
            `{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}` | messages[0].content[0].image_url.url: missing (expected: an http(s) or data: URL) | messages[0].content[0].image_url.url
            `{"model":"m","messages":[{"role":"tool","content":"x"}]}`          | messages[0].tool_call_id: missing (expected: the id of the tool call this message answers) | messages[0].tool_call_id
            `{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"arguments":"{}"}}]}]}` | messages[0].tool_calls[0].function.name: missing (expected: the function's name) | messages[0].tool_calls[0].function.name
            `{"model":"m","tools":[{"type":"function","function":{"description":"d"}}],"messages":[]}` | tools[0].function.name: missing (expected: the function's name) | tools[0].function.name
            `{"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":"{}"}}],"messages":[]}` | tools[0].function.parameters: "{}" (expected: a JSON Schema object) | tools[0].function.parameters
            `{"model":"m","tool_choice":"any","messages":[]}`                   | tool_choice: "any" (expected: auto, none, required or {"type":"function",…}) | tool_choice
            `{"model":"m","response_format":{"type":"xml"},"messages":[]}`     | response_format.type: "xml" (expected: text, json_object or json_schema) | response_format.type
            `{"model":"m","stop":[1],"messages":[]}`                            | stop[0]: 1 (expected: a string) | stop[0]
            `[]`                                                                | body: an array (expected: a JSON object) |
            `{"model":"m",`                                                     | request body is not valid JSON at line 1, column 14: Unexpected end-of-input within/between Object entries |
            """)
    // CHECKSTYLE.ON: LineLength
    void invalidRequests(String json, String message, String param) {
        assertThatThrownBy(() -> read(json))
                .isInstanceOfSatisfying(RequestException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    if (param != null) {
                        assertThat(e.param()).isEqualTo(param);
                    }
                });
    }

    @Test
    void emptyBody() {
        assertThatThrownBy(() -> read("")).isInstanceOf(RequestException.class)
                .hasMessage("request body is empty (expected: a JSON object)");
    }

    @Test
    void pathIsRelativeToTheApiRoot() {
        assertThat(D.path("gpt-4o", true)).isEqualTo("/chat/completions");
        assertThat(D.path("gpt-4o", false)).isEqualTo("/chat/completions");
        assertThat(D.name()).isEqualTo("openai");
    }
}
