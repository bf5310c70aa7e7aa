package io.sluice.codec.dialect.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.dialect.WorkBudgetException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON tree for the request path's schema rewrites ($ref inlining needs random access; codec has no
 * jackson-databind). Objects are {@link LinkedHashMap}s (key order kept), arrays {@link ArrayList}s, strings
 * {@link String}, booleans {@link Boolean}, numbers {@link Num} (the literal text, so no precision is lost) and JSON
 * null {@link #NULL}. Never used on the streaming hot path.
 */
final class JsonTree {

    /** JSON null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number as its literal text. */
    record Num(String text) {
    }

    /** Guards against hostile nesting in client-supplied schemas. */
    private static final int MAX_DEPTH = 128;

    private JsonTree() {
    }

    static Object parse(String json) throws IOException {
        try (JsonParser p = JsonIo.FACTORY.createParser(json)) {
            p.nextToken();
            return read(p, 0);
        }
    }

    /** Reads the value the parser sits on; the parser ends on the value's last token. */
    static Object read(JsonParser p) throws IOException {
        return read(p, 0);
    }

    private static Object read(JsonParser p, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new WorkBudgetException("JSON nests deeper than " + MAX_DEPTH + " levels", null);
        }
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IOException("no JSON value");
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    p.nextToken();
                    m.put(k, read(p, depth + 1));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p, depth + 1));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Num(p.getText());
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            default:
                throw new IOException("unexpected token " + t);
        }
    }

    @SuppressWarnings("unchecked")
    static void write(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                g.writeFieldName(e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Num n) {
            g.writeNumber(n.text());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeNull();
        }
    }

    /** Compact JSON text of {@code v}. */
    static String toJson(Object v) {
        StringWriter w = new StringWriter(128);
        try (JsonGenerator g = JsonIo.FACTORY.createGenerator(w)) {
            write(g, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** The text of a scalar as JSON would show it unquoted: {@code "a"} → a, 1 → 1, true → true, null → null. */
    static String scalarText(Object v) {
        if (v instanceof Num n) {
            return n.text();
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            return toJson(v);
        }
        return String.valueOf(v);
    }
}
