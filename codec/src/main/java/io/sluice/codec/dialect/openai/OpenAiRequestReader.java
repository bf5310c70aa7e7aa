package io.sluice.codec.dialect.openai;

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
 * A client's OpenAI chat completions request body to a {@link HubRequest}. Reads the whole documented request plus
 * the conventions OpenAI-compatible clients use ({@code reasoning_content} on assistant messages, {@code cache_control}
 * on content parts, {@code top_k}, OpenRouter's {@code reasoning} object). What has no hub equivalent is dropped by
 * name; what is invalid fails with the value, what was expected and the parameter's path.
 */
final class OpenAiRequestReader {

    private final JsonParser p;
    private final HubRequest r = new HubRequest();
    private Integer maxCompletionTokens;
    private Integer maxTokens;
    private String reasoningEffort;
    private Reasoning reasoningObject;
    private ToolChoice legacyFunctionChoice;
    /** Legacy assistant function_call ids not yet answered by a function message, by position. */
    private final List<ToolCall> openFunctionCalls = new ArrayList<>(0);

    private OpenAiRequestReader(JsonParser p) {
        this.p = p;
    }

    static HubRequest read(ByteBuf body) throws RequestException {
        try (JsonParser p = JsonIo.requestParser(body)) {
            OpenAiRequestReader reader = new OpenAiRequestReader(p);
            reader.readRoot();
            return reader.r;
        } catch (JsonProcessingException e) {
            JsonIo.overBudget(e);
            var at = e.getLocation();
            throw new RequestException("request body is not valid JSON" + (at == null ? "" : " at line "
                    + at.getLineNr() + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RequestException("request body could not be read: " + e.getMessage());
        }
    }

    private void readRoot() throws IOException, RequestException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw t == null ? new RequestException("request body is empty (expected: a JSON object)")
                    : expected("body", "a JSON object");
        }
        boolean messagesSeen = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL && !name.equals("model") && !name.equals("messages")) {
                continue; // optional parameters may be sent as null
            }
            switch (name) {
                case "model" -> r.model = string(name);
                case "messages" -> {
                    readMessages();
                    messagesSeen = true;
                }
                case "stream" -> r.stream = bool(name);
                case "stream_options" -> readStreamOptions();
                case "tools" -> readTools();
                case "functions" -> readFunctions();
                case "tool_choice" -> r.toolChoice = toolChoice(name);
                case "function_call" -> legacyFunctionChoice = legacyFunctionChoice();
                case "parallel_tool_calls" -> r.parallelToolCalls = bool(name);
                case "max_completion_tokens" -> maxCompletionTokens = positiveInt(name);
                case "max_tokens" -> maxTokens = positiveInt(name);
                case "temperature" -> r.temperature = number(name);
                case "top_p" -> r.topP = number(name);
                case "top_k" -> r.topK = positiveInt(name);
                case "presence_penalty" -> r.presencePenalty = number(name);
                case "frequency_penalty" -> r.frequencyPenalty = number(name);
                case "seed" -> r.seed = integer(name);
                case "user" -> r.user = string(name);
                case "stop" -> readStop();
                case "response_format" -> r.responseFormat = responseFormat();
                case "reasoning_effort" -> reasoningEffort = string(name);
                case "reasoning" -> reasoningObject = reasoningObject();
                case "n" -> {
                    long n = integer(name);
                    if (n != 1) {
                        throw new RequestException("n: " + n + " (expected: 1; a translated request returns a single"
                                + " choice)", "n");
                    }
                }
                default -> {
                    // logprobs, top_logprobs, logit_bias, service_tier, store, metadata, modalities, audio,
                    // prediction, web_search_options, prompt_cache_key, safety_identifier, verbosity, …
                    p.skipChildren();
                    r.drop(name);
                }
            }
        }
        if (r.model == null || r.model.isEmpty()) {
            throw new RequestException("model: missing (expected: the model name, a non-empty string)", "model");
        }
        if (!messagesSeen || r.messages.isEmpty()) {
            throw new RequestException("messages: " + (messagesSeen ? "empty" : "missing")
                    + " (expected: a non-empty array of messages)", "messages");
        }
        r.maxTokens = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        if (reasoningEffort != null) {
            r.reasoning = Reasoning.ofEffort(reasoningEffort);
        } else if (reasoningObject != null) {
            r.reasoning = reasoningObject;
        }
        if (r.toolChoice == null) {
            r.toolChoice = legacyFunctionChoice;
        }
    }

    // ---- messages ----

    private void readMessages() throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw expected("messages", "a non-empty array of messages");
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            readMessage("messages[" + i + "]");
            i++;
        }
    }

    private void readMessage(String path) throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw expected(path, "a message object");
        }
        String role = null;
        List<Part> parts = new ArrayList<>(1);
        boolean contentSeen = false;
        String name = null;
        String toolCallId = null;
        String reasoning = null;
        List<ToolCall> calls = new ArrayList<>(0);
        ToolCall functionCall = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            String fpath = path + "." + field;
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "role" -> role = string(fpath);
                case "content" -> {
                    readContent(fpath, parts);
                    contentSeen = true;
                }
                case "name" -> name = string(fpath);
                case "tool_call_id" -> toolCallId = string(fpath);
                // DeepSeek/vLLM reasoning_content, OpenRouter reasoning: the assistant's earlier thinking.
                case "reasoning_content", "reasoning" -> {
                    String s = string(fpath);
                    if (reasoning == null && !s.isEmpty()) {
                        reasoning = s;
                    }
                }
                case "tool_calls" -> readToolCalls(fpath, calls);
                case "function_call" -> functionCall = functionCall(fpath);
                case "refusal" -> {
                    String s = string(fpath);
                    if (!s.isEmpty()) {
                        parts.add(new Part.Text(s));
                    }
                }
                default -> {
                    // audio {id}, reasoning_details, annotations, …
                    p.skipChildren();
                    r.drop("messages[]." + field);
                }
            }
        }
        if (role == null) {
            throw new RequestException(path + ".role: missing (expected: system, developer, user, assistant, tool"
                    + " or function)", path + ".role");
        }
        Message m;
        switch (role) {
            case "system", "developer" -> m = new Message(Role.SYSTEM);
            case "user" -> m = new Message(Role.USER);
            case "assistant" -> {
                m = new Message(Role.ASSISTANT);
                if (reasoning != null) {
                    m.add(new Part.Thinking(reasoning, null));
                }
                for (ToolCall c : calls) {
                    m.add(c);
                }
                if (functionCall != null) {
                    ToolCall c = new ToolCall("call_fn_" + r.messages.size(), functionCall.name(),
                            functionCall.arguments());
                    m.add(c);
                    openFunctionCalls.add(c);
                }
            }
            case "tool" -> {
                if (toolCallId == null || toolCallId.isEmpty()) {
                    throw new RequestException(path + ".tool_call_id: missing (expected: the id of the tool call this"
                            + " message answers)", path + ".tool_call_id");
                }
                m = new Message(Role.TOOL).toolCallId(toolCallId);
                for (Part part : parts) {
                    if (part instanceof Part.Text t && t.cacheControl() != null) {
                        m.cacheControl(t.cacheControl());
                    }
                }
            }
            case "function" -> {
                // Legacy: answers the latest unanswered assistant function_call of the same name.
                ToolCall answered = null;
                for (int i = openFunctionCalls.size() - 1; i >= 0; i--) {
                    if (openFunctionCalls.get(i).name().equals(name)) {
                        answered = openFunctionCalls.remove(i);
                        break;
                    }
                }
                if (answered == null) {
                    r.drop("messages[].role=function");
                    return;
                }
                m = new Message(Role.TOOL).toolCallId(answered.id());
                name = answered.name();
            }
            default -> throw new RequestException(path + ".role: " + JsonIo.quote(role) + " (expected: system,"
                    + " developer, user, assistant, tool or function)", path + ".role");
        }
        if (!contentSeen && m.role() != Role.ASSISTANT && parts.isEmpty()) {
            throw new RequestException(path + ".content: missing (expected: a string or an array of content parts)",
                    path + ".content");
        }
        for (Part part : parts) {
            m.add(part);
        }
        if (name != null) {
            m.name(name);
        }
        r.messages.add(m);
    }

    private void readContent(String path, List<Part> parts) throws IOException, RequestException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            parts.add(new Part.Text(p.getText()));
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw expected(path, "a string or an array of content parts");
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Part part = readPart(path + "[" + i + "]");
            if (part != null) {
                parts.add(part);
            }
            i++;
        }
    }

    private Part readPart(String path) throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw expected(path, "a content part object");
        }
        String type = null;
        String text = null;
        String url = null;
        String detail = null;
        String cacheControl = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "type" -> type = string(path + ".type");
                case "text", "refusal" -> text = string(path + "." + field);
                case "image_url" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        url = p.getText(); // a bare string, as some clients send it
                    } else if (v == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            JsonToken fv = p.nextToken();
                            if (f.equals("url")) {
                                url = string(path + ".image_url.url");
                            } else if (f.equals("detail") && fv != JsonToken.VALUE_NULL) {
                                detail = string(path + ".image_url.detail");
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        throw expected(path + ".image_url", "an object with a url");
                    }
                }
                case "cache_control" -> cacheControl = JsonIo.raw(p);
                default -> p.skipChildren(); // input_audio, file: their type decides below
            }
        }
        if (type == null) {
            throw new RequestException(path + ".type: missing (expected: text, image_url, input_audio or file)",
                    path + ".type");
        }
        switch (type) {
            case "text", "refusal" -> {
                if (text == null) {
                    throw new RequestException(path + "." + type + ": missing (expected: a string)",
                            path + "." + type);
                }
                return new Part.Text(text, cacheControl);
            }
            case "image_url" -> {
                if (url == null || url.isEmpty()) {
                    throw new RequestException(path + ".image_url.url: missing (expected: an http(s) or data: URL)",
                            path + ".image_url.url");
                }
                Part.Image img = Part.Image.ofUrl(url);
                return new Part.Image(img.url(), img.mediaType(), img.data(), detail, cacheControl);
            }
            default -> {
                // input_audio, file and anything newer: no hub part for them.
                r.drop("content." + type);
                return null;
            }
        }
    }

    private void readToolCalls(String path, List<ToolCall> calls) throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw expected(path, "an array of tool calls");
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String cpath = path + "[" + i++ + "]";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw expected(cpath, "a tool call object");
            }
            String id = null;
            String type = "function";
            ToolCall fn = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (f) {
                    case "id" -> id = string(cpath + ".id");
                    case "type" -> type = string(cpath + ".type");
                    case "function" -> fn = functionCall(cpath + ".function");
                    default -> p.skipChildren();
                }
            }
            if (!type.equals("function")) {
                r.drop("tool_calls." + type); // custom tool calls
                continue;
            }
            if (fn == null) {
                throw new RequestException(cpath + ".function: missing (expected: {name, arguments})",
                        cpath + ".function");
            }
            if (id == null || id.isEmpty()) {
                throw new RequestException(cpath + ".id: missing (expected: the tool call's id)", cpath + ".id");
            }
            calls.add(new ToolCall(id, fn.name(), fn.arguments()));
        }
    }

    /** {@code {name, arguments}} as a ToolCall without id; arguments given as an object are kept as JSON text. */
    private ToolCall functionCall(String path) throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw expected(path, "an object {name, arguments}");
        }
        String name = null;
        String args = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("name")) {
                name = string(path + ".name");
            } else if (f.equals("arguments")) {
                args = v == JsonToken.START_OBJECT ? JsonIo.raw(p)
                        : v == JsonToken.VALUE_NULL ? null : string(path + ".arguments");
            } else {
                p.skipChildren();
            }
        }
        if (name == null || name.isEmpty()) {
            throw new RequestException(path + ".name: missing (expected: the function's name)", path + ".name");
        }
        return new ToolCall(null, name, args == null || args.isEmpty() ? "{}" : args);
    }

    // ---- tools ----

    private void readTools() throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw expected("tools", "an array of tools");
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String path = "tools[" + i++ + "]";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw expected(path, "a tool object");
            }
            String type = null;
            Tool fn = null;
            String cacheControl = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (f) {
                    case "type" -> type = string(path + ".type");
                    case "function" -> fn = function(path + ".function");
                    case "cache_control" -> cacheControl = JsonIo.raw(p);
                    default -> p.skipChildren();
                }
            }
            if (type == null) {
                type = "function";
            }
            if (!type.equals("function")) {
                r.drop("tools." + type); // custom (freeform) tools
                continue;
            }
            if (fn == null) {
                throw new RequestException(path + ".function: missing (expected: {name, description, parameters})",
                        path + ".function");
            }
            r.tools.add(new Tool(fn.name(), fn.description(), fn.parameters(), fn.strict(), cacheControl));
        }
    }

    /** Legacy {@code functions}: a list of function definitions, each a tool. */
    private void readFunctions() throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw expected("functions", "an array of functions");
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            r.tools.add(function("functions[" + i++ + "]"));
        }
    }

    private Tool function(String path) throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw expected(path, "a function object {name, description, parameters}");
        }
        String name = null;
        String description = null;
        String parameters = null;
        Boolean strict = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (f) {
                case "name" -> name = string(path + ".name");
                case "description" -> description = string(path + ".description");
                case "parameters" -> {
                    if (v != JsonToken.START_OBJECT) {
                        throw expected(path + ".parameters", "a JSON Schema object");
                    }
                    parameters = JsonIo.raw(p);
                }
                case "strict" -> strict = bool(path + ".strict");
                default -> p.skipChildren();
            }
        }
        if (name == null || name.isEmpty()) {
            throw new RequestException(path + ".name: missing (expected: the function's name)", path + ".name");
        }
        return new Tool(name, description, parameters, strict, null);
    }

    private ToolChoice toolChoice(String path) throws IOException, RequestException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return switch (p.getText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw expected(path, "auto, none, required or {\"type\":\"function\",…}");
            };
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw expected(path, "auto, none, required or {\"type\":\"function\",…}");
        }
        String type = null;
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("type") && v == JsonToken.VALUE_STRING) {
                type = p.getText();
            } else if (f.equals("function") && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String ff = p.currentName();
                    p.nextToken();
                    if (ff.equals("name")) {
                        name = string(path + ".function.name");
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if ("function".equals(type) || type == null && name != null) {
            if (name == null || name.isEmpty()) {
                throw new RequestException(path + ".function.name: missing (expected: the name of a tool)",
                        path + ".function.name");
            }
            return ToolChoice.named(name);
        }
        r.drop("tool_choice." + type); // allowed_tools, custom
        return null;
    }

    private ToolChoice legacyFunctionChoice() throws IOException, RequestException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return switch (p.getText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                default -> throw expected("function_call", "auto, none or {\"name\":…}");
            };
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw expected("function_call", "auto, none or {\"name\":…}");
        }
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            if (f.equals("name")) {
                name = string("function_call.name");
            } else {
                p.skipChildren();
            }
        }
        if (name == null || name.isEmpty()) {
            throw new RequestException("function_call.name: missing (expected: the name of a function)",
                    "function_call.name");
        }
        return ToolChoice.named(name);
    }

    // ---- other parameters ----

    private void readStreamOptions() throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw expected("stream_options", "an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("include_usage")) {
                r.includeUsage = v != JsonToken.VALUE_NULL && bool("stream_options.include_usage");
            } else {
                p.skipChildren();
                r.drop("stream_options." + f);
            }
        }
    }

    private void readStop() throws IOException, RequestException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            r.stop.add(p.getText());
            return;
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw expected("stop", "a string or an array of strings");
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            r.stop.add(string("stop[" + i++ + "]"));
        }
    }

    private ResponseFormat responseFormat() throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw expected("response_format", "an object {\"type\":…}");
        }
        String type = null;
        String name = null;
        String schema = null;
        Boolean strict = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("type")) {
                type = string("response_format.type");
            } else if (f.equals("json_schema") && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String ff = p.currentName();
                    JsonToken fv = p.nextToken();
                    if (fv == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    switch (ff) {
                        case "name" -> name = string("response_format.json_schema.name");
                        case "schema" -> {
                            if (fv != JsonToken.START_OBJECT) {
                                throw expected("response_format.json_schema.schema", "a JSON Schema object");
                            }
                            schema = JsonIo.raw(p);
                        }
                        case "strict" -> strict = bool("response_format.json_schema.strict");
                        default -> {
                            p.skipChildren();
                            r.drop("response_format.json_schema." + ff);
                        }
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (type == null) {
            throw new RequestException("response_format.type: missing (expected: text, json_object or json_schema)",
                    "response_format.type");
        }
        return switch (type) {
            case "text" -> new ResponseFormat(ResponseFormat.Kind.TEXT, null, null, null);
            case "json_object" -> ResponseFormat.JSON_OBJECT;
            case "json_schema" -> new ResponseFormat(ResponseFormat.Kind.JSON_SCHEMA, name, schema, strict);
            default -> throw new RequestException("response_format.type: " + JsonIo.quote(type)
                    + " (expected: text, json_object or json_schema)", "response_format.type");
        };
    }

    /** OpenRouter's {@code reasoning: {effort | max_tokens, enabled, exclude}}. */
    private Reasoning reasoningObject() throws IOException, RequestException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw expected("reasoning", "an object {effort} or {max_tokens}");
        }
        String effort = null;
        Integer budget = null;
        Boolean enabled = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (f) {
                case "effort" -> effort = string("reasoning.effort");
                case "max_tokens" -> budget = (int) Math.min(Integer.MAX_VALUE, integer("reasoning.max_tokens"));
                case "enabled" -> enabled = bool("reasoning.enabled");
                default -> {
                    p.skipChildren();
                    r.drop("reasoning." + f);
                }
            }
        }
        if (Boolean.FALSE.equals(enabled)) {
            return Reasoning.ofBudget(0);
        }
        if (effort != null) {
            return Reasoning.ofEffort(effort);
        }
        if (budget != null) {
            return Reasoning.ofBudget(budget);
        }
        return Boolean.TRUE.equals(enabled) ? Reasoning.ofEffort("medium") : null;
    }

    // ---- scalars ----

    private String string(String path) throws IOException, RequestException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw expected(path, "a string");
        }
        return p.getText();
    }

    private boolean bool(String path) throws IOException, RequestException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE;
        }
        throw expected(path, "true or false");
    }

    private double number(String path) throws IOException, RequestException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        throw expected(path, "a number");
    }

    private long integer(String path) throws IOException, RequestException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT && p.getDoubleValue() == Math.rint(p.getDoubleValue())
                && Math.abs(p.getDoubleValue()) < 1e15) {
            return (long) p.getDoubleValue(); // 1024.0 from clients that only have doubles
        }
        throw expected(path, "an integer");
    }

    private int positiveInt(String path) throws IOException, RequestException {
        long n = integer(path);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new RequestException(path + ": " + n + " (expected: an integer >= 1)", path);
        }
        return (int) n;
    }

    /** "path: <the value> (expected: what)", the value quoted and cut short. */
    private RequestException expected(String path, String what) throws IOException {
        return new RequestException(path + ": " + describe() + " (expected: " + what + ")", path);
    }

    private String describe() throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> {
                String s = p.getText();
                yield JsonIo.quote(s.length() > 40 ? s.substring(0, 40) + "…" : s);
            }
            case VALUE_NULL -> "null";
            default -> p.getText();
        };
    }
}
