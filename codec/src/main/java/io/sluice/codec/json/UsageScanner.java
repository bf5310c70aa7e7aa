package io.sluice.codec.json;

import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Reads the OpenAI {@code usage} object out of response bytes that are otherwise passed through untouched, for
 * accounting. Two inputs: a non-streaming JSON body fed chunk by chunk ({@link #scanJson}), or one SSE {@code data:}
 * payload of a {@code chat.completion.chunk} at a time ({@link #scanSseData}).
 *
 * <p>On the streaming path most payloads carry no usage ({@code "usage":null} or no key at all), so a payload is first
 * searched for a {@code "usage"} key followed by an object, without allocating; only then is it parsed. The search can
 * only say yes wrongly (a key inside a string would be escaped), never no, and the parse decides.
 *
 * <p>Not thread-safe: one scanner per response.
 */
public final class UsageScanner {

    private static final byte[] USAGE_KEY = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_KEY = "\"error\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHOICES_KEY = "\"choices\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_KEY = "\"content\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARGUMENTS_KEY = "\"arguments\"".getBytes(StandardCharsets.US_ASCII);
    private static final ByteProcessor NOT_QUOTE_OR_BACKSLASH = b -> b != '"' && b != '\\';
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private JsonFeeder body;
    private ResponseReader bodyReader;
    private Usage usage;

    /**
     * Scans the next chunk of a non-streaming JSON response body. Parsing stops at the end of the root object or at
     * malformed input (it is passed through anyway; the usage found so far stands).
     *
     * @param chunk not owned: read during the call only; the caller keeps and releases it
     */
    public void scanJson(ByteBuf chunk) {
        if (body == null) {
            body = new JsonFeeder();
            bodyReader = new ResponseReader();
        }
        body.feed(chunk);
        JsonToken token;
        while ((token = body.nextToken()) != JsonToken.NOT_AVAILABLE && token != null) {
            bodyReader.onToken(token, body.parser());
            if (bodyReader.done()) {
                body.release();
                break;
            }
        }
        if (bodyReader.usage() != null) {
            usage = bodyReader.usage();
        }
    }

    /**
     * Scans one SSE {@code data:} payload.
     *
     * @param data not owned: read only; its indexes are left untouched and the caller releases it
     * @return the usage this payload carried, or {@code null} (the common case, found without allocating)
     */
    public Usage scanSseData(ByteBuf data) {
        if (!hasMember(data, USAGE_KEY, (byte) '{', (byte) '{')) {
            return null;
        }
        Usage found = parse(data).usage();
        if (found != null) {
            usage = found;
        }
        return found;
    }

    /** The last usage seen, or {@code null} if none was reported. */
    public Usage usage() {
        return usage;
    }

    /** Whether the JSON body given to {@link #scanJson} had a top-level {@code error} (a 200 that is a failure). */
    public boolean errorInJson() {
        return bodyReader != null && bodyReader.errorSeen();
    }

    /** Releases the JSON body parser if {@link #scanJson} stopped before the body's end. Idempotent. */
    public void release() {
        if (body != null) {
            body.release();
        }
    }

    /**
     * Whether an SSE payload is OpenAI's {@code [DONE]} end marker (surrounding whitespace allowed).
     *
     * @param data not owned: read only
     */
    public static boolean isDone(ByteBuf data) {
        int start = data.readerIndex();
        int end = data.writerIndex();
        while (start < end && isSpace(data.getByte(start))) {
            start++;
        }
        while (end > start && isSpace(data.getByte(end - 1))) {
            end--;
        }
        return end - start == DONE.length && regionMatches(data, start, DONE);
    }

    /**
     * Whether an SSE payload is an error object ({@code {"error":{...}}} or {@code {"error":"..."}} at top level), as
     * providers send when they fail after answering 200. Allocation-free unless an {@code "error"} key is present.
     *
     * @param data not owned: read only
     */
    public static boolean errorIn(ByteBuf data) {
        return hasMember(data, ERROR_KEY, (byte) '{', (byte) '"') && parse(data).errorSeen();
    }

    /**
     * Whether a chunk's {@code choices} is an empty array: with a {@code usage} object, the usage-only last chunk a
     * stream sends when asked for usage. Allocation-free.
     *
     * @param data not owned: read only
     */
    public static boolean emptyChoices(ByteBuf data) {
        int v = valueAt(data, CHOICES_KEY, data.readerIndex());
        if (v < 0 || data.getByte(v) != '[') {
            return false;
        }
        int close = skipSpaces(data, v + 1, data.writerIndex());
        return close < data.writerIndex() && data.getByte(close) == ']';
    }

    /**
     * Bytes of the text a chunk carries: its {@code content} and tool-call {@code arguments} string values, as they
     * are written (escapes count as written), without the JSON around them. What a stream that reports no usage is
     * estimated from. Allocation-free.
     *
     * @param data not owned: read only
     */
    public static int contentBytes(ByteBuf data) {
        final int end = data.writerIndex();
        int total = 0;
        int i = data.readerIndex();
        while (i < end) { // one pass over the quotes for both keys
            int quote = data.indexOf(i, end, (byte) '"');
            if (quote < 0) {
                break;
            }
            byte[] key = end - quote >= CONTENT_KEY.length && regionMatches(data, quote, CONTENT_KEY) ? CONTENT_KEY
                    : end - quote >= ARGUMENTS_KEY.length && regionMatches(data, quote, ARGUMENTS_KEY) ? ARGUMENTS_KEY
                    : null;
            int v = key == null ? -1 : skipSpaces(data, quote + key.length, end);
            if (v < 0 || v >= end || data.getByte(v) != ':'
                    || (v = skipSpaces(data, v + 1, end)) >= end || data.getByte(v) != '"') {
                i = quote + 1;
                continue;
            }
            int j = v + 1;
            while (j < end) { // the string's end: its first quote not escaped, a bulk scan to each quote or backslash
                int k = data.forEachByte(j, end - j, NOT_QUOTE_OR_BACKSLASH);
                if (k < 0) {
                    j = end;
                } else if (data.getByte(k) == '"') {
                    j = k;
                    break;
                } else {
                    j = k + 2;
                }
            }
            j = Math.min(j, end);
            total += j - v - 1;
            i = j + 1;
        }
        return total;
    }

    /** Where the value of the first {@code quotedKey} member at or after {@code from} starts, or -1. */
    private static int valueAt(ByteBuf buf, byte[] quotedKey, int from) {
        final int end = buf.writerIndex();
        int i = from;
        while (i < end) {
            int quote = buf.indexOf(i, end, quotedKey[0]);
            if (quote < 0 || end - quote < quotedKey.length) {
                return -1;
            }
            if (regionMatches(buf, quote, quotedKey)) {
                int v = skipSpaces(buf, quote + quotedKey.length, end);
                if (v < end && buf.getByte(v) == ':') {
                    v = skipSpaces(buf, v + 1, end);
                    if (v < end) {
                        return v;
                    }
                }
            }
            i = quote + 1;
        }
        return -1;
    }

    private static ResponseReader parse(ByteBuf data) {
        ResponseReader reader = new ResponseReader();
        JsonFeeder json = new JsonFeeder();
        try {
            json.feed(data);
            json.endOfInput();
            JsonToken token;
            while (!reader.done() && (token = json.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
                reader.onToken(token, json.parser());
            }
        } finally {
            json.release();
        }
        return reader;
    }

    /**
     * Whether {@code buf} has {@code quotedKey}, optional whitespace, a colon, optional whitespace and a value starting
     * with {@code first} or {@code orFirst}. Allocation-free; nesting is not checked (the parse does that).
     */
    static boolean hasMember(ByteBuf buf, byte[] quotedKey, byte first, byte orFirst) {
        final int end = buf.writerIndex();
        int i = buf.readerIndex();
        while (true) {
            int quote = buf.indexOf(i, end, quotedKey[0]);
            if (quote < 0 || end - quote < quotedKey.length) {
                return false;
            }
            if (regionMatches(buf, quote, quotedKey)) {
                int v = skipSpaces(buf, quote + quotedKey.length, end);
                if (v < end && buf.getByte(v) == ':') {
                    v = skipSpaces(buf, v + 1, end);
                    if (v < end && (buf.getByte(v) == first || buf.getByte(v) == orFirst)) {
                        return true;
                    }
                }
            }
            i = quote + 1;
        }
    }

    private static boolean regionMatches(ByteBuf buf, int index, byte[] expected) {
        for (int k = 0; k < expected.length; k++) {
            if (buf.getByte(index + k) != expected[k]) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpaces(ByteBuf buf, int i, int end) {
        while (i < end && isSpace(buf.getByte(i))) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
