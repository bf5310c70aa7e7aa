package io.sluice.codec.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiRequestReaderTest {

    static HubRequest read(String body) throws RequestException {
        ByteBuf b = PooledChunks.direct(body);
        try {
            return GeminiDialect.INSTANCE.readRequest(b);
        } finally {
            b.release();
        }
    }

    @Test
    void chatWithSnakeCaseFieldsImagesThinkingAndGenerationConfig() throws Exception {
        HubRequest r = read(Golden.read("dialect/gemini/request-chat.json"));
        assertThat(r.model).isNull();
        assertThat(r.stream).isFalse();
        assertThat(r.messages).hasSize(4);

        Message sys = r.messages.get(0);
        assertThat(sys.role()).isEqualTo(Role.SYSTEM);
        assertThat(sys.parts()).containsExactly(new Part.Text("You are a terse assistant."),
                new Part.Text("Answer in English."));

        Message user = r.messages.get(1);
        assertThat(user.role()).isEqualTo(Role.USER);
        assertThat(user.parts()).hasSize(3);
        assertThat(user.parts().get(0)).isEqualTo(new Part.Text("What is in this picture?"));
        Part.Image inline = (Part.Image) user.parts().get(1);
        assertThat(inline.inline()).isTrue();
        assertThat(inline.mediaType()).isEqualTo("image/png");
        assertThat(inline.data()).startsWith("iVBORw0KGgo");
        Part.Image file = (Part.Image) user.parts().get(2);
        assertThat(file.url()).isEqualTo("https://generativelanguage.googleapis.com/v1beta/files/abc123");

        Message model = r.messages.get(2);
        assertThat(model.role()).isEqualTo(Role.ASSISTANT);
        assertThat(model.parts()).containsExactly(new Part.Thinking("Looking at the image…", "Cs0BAdHtim8sig"),
                new Part.Text("A single white pixel."));
        assertThat(r.messages.get(3).joinedText()).isEqualTo("Thanks!");

        assertThat(r.stop).containsExactly("END");
        assertThat(r.temperature).isEqualTo(0.7);
        assertThat(r.maxTokens).isEqualTo(1024);
        assertThat(r.topP).isEqualTo(0.95);
        assertThat(r.topK).isEqualTo(40);
        assertThat(r.seed).isEqualTo(42L);
        assertThat(r.presencePenalty).isEqualTo(0.5);
        assertThat(r.frequencyPenalty).isEqualTo(0.25);
        assertThat(r.responseFormat).isEqualTo(ResponseFormat.JSON_OBJECT);
        assertThat(r.reasoning).isEqualTo(Reasoning.ofBudget(2048));
        assertThat(r.dropped()).containsExactly("contents.parts.inlineData(application/pdf)", "safetySettings");
    }

    @Test
    void parallelCallsAndResponsesAreMatchedByNameInOrder() throws Exception {
        HubRequest r = read(Golden.read("dialect/gemini/request-tools.json"));
        assertThat(r.messages).hasSize(5);
        Message model = r.messages.get(1);
        assertThat(model.parts()).containsExactly(new Part.Thinking("Checking the forecasts.", "CiQBcsjafE2xsig"));
        assertThat(model.toolCalls()).containsExactly(
                new ToolCall("call_0", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_1", "get_time", "{\"tz\":\"Europe/Paris\"}"),
                new ToolCall("call_2", "get_weather", "{\"city\":\"Rome\"}"));
        // answers in another order than the calls: matched by name, earliest unanswered first
        assertThat(r.messages.subList(2, 5)).extracting(Message::role).containsOnly(Role.TOOL);
        assertThat(r.messages.subList(2, 5)).extracting(Message::toolCallId)
                .containsExactly("call_1", "call_0", "call_2");
        assertThat(r.messages.subList(2, 5)).extracting(Message::name)
                .containsExactly("get_time", "get_weather", "get_weather");
        assertThat(r.messages.get(3).joinedText()).isEqualTo("{\"temp_c\":21,\"sky\":\"sunny\"}");

        assertThat(r.tools).containsExactly(
                new Tool("get_weather", "Current weather for a city.", "{\"type\":\"object\",\"properties\":"
                        + "{\"city\":{\"type\":\"string\",\"description\":\"City name\"},\"units\":{\"type\":"
                        + "[\"string\",\"null\"],\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\"]}",
                        null, null),
                new Tool("get_time", null, "{\"type\":\"object\",\"properties\":{\"tz\":{\"type\":\"string\"}},"
                        + "\"additionalProperties\":false}", null, null));
        assertThat(r.toolChoice).isEqualTo(ToolChoice.named("get_weather"));
        assertThat(r.responseFormat.kind()).isEqualTo(ResponseFormat.Kind.JSON_SCHEMA);
        assertThat(r.responseFormat.schema()).isEqualTo("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},"
                .replace("integer", "string") + "\"minItems\":1}");
        assertThat(r.reasoning).isEqualTo(Reasoning.ofEffort("medium"));
        assertThat(r.dropped()).containsExactly("tools.googleSearch", "cachedContent");
    }

    @Test
    void functionIdsAreUsedWhenGiven() throws Exception {
        HubRequest r = read("{\"contents\":[{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"id\":\"fc_1\","
                + "\"name\":\"f\",\"args\":{\"a\":1}}},{\"functionCall\":{\"name\":\"f\"}}]},{\"role\":\"user\","
                + "\"parts\":[{\"functionResponse\":{\"id\":\"fc_1\",\"name\":\"f\",\"response\":{\"ok\":true}}},"
                + "{\"functionResponse\":{\"name\":\"f\",\"response\":{\"ok\":false}}},{\"text\":\"and?\"}]}]}");
        assertThat(r.messages.get(0).toolCalls()).containsExactly(new ToolCall("fc_1", "f", "{\"a\":1}"),
                new ToolCall("call_0", "f", "{}"));
        assertThat(r.messages).extracting(Message::toolCallId).containsExactly(null, "fc_1", "call_0", null);
        assertThat(r.messages.get(3).role()).isEqualTo(Role.USER);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "AUTO||AUTO|",
        "NONE||NONE|",
        "ANY||REQUIRED|",
        "ANY|\"a\",\"b\"|REQUIRED|",
        "ANY|\"a\"|NAMED|a",
        "VALIDATED||AUTO|"})
    void functionCallingModes(String mode, String names, ToolChoice.Mode expected, String name) throws Exception {
        HubRequest r = read("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"toolConfig\":{\"functionCallingConfig\":"
                + "{\"mode\":\"" + mode + "\"" + (names == null ? "" : ",\"allowedFunctionNames\":[" + names + "]")
                + "}}}");
        assertThat(r.toolChoice).isEqualTo(new ToolChoice(expected, name));
    }

    @Test
    void thinkingLevelsAndBudgets() throws Exception {
        assertThat(read("{\"generationConfig\":{\"thinkingConfig\":{\"thinkingLevel\":\"HIGH\"}}}").reasoning)
                .isEqualTo(Reasoning.ofEffort("high"));
        assertThat(read("{\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":0}}}").reasoning)
                .isEqualTo(Reasoning.ofBudget(0));
        assertThat(read("{\"generationConfig\":{\"thinking_config\":{\"thinking_budget\":512,"
                + "\"include_thoughts\":true}}}").reasoning).isEqualTo(Reasoning.ofBudget(512));
    }

    @Test
    void otherToolsAndUnknownPartsAreDroppedByName() throws Exception {
        HubRequest r = read("{\"contents\":[{\"role\":\"model\",\"parts\":[{\"executableCode\":{\"language\":"
                + "\"PYTHON\",\"code\":\"print(1)\"}},{\"text\":\"done\"}]}],\"tools\":[{\"codeExecution\":{}},"
                + "{\"urlContext\":{}}],\"labels\":{\"team\":\"a\"}}");
        assertThat(r.messages).hasSize(1);
        assertThat(r.tools).isEmpty();
        assertThat(r.dropped()).containsExactly("contents.parts.executableCode", "tools.codeExecution",
                "tools.urlContext", "labels");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[]|request body: expected a JSON object (GenerateContentRequest)",
        "{\"contents\":{}}|contents: an object (expected: an array of Content)",
        "{\"contents\":[{\"role\":\"system\",\"parts\":[]}]}|contents[0].role: system (expected: user or model)",
        "{\"contents\":[{\"parts\":[{\"functionCall\":{\"args\":{}}}]}]}"
                + "|contents[0].parts[0].functionCall.name: missing (expected: the function's name)",
        "{\"contents\":[{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":\"x\"}}]}]}"
                + "|contents[0].parts[0].functionCall.args: x (expected: a JSON object)",
        "{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\"}}]}]}"
                + "|contents[0].parts[0].inlineData.data: missing (expected: base64 bytes)",
        "{\"generationConfig\":{\"candidateCount\":2}}"
                + "|generationConfig.candidateCount: 2 (expected: 1; several candidates are not supported)",
        "{\"generationConfig\":{\"temperature\":\"hot\"}}|generationConfig.temperature: \"hot\" (expected: a number)",
        "{\"generationConfig\":{\"maxOutputTokens\":1.5}}|generationConfig.maxOutputTokens: 1.5 (expected: an integer)",
        "{\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"SOMETIMES\"}}}"
                + "|toolConfig.functionCallingConfig.mode: SOMETIMES (expected: AUTO, ANY, NONE or VALIDATED)",
        "{\"tools\":[{\"functionDeclarations\":[{\"description\":\"x\"}]}]}"
                + "|tools[0].functionDeclarations[0].name: missing (expected: the function's name)",
        "{\"contents\":[|request body is not valid JSON"})
    void invalidRequests(String body, String message) {
        assertThatThrownBy(() -> read(body)).isInstanceOf(RequestException.class).hasMessageStartingWith(message);
    }

    @Test
    void invalidRequestNamesTheParam() {
        assertThatThrownBy(() -> read("{\"generationConfig\":{\"topP\":[1]}}"))
                .isInstanceOfSatisfying(RequestException.class,
                        e -> assertThat(e.param()).isEqualTo("generationConfig.topP"));
    }
}
