package io.sluice.codec.dialect.gemini;

import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.json.Usage;

/**
 * Finish reasons and usage between Gemini and the hub, both ways.
 *
 * <pre>
 * Gemini finishReason                                    hub
 * STOP                                                   STOP (TOOL_CALLS when the response called functions)
 * MAX_TOKENS                                             LENGTH
 * SAFETY RECITATION BLOCKLIST PROHIBITED_CONTENT SPII    CONTENT_FILTER
 *   IMAGE_SAFETY IMAGE_PROHIBITED_CONTENT IMAGE_RECITATION
 *   LANGUAGE; promptFeedback.blockReason (no candidates)
 * MALFORMED_FUNCTION_CALL OTHER anything else            OTHER
 *
 * hub → Gemini: STOP STOP_SEQUENCE TOOL_CALLS PAUSE OTHER → STOP, LENGTH → MAX_TOKENS, CONTENT_FILTER → SAFETY
 *
 * usageMetadata                                          hub Usage
 * promptTokenCount + toolUsePromptTokenCount             promptTokens
 * candidatesTokenCount + thoughtsTokenCount              completionTokens (OpenAI counts reasoning inside)
 * totalTokenCount (else prompt + completion)             totalTokens
 * cachedContentTokenCount                                cachedTokens
 * thoughtsTokenCount                                     reasoningTokens
 * </pre>
 * Gemini omits zero counts (proto3), so inside a present {@code usageMetadata} a missing prompt/candidates/thoughts
 * count is 0; a missing cached or thoughts count leaves cached/reasoning {@link Usage#ABSENT}. Cache writes are not
 * reported by Gemini.
 */
final class GeminiMappings {

    private GeminiMappings() {
    }

    static FinishReason finishFromGemini(String reason, boolean calledFunctions) {
        return switch (reason) {
            case "STOP" -> calledFunctions ? FinishReason.TOOL_CALLS : FinishReason.STOP;
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "LANGUAGE" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.OTHER;
        };
    }

    static String finishToGemini(FinishReason reason) {
        return switch (reason) {
            case LENGTH -> "MAX_TOKENS";
            case CONTENT_FILTER -> "SAFETY";
            default -> "STOP";
        };
    }

    static Usage usageFromGemini(GeminiChunk c) {
        long prompt = zero(c.promptTokens) + zero(c.toolUsePromptTokens);
        long completion = zero(c.candidatesTokens) + zero(c.thoughtsTokens);
        long total = c.totalTokens >= 0 ? c.totalTokens : prompt + completion;
        return new Usage(prompt, completion, total, c.cachedTokens, c.thoughtsTokens);
    }

    private static long zero(long n) {
        return Math.max(n, 0);
    }

    /** Writes the hub usage as {@code usageMetadata} fields (the object itself is opened by the caller). */
    static void writeUsage(com.fasterxml.jackson.core.JsonGenerator g, Usage u) throws java.io.IOException {
        if (u.promptTokens() >= 0) {
            g.writeNumberField("promptTokenCount", u.promptTokens());
        }
        if (u.completionTokens() >= 0) {
            g.writeNumberField("candidatesTokenCount", u.completionTokens() - Math.max(u.reasoningTokens(), 0));
        }
        long total = u.totalTokens() >= 0 ? u.totalTokens() : Usage.sum(u.promptTokens(), u.completionTokens());
        if (total >= 0) {
            g.writeNumberField("totalTokenCount", total);
        }
        if (u.cachedTokens() > 0) {
            g.writeNumberField("cachedContentTokenCount", u.cachedTokens());
        }
        if (u.reasoningTokens() > 0) {
            g.writeNumberField("thoughtsTokenCount", u.reasoningTokens());
        }
    }
}
