package io.sluice.codec.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.codec.dialect.JsonIo;
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
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GeminiRequestWriterTest {

    static String write(HubRequest r) {
        ByteBuf b = GeminiDialect.INSTANCE.writeRequest(r, ByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    /** Golden files are pretty-printed so a reviewer can read them; the body itself is compact. */
    static String pretty(String json) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonParser p = JsonIo.FACTORY.createParser(json);
             JsonGenerator g = JsonIo.FACTORY.createGenerator(w).useDefaultPrettyPrinter()) {
            p.nextToken();
            g.copyCurrentStructure(p);
        }
        return w + "\n";
    }

    static HubRequest full() {
        HubRequest r = new HubRequest();
        r.model = "gemini-2.5-flash";
        r.stream = true;
        r.includeUsage = true;
        r.messages.add(Message.text(Role.SYSTEM, "You are a weather bot."));
        r.messages.add(new Message(Role.USER)
                .add(new Part.Text("Weather in Paris? Here is a photo.", "{\"type\":\"ephemeral\"}"))
                .add(Part.Image.ofUrl("https://example.com/paris.JPG?size=large"))
                .add(Part.Image.ofUrl("data:image/webp;base64,UklGRg==")));
        r.messages.add(Message.text(Role.SYSTEM, "Use metric units."));
        r.messages.add(new Message(Role.ASSISTANT).add(new Part.Thinking("Two lookups needed.", "c2lnQQ=="))
                .add(new Part.Text("Let me look."))
                .add(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\",\n \"units\": \"metric\"}"))
                .add(new ToolCall("call_2", "get_time", "{}")));
        r.messages.add(Message.toolResult("call_1", "{\"temp_c\": 21, \"sky\": \"sunny\"}"));
        r.messages.add(Message.toolResult("call_2", "14:05"));
        r.messages.add(Message.text(Role.USER, "And Rome?"));
        r.messages.add(new Message(Role.ASSISTANT).add(new Part.RedactedThinking("xyz"))
                .add(new ToolCall("call_3", "get_weather", "{\"city\": \"Ro")));
        r.messages.add(Message.toolResult("call_3", "city not found").toolError(true));
        r.tools.add(new Tool("get_weather", "Weather for a city", "{\"$schema\":\"http://json-schema.org/draft-07/"
                + "schema#\",\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"format\":\"uri\"},"
                + "\"units\":{\"type\":[\"string\",\"null\"],\"enum\":[\"metric\",\"imperial\",null]},"
                + "\"when\":{\"$ref\":\"#/$defs/When\"}},\"required\":[\"city\"],\"additionalProperties\":false,"
                + "\"$defs\":{\"When\":{\"type\":\"string\",\"format\":\"date-time\",\"description\":\"ISO time\"}}}",
                true, null));
        r.tools.add(new Tool("get_time", null, "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
                null, "{\"type\":\"ephemeral\"}"));
        r.toolChoice = ToolChoice.REQUIRED;
        r.parallelToolCalls = false;
        r.maxTokens = 800;
        r.temperature = 0.2;
        r.topP = 0.9;
        r.topK = 32;
        r.stop.add("###");
        r.seed = 7L;
        r.presencePenalty = 0.1;
        r.frequencyPenalty = 0.3;
        r.responseFormat = new ResponseFormat(ResponseFormat.Kind.JSON_SCHEMA, "answer", "{\"type\":\"object\","
                + "\"properties\":{\"answer\":{\"type\":\"string\",\"const\":\"yes\"}},\"additionalProperties\":false}",
                true);
        r.reasoning = Reasoning.ofEffort("high");
        r.user = "user-1";
        return r;
    }

    @Test
    void fullRequestMatchesGolden() throws IOException {
        HubRequest r = full();
        String body = write(r);
        assertThat(body).doesNotContain("gemini-2.5-flash").doesNotContain("\n");
        Golden.check("dialect/gemini/write-full.json", pretty(body));
        assertThat(r.dropped()).containsExactly("cache_control", "redacted_thinking",
                "tool_calls.arguments (not a JSON object)", "tools.function.strict",
                "response_format.json_schema.strict", "parallel_tool_calls", "user");
    }

    @Test
    void geminiRequestSurvivesReadAndWrite() throws Exception {
        HubRequest r = GeminiRequestReaderTest.read(Golden.read("dialect/gemini/request-tools.json"));
        String body = write(r);
        Golden.check("dialect/gemini/request-tools.written.json", pretty(body));
        // the signature Gemini 3 validates is back on the first functionCall of the turn
        assertThat(body).doesNotContain("\"id\"").contains("{\"functionCall\":{\"name\":\"get_weather\",\"args\":"
                + "{\"city\":\"Paris\"}},\"thoughtSignature\":\"CiQBcsjafE2xsig\"}");
        // and reading the written body gives the same conversation
        HubRequest again = GeminiRequestReaderTest.read(body);
        assertThat(again.messages.toString()).isEqualTo(r.messages.toString());
    }

    @Test
    void minimalRequest() {
        HubRequest r = new HubRequest();
        r.messages.add(Message.text(Role.USER, "hi"));
        r.messages.add(new Message(Role.ASSISTANT));
        r.messages.add(Message.text(Role.USER, ""));
        assertThat(write(r)).isEqualTo("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
    }

    @Test
    void toolChoicesAndThinkingOff() {
        HubRequest r = new HubRequest();
        r.messages.add(Message.text(Role.USER, "hi"));
        r.tools.add(new Tool("f", "d", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}",
                null, null));
        r.toolChoice = ToolChoice.named("f");
        r.reasoning = Reasoning.ofEffort("minimal");
        assertThat(write(r)).isEqualTo("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
                + "\"tools\":[{\"functionDeclarations\":[{\"name\":\"f\",\"description\":\"d\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}}]}],\"toolConfig\":"
                + "{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"f\"]}},"
                + "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":0}}}");
        r.toolChoice = ToolChoice.NONE;
        r.reasoning = Reasoning.ofBudget(3000);
        assertThat(write(r)).contains("\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"NONE\"}}")
                .contains("\"thinkingConfig\":{\"thinkingBudget\":3000,\"includeThoughts\":true}");
    }

    @Test
    void signatureWithoutCallsRidesOnTheNextPart() {
        HubRequest r = new HubRequest();
        r.messages.add(Message.text(Role.USER, "q"));
        r.messages.add(new Message(Role.ASSISTANT).add(new Part.Thinking("t", "S1")).add(new Part.Text("a")));
        r.messages.add(Message.text(Role.USER, "q2"));
        r.messages.add(new Message(Role.ASSISTANT).add(new Part.Text("b")).add(new Part.Thinking("", "S2")));
        r.messages.add(new Message(Role.ASSISTANT).add(new Part.Thinking("", "S3")));
        assertThat(write(r)).isEqualTo("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"q\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"t\",\"thought\":true},{\"text\":\"a\","
                + "\"thoughtSignature\":\"S1\"}]},{\"role\":\"user\",\"parts\":[{\"text\":\"q2\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"b\",\"thoughtSignature\":\"S2\"}]}]}");
    }

    @Test
    void toolResultWithoutKnownNameStillHasOne() {
        HubRequest r = new HubRequest();
        r.messages.add(Message.toolResult("call_x", "[1,2]"));
        assertThat(write(r)).isEqualTo("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"functionResponse\":"
                + "{\"name\":\"unknown\",\"response\":{\"result\":\"[1,2]\"}}}]}]}");
        assertThat(r.dropped()).containsExactly("tool result without a known function name");
    }

    @Test
    void pathsCarryModelAndMethod() {
        assertThat(GeminiDialect.INSTANCE.path("gemini-2.5-flash", true))
                .isEqualTo("/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(GeminiDialect.INSTANCE.path("gemini-2.5-pro", false))
                .isEqualTo("/models/gemini-2.5-pro:generateContent");
        assertThat(GeminiDialect.INSTANCE.name()).isEqualTo("gemini");
    }
}
