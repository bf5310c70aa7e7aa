package io.sluice.proxy.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LogEntryTest {

    private static String json(LogEntry e) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            e.writeJson(g);
        }
        return w.toString();
    }

    @Test
    void writesTheEntryShapeOfTheOperatorApi() throws IOException {
        LogEntry e = new LogEntry(1_700_000_000_123L, "openai", LogLevel.WARN, LogEntry.EVENT_RATE_LIMIT,
                "429 \"slow down\"", "gpt-4o", 429, 87L, "OPENAI_API_KEY_2");
        assertThat(json(e)).isEqualTo("{\"timestamp\":1700000000123,\"provider\":\"openai\",\"level\":\"warn\","
                + "\"event\":\"rate_limit\",\"message\":\"429 \\\"slow down\\\"\",\"model\":\"gpt-4o\","
                + "\"status\":429,\"latencyMs\":87,\"key\":\"OPENAI_API_KEY_2\"}");
    }

    @Test
    void absentValuesAreJsonNulls() throws IOException {
        LogEntry e = new LogEntry(5, "gemini", LogLevel.DEBUG, LogEntry.EVENT_ROTATION, null, null, null, null, null);
        assertThat(json(e)).isEqualTo("{\"timestamp\":5,\"provider\":\"gemini\",\"level\":\"debug\","
                + "\"event\":\"rotation\",\"message\":\"\",\"model\":null,\"status\":null,\"latencyMs\":null,"
                + "\"key\":null}");
    }
}
