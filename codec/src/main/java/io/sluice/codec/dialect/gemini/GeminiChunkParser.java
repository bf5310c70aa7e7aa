package io.sluice.codec.dialect.gemini;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.JsonIo;
import java.io.IOException;

/**
 * Streams one {@code GenerateContentResponse} (or {@code {"error":…}}) from jackson tokens into a {@link GeminiChunk},
 * without a tree. Only the first candidate is read (the hub has one choice; requests never ask for more). Unknown
 * fields ({@code safetyRatings}, {@code citationMetadata}, {@code groundingMetadata}, {@code finishMessage},
 * {@code promptTokensDetails}, {@code createTime}, …) are skipped.
 */
final class GeminiChunkParser {

    private GeminiChunkParser() {
    }

    /** @param p sitting on the response's {@code START_OBJECT}; ends on its {@code END_OBJECT} */
    static void parse(JsonParser p, GeminiChunk c) throws IOException {
        c.reset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            switch (k) {
                case "candidates" -> {
                    if (v == JsonToken.START_ARRAY) {
                        candidates(p, c);
                    } else {
                        p.skipChildren();
                    }
                }
                case "usageMetadata" -> usage(p, c);
                case "modelVersion" -> c.modelVersion = JsonIo.text(p);
                case "responseId" -> c.responseId = JsonIo.text(p);
                case "promptFeedback" -> promptFeedback(p, c);
                case "error" -> error(p, c);
                default -> p.skipChildren();
            }
        }
    }

    private static void candidates(JsonParser p, GeminiChunk c) throws IOException {
        boolean first = true;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!first || p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            first = false;
            c.hasCandidate = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                JsonToken v = p.nextToken();
                if (k.equals("content") && v == JsonToken.START_OBJECT) {
                    content(p, c);
                } else if (k.equals("finishReason")) {
                    c.finishReason = JsonIo.text(p);
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static void content(JsonParser p, GeminiChunk c) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            if (!k.equals("parts") || v != JsonToken.START_ARRAY) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                part(p, c);
            }
        }
    }

    private static void part(JsonParser p, GeminiChunk c) throws IOException {
        String text = null;
        boolean thought = false;
        String signature = null;
        boolean call = false;
        String callId = null;
        String name = null;
        String args = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            switch (k) {
                case "text" -> text = JsonIo.text(p);
                case "thought" -> thought = v == JsonToken.VALUE_TRUE;
                case "thoughtSignature" -> signature = JsonIo.text(p);
                case "functionCall" -> {
                    if (v != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        break;
                    }
                    call = true;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        JsonToken fv = p.nextToken();
                        if (f.equals("name")) {
                            name = JsonIo.text(p);
                        } else if (f.equals("id")) {
                            callId = JsonIo.text(p);
                        } else if (f.equals("args") && fv == JsonToken.START_OBJECT) {
                            args = JsonIo.raw(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren(); // executableCode, codeExecutionResult, inlineData, …
            }
        }
        if (!call && text == null && signature == null) {
            return;
        }
        GeminiChunk.PartIn in = new GeminiChunk.PartIn();
        in.kind = call ? GeminiChunk.Kind.CALL : thought ? GeminiChunk.Kind.THOUGHT : GeminiChunk.Kind.TEXT;
        in.text = text;
        in.signature = signature;
        in.callId = callId;
        in.name = name;
        in.args = args;
        c.parts.add(in);
    }

    private static void usage(JsonParser p, GeminiChunk c) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        c.hasUsage = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            p.nextToken();
            switch (k) {
                case "promptTokenCount" -> c.promptTokens = count(p);
                case "candidatesTokenCount" -> c.candidatesTokens = count(p);
                case "totalTokenCount" -> c.totalTokens = count(p);
                case "cachedContentTokenCount" -> c.cachedTokens = count(p);
                case "thoughtsTokenCount" -> c.thoughtsTokens = count(p);
                case "toolUsePromptTokenCount" -> c.toolUsePromptTokens = count(p);
                default -> p.skipChildren();
            }
        }
    }

    private static long count(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_STRING) { // proto JSON may quote integers
            try {
                return Long.parseLong(p.getText());
            } catch (NumberFormatException e) {
                return GeminiChunk.ABSENT;
            }
        }
        p.skipChildren();
        return GeminiChunk.ABSENT;
    }

    private static void promptFeedback(JsonParser p, GeminiChunk c) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            p.nextToken();
            if (k.equals("blockReason")) {
                c.blockReason = JsonIo.text(p);
            } else {
                p.skipChildren();
            }
        }
    }

    static void error(JsonParser p, GeminiChunk c) throws IOException {
        c.hasError = true;
        if (p.currentToken() != JsonToken.START_OBJECT) {
            c.errorMessage = JsonIo.text(p);
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            switch (k) {
                case "code" -> c.errorCode = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 0;
                case "message" -> c.errorMessage = JsonIo.text(p);
                case "status" -> c.errorStatus = JsonIo.text(p);
                default -> p.skipChildren(); // details: ErrorInfo, RetryInfo, QuotaFailure, Help …
            }
        }
    }
}
