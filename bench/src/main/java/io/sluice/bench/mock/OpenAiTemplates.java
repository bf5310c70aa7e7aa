package io.sluice.bench.mock;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI chat completions: {@code chat.completion.chunk} events ending with {@code finish_reason:"stop"}, a usage chunk
 * ({@code choices:[]}) when {@code stream_options.include_usage}, then {@code data: [DONE]}; or one
 * {@code chat.completion}. With {@code include_usage} every chunk carries {@code "usage":null}, as OpenAI's do.
 */
final class OpenAiTemplates extends DialectTemplates {

    static final String DONE = "data: [DONE]\n\n";

    private static final byte[] STREAM_ID = ascii("data: {\"id\":\"chatcmpl-mock-");
    private static final byte[] JSON_ID = ascii("{\"id\":\"chatcmpl-mock-");
    private static final byte[] STREAM_OBJECT = ascii("\",\"object\":\"chat.completion.chunk\",\"created\":");
    private static final byte[] JSON_OBJECT = ascii("\",\"object\":\"chat.completion\",\"created\":");
    private static final byte[] MODEL = ascii(",\"model\":\"");
    private static final byte[] MODEL_END = ascii("\",");

    private final Stream plain;
    private final Stream withUsage;
    private final Piece json;

    OpenAiTemplates(Bytes.Arena arena, String[] texts) {
        plain = stream(arena, texts, false);
        withUsage = stream(arena, texts, true);
        int n = texts.length;
        json = Piece.around(arena, "", "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + String.join("", texts) + "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}],\"usage\":" + usage(n)
                + ",\"service_tier\":\"default\",\"system_fingerprint\":\"" + SYSTEM_FINGERPRINT + "\"}");
    }

    @Override
    Stream stream(boolean includeUsage) {
        return includeUsage ? withUsage : plain;
    }

    @Override
    Piece json() {
        return json;
    }

    @Override
    ByteBuf splice(ByteBufAllocator alloc, boolean stream, long seq, byte[] modelJson, long created) {
        ByteBuf out = buffer(alloc, modelJson);
        out.writeBytes(stream ? STREAM_ID : JSON_ID);
        decimal(out, seq);
        out.writeBytes(stream ? STREAM_OBJECT : JSON_OBJECT);
        decimal(out, created);
        out.writeBytes(MODEL);
        out.writeBytes(modelJson);
        out.writeBytes(MODEL_END);
        return out;
    }

    private static Stream stream(Bytes.Arena arena, String[] texts, boolean usage) {
        Piece[] preamble = {chunk(arena, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null, usage)};
        Piece[] content = new Piece[texts.length];
        for (int i = 0; i < texts.length; i++) {
            content[i] = chunk(arena, "{\"content\":\"" + texts[i] + "\"}", null, usage);
        }
        List<Piece> tail = new ArrayList<>(3);
        tail.add(chunk(arena, "{}", "stop", usage));
        if (usage) {
            tail.add(Piece.around(arena, "", "\"system_fingerprint\":\"" + SYSTEM_FINGERPRINT
                    + "\",\"choices\":[],\"usage\":" + usage(texts.length) + "}\n\n"));
        }
        tail.add(Piece.constant(arena, DONE));
        return new Stream(preamble, content, pieces(tail));
    }

    private static Piece chunk(Bytes.Arena arena, String delta, String finishReason, boolean usageNull) {
        return Piece.around(arena, "", "\"system_fingerprint\":\"" + SYSTEM_FINGERPRINT
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]"
                + (usageNull ? ",\"usage\":null}\n\n" : "}\n\n"));
    }

    private static String usage(int completionTokens) {
        return "{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (PROMPT_TOKENS + completionTokens)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}";
    }
}
