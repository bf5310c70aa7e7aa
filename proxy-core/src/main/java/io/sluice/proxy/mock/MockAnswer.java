package io.sluice.proxy.mock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.sluice.codec.json.JsonLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic answer of the built-in mock provider for one chat request.
 *
 * <ul>
 *   <li>{@code echo}: repeats the text of the last user message (or a greeting when there is none);</li>
 *   <li>{@code lorem}: a fixed 48-word paragraph;</li>
 *   <li>any other model name: a one-line answer naming the model.</li>
 * </ul>
 * The answer is cut to {@code max_tokens}/{@code max_completion_tokens} pieces, with finish reason {@code length}.
 * Token counts are estimates (4 characters a token for the prompt, one token a word for the answer).
 */
public record MockAnswer(List<String> pieces, String finishReason, int promptTokens, int completionTokens) {

    static final String GREETING = "Hello from the Sluice mock provider.";
    static final String LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
            + "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
            + "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in "
            + "voluptate velit esse cillum dolore eu fugiat nulla pariatur.";

    /** Reads what clients send, so takes the strings they may send (a 21 MB base64 image). */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(JsonLimits.REQUESTS).build());

    /** Builds the answer from the request body (read, not consumed: the reader index is kept). */
    public static MockAnswer of(String model, ByteBuf body, int wordsPerPiece) throws IOException {
        JsonNode root = readTree(body);
        String text;
        switch (model) {
            case "echo":
                text = lastUserText(root.path("messages"));
                if (text.isBlank()) {
                    text = GREETING;
                }
                break;
            case "lorem":
                text = LOREM;
                break;
            default:
                text = "This is the Sluice mock provider answering as " + model + ".";
        }
        int limit = Integer.MAX_VALUE;
        for (String f : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode n = root.get(f);
            if (n != null && n.canConvertToInt() && n.intValue() > 0) {
                limit = Math.min(limit, n.intValue());
            }
        }
        List<String> words = splitKeepingSpaces(text);
        String finish = "stop";
        if (words.size() > limit) {
            words = new ArrayList<>(words.subList(0, limit));
            finish = "length";
        }
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < words.size(); i += wordsPerPiece) {
            pieces.add(String.join("", words.subList(i, Math.min(words.size(), i + wordsPerPiece))));
        }
        int promptChars = 0;
        for (JsonNode m : root.path("messages")) {
            promptChars += contentText(m.get("content")).length() + 4;
        }
        return new MockAnswer(pieces, finish, Math.max(1, (promptChars + 3) / 4), words.size());
    }

    /** The request body as a tree (read, not consumed: the reader index is kept). */
    static JsonNode readTree(ByteBuf body) throws IOException {
        try (ByteBufInputStream in = new ByteBufInputStream(body.duplicate())) {
            return MAPPER.readTree(in);
        }
    }

    public String text() {
        return String.join("", pieces);
    }

    private static String lastUserText(JsonNode messages) {
        String last = "";
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) {
                last = contentText(m.get("content"));
            }
        }
        return last;
    }

    /** Content as a string, or the concatenated text parts of a multi-part content array. */
    private static String contentText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                sb.append(part.path("text").asText());
            }
        }
        return sb.toString();
    }

    /** "a b  c" → ["a ", "b  ", "c"]: joining the pieces gives the text back exactly. */
    static List<String> splitKeepingSpaces(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            out.add(text.substring(start, i));
            start = i;
        }
        return out;
    }
}
