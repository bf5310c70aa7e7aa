package io.sluice.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in the string scalars of a YAML tree, before any type
 * conversion, so {@code port: ${PORT:-4000}} works. An unset {@code ${VAR}} becomes empty; {@code :-} uses the
 * default when the variable is unset or empty, as in the shell; {@code $${} is a literal {@code ${}. A default may
 * itself be a reference: {@code ${SLUICE_PORT:-${PORT:-4000}}}.
 */
final class EnvSubstitutor {

    static final String EXPECTED = "${VAR} or ${VAR:-default} with VAR like [A-Za-z_][A-Za-z0-9_]*";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvSubstitutor() {
    }

    /** Substitutes in place, walking mappings and lists; keys are left alone. */
    static void apply(JsonNode node, String path, Map<String, String> env) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String childPath = path.isEmpty() ? name : path + '.' + name;
                JsonNode child = object.get(name);
                if (child.isTextual()) {
                    object.put(name, substitute(child.textValue(), childPath, env));
                } else {
                    apply(child, childPath, env);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = path + "[" + i + "]";
                JsonNode child = array.get(i);
                if (child.isTextual()) {
                    array.set(i, array.textNode(substitute(child.textValue(), childPath, env)));
                } else {
                    apply(child, childPath, env);
                }
            }
        }
    }

    static String substitute(String text, String path, Map<String, String> env) {
        int start = text.indexOf('$');
        if (start < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, start);
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
            } else if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = closing(text, i + 2);
                if (end < 0) {
                    throw ConfigException.invalid(path, text, EXPECTED);
                }
                out.append(resolve(text.substring(i + 2, end), text, path, env));
                i = end + 1;
            } else {
                out.append(c); // a lone '$' is just a dollar sign
                i++;
            }
        }
        return out.toString();
    }

    /** The index of the brace closing a reference whose name starts at {@code from}; defaults may nest one. */
    private static int closing(String text, int from) {
        int depth = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("${", i)) {
                depth++;
                i++;
            } else if (c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    private static String resolve(String expression, String text, String path, Map<String, String> env) {
        int sep = expression.indexOf(":-");
        String name = sep < 0 ? expression : expression.substring(0, sep);
        if (!NAME.matcher(name).matches()) {
            throw ConfigException.invalid(path, text, EXPECTED);
        }
        String value = env.get(name);
        if (sep >= 0 && (value == null || value.isEmpty())) {
            return substitute(expression.substring(sep + 2), path, env); // ${A:-${B:-4000}}
        }
        return value == null ? "" : value;
    }
}
