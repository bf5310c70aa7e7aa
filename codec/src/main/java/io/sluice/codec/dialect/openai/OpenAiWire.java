package io.sluice.codec.dialect.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.json.Usage;
import java.io.IOException;

/**
 * The small tables and sub-objects shared by the OpenAI chat stream and response codecs: finish reasons and the
 * {@code usage} object, read from parser tokens and written with a generator (no trees).
 */
final class OpenAiWire {

    private OpenAiWire() {
    }

    /** Whether the current string token is {@code expected}, without making a String of it. */
    static boolean textIs(JsonParser p, String expected) throws IOException {
        int n = p.getTextLength();
        if (n != expected.length()) {
            return false;
        }
        char[] chars = p.getTextCharacters();
        int off = p.getTextOffset();
        for (int i = 0; i < n; i++) {
            if (chars[off + i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** An OpenAI {@code finish_reason} in hub terms; {@code function_call} is the legacy spelling of tool_calls. */
    static FinishReason finishReason(String wire) {
        return switch (wire) {
            case "stop" -> FinishReason.STOP;
            case "length" -> FinishReason.LENGTH;
            case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    /** The hub reason as OpenAI says it; reasons OpenAI has no word for read as {@code stop}. */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case TOOL_CALLS -> "tool_calls";
            case LENGTH -> "length";
            case CONTENT_FILTER -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * Reads a {@code usage} object; the parser sits on its START_OBJECT and ends on its END_OBJECT. Returns null for a
     * JSON null or an object with no count in it. Cached prompt tokens come from {@code prompt_tokens_details}, or from
     * DeepSeek's {@code prompt_cache_hit_tokens} when that is all the provider sent.
     */
    static Usage readUsage(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        long prompt = Usage.ABSENT;
        long completion = Usage.ABSENT;
        long total = Usage.ABSENT;
        long cached = Usage.ABSENT;
        long cacheHit = Usage.ABSENT;
        long reasoning = Usage.ABSENT;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = count(p, v);
                case "completion_tokens" -> completion = count(p, v);
                case "total_tokens" -> total = count(p, v);
                case "prompt_cache_hit_tokens" -> cacheHit = count(p, v);
                case "prompt_tokens_details" -> cached = detail(p, v, "cached_tokens");
                case "completion_tokens_details" -> reasoning = detail(p, v, "reasoning_tokens");
                default -> p.skipChildren();
            }
        }
        if (cached < 0) {
            cached = cacheHit;
        }
        if (prompt < 0 && completion < 0 && total < 0 && cached < 0 && reasoning < 0) {
            return null;
        }
        return new Usage(prompt, completion, total, cached, reasoning);
    }

    private static long count(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            long n = p.getLongValue();
            return n < 0 ? Usage.ABSENT : n;
        }
        if (v == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            return d < 0 ? Usage.ABSENT : (long) d;
        }
        p.skipChildren();
        return Usage.ABSENT;
    }

    private static long detail(JsonParser p, JsonToken v, String field) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Usage.ABSENT;
        }
        long out = Usage.ABSENT;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals(field)) {
                out = count(p, t);
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    /**
     * Writes {@code "usage":{…}} with only the counts that were reported. A total the provider did not give is the sum
     * of two reported counts, never a guess.
     */
    static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("usage");
        if (u.promptTokens() >= 0) {
            g.writeNumberField("prompt_tokens", u.promptTokens());
        }
        if (u.completionTokens() >= 0) {
            g.writeNumberField("completion_tokens", u.completionTokens());
        }
        long total = u.totalTokens() >= 0 ? u.totalTokens() : Usage.sum(u.promptTokens(), u.completionTokens());
        if (total >= 0) {
            g.writeNumberField("total_tokens", total);
        }
        if (u.cachedTokens() >= 0) {
            g.writeObjectFieldStart("prompt_tokens_details");
            g.writeNumberField("cached_tokens", u.cachedTokens());
            g.writeEndObject();
        }
        if (u.reasoningTokens() >= 0) {
            g.writeObjectFieldStart("completion_tokens_details");
            g.writeNumberField("reasoning_tokens", u.reasoningTokens());
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
