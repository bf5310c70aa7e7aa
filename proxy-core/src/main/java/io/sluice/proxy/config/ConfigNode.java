package io.sluice.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A node of the parsed YAML tree plus its key path, so every conversion error can say where it happened. */
final class ConfigNode {

    private final String path;
    private final JsonNode node;
    /** Values under this node are credentials: errors show them masked. */
    private final boolean secret;

    private ConfigNode(String path, JsonNode node, boolean secret) {
        this.path = path;
        this.node = node == null ? MissingNode.getInstance() : node;
        this.secret = secret;
    }

    static ConfigNode root(JsonNode node) {
        return new ConfigNode("", node, false);
    }

    /** This node, with values masked in error messages. */
    ConfigNode secret() {
        return new ConfigNode(path, node, true);
    }

    String path() {
        return path;
    }

    /** Absent and {@code key:} with no value both mean "use the default". */
    boolean isAbsent() {
        return node.isMissingNode() || node.isNull();
    }

    /** Whether this is a single value (text, number, boolean), not a mapping or list. */
    boolean isScalar() {
        return node.isValueNode() && !node.isNull();
    }

    ConfigNode get(String key) {
        return new ConfigNode(path.isEmpty() ? key : path + '.' + key, node.path(key), secret);
    }

    /** Requires a mapping (or nothing) whose keys are all in {@code allowed}; catches typos like {@code prot:}. */
    ConfigNode object(List<String> allowed) {
        if (isAbsent()) {
            return this;
        }
        if (!node.isObject()) {
            throw error("a mapping with keys " + String.join(", ", allowed));
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String key = property.getKey();
            if (!allowed.contains(key)) {
                String hint = KeySuggestions.closest(key, allowed).map(s -> "did you mean " + s + "? ").orElse("");
                throw ConfigException.at(get(key).path, "unknown key (" + hint + "expected one of: "
                        + String.join(", ", allowed) + ")");
            }
        }
        return this;
    }

    /** The entries of a mapping keyed by user-chosen names (providers, headers), in file order. */
    Map<String, ConfigNode> entries(String expected) {
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        if (isAbsent()) {
            return entries;
        }
        if (!node.isObject()) {
            throw error(expected);
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            entries.put(e.getKey(), get(e.getKey()));
        }
        return entries;
    }

    String text(String fallback) {
        if (isAbsent()) {
            return fallback;
        }
        if (!node.isValueNode()) {
            throw error("a string");
        }
        return node.asText();
    }

    int intValue(int fallback) {
        if (isAbsent()) {
            return fallback;
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        if (node.isTextual()) {
            try {
                return Integer.parseInt(node.textValue().strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw error("an integer");
    }

    boolean bool(boolean fallback) {
        if (isAbsent()) {
            return fallback;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber() && (node.intValue() == 0 || node.intValue() == 1) && node.canConvertToInt()) {
            return node.intValue() == 1;
        }
        if (node.isTextual()) {
            switch (node.textValue().strip().toLowerCase(Locale.ROOT)) {
                case "true": case "1": case "yes": case "on": // the seeds' FOO_ENABLED=1 arrives here as "1"
                    return true;
                case "false": case "0": case "no": case "off":
                    return false;
                default:
                    break;
            }
        }
        throw error("true or false; 1/0, yes/no and on/off also work");
    }

    Duration duration(Duration fallback) {
        if (isAbsent()) {
            return fallback;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return Duration.ofMillis(node.longValue());
        }
        if (node.isTextual()) {
            try {
                return Durations.parse(node.textValue());
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw error(Durations.EXPECTED);
    }

    URI uri(String expected) {
        String text = text(null);
        if (text == null) {
            return null;
        }
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            throw error(expected);
        }
    }

    /** A list of scalars as strings, {@code null} for an absent or empty ({@code ~}) node. */
    List<String> strings() {
        if (isAbsent()) {
            return null;
        }
        if (!node.isArray()) {
            throw error("a list of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (element.isNull()) {
                values.add(null);
            } else if (element.isValueNode()) {
                values.add(element.asText());
            } else {
                throw new ConfigNode(path + "[" + i + "]", element, secret).error("a string");
            }
        }
        return values;
    }

    /** The elements of a list, each with its path ({@code rules[0]}); empty when absent. */
    List<ConfigNode> elements(String expected) {
        List<ConfigNode> out = new ArrayList<>();
        if (isAbsent()) {
            return out;
        }
        if (!node.isArray()) {
            throw error(expected);
        }
        for (int i = 0; i < node.size(); i++) {
            out.add(new ConfigNode(path + "[" + i + "]", node.get(i), secret));
        }
        return out;
    }

    /** The text of a string value (not a number or boolean); {@code fallback} when absent. */
    String string(String fallback, String expected) {
        if (isAbsent()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw error(expected);
        }
        return node.textValue();
    }

    /** A mapping of names to scalar values, as strings; empty when absent. */
    Map<String, String> stringMap() {
        Map<String, String> values = new LinkedHashMap<>();
        entries("a mapping of names to values").forEach((key, child) -> values.put(key, child.text(null)));
        return values;
    }

    ConfigException error(String expected) {
        return ConfigException.invalid(path.isEmpty() ? "(root)" : path, describe(), expected);
    }

    /** Scalars are shown as written; containers only by kind, they may be long or hold secrets. */
    private Object describe() {
        if (node.isObject()) {
            return new Shown("a mapping");
        }
        if (node.isArray()) {
            return new Shown("a list");
        }
        if (secret) {
            return Secrets.mask(node.asText());
        }
        return node.isTextual() ? node.textValue() : new Shown(node.asText());
    }

    /** A value rendered verbatim, not quoted. */
    private record Shown(String text) {
        @Override
        public String toString() {
            return text;
        }
    }
}
