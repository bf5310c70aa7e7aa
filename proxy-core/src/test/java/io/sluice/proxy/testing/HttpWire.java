package io.sluice.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses HTTP/1.x messages out of the bytes a handler wrote, independently of Netty's codec: what a peer on the wire
 * would see. Bodies framed by Content-Length, chunked encoding, or (responses only) the end of the bytes.
 */
public final class HttpWire {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** One parsed message; {@code complete} is false when the bytes stopped inside it. */
    public record Message(String startLine, Map<String, String> headers, byte[] body, List<String> chunks,
                          boolean chunked, boolean complete) {

        /** The status code of a response. */
        public int status() {
            return Integer.parseInt(startLine.split(" ", 3)[1]);
        }

        /** The protocol version, {@code HTTP/1.1} or {@code HTTP/1.0}. */
        public String version() {
            return startLine.startsWith("HTTP/") ? startLine.split(" ", 2)[0] : startLine.split(" ", 3)[2];
        }

        /** The method of a request. */
        public String method() {
            return startLine.split(" ", 3)[0];
        }

        /** The request target of a request. */
        public String uri() {
            return startLine.split(" ", 3)[1];
        }

        /** The header's value by case-insensitive name (repeats joined by {@code ", "}); null when absent. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body parsed as JSON. */
        public JsonNode json() {
            return HttpWire.json(text());
        }

        /** The OpenAI error object {@code {"error":{"message","type","param","code"}}}, checked for shape. */
        public JsonNode error() {
            return openAiError(text());
        }
    }

    private HttpWire() {
    }

    /**
     * The OpenAI error object of the body {@code text}, {@code {"error":{"message","type","param","code"}}}; an
     * assertion error when the body is not one.
     */
    public static JsonNode openAiError(String text) {
        JsonNode e = json(text).get("error");
        if (e == null || !e.has("message") || !e.has("type") || !e.has("param") || !e.has("code")
                || !e.get("message").isTextual() || !e.get("type").isTextual()) {
            throw new AssertionError("not an OpenAI error object: " + text);
        }
        return e;
    }

    /** {@code text} parsed as JSON; unchecked exception when it is not JSON. */
    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** The responses in {@code wire}, in order; the last one is incomplete if the bytes stop inside it. */
    public static List<Message> responses(byte[] wire) {
        return parse(wire, true);
    }

    /** The responses in {@code wire} (UTF-8). */
    public static List<Message> responses(String wire) {
        return responses(wire.getBytes(StandardCharsets.UTF_8));
    }

    /** The requests in {@code wire}, in order; the last one is incomplete if the bytes stop inside it. */
    public static List<Message> requests(byte[] wire) {
        return parse(wire, false);
    }

    private static List<Message> parse(byte[] b, boolean responses) {
        List<Message> out = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < b.length) {
            String start = line(b, pos);
            if (start == null) {
                out.add(new Message(new String(b, pos[0], b.length - pos[0], StandardCharsets.ISO_8859_1),
                        Map.of(), new byte[0], List.of(), false, false));
                break;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            boolean headEnded = false;
            String l;
            while ((l = line(b, pos)) != null) {
                if (l.isEmpty()) {
                    headEnded = true;
                    break;
                }
                int colon = l.indexOf(':');
                headers.merge(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim(),
                        (a, c) -> a + ", " + c);
            }
            if (!headEnded) {
                out.add(new Message(start, headers, new byte[0], List.of(), false, false));
                break;
            }
            int status = responses ? Integer.parseInt(start.split(" ", 3)[1]) : -1;
            String te = headers.get("transfer-encoding");
            boolean chunked = te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
            String cl = headers.get("content-length");
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<String> chunks = new ArrayList<>();
            boolean complete = true;
            if (responses && (status / 100 == 1 || status == 204 || status == 304)) {
                // no body
            } else if (chunked) {
                complete = false;
                String size;
                while ((size = line(b, pos)) != null) {
                    int semi = size.indexOf(';');
                    int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                    if (n == 0) {
                        String trailer;
                        while ((trailer = line(b, pos)) != null && !trailer.isEmpty()) {
                            // trailers
                        }
                        complete = trailer != null;
                        break;
                    }
                    if (pos[0] + n + 2 > b.length) {
                        break;
                    }
                    body.write(b, pos[0], n);
                    chunks.add(new String(b, pos[0], n, StandardCharsets.UTF_8));
                    pos[0] += n;
                    if (b[pos[0]] != '\r' || b[pos[0] + 1] != '\n') {
                        throw new AssertionError("chunk of " + n + " bytes not followed by CRLF");
                    }
                    pos[0] += 2;
                }
            } else if (cl != null) {
                int n = Integer.parseInt(cl);
                int have = Math.min(n, b.length - pos[0]);
                body.write(b, pos[0], have);
                pos[0] += have;
                complete = have == n;
            } else if (responses) {
                body.write(b, pos[0], b.length - pos[0]); // delimited by the close
                pos[0] = b.length;
            }
            out.add(new Message(start, Collections.unmodifiableMap(headers), body.toByteArray(),
                    List.copyOf(chunks), chunked, complete));
            if (!complete) {
                break;
            }
        }
        return out;
    }

    /** The next CRLF-terminated line without its terminator, or null (position unchanged) if none is complete. */
    private static String line(byte[] b, int[] pos) {
        for (int i = pos[0]; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                String s = new String(b, pos[0], i - pos[0], StandardCharsets.ISO_8859_1);
                pos[0] = i + 2;
                return s;
            }
        }
        return null;
    }
}
