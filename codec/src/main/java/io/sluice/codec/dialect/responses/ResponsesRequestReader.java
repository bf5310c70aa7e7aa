package io.sluice.codec.dialect.responses;

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
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code POST /v1/responses} body into a {@link HubRequest}. The reader itself keeps no state: the proxy expands
 * references to answers it stored ({@code previous_response_id}, {@code item_reference}) before the body gets here,
 * so whatever still refers to stored state ({@code conversation}, an unknown reference) is refused; the rest is
 * translated or dropped by name.
 *
 * <ul>
 *   <li>{@code instructions} → a system message first; {@code input} a string → one user message, or items:
 *       messages (typed or role-only; {@code developer} reads as system), {@code function_call} → assistant tool call
 *       (merged into the assistant message just before it), {@code function_call_output} → tool message,
 *       {@code reasoning} → a thinking part (summary texts joined by blank lines, signature =
 *       {@code encrypted_content}) at the head of the next assistant message; a reasoning item with no assistant turn
 *       after it is dropped.</li>
 *   <li>Content parts: {@code input_text}/{@code output_text} text, {@code refusal} text, {@code input_image} by URL or
 *       data URL ({@code file_id} images, {@code input_file} and {@code input_audio} are dropped).</li>
 *   <li>Only {@code function} tools (flat: {@code name} at the top) are kept; built-in tools are dropped by type.</li>
 * </ul>
 */
final class ResponsesRequestReader {

    /**
     * Why a reference to stored state reached the reader: the proxy expands the {@code previous_response_id} and
     * {@code item_reference} of answers it stored before a request is read here, so what is left is state Sluice
     * does not hold ({@code conversation} objects, or another client's or an expired answer).
     */
    static final String STATELESS = ": Sluice holds no such stored state for this request; send the full input";

    private ResponsesRequestReader() {
    }

    static HubRequest read(ByteBuf body) throws RequestException {
        try (JsonParser p = JsonIo.requestParser(body)) {
            return read(p);
        } catch (JsonProcessingException e) {
            JsonIo.overBudget(e);
            throw new RequestException("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RequestException("request body could not be read: " + e.getMessage());
        }
    }

    private static HubRequest read(JsonParser p) throws IOException, RequestException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new RequestException("request body: not a JSON object (expected: a Responses request object)");
        }
        HubRequest r = new HubRequest();
        String instructions = null;
        List<Message> input = null;
        String safetyIdentifier = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (f) {
                case "model" -> r.model = string(p, "model");
                case "input" -> input = new InputReader(r).read(p);
                case "instructions" -> instructions = string(p, "instructions");
                case "tools" -> readTools(p, r);
                case "tool_choice" -> r.toolChoice = toolChoice(p, r);
                case "parallel_tool_calls" -> r.parallelToolCalls = bool(p, f);
                case "max_output_tokens" -> r.maxTokens = integer(p, f);
                case "temperature" -> r.temperature = number(p, f);
                case "top_p" -> r.topP = number(p, f);
                case "stream" -> r.stream = bool(p, f);
                case "text" -> readText(p, r);
                case "reasoning" -> readReasoning(p, r);
                case "user" -> r.user = string(p, f);
                case "safety_identifier" -> safetyIdentifier = string(p, f);
                case "previous_response_id", "conversation" ->
                        throw new RequestException(f + " is not supported" + STATELESS, f);
                default -> {
                    // store, metadata, include, truncation, service_tier, prompt_cache_key, background, top_logprobs,
                    // max_tool_calls, stream_options, prompt, …: no hub equivalent
                    r.drop(f);
                    p.skipChildren();
                }
            }
        }
        if (r.model == null || r.model.isEmpty()) {
            throw new RequestException("model: missing (expected: a model name)", "model");
        }
        if (input == null) {
            throw new RequestException("input: missing (expected: a string or an array of input items)", "input");
        }
        if (instructions != null && !instructions.isEmpty()) {
            r.messages.add(Message.text(Role.SYSTEM, instructions));
        }
        r.messages.addAll(input);
        if (r.user == null) {
            r.user = safetyIdentifier;
        }
        return r;
    }

    // ---- tools ----

    private static void readTools(JsonParser p, HubRequest r) throws IOException, RequestException {
        expect(p, JsonToken.START_ARRAY, "tools", "an array of tools");
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String path = "tools[" + i++ + "]";
            expect(p, JsonToken.START_OBJECT, path, "a tool object");
            String type = null;
            String name = null;
            String description = null;
            String parameters = null;
            Boolean strict = null;
            boolean nested = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (f) {
                    case "type" -> type = string(p, path + ".type");
                    case "name" -> name = string(p, path + ".name");
                    case "description" -> description = string(p, path + ".description");
                    case "parameters" -> {
                        expect(p, JsonToken.START_OBJECT, path + ".parameters", "a JSON Schema object");
                        parameters = JsonIo.raw(p);
                    }
                    case "strict" -> strict = bool(p, path + ".strict");
                    case "function" -> {
                        nested = true;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (type == null) {
                throw new RequestException(path + ".type: missing (expected: \"function\" or a built-in tool type)",
                        path + ".type");
            }
            if (!type.equals("function")) {
                r.drop("tools." + type);
                continue;
            }
            if (name == null || name.isEmpty()) {
                throw new RequestException(path + ".name: missing (expected: the function's name at the top level"
                        + (nested ? "; Responses tools are flat, not nested under \"function\" as in Chat Completions"
                        : "") + ")", path + ".name");
            }
            r.tools.add(new Tool(name, description, parameters, strict, null));
        }
    }

    private static ToolChoice toolChoice(JsonParser p, HubRequest r) throws IOException, RequestException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return switch (p.getText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw new RequestException("tool_choice: " + JsonIo.quote(p.getText())
                        + " (expected: \"auto\", \"none\", \"required\" or an object)", "tool_choice");
            };
        }
        expect(p, JsonToken.START_OBJECT, "tool_choice", "a string or an object");
        String type = null;
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "type" -> type = JsonIo.text(p);
                case "name" -> name = JsonIo.text(p);
                default -> p.skipChildren();
            }
        }
        if ("function".equals(type)) {
            if (name == null) {
                throw new RequestException("tool_choice.name: missing (expected: the function to call)",
                        "tool_choice.name");
            }
            return ToolChoice.named(name);
        }
        // allowed_tools, built-in tool types, mcp, custom: nothing the hub can say
        r.drop("tool_choice");
        return null;
    }

    // ---- text.format, reasoning ----

    private static void readText(JsonParser p, HubRequest r) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, "text", "an object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NULL) {
                continue;
            }
            if (f.equals("format")) {
                r.responseFormat = format(p, r);
            } else {
                r.drop("text." + f);
                p.skipChildren();
            }
        }
    }

    private static ResponseFormat format(JsonParser p, HubRequest r) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, "text.format", "an object");
        String type = null;
        String name = null;
        String schema = null;
        Boolean strict = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (f) {
                case "type" -> type = string(p, "text.format.type");
                case "name" -> name = string(p, "text.format.name");
                case "schema" -> {
                    expect(p, JsonToken.START_OBJECT, "text.format.schema", "a JSON Schema object");
                    schema = JsonIo.raw(p);
                }
                case "strict" -> strict = bool(p, "text.format.strict");
                default -> {
                    r.drop("text.format." + f);
                    p.skipChildren();
                }
            }
        }
        if (type == null) {
            throw new RequestException("text.format.type: missing (expected: text, json_object or json_schema)",
                    "text.format.type");
        }
        return switch (type) {
            case "text" -> new ResponseFormat(ResponseFormat.Kind.TEXT, null, null, null);
            case "json_object" -> ResponseFormat.JSON_OBJECT;
            case "json_schema" -> {
                if (schema == null) {
                    throw new RequestException("text.format.schema: missing (expected: a JSON Schema object)",
                            "text.format.schema");
                }
                yield new ResponseFormat(ResponseFormat.Kind.JSON_SCHEMA, name, schema, strict);
            }
            default -> throw new RequestException("text.format.type: " + JsonIo.quote(type)
                    + " (expected: text, json_object or json_schema)", "text.format.type");
        };
    }

    private static void readReasoning(JsonParser p, HubRequest r) throws IOException, RequestException {
        expect(p, JsonToken.START_OBJECT, "reasoning", "an object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NULL) {
                continue;
            }
            if (f.equals("effort")) {
                r.reasoning = Reasoning.ofEffort(string(p, "reasoning.effort"));
            } else {
                // summary / generate_summary: the hub carries no summary setting
                r.drop("reasoning." + f);
                p.skipChildren();
            }
        }
    }

    // ---- input ----

    /** Reads {@code input}, keeping the pending reasoning and the merge rule for function calls. */
    private static final class InputReader {

        private final HubRequest request;
        private final List<Message> out = new ArrayList<>();
        private final List<Part> pendingThinking = new ArrayList<>(0);

        InputReader(HubRequest request) {
            this.request = request;
        }

        List<Message> read(JsonParser p) throws IOException, RequestException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                out.add(Message.text(Role.USER, p.getText()));
                return out;
            }
            expect(p, JsonToken.START_ARRAY, "input", "a string or an array of input items");
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                item(p, "input[" + i++ + "]");
            }
            dropPendingThinking();
            return out;
        }

        private void item(JsonParser p, String path) throws IOException, RequestException {
            expect(p, JsonToken.START_OBJECT, path, "an input item object");
            String type = null;
            String role = null;
            List<Part> content = null;
            String callId = null;
            String name = null;
            String arguments = null;
            List<Part> output = null;
            String encrypted = null;
            StringBuilder summary = null;
            StringBuilder reasoningText = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (f) {
                    case "type" -> type = string(p, path + ".type");
                    case "role" -> role = string(p, path + ".role");
                    case "content" -> {
                        // a message's parts, or a reasoning item's reasoning_text parts
                        content = parts(p, path + ".content");
                        if (reasoningText == null) {
                            reasoningText = new StringBuilder();
                        }
                        for (Part part : content) {
                            if (part instanceof Part.Text t) {
                                reasoningText.append(t.text());
                            }
                        }
                    }
                    case "call_id" -> callId = string(p, path + ".call_id");
                    case "name" -> name = string(p, path + ".name");
                    case "arguments" -> arguments = string(p, path + ".arguments");
                    case "output" -> output = parts(p, path + ".output");
                    case "encrypted_content" -> encrypted = string(p, path + ".encrypted_content");
                    case "summary" -> summary = summary(p, path + ".summary");
                    default -> p.skipChildren();
                }
            }
            if (type == null && role != null) {
                type = "message";
            }
            if (type == null) {
                throw new RequestException(path + ".type: missing (expected: message, function_call, "
                        + "function_call_output or reasoning)", path + ".type");
            }
            switch (type) {
                case "message" -> message(path, role, content);
                case "function_call" -> {
                    require(callId, path + ".call_id", "the call's id");
                    require(name, path + ".name", "the function's name");
                    call(new ToolCall(callId, name, arguments == null || arguments.isEmpty() ? "{}" : arguments));
                }
                case "function_call_output" -> {
                    require(callId, path + ".call_id", "the id of the call this output answers");
                    dropPendingThinking();
                    Message m = new Message(Role.TOOL).toolCallId(callId);
                    if (output != null) {
                        output.forEach(m::add);
                    }
                    if (m.parts().isEmpty()) {
                        m.add(new Part.Text(""));
                    }
                    String tool = toolName(callId);
                    if (tool != null) {
                        m.name(tool);
                    }
                    out.add(m);
                }
                case "reasoning" -> {
                    String text = summary != null && !summary.isEmpty() ? summary.toString()
                            : reasoningText != null ? reasoningText.toString() : "";
                    pendingThinking.add(new Part.Thinking(text, encrypted));
                }
                case "item_reference" -> throw new RequestException(path + ": item_reference is not supported"
                        + STATELESS, path);
                default -> request.drop("input." + type);
            }
        }

        private void message(String path, String roleName, List<Part> content) throws RequestException {
            require(roleName, path + ".role", "user, assistant, system or developer");
            Role role = switch (roleName) {
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                case "system", "developer" -> Role.SYSTEM;
                default -> throw new RequestException(path + ".role: " + JsonIo.quote(roleName)
                        + " (expected: user, assistant, system or developer)", path + ".role");
            };
            Message m = new Message(role);
            if (role == Role.ASSISTANT) {
                pendingThinking.forEach(m::add);
                pendingThinking.clear();
            } else {
                dropPendingThinking();
            }
            if (content != null) {
                content.forEach(m::add);
            }
            out.add(m);
        }

        /** A call joins the assistant message right before it (one turn), unless reasoning came in between. */
        private void call(ToolCall call) {
            Message last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last == null || last.role() != Role.ASSISTANT || !pendingThinking.isEmpty()) {
                last = new Message(Role.ASSISTANT);
                pendingThinking.forEach(last::add);
                pendingThinking.clear();
                out.add(last);
            }
            last.add(call);
        }

        private String toolName(String callId) {
            for (Message m : out) {
                for (ToolCall c : m.toolCalls()) {
                    if (callId.equals(c.id())) {
                        return c.name();
                    }
                }
            }
            return null;
        }

        private void dropPendingThinking() {
            if (!pendingThinking.isEmpty()) {
                request.drop("input.reasoning");
                pendingThinking.clear();
            }
        }

        /** Content: a string, or an array of parts. */
        private List<Part> parts(JsonParser p, String path) throws IOException, RequestException {
            List<Part> parts = new ArrayList<>(1);
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                parts.add(new Part.Text(p.getText()));
                return parts;
            }
            expect(p, JsonToken.START_ARRAY, path, "a string or an array of content parts");
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                Part part = part(p, path + "[" + i++ + "]");
                if (part != null) {
                    parts.add(part);
                }
            }
            return parts;
        }

        private Part part(JsonParser p, String path) throws IOException, RequestException {
            expect(p, JsonToken.START_OBJECT, path, "a content part object");
            String type = null;
            String text = null;
            String imageUrl = null;
            String detail = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (f) {
                    case "type" -> type = string(p, path + ".type");
                    case "text", "refusal" -> text = string(p, path + "." + f);
                    case "image_url" -> imageUrl = t == JsonToken.START_OBJECT ? url(p) : string(p, path + "." + f);
                    case "detail" -> detail = string(p, path + ".detail");
                    default -> p.skipChildren();
                }
            }
            if (type == null) {
                throw new RequestException(path + ".type: missing (expected: input_text, input_image, output_text, "
                        + "…)", path + ".type");
            }
            switch (type) {
                case "input_text", "output_text", "text", "refusal", "summary_text", "reasoning_text" -> {
                    require(text, path + (type.equals("refusal") ? ".refusal" : ".text"), "a string");
                    return new Part.Text(text);
                }
                case "input_image" -> {
                    if (imageUrl == null) {
                        request.drop("input_image.file_id");
                        return null;
                    }
                    Part.Image img = Part.Image.ofUrl(imageUrl);
                    return detail == null ? img
                            : new Part.Image(img.url(), img.mediaType(), img.data(), detail, null);
                }
                default -> {
                    // input_file, input_audio, …
                    request.drop(type);
                    return null;
                }
            }
        }

        /** Lenient: a Chat-style {@code {"url": …}} object where Responses has a plain string. */
        private static String url(JsonParser p) throws IOException {
            String url = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                if (f.equals("url")) {
                    url = JsonIo.text(p);
                } else {
                    p.skipChildren();
                }
            }
            return url;
        }

        /** A reasoning item's summary texts, joined by blank lines. */
        private StringBuilder summary(JsonParser p, String path) throws IOException, RequestException {
            StringBuilder sb = new StringBuilder();
            for (Part part : parts(p, path)) {
                if (part instanceof Part.Text t) {
                    if (!sb.isEmpty()) {
                        sb.append("\n\n");
                    }
                    sb.append(t.text());
                }
            }
            return sb;
        }
    }

    // ---- scalars ----

    private static void expect(JsonParser p, JsonToken token, String path, String expected)
            throws IOException, RequestException {
        if (p.currentToken() != token) {
            throw new RequestException(path + ": " + shown(p) + " (expected: " + expected + ")", path);
        }
    }

    private static void require(String value, String path, String expected) throws RequestException {
        if (value == null) {
            throw new RequestException(path + ": missing (expected: " + expected + ")", path);
        }
    }

    private static String string(JsonParser p, String path) throws IOException, RequestException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new RequestException(path + ": " + shown(p) + " (expected: a string)", path);
        }
        return p.getText();
    }

    private static boolean bool(JsonParser p, String path) throws IOException, RequestException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw new RequestException(path + ": " + shown(p) + " (expected: true or false)", path);
        }
        return t == JsonToken.VALUE_TRUE;
    }

    private static int integer(JsonParser p, String path) throws IOException, RequestException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                || p.getIntValue() < 0) {
            throw new RequestException(path + ": " + shown(p) + " (expected: a non-negative integer)", path);
        }
        return p.getIntValue();
    }

    private static double number(JsonParser p, String path) throws IOException, RequestException {
        if (!p.currentToken().isNumeric()) {
            throw new RequestException(path + ": " + shown(p) + " (expected: a number)", path);
        }
        return p.getDoubleValue();
    }

    /** The offending value for an error message: scalars as JSON, containers by kind. */
    private static String shown(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return t == JsonToken.START_OBJECT ? "an object" : "an array";
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText();
            return JsonIo.quote(s.length() > 60 ? s.substring(0, 60) + "…" : s);
        }
        return p.getText();
    }
}
