package io.sluice.codec.dialect.anthropic;

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
import io.sluice.codec.hub.Role;
import io.sluice.codec.hub.Tool;
import io.sluice.codec.hub.ToolCall;
import io.sluice.codec.hub.ToolChoice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Messages API request body → {@link HubRequest}. One pass over the tokens; raw JSON is kept for tool schemas,
 * tool_use inputs and {@code cache_control} objects.
 *
 * <p>A user message's {@code tool_result} blocks become hub {@link Role#TOOL} messages, one per result, in order,
 * ahead of a USER message holding the rest of its blocks: OpenAI-shaped dialects need tool results right after the
 * assistant's calls. Server tools (web search, bash, text editor, …), their result blocks, documents and search
 * results have no hub form and are dropped by name.
 */
final class AnthropicRequestReader {

    private AnthropicRequestReader() {
    }

    static HubRequest read(ByteBuf body) throws RequestException {
        return read(body, true);
    }

    /** @param requireMaxTokens false for {@code /v1/messages/count_tokens}, whose body has no {@code max_tokens} */
    static HubRequest read(ByteBuf body, boolean requireMaxTokens) throws RequestException {
        try (JsonParser p = JsonIo.requestParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RequestException("request body: expected a JSON object");
            }
            HubRequest req = new HubRequest();
            boolean sawMaxTokens = false;
            boolean sawMessages = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "model" -> req.model = string(p, t, "model");
                    case "max_tokens" -> {
                        req.maxTokens = positiveInt(p, t, "max_tokens");
                        sawMaxTokens = true;
                    }
                    case "messages" -> {
                        readMessages(p, t, req);
                        sawMessages = true;
                    }
                    case "system" -> readSystem(p, t, req);
                    case "tools" -> readTools(p, t, req);
                    case "tool_choice" -> readToolChoice(p, t, req);
                    case "temperature" -> req.temperature = number(p, t, "temperature");
                    case "top_p" -> req.topP = number(p, t, "top_p");
                    case "top_k" -> req.topK = t == JsonToken.VALUE_NULL ? null : positiveInt(p, t, "top_k");
                    case "stop_sequences" -> readStop(p, t, req);
                    case "stream" -> req.stream = bool(p, t, "stream");
                    case "thinking" -> readThinking(p, t, req);
                    case "metadata" -> readMetadata(p, t, req);
                    default -> {
                        // service_tier, container, mcp_servers, context_management, output_config, …
                        p.skipChildren();
                        if (t != JsonToken.VALUE_NULL) {
                            req.drop(field);
                        }
                    }
                }
            }
            if (req.model == null) {
                throw new RequestException("model: Field required", "model");
            }
            if (!sawMaxTokens && requireMaxTokens) {
                throw new RequestException("max_tokens: Field required", "max_tokens");
            }
            if (!sawMessages) {
                throw new RequestException("messages: Field required", "messages");
            }
            return req;
        } catch (JsonProcessingException e) {
            JsonIo.overBudget(e);
            throw new RequestException("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RequestException("request body could not be read: " + e.getMessage());
        }
    }

    // ---- messages ----

    private static void readMessages(JsonParser p, JsonToken t, HubRequest req) throws IOException, RequestException {
        expect(t == JsonToken.START_ARRAY, p, "messages", "an array of messages");
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            readMessage(p, req, "messages[" + i + "]");
            i++;
        }
    }

    private static void readMessage(JsonParser p, HubRequest req, String path) throws IOException, RequestException {
        expect(p.currentToken() == JsonToken.START_OBJECT, p, path, "a message object");
        String role = null;
        // Content may come before role: keep the blocks, sort them out at the end of the object.
        List<Object> blocks = null;
        String text = null;
        boolean sawContent = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "role" -> role = string(p, t, path + ".role");
                case "content" -> {
                    sawContent = true;
                    if (t == JsonToken.VALUE_STRING) {
                        text = p.getText();
                    } else {
                        expect(t == JsonToken.START_ARRAY, p, path + ".content",
                                "a string or an array of content blocks");
                        blocks = readBlocks(p, req, path + ".content");
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (role == null) {
            throw new RequestException(path + ".role: Field required", path + ".role");
        }
        if (!sawContent) {
            throw new RequestException(path + ".content: Field required", path + ".content");
        }
        switch (role) {
            case "user" -> addUser(req, text, blocks);
            case "assistant" -> addAssistant(req, text, blocks, path);
            case "system" -> addSystem(req, text, blocks, path);
            default -> throw new RequestException(path + ".role: " + JsonIo.quote(role)
                    + " (expected: \"user\", \"assistant\" or \"system\")", path + ".role");
        }
    }

    private static void addUser(HubRequest req, String text, List<Object> blocks) {
        if (blocks == null) {
            req.messages.add(Message.text(Role.USER, text));
            return;
        }
        Message user = new Message(Role.USER);
        for (Object b : blocks) {
            if (b instanceof Message toolResult) {
                req.messages.add(toolResult);
            } else if (b instanceof Part part) {
                user.add(part);
            } else if (b instanceof ToolCall) {
                req.drop("messages.content.tool_use");
            }
        }
        if (!user.parts().isEmpty()) {
            req.messages.add(user);
        }
    }

    /**
     * A system turn inside {@code messages} (beta {@code mid-conversation-system-2026-04-07}, sent by Claude Code and
     * the SDKs' {@code SystemMessageParam}): text only, kept where it stands.
     */
    private static void addSystem(HubRequest req, String text, List<Object> blocks, String path)
            throws RequestException {
        Message m = new Message(Role.SYSTEM);
        if (blocks == null) {
            m.add(new Part.Text(text));
        } else {
            for (Object b : blocks) {
                if (!(b instanceof Part.Text)) {
                    throw new RequestException(path + ".content: a system message holds text blocks only",
                            path + ".content");
                }
                m.add((Part) b);
            }
        }
        req.messages.add(m);
    }

    private static void addAssistant(HubRequest req, String text, List<Object> blocks, String path)
            throws RequestException {
        Message m = new Message(Role.ASSISTANT);
        if (blocks == null) {
            m.add(new Part.Text(text));
        } else {
            for (Object b : blocks) {
                if (b instanceof ToolCall call) {
                    m.add(call);
                } else if (b instanceof Part.Image) {
                    req.drop("messages.content.image");
                } else if (b instanceof Part part) {
                    m.add(part);
                } else if (b instanceof Message) {
                    throw new RequestException(path + ".content: tool_result blocks are only valid in user messages",
                            path + ".content");
                }
            }
        }
        req.messages.add(m);
    }

    /**
     * Content blocks as hub objects: {@link Part}s, {@link ToolCall}s and TOOL {@link Message}s; dropped blocks
     * omitted.
     */
    private static List<Object> readBlocks(JsonParser p, HubRequest req, String path)
            throws IOException, RequestException {
        List<Object> out = new ArrayList<>(4);
        int j = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            Object block = readBlock(p, req, path + "[" + j + "]");
            if (block != null) {
                out.add(block);
            }
            j++;
        }
        return out;
    }

    private static Object readBlock(JsonParser p, HubRequest req, String path) throws IOException, RequestException {
        expect(p.currentToken() == JsonToken.START_OBJECT, p, path, "a content block object");
        Block b = new Block();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "type" -> b.type = string(p, t, path + ".type");
                case "text" -> b.text = string(p, t, path + ".text");
                case "thinking" -> b.thinking = string(p, t, path + ".thinking");
                case "signature" -> b.signature = JsonIo.text(p);
                case "data" -> b.data = JsonIo.text(p);
                case "id" -> b.id = JsonIo.text(p);
                case "name" -> b.name = JsonIo.text(p);
                case "input" -> b.input = t == JsonToken.VALUE_NULL ? null : JsonIo.raw(p);
                case "cache_control" -> b.cacheControl = t == JsonToken.VALUE_NULL ? null : JsonIo.raw(p);
                case "source" -> readSource(p, t, b, path + ".source");
                case "tool_use_id" -> b.toolUseId = JsonIo.text(p);
                case "is_error" -> b.isError = t == JsonToken.VALUE_TRUE;
                case "content" -> {
                    if (t == JsonToken.VALUE_STRING) {
                        b.text = p.getText();
                    } else if (t == JsonToken.START_ARRAY) {
                        b.content = readBlocks(p, req, path + ".content");
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren(); // citations, …
            }
        }
        if (b.type == null) {
            throw new RequestException(path + ".type: Field required", path + ".type");
        }
        switch (b.type) {
            case "text" -> {
                if (b.text == null) {
                    throw new RequestException(path + ".text: Field required", path + ".text");
                }
                return new Part.Text(b.text, b.cacheControl);
            }
            case "image" -> {
                return image(b, req, path);
            }
            case "tool_use" -> {
                if (b.id == null || b.name == null) {
                    throw new RequestException(path + ": tool_use needs id and name", path);
                }
                if (b.cacheControl != null) {
                    req.drop("messages.content.tool_use.cache_control");
                }
                return new ToolCall(b.id, b.name, b.input == null ? "{}" : b.input);
            }
            case "tool_result" -> {
                return toolResult(b, req, path);
            }
            case "thinking" -> {
                if (b.cacheControl != null) {
                    req.drop("messages.content.thinking.cache_control");
                }
                return new Part.Thinking(b.thinking == null ? "" : b.thinking, b.signature);
            }
            case "redacted_thinking" -> {
                if (b.cacheControl != null) {
                    req.drop("messages.content.redacted_thinking.cache_control");
                }
                return new Part.RedactedThinking(b.data == null ? "" : b.data);
            }
            default -> {
                // document, search_result, server_tool_use, web_search_tool_result, container_upload, …
                req.drop("messages.content." + b.type);
                return null;
            }
        }
    }

    private static Message toolResult(Block b, HubRequest req, String path) throws RequestException {
        if (b.toolUseId == null) {
            throw new RequestException(path + ".tool_use_id: Field required", path + ".tool_use_id");
        }
        Message m = new Message(Role.TOOL).toolCallId(b.toolUseId).toolError(b.isError).cacheControl(b.cacheControl);
        if (b.content != null) {
            for (Object o : b.content) {
                if (o instanceof Part.Text || o instanceof Part.Image) {
                    m.add((Part) o);
                } else {
                    req.drop("messages.content.tool_result.content");
                }
            }
        } else if (b.text != null) {
            m.add(new Part.Text(b.text));
        }
        return m;
    }

    private static Part image(Block b, HubRequest req, String path) throws RequestException {
        if (b.sourceType == null) {
            throw new RequestException(path + ".source: Field required", path + ".source");
        }
        switch (b.sourceType) {
            case "base64" -> {
                if (b.mediaType == null || b.sourceData == null) {
                    throw new RequestException(path + ".source: base64 needs media_type and data", path + ".source");
                }
                return new Part.Image(null, b.mediaType, b.sourceData, null, b.cacheControl);
            }
            case "url" -> {
                if (b.url == null) {
                    throw new RequestException(path + ".source.url: Field required", path + ".source.url");
                }
                return new Part.Image(b.url, null, null, null, b.cacheControl);
            }
            default -> {
                req.drop("messages.content.image.source." + b.sourceType); // file ids live at Anthropic only
                return null;
            }
        }
    }

    private static void readSource(JsonParser p, JsonToken t, Block b, String path)
            throws IOException, RequestException {
        expect(t == JsonToken.START_OBJECT, p, path, "an object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "type" -> b.sourceType = JsonIo.text(p);
                case "media_type" -> b.mediaType = JsonIo.text(p);
                case "data" -> b.sourceData = JsonIo.text(p);
                case "url" -> b.url = JsonIo.text(p);
                default -> p.skipChildren();
            }
        }
    }

    /** One content block's members while it is read. */
    private static final class Block {
        String type;
        String text;
        String thinking;
        String signature;
        String data;
        String id;
        String name;
        String input;
        String cacheControl;
        String sourceType;
        String mediaType;
        String sourceData;
        String url;
        String toolUseId;
        boolean isError;
        List<Object> content;
    }

    // ---- system, tools, options ----

    private static void readSystem(JsonParser p, JsonToken t, HubRequest req) throws IOException, RequestException {
        if (t == JsonToken.VALUE_STRING) {
            req.messages.add(0, Message.text(Role.SYSTEM, p.getText())); // ahead of messages[] read before it
            return;
        }
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t == JsonToken.START_ARRAY, p, "system", "a string or an array of text blocks");
        Message system = new Message(Role.SYSTEM);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String path = "system[" + i + "]";
            expect(p.currentToken() == JsonToken.START_OBJECT, p, path, "a text block");
            String type = null;
            String text = null;
            String cacheControl = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "type" -> type = string(p, v, path + ".type");
                    case "text" -> text = string(p, v, path + ".text");
                    case "cache_control" -> cacheControl = v == JsonToken.VALUE_NULL ? null : JsonIo.raw(p);
                    default -> p.skipChildren();
                }
            }
            if (!"text".equals(type) || text == null) {
                throw new RequestException(path + ": type " + (type == null ? "null" : JsonIo.quote(type))
                        + " (expected: a text block with text)", path);
            }
            system.add(new Part.Text(text, cacheControl));
            i++;
        }
        if (!system.parts().isEmpty()) {
            req.messages.add(0, system);
        }
    }

    private static void readTools(JsonParser p, JsonToken t, HubRequest req) throws IOException, RequestException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t == JsonToken.START_ARRAY, p, "tools", "an array of tools");
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String path = "tools[" + i + "]";
            expect(p.currentToken() == JsonToken.START_OBJECT, p, path, "a tool object");
            String type = null;
            String name = null;
            String description = null;
            String schema = null;
            String cacheControl = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "type" -> type = JsonIo.text(p);
                    case "name" -> name = string(p, v, path + ".name");
                    case "description" -> description = JsonIo.text(p);
                    case "input_schema" -> schema = v == JsonToken.VALUE_NULL ? null : JsonIo.raw(p);
                    case "cache_control" -> cacheControl = v == JsonToken.VALUE_NULL ? null : JsonIo.raw(p);
                    default -> p.skipChildren(); // max_uses, allowed_domains, …: server tool options
                }
            }
            if (name == null) {
                throw new RequestException(path + ".name: Field required", path + ".name");
            }
            if (type != null && !type.equals("custom")) {
                req.drop("tools." + name); // a server tool (web_search_20250305, bash_20250124, …) runs at Anthropic
            } else {
                if (schema == null) {
                    throw new RequestException(path + ".input_schema: Field required", path + ".input_schema");
                }
                req.tools.add(new Tool(name, description, schema, null, cacheControl));
            }
            i++;
        }
    }

    private static void readToolChoice(JsonParser p, JsonToken t, HubRequest req) throws IOException, RequestException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t == JsonToken.START_OBJECT, p, "tool_choice", "an object with a type");
        String type = null;
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "type" -> type = string(p, v, "tool_choice.type");
                case "name" -> name = JsonIo.text(p);
                case "disable_parallel_tool_use" -> {
                    if (v == JsonToken.VALUE_TRUE) {
                        req.parallelToolCalls = false;
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (type == null) {
            throw new RequestException("tool_choice.type: Field required", "tool_choice.type");
        }
        req.toolChoice = switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> {
                if (name == null) {
                    throw new RequestException("tool_choice.name: Field required", "tool_choice.name");
                }
                yield ToolChoice.named(name);
            }
            default -> throw new RequestException("tool_choice.type: " + JsonIo.quote(type)
                    + " (expected: \"auto\", \"any\", \"tool\" or \"none\")", "tool_choice.type");
        };
    }

    private static void readThinking(JsonParser p, JsonToken t, HubRequest req) throws IOException, RequestException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t == JsonToken.START_OBJECT, p, "thinking", "an object with a type");
        String type = null;
        Integer budget = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "type" -> type = string(p, v, "thinking.type");
                case "budget_tokens" -> budget = positiveInt(p, v, "thinking.budget_tokens");
                default -> p.skipChildren();
            }
        }
        if (type == null) {
            throw new RequestException("thinking.type: Field required", "thinking.type");
        }
        switch (type) {
            case "enabled" -> {
                if (budget == null) {
                    throw new RequestException("thinking.budget_tokens: Field required", "thinking.budget_tokens");
                }
                req.reasoning = Reasoning.ofBudget(budget);
            }
            case "disabled" -> req.reasoning = Reasoning.ofBudget(0);
            // Newer models decide their own budget; the hub's default effort is the nearest meaning.
            case "adaptive" -> req.reasoning = Reasoning.ofEffort("medium");
            default -> throw new RequestException("thinking.type: " + JsonIo.quote(type)
                    + " (expected: \"enabled\" or \"disabled\")", "thinking.type");
        }
    }

    private static void readMetadata(JsonParser p, JsonToken t, HubRequest req) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("user_id")) {
                req.user = JsonIo.text(p);
            } else {
                p.skipChildren();
            }
        }
    }

    private static void readStop(JsonParser p, JsonToken t, HubRequest req) throws IOException, RequestException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t == JsonToken.START_ARRAY, p, "stop_sequences", "an array of strings");
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            req.stop.add(string(p, p.currentToken(), "stop_sequences[" + i + "]"));
            i++;
        }
    }

    // ---- scalars ----

    private static String string(JsonParser p, JsonToken t, String path) throws IOException, RequestException {
        if (t != JsonToken.VALUE_STRING) {
            throw new RequestException(path + ": " + shown(p, t) + " (expected: a string)", path);
        }
        return p.getText();
    }

    private static int positiveInt(JsonParser p, JsonToken t, String path) throws IOException, RequestException {
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw new RequestException(path + ": " + shown(p, t) + " (expected: an integer)", path);
        }
        int v = p.getIntValue();
        if (v < 1) {
            throw new RequestException(path + ": " + v + " (expected: >= 1)", path);
        }
        return v;
    }

    private static Double number(JsonParser p, JsonToken t, String path) throws IOException, RequestException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new RequestException(path + ": " + shown(p, t) + " (expected: a number)", path);
        }
        return p.getDoubleValue();
    }

    private static boolean bool(JsonParser p, JsonToken t, String path) throws IOException, RequestException {
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE;
        }
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw new RequestException(path + ": " + shown(p, t) + " (expected: true or false)", path);
    }

    private static void expect(boolean ok, JsonParser p, String path, String expected)
            throws IOException, RequestException {
        if (!ok) {
            throw new RequestException(
                    path + ": " + shown(p, p.currentToken()) + " (expected: " + expected + ")", path);
        }
    }

    /** The offending value as the client wrote it, short. */
    private static String shown(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NULL -> "null";
            case VALUE_STRING -> {
                String s = p.getText();
                yield JsonIo.quote(s.length() > 40 ? s.substring(0, 40) + "…" : s);
            }
            default -> p.getText();
        };
    }
}
