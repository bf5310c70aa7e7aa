package io.sluice.codec.dialect.gemini;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a Gemini {@code Schema} (OpenAPI 3.0 subset, as a Gemini client sends in {@code parameters} or
 * {@code responseSchema}) into plain JSON Schema for the hub, so OpenAI and Anthropic upstreams accept it: enum-style
 * upper-case types ({@code "OBJECT"}) become lower case, {@code nullable: true} becomes a {@code ["t","null"]} type
 * union, Gemini-only keys ({@code propertyOrdering}, {@code format: "enum"}) go, and int64 counts sent as strings
 * ({@code "minItems": "1"}, proto JSON allows it) become numbers. Request path only.
 */
final class GeminiSchemaReader {

    private static final Set<String> COUNTS = Set.of("minItems", "maxItems", "minLength", "maxLength",
            "minProperties", "maxProperties");

    private GeminiSchemaReader() {
    }

    /** The JSON Schema text for the Gemini schema tree {@code schema}. */
    static String toJsonSchema(Object schema) {
        return JsonTree.toJson(convert(schema, 0));
    }

    @SuppressWarnings("unchecked")
    private static Object convert(Object node, int depth) {
        if (!(node instanceof Map<?, ?>) || depth > 64) {
            return node;
        }
        Map<String, Object> s = (Map<String, Object>) node;
        Map<String, Object> out = new LinkedHashMap<>();
        boolean nullable = Boolean.TRUE.equals(s.get("nullable"));
        for (Map.Entry<String, Object> e : s.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            switch (k) {
                case "type" -> {
                    if (v instanceof String t && !t.equals("TYPE_UNSPECIFIED")) {
                        String lower = t.toLowerCase(Locale.ROOT);
                        out.put("type", nullable && !lower.equals("null") ? new ArrayList<>(List.of(lower, "null"))
                                : lower);
                    }
                }
                case "nullable", "propertyOrdering" -> {
                    // folded into "type" / Gemini-only ordering hint
                }
                case "format" -> {
                    if (!"enum".equals(v)) {
                        out.put(k, v);
                    }
                }
                case "properties" -> {
                    if (v instanceof Map<?, ?> pm) {
                        Map<String, Object> props = new LinkedHashMap<>();
                        for (Map.Entry<String, Object> pe : ((Map<String, Object>) pm).entrySet()) {
                            props.put(pe.getKey(), convert(pe.getValue(), depth + 1));
                        }
                        out.put(k, props);
                    }
                }
                case "items" -> out.put(k, convert(v, depth + 1));
                case "anyOf" -> {
                    if (v instanceof List<?> l) {
                        List<Object> members = new ArrayList<>(l.size());
                        for (Object m : l) {
                            members.add(convert(m, depth + 1));
                        }
                        out.put(k, members);
                    }
                }
                case "example" -> out.put("examples", new ArrayList<>(List.of(v)));
                default -> {
                    if (COUNTS.contains(k) && v instanceof String str && str.matches("\\d{1,18}")) {
                        out.put(k, new JsonTree.Num(str));
                    } else {
                        out.put(k, v);
                    }
                }
            }
        }
        return out;
    }
}
