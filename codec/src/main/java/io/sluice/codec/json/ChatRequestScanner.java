package io.sluice.codec.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Reads what routing needs from an OpenAI chat-completions request body as it arrives, chunk by chunk, without building
 * a tree: top-level {@code model} (and where its value sits, so it can be spliced), {@code stream},
 * {@code stream_options.include_usage} and whether {@code n > 1}. Everything else is skipped by depth counting, yet the
 * whole body is validated: it must be exactly one JSON object.
 *
 * <p>A duplicate top-level {@code model} is refused: we route on one value and the provider might read the other.
 * Not thread-safe.
 */
public final class ChatRequestScanner {

    /** The verdict of {@link #end()}. */
    public enum Result { OK, ERROR }

    private enum State {
        /** Before the first token: it must open an object. */
        ROOT_START,
        /** In the root object, expecting a field name or its end. */
        ROOT_FIELD,
        /** After a root field name, expecting its value. */
        ROOT_VALUE,
        /** In {@code stream_options}, expecting a field name or its end. */
        OPTIONS_FIELD,
        /** After a field name in {@code stream_options}, expecting its value. */
        OPTIONS_VALUE,
        /** Inside a value nobody asked for; {@link #skipDepth} counts the open containers. */
        SKIP,
        /** The root object closed: only whitespace may follow. */
        AFTER_ROOT,
        FAILED
    }

    private enum Field { MODEL, STREAM, STREAM_OPTIONS, N, INCLUDE_USAGE, OTHER }

    private final JsonFeeder json = new JsonFeeder();
    /** Where the parts a request rewrite needs sit, when one may apply; else null (nothing more is recorded). */
    private final RequestOutline outline;
    private State state = State.ROOT_START;
    private State afterSkip;
    private int skipDepth;
    private Field field;
    private Result result;
    private String error;
    private String model;
    private int modelStart = -1;
    private int modelEnd = -1;
    private boolean stream;
    private boolean includeUsage;
    private boolean multipleChoices;
    /** Offsets of the root object's {@code {}, of the {@code stream_options} value and of its include_usage value. */
    private int rootStart = -1;
    private int optionsStart = -1;
    private int optionsEnd = -1;
    private boolean optionsObject;
    private int optionsFields;
    private int includeUsageStart = -1;
    private int includeUsageEnd = -1;

    public ChatRequestScanner() {
        this(null);
    }

    /** A scanner that also records {@code outline} (may be null) from the same tokens: one parse for both. */
    public ChatRequestScanner(RequestOutline outline) {
        this.outline = outline;
    }

    /** The outline given at construction, complete once {@link #end()} said {@link Result#OK}; or null. */
    public RequestOutline outline() {
        return outline;
    }

    /**
     * Scans the next body chunk. Once the body is known to be invalid, further chunks are ignored.
     *
     * @param chunk not owned: read during the call only (the scanner keeps no reference after it returns); the caller
     *              releases it
     */
    public void feed(ByteBuf chunk) {
        if (result != null || state == State.FAILED) {
            return;
        }
        json.feed(chunk);
        drain();
    }

    /** Ends the body and gives the verdict; idempotent. Releases the parser. */
    public Result end() {
        if (result == null) {
            json.endOfInput();
            drain();
            if (state == State.ROOT_START) {
                fail("request body is empty");
            } else if (state != State.AFTER_ROOT && state != State.FAILED) {
                fail("request body is not valid JSON: unexpected end of input at byte " + json.bytesFed());
            }
            json.release();
            result = state == State.FAILED ? Result.ERROR : Result.OK;
        }
        return result;
    }

    /** Releases the parser when the body will not be finished (client gone); {@link #end()} does it otherwise. */
    public void release() {
        json.release();
    }

    /** Why the body was refused, fit for a 400 response; {@code null} while it looks fine. */
    public String error() {
        return error;
    }

    /** The top-level {@code model}, or {@code null} if absent (the caller decides whether that is an error). */
    public String model() {
        return model;
    }

    /** Offset of the {@code model} value's opening quote from the body's first byte, or -1. */
    public int modelStart() {
        return modelStart;
    }

    /** Offset just past the {@code model} value's closing quote from the body's first byte, or -1. */
    public int modelEnd() {
        return modelEnd;
    }

    /** Top-level {@code stream}; {@code false} when absent or null. */
    public boolean stream() {
        return stream;
    }

    /** {@code stream_options.include_usage}; {@code false} when absent or not a boolean. */
    public boolean includeUsage() {
        return includeUsage;
    }

    /**
     * The edit that makes this (valid, fully scanned) body ask for usage in a stream,
     * {@code "stream_options":{"include_usage":true}}, without re-serializing it: the only change to the bytes, as
     * offsets from the body's first byte; null when the body asks already or could not be scanned. A
     * {@code stream_options} object gains the member (or its {@code include_usage} value becomes {@code true}); a
     * {@code null} one is replaced; an absent one is added first in the root object.
     */
    public Edit includeUsageEdit() {
        if (includeUsage || result != Result.OK || rootStart < 0 || optionsStart >= 0 && optionsEnd < 0) {
            return null;
        }
        if (includeUsageStart >= 0) {
            return new Edit(includeUsageStart, includeUsageEnd, "true");
        }
        if (optionsObject) {
            String member = "\"include_usage\":true";
            return new Edit(optionsStart + 1, optionsStart + 1, optionsFields > 0 ? member + "," : member);
        }
        if (optionsStart >= 0) {
            return new Edit(optionsStart, optionsEnd, "{\"include_usage\":true}");
        }
        return new Edit(rootStart + 1, rootStart + 1, "\"stream_options\":{\"include_usage\":true},");
    }

    private static int offset(long o) {
        return (int) Math.min(o, Integer.MAX_VALUE);
    }

    /** Whether top-level {@code n} is an integer above 1: several choices, which some routes cannot serve. */
    public boolean multipleChoices() {
        return multipleChoices;
    }

    private void drain() {
        JsonToken token;
        while ((token = json.nextToken()) != JsonToken.NOT_AVAILABLE) {
            if (token == null) {
                if (json.error() != null) {
                    fail("request body is not valid JSON: " + json.error());
                }
                return;
            }
            try {
                if (outline != null) {
                    outline.token(token, json.parser(), json.tokenStart(), json.tokenEnd());
                }
                onToken(token, json.parser());
            } catch (IOException e) { // a value accessor refused the token: cannot happen for the types checked
                fail("request body is not valid JSON: " + e.getMessage());
            }
            if (state == State.FAILED) {
                json.release();
                return;
            }
        }
    }

    private void onToken(JsonToken token, JsonParser p) throws IOException {
        switch (state) {
            case ROOT_START -> {
                if (token == JsonToken.START_OBJECT) {
                    state = State.ROOT_FIELD;
                    rootStart = (int) Math.min(json.tokenStart(), Integer.MAX_VALUE);
                } else {
                    fail("request body must be a JSON object, not " + describe(token));
                }
            }
            case ROOT_FIELD -> {
                if (token == JsonToken.END_OBJECT) {
                    state = State.AFTER_ROOT;
                } else {
                    field = rootField(p.currentName());
                    state = State.ROOT_VALUE;
                }
            }
            case ROOT_VALUE -> rootValue(token, p);
            case OPTIONS_FIELD -> {
                if (token == JsonToken.END_OBJECT) {
                    state = State.ROOT_FIELD;
                    optionsEnd = offset(json.tokenEnd());
                } else {
                    optionsFields++;
                    field = "include_usage".equals(p.currentName()) ? Field.INCLUDE_USAGE : Field.OTHER;
                    state = State.OPTIONS_VALUE;
                }
            }
            case OPTIONS_VALUE -> {
                if (field == Field.INCLUDE_USAGE && token.isBoolean()) {
                    includeUsage = token == JsonToken.VALUE_TRUE;
                }
                if (field == Field.INCLUDE_USAGE && token.isScalarValue()) {
                    includeUsageStart = offset(json.tokenStart());
                    includeUsageEnd = offset(json.tokenEnd());
                }
                skip(token, State.OPTIONS_FIELD);
            }
            case SKIP -> {
                if (token.isStructStart()) {
                    skipDepth++;
                } else if (token.isStructEnd() && --skipDepth == 0) {
                    state = afterSkip;
                }
            }
            case AFTER_ROOT -> fail("request body has data after the JSON object at byte " + json.tokenStart());
            case FAILED -> { }
        }
    }

    private void rootValue(JsonToken token, JsonParser p) throws IOException {
        switch (field) {
            case MODEL -> {
                if (token != JsonToken.VALUE_STRING) {
                    fail("`model` must be a string");
                } else if (model != null) {
                    fail("duplicate `model` field");
                } else if (json.tokenEnd() > Integer.MAX_VALUE) {
                    fail("request body too large");
                } else {
                    model = p.getText();
                    modelStart = (int) json.tokenStart();
                    modelEnd = (int) json.tokenEnd();
                }
            }
            case STREAM -> {
                if (token.isBoolean()) {
                    stream = token == JsonToken.VALUE_TRUE;
                } else if (token != JsonToken.VALUE_NULL) {
                    fail("`stream` must be a boolean");
                }
            }
            case STREAM_OPTIONS -> {
                optionsStart = offset(json.tokenStart());
                optionsEnd = offset(json.tokenEnd());
                optionsObject = token == JsonToken.START_OBJECT;
                optionsFields = 0;
                includeUsageStart = -1;
                includeUsageEnd = -1;
                if (optionsObject) {
                    state = State.OPTIONS_FIELD;
                    return;
                }
            }
            case N -> {
                if (token == JsonToken.VALUE_NUMBER_INT) {
                    multipleChoices = p.getNumberType() == JsonParser.NumberType.INT
                            ? p.getIntValue() > 1
                            : p.getText().charAt(0) != '-'; // beyond int: huge, and only its sign matters
                }
            }
            default -> { }
        }
        skip(token, State.ROOT_FIELD);
    }

    /** Moves past the value starting with {@code token}, then continues in {@code next}. */
    private void skip(JsonToken token, State next) {
        if (state == State.FAILED) {
            return;
        }
        if (token.isStructStart()) {
            skipDepth = 1;
            afterSkip = next;
            state = State.SKIP;
        } else {
            state = next;
        }
    }

    private static Field rootField(String name) {
        return switch (name) {
            case "model" -> Field.MODEL;
            case "stream" -> Field.STREAM;
            case "stream_options" -> Field.STREAM_OPTIONS;
            case "n" -> Field.N;
            default -> Field.OTHER;
        };
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    private void fail(String message) {
        if (state != State.FAILED) {
            error = message;
            state = State.FAILED;
        }
    }
}
