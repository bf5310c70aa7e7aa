package io.sluice.codec.dialect.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.JsonIo;
import java.io.IOException;

/** Small JSON helpers shared by the writers and encoders of this dialect. */
final class GeminiJson {

    private GeminiJson() {
    }

    /** Whether {@code json} is exactly one complete JSON object (tool arguments as a model produced them). */
    static boolean isObject(String json) {
        if (json == null) {
            return false;
        }
        try (JsonParser p = JsonIo.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes {@code json} (validated with {@link #isObject} first) as a value, re-serialised compactly: model-made
     * JSON may hold raw line breaks between tokens, which must not reach an SSE {@code data:} line.
     */
    static void copy(JsonGenerator g, String json) throws IOException {
        try (JsonParser p = JsonIo.FACTORY.createParser(json)) {
            p.nextToken();
            g.copyCurrentStructure(p);
        }
    }

    /** Writes {@code args} if it is a JSON object, else {@code {}}; returns whether the arguments were kept. */
    static boolean writeArgs(JsonGenerator g, String args) throws IOException {
        if (isObject(args)) {
            copy(g, args);
            return true;
        }
        g.writeStartObject();
        g.writeEndObject();
        return args == null || args.isBlank();
    }
}
