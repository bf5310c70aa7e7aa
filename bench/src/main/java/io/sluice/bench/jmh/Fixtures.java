package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Recorded-shape payloads shared by the benchmarks: what providers really send, byte for byte in form. */
final class Fixtures {

    private Fixtures() {
    }

    /** One OpenAI streaming chunk as the API sends it (gpt-4o, one word of content). */
    static String openAiChunk(int i) {
        return "data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\","
                + "\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\","
                + "\"system_fingerprint\":\"fp_eb9dce56a8\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word"
                + (i % 10) + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n";
    }

    static final String OPENAI_USAGE_CHUNK = "data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\","
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_eb9dce56a8\",\"choices\":[],\"usage\":"
            + "{\"prompt_tokens\":1117,\"completion_tokens\":46,\"total_tokens\":1163,\"prompt_tokens_details\":"
            + "{\"cached_tokens\":1024,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,"
            + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}}\n\n";

    /** A non-streaming chat.completion as OpenAI sends it, pretty-printed, usage last. */
    static final String OPENAI_RESPONSE = "{\n  \"id\": \"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\n"
            + "  \"object\": \"chat.completion\",\n  \"created\": 1741570283,\n  \"model\": \"gpt-4o-2024-08-06\",\n"
            + "  \"choices\": [\n    {\n      \"index\": 0,\n      \"message\": {\n        \"role\": \"assistant\",\n"
            + "        \"content\": \"The image shows a wooden boardwalk path running through a lush green field or "
            + "meadow. The sky is bright blue with some scattered clouds, giving the scene a serene and peaceful "
            + "atmosphere.\",\n        \"refusal\": null,\n        \"annotations\": []\n      },\n"
            + "      \"logprobs\": null,\n      \"finish_reason\": \"stop\"\n    }\n  ],\n  \"usage\": {\n"
            + "    \"prompt_tokens\": 1117,\n    \"completion_tokens\": 46,\n    \"total_tokens\": 1163,\n"
            + "    \"prompt_tokens_details\": {\n      \"cached_tokens\": 0,\n      \"audio_tokens\": 0\n    },\n"
            + "    \"completion_tokens_details\": {\n      \"reasoning_tokens\": 0,\n      \"audio_tokens\": 0,\n"
            + "      \"accepted_prediction_tokens\": 0,\n      \"rejected_prediction_tokens\": 0\n    }\n  },\n"
            + "  \"service_tier\": \"default\",\n  \"system_fingerprint\": \"fp_fc9f1d7035\"\n}\n";

    /** A whole OpenAI stream of {@code n} content chunks, the usage chunk and [DONE]. */
    static String openAiStream(int n) {
        StringBuilder sb = new StringBuilder(n * 300);
        for (int i = 0; i < n; i++) {
            sb.append(openAiChunk(i));
        }
        return sb.append(OPENAI_USAGE_CHUNK).append("data: [DONE]\n\n").toString();
    }

    /**
     * A chat request of about {@code bytes} bytes: system prompt, a conversation padded to size, tools, options.
     * {@code model} comes after the messages, as the OpenAI SDKs write it, so a scanner must walk everything.
     */
    static String chatRequest(int bytes) {
        StringBuilder sb = new StringBuilder(bytes + 512);
        sb.append("{\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"}");
        int turn = 0;
        while (sb.length() < bytes - 400) {
            sb.append(",{\"role\":\"").append(turn % 2 == 0 ? "user" : "assistant").append("\",\"content\":\"");
            int room = Math.min(2000, bytes - 400 - sb.length());
            for (int i = 0; i < room; i++) {
                sb.append((char) ('a' + (i * 7 + turn) % 26));
                if (i % 9 == 8) {
                    sb.append(' ');
                }
            }
            sb.append("\"}");
            turn++;
        }
        sb.append("],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}],"
                + "\"temperature\":0.2,\"stream_options\":{\"include_usage\":true},\"stream\":true,"
                + "\"model\":\"openai/gpt-4o-mini\"}");
        return sb.toString();
    }

    /** A pooled direct buffer holding {@code s}, as a socket read would deliver it. */
    static ByteBuf direct(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(b.length);
        return buf.writeBytes(b);
    }

    /** {@code s} cut into pieces of {@code size} bytes (the last one shorter). */
    static List<ByteBuf> pieces(String s, int size) {
        ByteBuf all = direct(s);
        List<ByteBuf> out = new ArrayList<>();
        try {
            while (all.isReadable()) {
                int n = Math.min(size, all.readableBytes());
                ByteBuf p = PooledByteBufAllocator.DEFAULT.directBuffer(n);
                p.writeBytes(all, n);
                out.add(p);
            }
        } finally {
            all.release();
        }
        return out;
    }
}
