package io.sluice.codec.dialect.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.json.Usage;
import java.io.IOException;

/**
 * Anthropic's usage counters, folded cumulatively (a later report replaces only the fields it carries) and converted
 * to and from the hub's OpenAI semantics.
 *
 * <p>Anthropic's {@code input_tokens} excludes cache reads and cache writes; OpenAI's {@code prompt_tokens} includes
 * them. In: {@code prompt = input + cache_read + cache_creation}, {@code cached = cache_read},
 * {@code cacheWrite = cache_creation}, {@code completion = output}, {@code total = prompt + completion}.
 * Out: {@code input_tokens = prompt - cached - cacheWrite}. Nothing is invented: an absent field stays absent.
 */
final class AnthropicUsage {

    private static final long ABSENT = Usage.ABSENT;

    long input = ABSENT;
    long cacheRead = ABSENT;
    long cacheCreation = ABSENT;
    long output = ABSENT;
    long thinking = ABSENT;

    void reset() {
        input = ABSENT;
        cacheRead = ABSENT;
        cacheCreation = ABSENT;
        output = ABSENT;
        thinking = ABSENT;
    }

    boolean any() {
        return input >= 0 || cacheRead >= 0 || cacheCreation >= 0 || output >= 0;
    }

    /** Takes every field {@code later} carries. */
    void fold(AnthropicUsage later) {
        input = later.input >= 0 ? later.input : input;
        cacheRead = later.cacheRead >= 0 ? later.cacheRead : cacheRead;
        cacheCreation = later.cacheCreation >= 0 ? later.cacheCreation : cacheCreation;
        output = later.output >= 0 ? later.output : output;
        thinking = later.thinking >= 0 ? later.thinking : thinking;
    }

    /** Reads a {@code usage} object; the parser sits on its START_OBJECT and ends on its END_OBJECT. */
    void read(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "input_tokens" -> input = count(p, t);
                case "cache_read_input_tokens" -> cacheRead = count(p, t);
                case "cache_creation_input_tokens" -> cacheCreation = count(p, t);
                case "output_tokens" -> output = count(p, t);
                case "output_tokens_details" -> readDetails(p, t);
                default -> p.skipChildren();
            }
        }
    }

    private void readDetails(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("thinking_tokens")) {
                thinking = count(p, v);
            } else {
                p.skipChildren();
            }
        }
    }

    private static long count(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            long v = p.getLongValue();
            return v < 0 ? ABSENT : v;
        }
        p.skipChildren();
        return ABSENT;
    }

    Usage toHub() {
        long prompt = input < 0 ? ABSENT : input + Math.max(0, cacheRead) + Math.max(0, cacheCreation);
        return new Usage(prompt, output, Usage.sum(prompt, output), cacheRead, thinking, cacheCreation);
    }

    /**
     * Writes the usage fields in the API's order. The output count is always written ({@code 0} when unknown):
     * Anthropic's SDKs read {@code usage.output_tokens} unconditionally. Accounting reads hub events, not these bytes.
     *
     * @param withInput write {@code input_tokens} even when unknown (as 0): required in a message object
     */
    static void writeFields(JsonGenerator g, Usage u, boolean withInput) throws IOException {
        if (u == null) {
            if (withInput) {
                g.writeNumberField("input_tokens", 0);
            }
            g.writeNumberField("output_tokens", 0);
            return;
        }
        if (u.promptTokens() >= 0) {
            long input = u.promptTokens() - Math.max(0, u.cachedTokens()) - Math.max(0, u.cacheWriteTokens());
            g.writeNumberField("input_tokens", Math.max(0, input));
        } else if (withInput) {
            g.writeNumberField("input_tokens", 0);
        }
        if (u.cacheWriteTokens() >= 0) {
            g.writeNumberField("cache_creation_input_tokens", u.cacheWriteTokens());
        }
        if (u.cachedTokens() >= 0) {
            g.writeNumberField("cache_read_input_tokens", u.cachedTokens());
        }
        g.writeNumberField("output_tokens", Math.max(0, u.completionTokens()));
    }
}
