package io.sluice.bench.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Anthropic messages: {@code message_start}, {@code content_block_start}, {@code ping}, {@code content_block_delta}
 * ({@code text_delta}) per chunk, {@code content_block_stop}, {@code message_delta} (stop_reason {@code end_turn},
 * cumulative usage), {@code message_stop}, each with its {@code event:} line; or one {@code message}. Only
 * {@code message_start} and the JSON answer carry the splice ({@code "id":…,"model":…,}).
 */
final class AnthropicTemplates extends DialectTemplates {

    private static final byte[] ID = ascii("\"id\":\"msg_mock_");
    private static final byte[] MODEL = ascii("\",\"model\":\"");
    private static final byte[] MODEL_END = ascii("\",");

    private final Stream stream;
    private final Piece json;

    AnthropicTemplates(Bytes.Arena arena, String[] texts) {
        int n = texts.length;
        Piece[] preamble = {
            Piece.around(arena, event("message_start") + "{\"type\":\"message_start\",\"message\":{",
                    "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,"
                    + "\"stop_sequence\":null,\"usage\":" + usage(1) + "}}\n\n"),
            Piece.constant(arena, event("content_block_start")
                    + "{\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"),
            Piece.constant(arena, event("ping") + "{\"type\": \"ping\"}\n\n"),
        };
        Piece[] content = new Piece[n];
        for (int i = 0; i < n; i++) {
            content[i] = Piece.constant(arena, event("content_block_delta")
                    + "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
                    + texts[i] + "\"}}\n\n");
        }
        Piece[] tail = {
            Piece.constant(arena, event("content_block_stop") + "{\"type\":\"content_block_stop\",\"index\":0}\n\n"),
            Piece.constant(arena, event("message_delta") + "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                    + "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + n + "}}\n\n"),
            Piece.constant(arena, event("message_stop") + "{\"type\":\"message_stop\"}\n\n"),
        };
        stream = new Stream(preamble, content, tail);
        json = Piece.around(arena, "{", "\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"" + String.join("", texts) + "\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                + "\"usage\":" + usage(n) + "}");
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
        out.writeBytes(ID);
        decimal(out, seq);
        out.writeBytes(MODEL);
        out.writeBytes(modelJson);
        out.writeBytes(MODEL_END);
        return out;
    }

    private static String event(String type) {
        return "event: " + type + "\ndata: ";
    }

    private static String usage(int outputTokens) {
        return "{\"input_tokens\":" + PROMPT_TOKENS + ",\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":0,\"output_tokens\":" + outputTokens + "}";
    }
}
