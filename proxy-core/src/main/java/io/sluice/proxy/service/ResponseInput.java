package io.sluice.proxy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.state.ResponseStore;
import io.sluice.proxy.state.StoredResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Responses request's references turned back into full input, before anything reads it: {@code
 * previous_response_id} becomes the earlier answer's input and output items put in front of {@code input}, each
 * {@code item_reference} the item it names. Only answers of the request's own scope are looked up. A reference Sluice
 * does not hold goes on unchanged when the provider speaks the Responses API itself (it may hold it), else is refused
 * in OpenAI's words.
 */
final class ResponseInput {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What a request refers to that was not found, in OpenAI's error shape; {@code status} 400 or 404. */
    record Missing(int status, String json) {
    }

    /**
     * The outcome: {@code missing} set when refused; else {@code input} is the expanded input, {@code changed} says
     * whether the body must be rewritten, {@code complete} whether every reference was resolved here (only then is the
     * answer stored: its chain is known).
     */
    record Expanded(ArrayNode input, boolean changed, boolean complete, Missing missing) {
    }

    private ResponseInput() {
    }

    /**
     * Expands {@code root} (a Responses request object) in place when it refers to stored answers.
     *
     * @param passOn whether a reference Sluice does not hold may go to the provider as it is
     */
    static Expanded expand(ObjectNode root, ResponseStore store, String scope, boolean passOn) {
        ArrayNode out = JSON.createArrayNode();
        boolean changed = false;
        boolean complete = true;
        JsonNode prev = root.get("previous_response_id");
        if (prev != null && !prev.isNull()) {
            String id = prev.isTextual() ? prev.textValue() : prev.toString();
            StoredResponse earlier = store == null ? null : store.get(scope, id);
            if (earlier != null) {
                out.addAll(array(earlier.input()));
                JsonNode output = object(earlier.response()).path("output");
                if (output.isArray()) {
                    out.addAll((ArrayNode) output);
                }
                root.remove("previous_response_id");
                changed = true;
            } else if (passOn) {
                complete = false;
            } else {
                return missing(400, "Previous response with id '" + shown(id) + "' not found.",
                        "previous_response_id", "previous_response_not_found");
            }
        }
        JsonNode input = root.get("input");
        if (input != null && input.isTextual()) {
            out.add(userMessage(input.textValue()));
        } else if (input != null && input.isArray()) {
            Map<StoredResponse, List<JsonNode>> parsed = new IdentityHashMap<>(); // each answer parsed once
            for (JsonNode item : input) {
                if (!isReference(item)) {
                    out.add(item);
                    continue;
                }
                String id = item.path("id").asText();
                JsonNode found = find(store == null ? null : store.owner(scope, id), id, parsed);
                if (found != null) {
                    out.add(found);
                    changed = true;
                } else if (passOn) {
                    out.add(item);
                    complete = false;
                } else {
                    return missing(404, "Item with id '" + shown(id) + "' not found. Items are not persisted when"
                            + " `store` is set to false. Try again with `store` set to true, or remove this item"
                            + " from your input.", "input", null);
                }
            }
        }
        if (changed) {
            root.set("input", out);
        }
        return new Expanded(out, changed, complete, null);
    }

    /** A string {@code input} as the message item OpenAI lists for it. */
    static ObjectNode userMessage(String text) {
        ObjectNode m = JSON.createObjectNode().put("type", "message").put("role", "user");
        m.putArray("content").addObject().put("type", "input_text").put("text", text);
        return m;
    }

    /** {@code {"type":"item_reference","id":…}}; {@code type} is optional (openai-java leaves it out). */
    static boolean isReference(JsonNode item) {
        if (!item.isObject() || !item.path("id").isTextual()) {
            return false;
        }
        JsonNode type = item.get("type");
        return type == null || type.isNull() ? !item.has("role") : "item_reference".equals(type.asText());
    }

    /** The item {@code id} among {@code r}'s output and input, or null. */
    private static JsonNode find(StoredResponse r, String id, Map<StoredResponse, List<JsonNode>> parsed) {
        if (r == null) {
            return null;
        }
        List<JsonNode> items = parsed.computeIfAbsent(r, k -> {
            List<JsonNode> all = new ArrayList<>();
            object(k.response()).path("output").forEach(all::add);
            array(k.input()).forEach(all::add);
            return all;
        });
        for (JsonNode item : items) {
            if (id.equals(item.path("id").asText(null))) {
                return item.deepCopy();
            }
        }
        return null;
    }

    /** The ids of the items in {@code items} that have one. */
    static void ids(JsonNode items, List<String> into) {
        for (JsonNode item : items) {
            JsonNode id = item.path("id");
            if (id.isTextual() && !id.textValue().isEmpty()) {
                into.add(id.textValue());
            }
        }
    }

    static ArrayNode array(byte[] json) {
        JsonNode n = tree(json);
        return n.isArray() ? (ArrayNode) n : JSON.createArrayNode();
    }

    static ObjectNode object(byte[] json) {
        JsonNode n = tree(json);
        return n.isObject() ? (ObjectNode) n : JSON.createObjectNode();
    }

    private static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // stored JSON was written by Sluice: it parses
        }
    }

    static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An id as an error message may quote it: printable and short. */
    static String shown(String id) {
        return Text.printable(id);
    }

    private static Expanded missing(int status, String message, String param, String code) {
        return new Expanded(null, false, false, new Missing(status, error(message, param, code)));
    }

    /** OpenAI's error body: {@code {"error":{"message","type":"invalid_request_error","param","code"}}}. */
    static String error(String message, String param, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", message).put("type", "invalid_request_error").put("param", param).put("code", code);
        return root.toString();
    }
}
