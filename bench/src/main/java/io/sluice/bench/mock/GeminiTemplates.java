package io.sluice.bench.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Gemini {@code generateContent} / {@code streamGenerateContent?alt=sse}: every event is a whole
 * {@code GenerateContentResponse}; the last content event carries {@code finishReason:"STOP"}; no {@code [DONE]}.
 * Usage is cumulative on each event. Events end with CRLF line breaks, as Google's front end sends them. The splice
 * ({@code "modelVersion":…,"responseId":…}) closes each object, so it comes last.
 */
final class GeminiTemplates extends DialectTemplates {

    private static final byte[] MODEL = ascii("\"modelVersion\":\"");
    private static final byte[] RESPONSE_ID = ascii("\",\"responseId\":\"mock-");
    private static final byte[] STREAM_END = ascii("\"}\r\n\r\n");
    private static final byte[] JSON_END = ascii("\"}");

    private final Stream stream;
    private final Piece json;

    GeminiTemplates(Bytes.Arena arena, String[] texts) {
        int n = texts.length;
        Piece[] content = new Piece[n];
        for (int i = 0; i < n; i++) {
            content[i] = Piece.around(arena, "data: " + response(texts[i], i == n - 1, i + 1), "");
        }
        stream = new Stream(new Piece[0], content, new Piece[0]);
        json = Piece.around(arena, response(String.join("", texts), true, n), "");
    }

    @Override
    Stream stream(boolean includeUsage) {
        return stream;
    }

    @Override
    Piece json() {
        return json;
    }

    @Override
    ByteBuf splice(ByteBufAllocator alloc, boolean stream, long seq, byte[] modelJson, long created) {
        ByteBuf out = buffer(alloc, modelJson);
        out.writeBytes(MODEL);
        out.writeBytes(modelJson);
        out.writeBytes(RESPONSE_ID);
        decimal(out, seq);
        out.writeBytes(stream ? STREAM_END : JSON_END);
        return out;
    }

    /** Everything of a response object before the splice. */
    private static String response(String text, boolean last, int candidateTokens) {
        return "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + text + "\"}],\"role\":\"model\"}"
                + (last ? ",\"finishReason\":\"STOP\"" : "") + ",\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":" + PROMPT_TOKENS + ",\"candidatesTokenCount\":"
                + candidateTokens + ",\"totalTokenCount\":" + (PROMPT_TOKENS + candidateTokens) + "},";
    }
}
