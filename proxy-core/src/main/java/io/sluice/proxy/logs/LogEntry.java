package io.sluice.proxy.logs;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Objects;

/**
 * One line of a provider's log, as the operator API shows it (ENTRY in {@code notes/ops-api.md}).
 *
 * @param timestamp epoch milliseconds
 * @param provider  provider name
 * @param level     severity
 * @param event     what happened: one of the {@code EVENT_*} constants
 * @param message   human-readable text; {@code null} becomes empty
 * @param model     model asked for, or {@code null}
 * @param status    HTTP status, or {@code null}
 * @param latencyMs latency in milliseconds, or {@code null}
 * @param key       key NAME (e.g. {@code OPENAI_API_KEY_2}), never the key itself; or {@code null}
 */
public record LogEntry(long timestamp, String provider, LogLevel level, String event, String message, String model,
                       Integer status, Long latencyMs, String key) {

    public static final String EVENT_REQUEST = "request";
    public static final String EVENT_RESPONSE = "response";
    public static final String EVENT_ERROR = "error";
    public static final String EVENT_ROTATION = "rotation";
    public static final String EVENT_RATE_LIMIT = "rate_limit";
    public static final String EVENT_COOLDOWN = "cooldown";
    public static final String EVENT_RETRY = "retry";
    public static final String EVENT_TEST = "test";

    public LogEntry {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(event, "event");
        message = message == null ? "" : message;
    }

    /** Writes this entry as one JSON object in the ENTRY shape: lower-case level, absent values as {@code null}. */
    public void writeJson(JsonGenerator g) throws IOException {
        g.writeStartObject();
        writeFields(g);
        g.writeEndObject();
    }

    /** The seed's log time: ISO-8601 UTC with milliseconds, {@code 2025-01-17T10:30:00.000Z}. */
    private static final java.time.format.DateTimeFormatter ISO_MILLIS = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    /**
     * Writes this entry as the monitoring API shows it, in the seed's shape: {@code timestamp} as ISO-8601 text and
     * {@code level} upper-case ({@code INFO}), with the epoch milliseconds beside as {@code timestampMs} and the rest
     * as in {@link #writeJson}.
     */
    public void writeApiJson(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("timestamp", ISO_MILLIS.format(java.time.Instant.ofEpochMilli(timestamp)));
        g.writeNumberField("timestampMs", timestamp);
        g.writeStringField("provider", provider);
        g.writeStringField("level", level.name());
        writeRest(g);
        g.writeEndObject();
    }

    /** The ENTRY fields without the braces, so the file sink can put its readable time in front. */
    void writeFields(JsonGenerator g) throws IOException {
        g.writeNumberField("timestamp", timestamp);
        g.writeStringField("provider", provider);
        g.writeStringField("level", level.wire());
        writeRest(g);
    }

    private void writeRest(JsonGenerator g) throws IOException {
        g.writeStringField("event", event);
        g.writeStringField("message", message);
        if (model == null) {
            g.writeNullField("model");
        } else {
            g.writeStringField("model", model);
        }
        if (status == null) {
            g.writeNullField("status");
        } else {
            g.writeNumberField("status", status.intValue());
        }
        if (latencyMs == null) {
            g.writeNullField("latencyMs");
        } else {
            g.writeNumberField("latencyMs", latencyMs.longValue());
        }
        if (key == null) {
            g.writeNullField("key");
        } else {
            g.writeStringField("key", key);
        }
    }
}
