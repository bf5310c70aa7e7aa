package io.sluice.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.proxy.testing.TestUpstream.Received;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A provider that holds a conversation in any of the four provider dialects (OpenAI chat, Anthropic Messages, Gemini,
 * OpenAI Responses), so clients can be driven through Sluice the way they drive a real model: it reads the whole
 * conversation the provider would see, and
 * <ul>
 *   <li>when the request declares a tool {@value #TOOL} and the conversation holds no tool result yet, it calls that
 *   tool with {@code {"city":"Paris"}};</li>
 *   <li>after a tool result, it answers {@code "Weather: <result>"};</li>
 *   <li>otherwise it answers {@code "Echo: <last user text> (turns=<user turns>, system=<system texts joined by |>)"},
 *   so a client can check that every turn and every system text reached the provider.</li>
 * </ul>
 * Streaming or not as asked; every answer reports usage {@value #INPUT_TOKENS} in / {@value #OUTPUT_TOKENS} out.
 * Each conversation it read is kept as a {@link Turns} for assertions.
 */
public final class ScriptedLlm implements Function<Received, Reply> {

    public static final String TOOL = "get_weather";
    public static final int INPUT_TOKENS = 11;
    public static final int OUTPUT_TOKENS = 7;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Marker texts a client puts in a turn it wants to see reach the provider in any form. */
    private static final java.util.regex.Pattern NOTE = java.util.regex.Pattern.compile("NOTE-[0-9]+");

    /** The provider dialect this mock speaks. */
    public enum Wire { OPENAI, ANTHROPIC, GEMINI, RESPONSES }

    /** What one request carried, dialect-neutral. */
    public record Turns(String path, List<String> system, List<String> user, List<String> toolResults,
                        List<String> tools, boolean stream, JsonNode body, String raw) {
        /** The decision: call the tool, or the text to answer. */
        boolean callTool() {
            return tools.contains(TOOL) && toolResults.isEmpty();
        }

        String text() {
            if (!toolResults.isEmpty()) {
                return "Weather: " + result(toolResults.get(toolResults.size() - 1));
            }
            String last = user.isEmpty() ? "" : user.get(user.size() - 1);
            java.util.regex.Matcher m = NOTE.matcher(raw);
            List<String> notes = new ArrayList<>();
            while (m.find()) {
                notes.add(m.group());
            }
            return "Echo: " + last + " (turns=" + user.size() + ", system=" + String.join("|", system) + ")"
                    + (notes.isEmpty() ? "" : " notes=" + String.join("|", notes));
        }
    }

    private final Wire wire;
    private final List<Turns> seen = new CopyOnWriteArrayList<>();

    public ScriptedLlm(Wire wire) {
        this.wire = wire;
    }

    /** Every conversation read so far, oldest first. */
    public List<Turns> seen() {
        return seen;
    }

    @Override
    public Reply apply(Received r) {
        if (r.method().equals("GET")) {
            return Reply.json(200, "{\"object\":\"list\",\"data\":[],\"models\":[]}");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            return Reply.json(400, "{\"error\":{\"message\":\"mock: bad json\"}}");
        }
        if (r.uri().contains("/embeddings") || r.uri().contains(":embedContent")
                || r.uri().contains(":batchEmbedContents")) {
            return ScriptedAnswers.embeddings(wire, r.uri(), body);
        }
        Turns t;
        try {
            t = switch (wire) {
                case OPENAI -> openAiTurns(r, body);
                case ANTHROPIC -> anthropicTurns(r, body);
                case GEMINI -> geminiTurns(r, body);
                case RESPONSES -> responsesTurns(r, body);
            };
        } catch (UnknownItem e) {
            // as OpenAI answers a reference to an item it does not hold
            return Reply.json(404, "{\"error\":{\"message\":\"Item with id '" + e.getMessage() + "' not found.\","
                    + "\"type\":\"invalid_request_error\",\"param\":\"input\",\"code\":null}}");
        } catch (RuntimeException e) {
            return Reply.json(400, "{\"error\":{\"message\":\"mock cannot read: " + e + "\"}}");
        }
        seen.add(t);
        return switch (wire) {
            case OPENAI -> ScriptedAnswers.openAi(t);
            case ANTHROPIC -> ScriptedAnswers.anthropic(t);
            case GEMINI -> ScriptedAnswers.gemini(t);
            case RESPONSES -> ScriptedAnswers.responses(t);
        };
    }

    private static Turns openAiTurns(Received r, JsonNode b) {
        List<String> system = new ArrayList<>();
        List<String> user = new ArrayList<>();
        List<String> results = new ArrayList<>();
        for (JsonNode m : b.path("messages")) {
            String role = m.path("role").asText();
            String text = text(m.path("content"));
            switch (role) {
                case "system", "developer" -> system.add(text);
                case "user" -> user.add(text);
                case "tool" -> results.add(text);
                default -> { }
            }
        }
        List<String> tools = new ArrayList<>();
        b.path("tools").forEach(tool -> tools.add(tool.path("function").path("name").asText()));
        return new Turns(r.uri(), system, user, results, tools, b.path("stream").asBoolean(false), b, r.body());
    }

    private static Turns anthropicTurns(Received r, JsonNode b) {
        List<String> system = new ArrayList<>();
        if (!b.path("system").isMissingNode()) {
            system.add(text(b.path("system")));
        }
        List<String> user = new ArrayList<>();
        List<String> results = new ArrayList<>();
        for (JsonNode m : b.path("messages")) {
            String role = m.path("role").asText();
            JsonNode content = m.path("content");
            if (role.equals("system")) {
                system.add(text(content));
                continue;
            }
            if (!role.equals("user")) {
                continue;
            }
            if (content.isTextual()) {
                user.add(content.asText());
                continue;
            }
            StringBuilder said = new StringBuilder();
            for (JsonNode block : content) {
                switch (block.path("type").asText()) {
                    case "text" -> said.append(block.path("text").asText());
                    case "tool_result" -> results.add(text(block.path("content")));
                    default -> { }
                }
            }
            if (!said.isEmpty()) {
                user.add(said.toString());
            }
        }
        List<String> tools = new ArrayList<>();
        b.path("tools").forEach(tool -> tools.add(tool.path("name").asText()));
        return new Turns(r.uri(), system, user, results, tools, b.path("stream").asBoolean(false), b, r.body());
    }

    private static Turns geminiTurns(Received r, JsonNode b) {
        List<String> system = new ArrayList<>();
        JsonNode si = b.has("systemInstruction") ? b.path("systemInstruction") : b.path("system_instruction");
        if (!si.isMissingNode()) {
            system.add(partsText(si.path("parts")));
        }
        List<String> user = new ArrayList<>();
        List<String> results = new ArrayList<>();
        for (JsonNode c : b.path("contents")) {
            if (c.path("role").asText("user").equals("model")) {
                continue;
            }
            StringBuilder said = new StringBuilder();
            for (JsonNode p : c.path("parts")) {
                if (p.has("text")) {
                    said.append(p.path("text").asText());
                }
                JsonNode fr = p.has("functionResponse") ? p.path("functionResponse") : p.path("function_response");
                if (!fr.isMissingNode()) {
                    JsonNode resp = fr.path("response");
                    results.add(resp.has("content") ? text(resp.path("content"))
                            : resp.has("result") ? text(resp.path("result")) : resp.toString());
                }
            }
            if (!said.isEmpty()) {
                user.add(said.toString());
            }
        }
        List<String> tools = new ArrayList<>();
        for (JsonNode tool : b.path("tools")) {
            JsonNode decls = tool.has("functionDeclarations") ? tool.path("functionDeclarations")
                    : tool.path("function_declarations");
            decls.forEach(d -> tools.add(d.path("name").asText()));
        }
        boolean stream = r.uri().contains(":streamGenerateContent");
        return new Turns(r.uri(), system, user, results, tools, stream, b, r.body());
    }

    private static Turns responsesTurns(Received r, JsonNode b) {
        List<String> system = new ArrayList<>();
        if (b.path("instructions").isTextual()) {
            system.add(b.path("instructions").asText());
        }
        List<String> user = new ArrayList<>();
        List<String> results = new ArrayList<>();
        JsonNode input = b.path("input");
        if (input.isTextual()) {
            user.add(input.asText());
        }
        for (JsonNode item : input.isArray() ? input : JSON.createArrayNode()) {
            String type = item.path("type").asText("message");
            if (type.equals("function_call_output")) {
                results.add(text(item.path("output")));
            } else if (type.equals("item_reference")) {
                throw new UnknownItem(item.path("id").asText()); // this provider stores nothing
            } else if (type.equals("message")) {
                String role = item.path("role").asText();
                if (role.equals("system") || role.equals("developer")) {
                    system.add(text(item.path("content")));
                } else if (role.equals("user")) {
                    user.add(text(item.path("content")));
                }
            }
        }
        List<String> tools = new ArrayList<>();
        b.path("tools").forEach(tool -> tools.add(tool.path("name").asText()));
        return new Turns(r.uri(), system, user, results, tools, b.path("stream").asBoolean(false), b, r.body());
    }

    /**
     * A tool result's text: Gemini's {@code functionResponse.response} is an object, which other dialects carry as
     * its JSON text; a lone {@code result}/{@code content}/{@code output} member counts as its value, as a model
     * would read it.
     */
    static String result(String text) {
        if (text.startsWith("{")) {
            try {
                JsonNode o = JSON.readTree(text);
                // the AI SDK's Gemini provider sends {"name": <tool>, "content": <result>}
                if (o.size() == 2 && TOOL.equals(o.path("name").asText())) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) o).remove("name");
                }
                if (o.size() == 1) {
                    for (String k : List.of("result", "content", "output")) {
                        if (o.has(k)) {
                            return text(o.path(k));
                        }
                    }
                }
            } catch (IOException e) {
                return text;
            }
        }
        return text;
    }

    /** An {@code item_reference} reached this provider, which stores nothing. */
    private static final class UnknownItem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownItem(String id) {
            super(id, null, false, false);
        }
    }

    /** A content value's text: a string, or the text of its parts/blocks joined. */
    static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder s = new StringBuilder();
            for (JsonNode p : content) {
                if (p.isTextual()) {
                    s.append(p.asText());
                } else if (p.has("text")) {
                    s.append(p.path("text").asText());
                }
            }
            return s.toString();
        }
        return content.isMissingNode() || content.isNull() ? "" : content.toString();
    }

    private static String partsText(JsonNode parts) {
        StringBuilder s = new StringBuilder();
        parts.forEach(p -> s.append(p.path("text").asText("")));
        return s.toString();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String lower(Wire w) {
        return w.name().toLowerCase(Locale.ROOT);
    }
}
