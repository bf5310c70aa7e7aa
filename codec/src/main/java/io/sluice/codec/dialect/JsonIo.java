package io.sluice.codec.dialect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.SerializedString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.sluice.codec.json.JsonLimits;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Blocking jackson parsing of buffers already in memory (a whole request body, one SSE event's data) and the small
 * helpers every dialect needs. Parsing here never blocks: the bytes are all there.
 */
public final class JsonIo {

    /** One per process; field names are not interned (untrusted keys must not grow the JVM's string table). */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(JsonLimits.REQUESTS) // a 21 MB base64 image fits a 32 MiB body
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
            // Emoji and other astral characters leave as 4-byte UTF-8, as providers write them, not \uD83D\uDE00.
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    /** {@link #FACTORY} with the translation work budget ({@link JsonLimits#TRANSLATED_REQUESTS}). */
    private static final JsonFactory REQUEST_FACTORY = FACTORY.rebuild()
            .streamReadConstraints(JsonLimits.TRANSLATED_REQUESTS)
            .build();

    private JsonIo() {
    }

    /**
     * A parser over a request body read whole for translation: {@link #parser} within the request work budget. A
     * request over it fails with a {@link StreamConstraintsException}, which {@link #overBudget} turns into the
     * answer. The body must be UTF-8, as RFC 8259 requires: jackson would otherwise guess UTF-16 or UTF-32 from zero
     * bytes or a byte-order mark and fail with an error no dialect expects (found by fuzzing).
     *
     * @throws IOException when the body is not UTF-8 (the caller answers 400)
     */
    public static JsonParser requestParser(ByteBuf buf) throws IOException {
        int r = buf.readerIndex();
        int n = buf.readableBytes();
        if (n >= 2 && (buf.getByte(r) == 0 || buf.getByte(r + 1) == 0
                || (buf.getByte(r) & 0xFE) == 0xFE && (buf.getByte(r + 1) & 0xFE) == 0xFE)) {
            throw new java.io.CharConversionException("not UTF-8 (JSON must be, RFC 8259)");
        }
        return createParser(REQUEST_FACTORY, buf);
    }

    /** A parser of {@code factory} over {@code buf}'s readable bytes, without copying a heap buffer. */
    private static JsonParser createParser(JsonFactory factory, ByteBuf buf) throws IOException {
        if (buf.hasArray()) {
            return factory.createParser(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        }
        return factory.createParser((java.io.InputStream) new ByteBufInputStream(buf.duplicate()));
    }

    /**
     * Throws the {@link WorkBudgetException} a request read by {@link #requestParser} deserves when {@code e} is one of
     * jackson's limits (tokens, nesting) rather than a syntax error; returns otherwise.
     */
    public static void overBudget(JsonProcessingException e) {
        if (!(e instanceof StreamConstraintsException)) {
            return;
        }
        String m = String.valueOf(e.getOriginalMessage());
        if (m.startsWith("Token count")) {
            throw new WorkBudgetException("request has more than " + JsonLimits.MAX_REQUEST_TOKENS
                    + " JSON tokens (names, values, brackets), the work budget of a translated request", null);
        }
        if (m.startsWith("Document nesting depth")) {
            throw new WorkBudgetException("request nests deeper than "
                    + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels", null);
        }
        throw new WorkBudgetException("request is over a JSON limit: " + m, null);
    }

    /**
     * A parser over {@code buf}'s readable bytes, without copying them when the buffer is heap-backed. The buffer's
     * indexes are untouched; it must stay alive while the parser is used.
     */
    public static JsonParser parser(ByteBuf buf) {
        try {
            return createParser(FACTORY, buf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The current value (the parser sits on its first token) as compact JSON text; the parser ends on its last token.
     */
    public static String raw(JsonParser p) throws IOException {
        StringWriter w = new StringWriter(64);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.copyCurrentStructure(p);
        }
        return w.toString();
    }

    /** Writes previously captured compact JSON text ({@link #raw}) as a value. */
    public static void writeRaw(JsonGenerator g, String rawJson) throws IOException {
        g.writeRawValue(rawJson);
    }

    /** A JSON string literal for {@code s}, quotes included: for building small bodies by hand. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s, sb);
        return sb.append('"').toString();
    }

    /** The text of a scalar token (string, number, boolean), or null for JSON null; skips objects and arrays. */
    public static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        return t == JsonToken.VALUE_NULL ? null : p.getText();
    }

    /** Separator-free root values, so one generator can write event after event into the same output. */
    static final SerializedString NO_SEPARATOR = new SerializedString("");
}
