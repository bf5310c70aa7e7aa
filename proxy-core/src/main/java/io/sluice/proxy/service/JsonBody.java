package io.sluice.proxy.service;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.proxy.json.Text;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON bodies of the seed's helper routes: read whole into a tree within the translation work budget
 * ({@link JsonIo#requestParser}: 200,000 JSON tokens, so a hostile body costs an event loop milliseconds, not
 * seconds), checked field by field with errors that name the field, and the bodies Sluice writes from them.
 */
final class JsonBody {

    static final ObjectMapper MAPPER = new ObjectMapper(JsonIo.FACTORY);

    /** A body that is not the expected JSON: the message names what is wrong, for a 400. */
    static final class BadBody extends Exception {
        private final String param;

        BadBody(String message, String param) {
            super(message, null, false, false);
            this.param = param;
        }

        String param() {
            return param;
        }
    }

    private JsonBody() {
    }

    /**
     * {@code body}'s JSON object; an empty body is an empty object. Not released here.
     *
     * @throws BadBody when it is not JSON or not an object
     * @throws io.sluice.codec.dialect.WorkBudgetException when it is over the work budget
     */
    static ObjectNode read(ByteBuf body) throws BadBody {
        if (body == null || !body.isReadable()) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode tree;
        try (JsonParser p = JsonIo.requestParser(body)) {
            tree = MAPPER.readTree(p);
            if (p.nextToken() != null) {
                throw new BadBody("request body is not valid JSON: more after the object", null);
            }
        } catch (JsonProcessingException e) {
            JsonIo.overBudget(e);
            throw new BadBody("request body is not valid JSON: " + Text.printable(e.getOriginalMessage()), null);
        } catch (IOException e) {
            throw new BadBody("request body is not valid JSON: " + Text.printable(String.valueOf(e.getMessage())),
                    null);
        }
        if (tree == null || tree.isMissingNode()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!tree.isObject()) {
            throw new BadBody("request body must be a JSON object", null);
        }
        return (ObjectNode) tree;
    }

    /** The string field {@code name}: null when absent or null; a number or boolean as its text. */
    static String text(ObjectNode body, String name) throws BadBody {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw new BadBody(name + ": expected a string, got " + kind(n), name);
        }
        return n.asText();
    }

    /** {@link #text} that must be present and not blank. */
    static String required(ObjectNode body, String name) throws BadBody {
        String v = text(body, name);
        if (v == null || v.isBlank()) {
            throw new BadBody(name + ": required", name);
        }
        return v;
    }

    /** A whole number field in {@code min..max}, or null when absent. */
    static Integer integer(ObjectNode body, String name, int min, int max) throws BadBody {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        long v;
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            v = n.longValue();
        } else if (n.isTextual() && n.textValue().strip().matches("\\d{1,18}")) {
            v = Long.parseLong(n.textValue().strip());
        } else {
            throw new BadBody(name + ": expected a whole number, got " + kind(n), name);
        }
        if (v < min || v > max) {
            throw new BadBody(name + ": " + v + " (expected: " + min + ".." + max + ")", name);
        }
        return (int) v;
    }

    /** A number field in {@code min..max}, or null when absent. */
    static Double number(ObjectNode body, String name, double min, double max) throws BadBody {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw new BadBody(name + ": expected a number, got " + kind(n), name);
        }
        double v = n.doubleValue();
        if (!(v >= min && v <= max)) {
            throw new BadBody(name + ": " + n.asText() + " (expected: " + min + ".." + max + ")", name);
        }
        return v;
    }

    static String kind(JsonNode n) {
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        return n.isBoolean() ? "a boolean" : "null";
    }

    /** Writes a body with {@code writer} into a new buffer of {@code alloc}; the caller owns it. */
    static ByteBuf write(ByteBufAllocator alloc, Writer writer) {
        ByteBuf buf = alloc.heapBuffer(256);
        try (JsonGenerator g = JsonIo.FACTORY.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf))) {
            writer.write(g);
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return buf;
    }

    /** Writes one JSON document. */
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }
}
