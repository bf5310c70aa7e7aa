package io.sluice.codec.dialect.gemini;

import io.sluice.codec.dialect.WorkBudgetException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a JSON Schema (what OpenAI / Anthropic clients send as tool parameters or response schemas) into the
 * OpenAPI 3.0 subset Gemini's {@code Schema} message accepts. Gemini parses the schema as a protobuf message, so any
 * key it does not know fails the whole request with {@code 400 Invalid JSON payload received. Unknown name
 * "additionalProperties" … Cannot find field} (seen for {@code $schema}, {@code additionalProperties}, {@code const},
 * {@code exclusiveMinimum}, {@code propertyNames}, … in claude-code-router#187, zed#44875, openswarm#24), a list in
 * {@code type} fails with {@code Proto field is not repeating, cannot start list} (zed#53919), a string {@code format}
 * other than {@code enum}/{@code date-time} fails (gemini-cli#3178) and an OBJECT with empty {@code properties} fails
 * with {@code should be non-empty for OBJECT type} (agno#2112).
 *
 * <p>So this is a whitelist: only the fields of Gemini's {@code Schema} survive (the set LiteLLM's
 * {@code filter_schema_fields} keeps). On top of the filter:
 * <ul>
 *   <li>{@code $ref} to {@code #/$defs/…}, {@code #/definitions/…} or {@code #} is inlined; a recursive reference
 *       becomes {@code {"type":"object"}} (Gemini cannot express recursion); the definitions are dropped</li>
 *   <li>{@code allOf} is merged into its parent; {@code oneOf} reads as {@code anyOf}</li>
 *   <li>{@code type: ["string","null"]} becomes {@code type: "string", nullable: true}; several non-null types become
 *       an {@code anyOf}; an {@code anyOf} member {@code {"type":"null"}} becomes {@code nullable}; an {@code anyOf}
 *       left with one member is merged into its parent</li>
 *   <li>{@code const} becomes a one-value {@code enum}; enum values become strings (Gemini's enum is
 *       {@code repeated string})</li>
 *   <li>{@code format} is kept only where Gemini supports it (string: enum, date-time; integer: int32, int64;
 *       number: float, double)</li>
 *   <li>a missing {@code type} is inferred from {@code properties} (object), {@code items} (array) or {@code enum}
 *       (string); {@code required} keeps only names present in {@code properties}; empty {@code properties} go</li>
 *   <li>tuple {@code items: [..]} keep their first schema</li>
 * </ul>
 * Descriptions, enums, formats, items, properties, required, nullable, bounds, pattern, title, default and example are
 * kept. Stateless; request path only.
 *
 * <p>Work budget (DESIGN.md 7): inlining {@code $ref}s can multiply a schema (40 levels each referencing the level
 * below three times is 5 KB of JSON and 3^40 nodes), so one schema may produce at most {@value #MAX_NODES} nodes and
 * nest {@value #MAX_DEPTH} levels; past either, {@link WorkBudgetException} (a 400 naming the limit) instead of a
 * silently cut or runaway schema.
 */
public final class GeminiSchemaCleaner {

    /** Keys copied as they are (after the rewrites above): Gemini Schema's scalar and list fields. */
    private static final List<String> COPIED = List.of("title", "description", "default", "example",
            "minItems", "maxItems", "minProperties", "maxProperties", "minLength", "maxLength", "pattern",
            "minimum", "maximum", "propertyOrdering");

    /** Output key order: Gemini ignores it, people reading logs and golden files do not. */
    private static final List<String> ORDER = List.of("type", "format", "title", "description", "nullable", "enum",
            "default", "example", "items", "minItems", "maxItems", "properties", "required", "minProperties",
            "maxProperties", "minLength", "maxLength", "pattern", "minimum", "maximum", "propertyOrdering", "anyOf");

    private static final Set<String> STRING_FORMATS = Set.of("enum", "date-time");
    private static final Set<String> INTEGER_FORMATS = Set.of("int32", "int64");
    private static final Set<String> NUMBER_FORMATS = Set.of("float", "double");

    /** The deepest a schema may nest (after inlining); deeper is refused. */
    public static final int MAX_DEPTH = 48;
    /** The most schema nodes one cleaned schema may have (after inlining); more is refused. */
    public static final int MAX_NODES = 10_000;

    private GeminiSchemaCleaner() {
    }

    /**
     * Cleans a function's {@code parameters} schema.
     *
     * @return compact Gemini schema JSON, or null when the function takes no arguments (Gemini rejects an OBJECT
     *         without properties, so {@code parameters} must then be left out)
     */
    public static String cleanParameters(String jsonSchema) {
        Map<String, Object> out = cleanRoot(jsonSchema);
        if (out == null || isEmptyObject(out)) {
            return null;
        }
        if (!out.containsKey("type") && !out.containsKey("anyOf")) {
            out = withTypeFirst(out, "object");
        }
        return JsonTree.toJson(out);
    }

    /** Cleans a response schema; null when nothing useful remains (then JSON mode without a schema). */
    public static String cleanResponseSchema(String jsonSchema) {
        Map<String, Object> out = cleanRoot(jsonSchema);
        return out == null || out.isEmpty() || isEmptyObject(out) ? null : JsonTree.toJson(out);
    }

    /** The cleaned tree, or null when the input is not a JSON object. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> cleanRoot(String jsonSchema) {
        if (jsonSchema == null) {
            return null;
        }
        Object root;
        try {
            root = JsonTree.parse(jsonSchema);
        } catch (IOException e) {
            return null;
        }
        if (!(root instanceof Map<?, ?>)) {
            return null;
        }
        return new Cleaner((Map<String, Object>) root).clean(root, 0);
    }

    private static boolean isEmptyObject(Map<String, Object> s) {
        return s.isEmpty() || "object".equalsIgnoreCase(String.valueOf(s.get("type"))) && !s.containsKey("properties")
                && !s.containsKey("anyOf");
    }

    private static Map<String, Object> withTypeFirst(Map<String, Object> s, String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.putAll(s);
        return m;
    }

    /** One cleaning pass over one root schema (holds the root for {@code $ref} resolution). */
    private static final class Cleaner {

        private final Map<String, Object> root;
        private final Deque<String> refStack = new ArrayDeque<>();
        private int nodes;

        Cleaner(Map<String, Object> root) {
            this.root = root;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> clean(Object node, int depth) {
            if (!(node instanceof Map<?, ?>)) {
                // true / {} / anything: Gemini has no "any"; an unconstrained schema stays empty.
                return new LinkedHashMap<>();
            }
            Map<String, Object> s = (Map<String, Object>) node;
            if (depth > MAX_DEPTH) {
                throw new WorkBudgetException("schema nests deeper than " + MAX_DEPTH
                        + " levels once its $refs are inlined (limit: " + MAX_DEPTH + ")", null);
            }
            if (++nodes > MAX_NODES) {
                throw new WorkBudgetException("schema expands to more than " + MAX_NODES
                        + " nodes once its $refs are inlined (limit: " + MAX_NODES + ")", null);
            }
            Object ref = s.get("$ref");
            if (ref instanceof String r) {
                return cleanRef(r, s, depth);
            }
            if (s.get("allOf") instanceof List<?> all) {
                return clean(mergeAllOf(s, (List<Object>) all, depth), depth + 1);
            }

            Map<String, Object> out = new LinkedHashMap<>();
            boolean nullable = Boolean.TRUE.equals(s.get("nullable"));
            String type = null;
            List<Object> typeUnion = null;

            Object t = s.get("type");
            if (t instanceof String ts) {
                if (ts.equalsIgnoreCase("null")) {
                    nullable = true;
                } else {
                    type = ts;
                }
            } else if (t instanceof List<?> tl) {
                List<String> nonNull = new ArrayList<>(tl.size());
                for (Object o : tl) {
                    if (o instanceof String os) {
                        if (os.equalsIgnoreCase("null")) {
                            nullable = true;
                        } else {
                            nonNull.add(os);
                        }
                    }
                }
                if (nonNull.size() == 1) {
                    type = nonNull.get(0);
                } else if (nonNull.size() > 1) {
                    typeUnion = new ArrayList<>(nonNull.size());
                    for (String n : nonNull) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("type", n);
                        typeUnion.add(m);
                    }
                }
            }

            // anyOf / oneOf: null members become nullable; a single remaining member is merged into this node.
            List<Object> union = new ArrayList<>();
            for (String k : new String[] {"anyOf", "oneOf"}) {
                if (s.get(k) instanceof List<?> l) {
                    for (Object member : l) {
                        if (member instanceof Map<?, ?> mm && "null".equals(mm.get("type")) && mm.size() == 1) {
                            nullable = true;
                        } else {
                            union.add(member);
                        }
                    }
                }
            }
            Map<String, Object> mergedMember = null;
            List<Object> cleanedUnion = null;
            if (union.size() == 1 && typeUnion == null) {
                mergedMember = clean(union.get(0), depth + 1);
                if (Boolean.TRUE.equals(mergedMember.remove("nullable"))) {
                    nullable = true;
                }
            } else if (!union.isEmpty()) {
                cleanedUnion = new ArrayList<>(union.size());
                for (Object member : union) {
                    cleanedUnion.add(clean(member, depth + 1));
                }
            } else if (typeUnion != null) {
                cleanedUnion = typeUnion;
            }

            List<Object> enumValues = null;
            if (s.containsKey("const")) {
                Object c = s.get("const");
                if (c == JsonTree.NULL) {
                    nullable = true;
                } else {
                    enumValues = new ArrayList<>(List.of(JsonTree.scalarText(c)));
                }
            } else if (s.get("enum") instanceof List<?> el) {
                enumValues = new ArrayList<>(el.size());
                for (Object o : el) {
                    if (o == JsonTree.NULL) {
                        nullable = true;
                    } else {
                        enumValues.add(JsonTree.scalarText(o));
                    }
                }
            }

            Map<String, Object> properties = null;
            if (s.get("properties") instanceof Map<?, ?> pm) {
                properties = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : ((Map<String, Object>) pm).entrySet()) {
                    properties.put(e.getKey(), clean(e.getValue(), depth + 1));
                }
            }
            Map<String, Object> items = null;
            Object it = s.get("items");
            if (it instanceof Map<?, ?>) {
                items = clean(it, depth + 1);
            } else if (it instanceof List<?> tuple && !tuple.isEmpty()) {
                items = clean(tuple.get(0), depth + 1);
            }

            if (type == null && cleanedUnion == null && (mergedMember == null || !mergedMember.containsKey("type"))) {
                if (properties != null) {
                    type = "object";
                } else if (items != null) {
                    type = "array";
                } else if (enumValues != null) {
                    type = "string";
                }
            }

            if (type != null) {
                out.put("type", type);
                Object f = s.get("format");
                if (f instanceof String fs && formatAllowed(type, fs)) {
                    out.put("format", fs);
                }
            }
            if (nullable) {
                out.put("nullable", Boolean.TRUE);
            }
            if (enumValues != null && !enumValues.isEmpty()) {
                out.put("enum", enumValues);
            }
            if (items != null) {
                out.put("items", items);
            }
            if (properties != null && !properties.isEmpty()) {
                out.put("properties", properties);
                if (s.get("required") instanceof List<?> req) {
                    List<Object> kept = new ArrayList<>(req.size());
                    for (Object r : req) {
                        if (r instanceof String rs && properties.containsKey(rs) && !kept.contains(rs)) {
                            kept.add(rs);
                        }
                    }
                    if (!kept.isEmpty()) {
                        out.put("required", kept);
                    }
                }
            }
            for (String k : COPIED) {
                Object v = s.get(k);
                if (v != null) {
                    out.put(k, v);
                }
            }
            if (cleanedUnion != null) {
                out.put("anyOf", cleanedUnion);
            }
            if (mergedMember != null) {
                for (Map.Entry<String, Object> e : mergedMember.entrySet()) {
                    out.putIfAbsent(e.getKey(), e.getValue());
                }
            }
            Map<String, Object> ordered = new LinkedHashMap<>();
            for (String k : ORDER) {
                Object v = out.get(k);
                if (v != null) {
                    ordered.put(k, v);
                }
            }
            return ordered;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> cleanRef(String ref, Map<String, Object> s, int depth) {
            if (refStack.contains(ref) || refStack.size() > 16) {
                Map<String, Object> o = object();
                if (s.get("description") instanceof String d) {
                    o.put("description", d);
                }
                return o;
            }
            Object target = resolve(ref);
            if (!(target instanceof Map<?, ?>)) {
                Map<String, Object> sibling = new LinkedHashMap<>(s);
                sibling.remove("$ref");
                return clean(sibling, depth + 1);
            }
            // Siblings of $ref (description, nullable…) override the referenced schema's.
            Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) target);
            for (Map.Entry<String, Object> e : s.entrySet()) {
                if (!e.getKey().equals("$ref")) {
                    merged.put(e.getKey(), e.getValue());
                }
            }
            refStack.push(ref);
            try {
                return clean(merged, depth + 1);
            } finally {
                refStack.pop();
            }
        }

        @SuppressWarnings("unchecked")
        private Object resolve(String ref) {
            if (ref.equals("#")) {
                return root;
            }
            if (!ref.startsWith("#/")) {
                return null; // remote references cannot be fetched
            }
            Object cur = root;
            for (String seg : ref.substring(2).split("/")) {
                String key = seg.replace("~1", "/").replace("~0", "~");
                if (!(cur instanceof Map<?, ?> m)) {
                    return null;
                }
                cur = ((Map<String, Object>) m).get(key);
            }
            return cur;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> mergeAllOf(Map<String, Object> s, List<Object> all, int depth) {
            Map<String, Object> merged = new LinkedHashMap<>(s);
            merged.remove("allOf");
            for (Object member : all) {
                Object m = member;
                if (m instanceof Map<?, ?> mm && mm.get("$ref") instanceof String r && !refStack.contains(r)) {
                    Object target = resolve(r);
                    m = target instanceof Map<?, ?> ? target : m;
                }
                if (!(m instanceof Map<?, ?>)) {
                    continue;
                }
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                    String k = e.getKey();
                    Object v = e.getValue();
                    if (k.equals("properties") && v instanceof Map<?, ?> pv) {
                        Map<String, Object> props = merged.get("properties") instanceof Map<?, ?> old
                                ? new LinkedHashMap<>((Map<String, Object>) old) : new LinkedHashMap<>();
                        props.putAll((Map<String, Object>) pv);
                        merged.put("properties", props);
                    } else if (k.equals("required") && v instanceof List<?> rv) {
                        List<Object> req = merged.get("required") instanceof List<?> old
                                ? new ArrayList<>((List<Object>) old) : new ArrayList<>();
                        req.addAll(rv);
                        merged.put("required", req);
                    } else {
                        merged.putIfAbsent(k, v);
                    }
                }
            }
            return merged;
        }

        private static Map<String, Object> object() {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("type", "object");
            return o;
        }
    }

    private static boolean formatAllowed(String type, String format) {
        return switch (type.toLowerCase(java.util.Locale.ROOT)) {
            case "string" -> STRING_FORMATS.contains(format);
            case "integer" -> INTEGER_FORMATS.contains(format);
            case "number" -> NUMBER_FORMATS.contains(format);
            default -> false;
        };
    }
}
