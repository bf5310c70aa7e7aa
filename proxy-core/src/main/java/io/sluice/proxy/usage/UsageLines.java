package io.sluice.proxy.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The file format, one JSON object per line, in three kinds:
 *
 * <pre>
 * {"since":1700000000000}                                          first record ever; first line of a compacted file
 * {"t":1700000000000,"p":"openai","m":"gpt-4o","k":"OPENAI_API_KEY","c":"team-a","s":200,
 *  "pt":12,"ct":30,"ca":0,"rt":0,"e":false}
 * {"t":1700000000000,"p":"openai","m":"gpt-4o","n":4000,"er":3,"es":0,"pt":48000,"ct":120000,"ca":0,"rt":0}
 * </pre>
 *
 * The second is one request ({@code s} status, {@code e} estimated; {@code k} and {@code c} left out when null). The
 * third, with {@code n}, stands for {@code n} requests of one (provider, model, key, client) tuple, {@code er} of
 * them errors, {@code es} estimated and {@code dd} answered by dedup ({@code "d":true} on a single request; both
 * left out when none): a compacted file is made of these, and so are records that overflowed the
 * queue. Unknown fields are skipped, so a later version may add some.
 */
final class UsageLines {

    static final JsonFactory JSON = new JsonFactory();

    /** Our lines are ~150 bytes; anything this long is garbage, not buffered further. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private UsageLines() {}

    /** A generator that writes nothing between root values: each writer adds its own newline. */
    static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator json = JSON.createGenerator(out);
        json.setRootValueSeparator(null);
        return json;
    }

    static void writeRecord(JsonGenerator json, UsageRecord r) throws IOException {
        json.writeStartObject();
        json.writeNumberField("t", r.epochMillis());
        writeTuple(json, r.provider(), r.model(), r.key(), r.client());
        json.writeNumberField("s", r.status());
        json.writeNumberField("pt", r.promptTokens());
        json.writeNumberField("ct", r.completionTokens());
        json.writeNumberField("ca", r.cachedTokens());
        json.writeNumberField("rt", r.reasoningTokens());
        json.writeBooleanField("e", r.estimated());
        if (r.deduplicated()) {
            json.writeBooleanField("d", true);
        }
        json.writeEndObject();
        json.writeRaw('\n');
    }

    static void writeAggregate(JsonGenerator json, long epochMillis, UsageTuple tuple, Counts c) throws IOException {
        json.writeStartObject();
        json.writeNumberField("t", epochMillis);
        writeTuple(json, tuple.provider(), tuple.model(), tuple.key(), tuple.client());
        json.writeNumberField("n", c.requests);
        json.writeNumberField("er", c.errors);
        json.writeNumberField("es", c.estimated);
        json.writeNumberField("pt", c.promptTokens);
        json.writeNumberField("ct", c.completionTokens);
        json.writeNumberField("ca", c.cachedTokens);
        json.writeNumberField("rt", c.reasoningTokens);
        if (c.deduplicated > 0) {
            json.writeNumberField("dd", c.deduplicated);
        }
        json.writeEndObject();
        json.writeRaw('\n');
    }

    static void writeSince(JsonGenerator json, long since) throws IOException {
        json.writeStartObject();
        json.writeNumberField("since", since);
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private static void writeTuple(JsonGenerator json, String provider, String model, String key, String client)
            throws IOException {
        json.writeStringField("p", provider);
        json.writeStringField("m", model);
        if (key != null) {
            json.writeStringField("k", key);
        }
        if (client != null) {
            json.writeStringField("c", client);
        }
    }

    /**
     * One parsed line: a since line ({@code tuple} null, {@code since} set) or the counts of one tuple.
     *
     * @param epochMillis the line's {@code t}, -1 when absent
     */
    record Line(long since, long epochMillis, UsageTuple tuple, Counts counts) {}

    /** Parses {@code len} bytes without the newline; null when they are not one of our lines. */
    static Line parse(byte[] bytes, int off, int len) {
        try (JsonParser p = JSON.createParser(bytes, off, len)) {
            return parse(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Line parse(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        long since = -1;
        long t = -1;
        String provider = null;
        String model = null;
        String key = null;
        String client = null;
        long status = -1;
        boolean estimated = false;
        boolean deduplicated = false;
        long n = -1;
        Counts c = new Counts();
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "since" -> since = count(p, value);
                case "t" -> t = count(p, value);
                case "p" -> provider = text(p, value);
                case "m" -> model = text(p, value);
                case "k" -> key = text(p, value);
                case "c" -> client = text(p, value);
                case "s" -> status = count(p, value);
                case "e" -> estimated = bool(value);
                case "d" -> deduplicated = bool(value);
                case "dd" -> c.deduplicated = count(p, value);
                case "n" -> n = count(p, value);
                case "er" -> c.errors = count(p, value);
                case "es" -> c.estimated = count(p, value);
                case "pt" -> c.promptTokens = count(p, value);
                case "ct" -> c.completionTokens = count(p, value);
                case "ca" -> c.cachedTokens = count(p, value);
                case "rt" -> c.reasoningTokens = count(p, value);
                default -> p.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
            return null; // torn, or two objects on one line
        }
        if (provider == null && model == null) {
            return since >= 0 ? new Line(since, t, null, null) : null;
        }
        if (provider == null || provider.isEmpty() || model == null || model.isEmpty()) {
            return null;
        }
        if (n >= 0) {
            if (c.errors > n || c.estimated > n || c.deduplicated > n) {
                return null;
            }
            c.requests = n;
        } else {
            if (status < 0 || status > 999 || t < 0) {
                return null;
            }
            c.requests = 1;
            c.errors = status >= 400 || status == 0 ? 1 : 0;
            c.estimated = estimated ? 1 : 0;
            c.deduplicated = deduplicated ? 1 : 0;
        }
        return new Line(-1, t, new UsageTuple(provider, model, emptyToNull(key), emptyToNull(client)), c);
    }

    private static long count(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException("expected an integer, got " + value);
        }
        long v = p.getLongValue();
        if (v < 0) {
            throw new IOException("negative count " + v);
        }
        return v;
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new IOException("expected a string, got " + value);
        }
        return p.getText();
    }

    private static boolean bool(JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (value == JsonToken.VALUE_FALSE) {
            return false;
        }
        throw new IOException("expected a boolean, got " + value);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
