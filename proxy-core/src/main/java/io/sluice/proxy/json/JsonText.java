package io.sluice.proxy.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON that Sluice composes itself (admin answers, model lists, errors, the mock's answers): jackson's generator
 * behind a few chained calls, so that escaping is never written by hand.
 */
public final class JsonText {
    private static final JsonFactory FACTORY = new JsonFactory();
    private final StringWriter out = new StringWriter(256);
    private final JsonGenerator g;

    public JsonText() {
        try {
            g = FACTORY.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The generator itself, for writers of their own ({@code LogEntry#writeJson}). */
    public JsonGenerator gen() {
        return g;
    }

    public JsonText begin() {
        return io(() -> g.writeStartObject());
    }

    public JsonText begin(String name) {
        return io(() -> g.writeObjectFieldStart(name));
    }

    public JsonText end() {
        return io(() -> g.writeEndObject());
    }

    public JsonText array(String name) {
        return io(() -> g.writeArrayFieldStart(name));
    }

    public JsonText endArray() {
        return io(() -> g.writeEndArray());
    }

    /** A field name whose value follows ({@link #raw}, {@link #begin()}). */
    public JsonText name(String name) {
        return io(() -> g.writeFieldName(name));
    }

    public JsonText raw(String json) {
        return io(() -> g.writeRawValue(json));
    }

    public JsonText field(String name, Object v) {
        return io(() -> {
            g.writeFieldName(name);
            if (v == null) {
                g.writeNull();
            } else if (v instanceof Long || v instanceof Integer) {
                g.writeNumber(((Number) v).longValue());
            } else if (v instanceof Double d) {
                g.writeNumber(Math.round(d * 1000) / 1000.0);
            } else if (v instanceof Boolean b) {
                g.writeBoolean(b);
            } else {
                g.writeString(v.toString());
            }
        });
    }

    /** A value inside an array: null, a number, a boolean or (anything else) its string. */
    public JsonText value(Object v) {
        return io(() -> write(v));
    }

    /** {@code "name": value}, {@code value} as in {@link #value}. */
    public JsonText fieldValue(String name, Object v) {
        return io(() -> {
            g.writeFieldName(name);
            write(v);
        });
    }

    private void write(Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof Long || v instanceof Integer) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            g.writeString(v.toString());
        }
    }

    /** Starts an array inside an array. */
    public JsonText beginArray() {
        return io(() -> g.writeStartArray());
    }

    /** Starts an object inside an array. */
    public JsonText beginObject() {
        return io(() -> g.writeStartObject());
    }

    public JsonText stringArray(String name, List<String> values) {
        return io(() -> {
            g.writeArrayFieldStart(name);
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
        });
    }

    public JsonText numbers(String name, long[] values) {
        return io(() -> {
            g.writeArrayFieldStart(name);
            for (long v : values) {
                g.writeNumber(v);
            }
            g.writeEndArray();
        });
    }

    /** One generator call that may throw. */
    public interface Write {
        void run() throws IOException;
    }

    /** Runs {@code w} on this writer's generator; an I/O error (none for a string) becomes unchecked. */
    public JsonText io(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    @Override
    public String toString() {
        try {
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
