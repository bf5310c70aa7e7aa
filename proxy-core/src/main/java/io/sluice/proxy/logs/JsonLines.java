package io.sluice.proxy.logs;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** The one jackson factory of the log writers; generators write into a {@link LineBuffer}, never to the file. */
final class JsonLines {

    private static final JsonFactory JSON = new JsonFactory()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);

    private JsonLines() {
    }

    /** A generator over {@code line}, which it resets first; close it, then append the newline. */
    static JsonGenerator generator(LineBuffer line) throws IOException {
        line.reset();
        return JSON.createGenerator(line, JsonEncoding.UTF8);
    }
}
