package io.sluice.codec.dialect.gemini;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.JsonIo;
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
import io.sluice.codec.json.RequestOutline;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a Gemini {@code GenerateContentRequest} into a {@link HubRequest}. The model and the stream flag live in the
 * URL, so {@code model} stays null and {@code stream} false for the caller to set. Field names are accepted in both
 * spellings Google's JSON parser accepts ({@code systemInstruction} and {@code system_instruction}).
 *
 * <p>Function calls without an {@code id} get {@code call_<n>} (n counts calls across the request, from 0); a
 * {@code functionResponse} answers the call with its {@code id}, else the earliest unanswered call with its name.
 */
final class GeminiRequestReader {

    private final HubRequest req = new HubRequest();
    private final List<Message> system = new ArrayList<>(1);
    private final List<PendingCall> calls = new ArrayList<>(0);
    private int generatedIds;
    private ResponseFormat jsonSchema;
    private boolean jsonMime;

    private GeminiRequestReader() {
    }

    static HubRequest read(ByteBuf body) throws RequestException {
        try (JsonParser p = JsonIo.requestParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RequestException("request body: expected a JSON object (GenerateContentRequest)");
            }
            GeminiRequestReader r = new GeminiRequestReader();
            r.readRoot(p);
            return r.finish();
        } catch (JsonProcessingException e) {
            JsonIo.overBudget(e);
            throw new RequestException("request body is not valid JSON: " + e.getMessage());
        } catch (IOException e) {
            throw new RequestException("request body is not valid JSON: " + e.getMessage());
        }
    }

    /** {@code system_instruction} → {@code systemInstruction}: Google's parser takes both; we compare one. */
    static String key(String name) {
        return RequestOutline.camel(name);
    }

    private HubRequest finish() {
        req.messages.addAll(0, system);
        if (jsonSchema != null) {
            req.responseFormat = jsonSchema;
        } else if (jsonMime) {
            req.responseFormat = ResponseFormat.JSON_OBJECT;
        }
        return req;
    }

    private void readRoot(JsonParser p) throws IOException, RequestException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = key(p.currentName());
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (k) {
                case "contents" -> readContents(p);
                case "systemInstruction" -> readSystem(p);
                case "tools" -> readTools(p);
                case "toolConfig" -> readToolConfig(p);
                case "generationConfig" -> readGenerationConfig(p);
                case "model" -> p.skipChildren(); // the URL names the model
                default -> {
                    p.skipChildren();
                    req.drop(k); // safetySettings, cachedContent, labels, …
                }
            }
        }
    }

    // ---- contents ----

    /** One part as read, before the content's role is known (Google's SDKs write "parts" before "role"). */
    private static final class PartIn {
        String text;
        boolean thought;
        String signature;
        String mime;
        String data;
        String uri;
        boolean call;
        String callId;
        String name;
        String args;
        boolean response;
        String responseJson;
    }

    private void readContents(JsonParser p) throws IOException, RequestException {
        expect(p, JsonToken.START_ARRAY, "contents", "an array of Content");
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String path = "contents[" + i + "]";
            expect(p, JsonToken.START_OBJECT, path, "a Content object");
            String role = null;
            List<PartIn> parts = new ArrayList<>(2);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = key(p.currentName());
                p.nextToken();
                if (k.equals("role")) {
                    role = JsonIo.text(p);
                } else if (k.equals("parts")) {
                    readParts(p, path + ".parts", parts);
                } else {
                    p.skipChildren();
                }
            }
            addContent(role, parts, path);
            i++;
        }
    }

    private void readParts(JsonParser p, String path, List<PartIn> out) throws IOException, RequestException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return;
        }
        expect(p, JsonToken.START_ARRAY, path, "an array of Part");
        int j = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String pp = path + "[" + j++ + "]";
            expect(p, JsonToken.START_OBJECT, pp, "a Part object");
            PartIn part = new PartIn();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = key(p.currentName());
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (k) {
                    case "text" -> part.text = string(p, pp + ".text");
                    case "thought" -> part.thought = v == JsonToken.VALUE_TRUE;
                    case "thoughtSignature" -> part.signature = string(p, pp + ".thoughtSignature");
                    case "inlineData" -> readBlob(p, pp + ".inlineData", part, false);
                    case "fileData" -> readBlob(p, pp + ".fileData", part, true);
                    case "functionCall" -> readFunctionCall(p, pp + ".functionCall", part);
                    case "functionResponse" -> readFunctionResponse(p, pp + ".functionResponse", part);
                    default -> {
                        p.skipChildren();
                        req.drop("contents.parts." + k); // executableCode, codeExecutionResult, videoMetadata, …
                    }
                }
            }
            out.add(part);
        }
    }

    private void readBlob(JsonParser p, String path, PartIn part, boolean file) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, path, "an object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = key(p.currentName());
            p.nextToken();
            switch (k) {
                case "mimeType" -> part.mime = JsonIo.text(p);
                case "data" -> part.data = file ? null : JsonIo.text(p);
                case "fileUri" -> part.uri = file ? JsonIo.text(p) : null;
                default -> p.skipChildren();
            }
        }
        if (!file && part.data == null) {
            throw new RequestException(path + ".data: missing (expected: base64 bytes)", path + ".data");
        }
        if (file && part.uri == null) {
            throw new RequestException(path + ".fileUri: missing (expected: a file URI)", path + ".fileUri");
        }
    }

    private void readFunctionCall(JsonParser p, String path, PartIn part) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, path, "a FunctionCall object");
        part.call = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = key(p.currentName());
            JsonToken v = p.nextToken();
            switch (k) {
                case "id" -> part.callId = JsonIo.text(p);
                case "name" -> part.name = string(p, path + ".name");
                case "args" -> {
                    if (v == JsonToken.START_OBJECT) {
                        part.args = JsonIo.raw(p);
                    } else if (v != JsonToken.VALUE_NULL) {
                        throw new RequestException(path + ".args: " + p.getText() + " (expected: a JSON object)",
                                path + ".args");
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (part.name == null || part.name.isEmpty()) {
            throw new RequestException(path + ".name: missing (expected: the function's name)", path + ".name");
        }
    }

    private void readFunctionResponse(JsonParser p, String path, PartIn part) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, path, "a FunctionResponse object");
        part.response = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = key(p.currentName());
            JsonToken v = p.nextToken();
            switch (k) {
                case "id" -> part.callId = JsonIo.text(p);
                case "name" -> part.name = string(p, path + ".name");
                case "response" -> {
                    if (v == JsonToken.START_OBJECT) {
                        part.responseJson = JsonIo.raw(p);
                    } else if (v != JsonToken.VALUE_NULL) {
                        throw new RequestException(path + ".response: " + p.getText()
                                + " (expected: a JSON object)", path + ".response");
                    }
                }
                default -> {
                    p.skipChildren();
                    req.drop("contents.parts.functionResponse." + k); // parts, willContinue, scheduling
                }
            }
        }
        if (part.name == null || part.name.isEmpty()) {
            throw new RequestException(path + ".name: missing (expected: the function's name)", path + ".name");
        }
    }

    private void addContent(String role, List<PartIn> parts, String path) throws RequestException {
        String r = role == null ? "user" : role;
        switch (r) {
            case "model" -> addModel(parts);
            case "user", "function", "tool" -> addUser(parts);
            default -> throw new RequestException(path + ".role: " + r + " (expected: user or model)", path + ".role");
        }
    }

    private void addModel(List<PartIn> parts) {
        Message m = new Message(Role.ASSISTANT);
        for (PartIn in : parts) {
            if (in.thought && in.text != null) {
                m.add(new Part.Thinking(in.text, in.signature));
                continue;
            }
            if (in.signature != null) {
                attachSignature(m, in.signature);
            }
            if (in.call) {
                String id = in.callId != null && !in.callId.isEmpty() ? in.callId : "call_" + generatedIds++;
                m.add(new ToolCall(id, in.name, in.args == null ? "{}" : in.args));
                calls.add(new PendingCall(id, in.name));
            } else if (in.response) {
                addToolResult(in); // a function response inside a model turn: still a tool result
            } else {
                addPlain(m, in);
            }
        }
        if (!m.parts().isEmpty() || !m.toolCalls().isEmpty()) {
            req.messages.add(m);
        }
    }

    /** A signature on a non-thought part closes the thinking before it (Gemini puts it on the answer's first part). */
    private static void attachSignature(Message m, String signature) {
        List<Part> ps = m.parts();
        if (!ps.isEmpty() && ps.get(ps.size() - 1) instanceof Part.Thinking t && t.signature() == null) {
            ps.set(ps.size() - 1, new Part.Thinking(t.text(), signature));
        } else {
            ps.add(new Part.Thinking("", signature));
        }
    }

    private void addUser(List<PartIn> parts) {
        Message m = null;
        for (PartIn in : parts) {
            if (in.response) {
                if (m != null && !m.parts().isEmpty()) {
                    req.messages.add(m);
                }
                m = null;
                addToolResult(in);
            } else if (in.call) {
                req.drop("contents.parts.functionCall (in a user turn)");
            } else {
                if (m == null) {
                    m = new Message(Role.USER);
                }
                addPlain(m, in);
            }
        }
        if (m != null && !m.parts().isEmpty()) {
            req.messages.add(m);
        }
    }

    private void addPlain(Message m, PartIn in) {
        if (in.data != null) {
            if (isImage(in.mime)) {
                m.add(new Part.Image(null, in.mime, in.data, null, null));
            } else {
                req.drop("contents.parts.inlineData(" + in.mime + ")");
            }
        } else if (in.uri != null) {
            if (in.mime == null || isImage(in.mime)) {
                m.add(new Part.Image(in.uri, in.mime, null, null, null));
            } else {
                req.drop("contents.parts.fileData(" + in.mime + ")");
            }
        } else if (in.text != null && !in.text.isEmpty()) {
            m.add(new Part.Text(in.text));
        }
    }

    private static boolean isImage(String mime) {
        return mime != null && mime.regionMatches(true, 0, "image/", 0, 6);
    }

    private void addToolResult(PartIn in) {
        String id = null;
        if (in.callId != null && !in.callId.isEmpty()) {
            id = in.callId;
            for (PendingCall c : calls) {
                if (!c.answered && c.id.equals(id)) {
                    c.answered = true;
                    break;
                }
            }
        } else {
            for (PendingCall c : calls) {
                if (!c.answered && c.name.equals(in.name)) {
                    c.answered = true;
                    id = c.id;
                    break;
                }
            }
            if (id == null) {
                id = "call_" + generatedIds++;
            }
        }
        req.messages.add(Message.toolResult(id, in.responseJson == null ? "{}" : in.responseJson).name(in.name));
    }

    private static final class PendingCall {
        final String id;
        final String name;
        boolean answered;

        PendingCall(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    // ---- systemInstruction ----

    private void readSystem(JsonParser p) throws IOException, RequestException {
        if (p.currentToken() == JsonToken.VALUE_STRING) { // lenient: some clients send a bare string
            system.add(Message.text(Role.SYSTEM, p.getText()));
            return;
        }
        expect(p, JsonToken.START_OBJECT, "systemInstruction", "a Content object");
        List<PartIn> parts = new ArrayList<>(1);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = key(p.currentName());
            p.nextToken();
            if (k.equals("parts")) {
                readParts(p, "systemInstruction.parts", parts);
            } else {
                p.skipChildren();
            }
        }
        Message m = new Message(Role.SYSTEM);
        for (PartIn in : parts) {
            if (in.text != null && !in.text.isEmpty()) {
                m.add(new Part.Text(in.text));
            } else if (in.data != null || in.uri != null || in.call || in.response) {
                req.drop("systemInstruction.parts (non-text)");
            }
        }
        if (!m.parts().isEmpty()) {
            system.add(m);
        }
    }

    // ---- tools ----

    private void readTools(JsonParser p) throws IOException, RequestException {
        expect(p, JsonToken.START_ARRAY, "tools", "an array of Tool");
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String path = "tools[" + i++ + "]";
            expect(p, JsonToken.START_OBJECT, path, "a Tool object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = key(p.currentName());
                JsonToken v = p.nextToken();
                if (k.equals("functionDeclarations") && v == JsonToken.START_ARRAY) {
                    int j = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        readDeclaration(p, path + ".functionDeclarations[" + j++ + "]");
                    }
                } else {
                    p.skipChildren();
                    req.drop("tools." + k); // googleSearch, codeExecution, urlContext, …
                }
            }
        }
    }

    private void readDeclaration(JsonParser p, String path) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, path, "a FunctionDeclaration object");
        String name = null;
        String description = null;
        String parameters = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = key(p.currentName());
            JsonToken v = p.nextToken();
            switch (k) {
                case "name" -> name = string(p, path + ".name");
                case "description" -> description = JsonIo.text(p);
                case "parameters" -> {
                    if (v == JsonToken.START_OBJECT) {
                        parameters = GeminiSchemaReader.toJsonSchema(JsonTree.read(p));
                    }
                }
                case "parametersJsonSchema" -> {
                    if (v == JsonToken.START_OBJECT) {
                        parameters = JsonIo.raw(p);
                    }
                }
                default -> {
                    p.skipChildren();
                    req.drop("tools.functionDeclarations." + k); // response, behavior
                }
            }
        }
        if (name == null || name.isEmpty()) {
            throw new RequestException(path + ".name: missing (expected: the function's name)", path + ".name");
        }
        req.tools.add(new Tool(name, description, parameters, null, null));
    }

    private void readToolConfig(JsonParser p) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, "toolConfig", "a ToolConfig object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = key(p.currentName());
            JsonToken v = p.nextToken();
            if (!k.equals("functionCallingConfig") || v != JsonToken.START_OBJECT) {
                p.skipChildren();
                req.drop("toolConfig." + k); // retrievalConfig
                continue;
            }
            String mode = null;
            List<String> allowed = new ArrayList<>(1);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = key(p.currentName());
                JsonToken fv = p.nextToken();
                if (f.equals("mode")) {
                    mode = JsonIo.text(p);
                } else if (f.equals("allowedFunctionNames") && fv == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        String n = JsonIo.text(p);
                        if (n != null) {
                            allowed.add(n);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            req.toolChoice = toolChoice(mode, allowed);
        }
    }

    private ToolChoice toolChoice(String mode, List<String> allowed) throws RequestException {
        String m = mode == null ? "AUTO" : mode.toUpperCase(Locale.ROOT);
        switch (m) {
            case "MODE_UNSPECIFIED", "AUTO":
                return ToolChoice.AUTO;
            case "VALIDATED":
                req.drop("toolConfig.functionCallingConfig.mode=VALIDATED");
                return ToolChoice.AUTO;
            case "NONE":
                return ToolChoice.NONE;
            case "ANY":
                if (allowed.size() == 1) {
                    return ToolChoice.named(allowed.get(0));
                }
                if (allowed.size() > 1) {
                    req.drop("toolConfig.functionCallingConfig.allowedFunctionNames");
                }
                return ToolChoice.REQUIRED;
            default:
                throw new RequestException("toolConfig.functionCallingConfig.mode: " + mode
                        + " (expected: AUTO, ANY, NONE or VALIDATED)", "toolConfig.functionCallingConfig.mode");
        }
    }

    // ---- generationConfig ----

    private void readGenerationConfig(JsonParser p) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, "generationConfig", "a GenerationConfig object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = key(p.currentName());
            String path = "generationConfig." + k;
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (k) {
                case "maxOutputTokens" -> req.maxTokens = integer(p, path);
                case "temperature" -> req.temperature = number(p, path);
                case "topP" -> req.topP = number(p, path);
                case "topK" -> req.topK = (int) Math.round(number(p, path));
                case "seed" -> req.seed = (long) integer(p, path);
                case "presencePenalty" -> req.presencePenalty = number(p, path);
                case "frequencyPenalty" -> req.frequencyPenalty = number(p, path);
                case "stopSequences" -> {
                    expect(p, JsonToken.START_ARRAY, path, "an array of strings");
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        req.stop.add(string(p, path + "[]"));
                    }
                }
                case "candidateCount" -> {
                    int n = integer(p, path);
                    if (n > 1) {
                        throw new RequestException(path + ": " + n + " (expected: 1; several candidates are not"
                                + " supported)", path);
                    }
                }
                case "responseMimeType" -> {
                    String mime = string(p, path);
                    if (mime.equals("application/json")) {
                        jsonMime = true;
                    } else if (!mime.equals("text/plain")) {
                        req.drop(path + "=" + mime);
                    }
                }
                case "responseSchema" -> {
                    if (v == JsonToken.START_OBJECT) {
                        jsonSchema = new ResponseFormat(ResponseFormat.Kind.JSON_SCHEMA, null,
                                GeminiSchemaReader.toJsonSchema(JsonTree.read(p)), null);
                    } else {
                        p.skipChildren();
                    }
                }
                case "responseJsonSchema", "_responseJsonSchema" -> {
                    if (v == JsonToken.START_OBJECT) {
                        jsonSchema = new ResponseFormat(ResponseFormat.Kind.JSON_SCHEMA, null, JsonIo.raw(p), null);
                    } else {
                        p.skipChildren();
                    }
                }
                case "thinkingConfig" -> readThinking(p);
                default -> {
                    p.skipChildren();
                    req.drop(path); // responseModalities, speechConfig, mediaResolution, responseLogprobs, …
                }
            }
        }
    }

    private void readThinking(JsonParser p) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, "generationConfig.thinkingConfig", "a ThinkingConfig object");
        Integer budget = null;
        String level = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = key(p.currentName());
            String path = "generationConfig.thinkingConfig." + k;
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (k) {
                case "thinkingBudget" -> budget = integer(p, path);
                case "thinkingLevel" -> level = string(p, path).toLowerCase(Locale.ROOT);
                case "includeThoughts" -> p.skipChildren(); // the hub streams whatever reasoning the model shows
                default -> {
                    p.skipChildren();
                    req.drop(path);
                }
            }
        }
        if (level != null && !level.equals("thinking_level_unspecified")) {
            req.reasoning = Reasoning.ofEffort(level);
        } else if (budget != null) {
            // -1 is Gemini's "dynamic thinking": the model decides; the hub's nearest word is medium effort.
            req.reasoning = budget < 0 ? Reasoning.ofEffort("medium") : Reasoning.ofBudget(budget);
        }
    }

    // ---- scalars ----

    private static void expect(JsonParser p, JsonToken t, String path, String what) throws IOException,
            RequestException {
        if (p.currentToken() != t) {
            throw new RequestException(path + ": " + shown(p) + " (expected: " + what + ")", path);
        }
    }

    private static String shown(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            return "an object";
        }
        if (t == JsonToken.START_ARRAY) {
            return "an array";
        }
        return t == JsonToken.VALUE_STRING ? JsonIo.quote(p.getText()) : p.getText();
    }

    private static String string(JsonParser p, String path) throws IOException, RequestException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new RequestException(path + ": " + shown(p) + " (expected: a string)", path);
        }
        return p.getText();
    }

    private static double number(JsonParser p, String path) throws IOException, RequestException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        throw new RequestException(path + ": " + shown(p) + " (expected: a number)", path);
    }

    /** An integer; proto JSON also allows integers as strings ("seed": "42"). */
    private static int integer(JsonParser p, String path) throws IOException, RequestException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        if (t == JsonToken.VALUE_STRING && p.getText().matches("-?\\d{1,9}")) {
            return Integer.parseInt(p.getText());
        }
        throw new RequestException(path + ": " + shown(p) + " (expected: an integer)", path);
    }
}
