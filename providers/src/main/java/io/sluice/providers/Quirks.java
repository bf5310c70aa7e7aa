package io.sluice.providers;

import io.sluice.codec.hub.HubRequest;
import java.util.List;
import java.util.Set;

/**
 * What a provider's API does differently from the dialect it speaks, applied to a translated request before it is
 * written. A same-dialect passthrough is sent as the client wrote it (the client chose its parameters for that API).
 *
 * @param maxTokensParam the OpenAI-dialect name of the output cap this provider knows ({@code max_tokens}), or null
 *                       for the writer's default ({@code max_completion_tokens})
 * @param dropParams     OpenAI parameter names the provider rejects; each is removed and recorded as dropped
 */
public record Quirks(String maxTokensParam, Set<String> dropParams) {

    /** Parameters {@link #dropParams} may name: the hub fields a writer sends. */
    public static final List<String> DROPPABLE = List.of("temperature", "top_p", "stop", "seed", "presence_penalty",
            "frequency_penalty", "user", "parallel_tool_calls", "reasoning_effort", "response_format");

    public static final Quirks NONE = new Quirks(null, Set.of());

    public Quirks {
        dropParams = dropParams == null ? Set.of() : Set.copyOf(dropParams);
        for (String p : dropParams) {
            if (!DROPPABLE.contains(p)) {
                throw new IllegalArgumentException("dropParams: " + p + " (expected: one of " + DROPPABLE + ")");
            }
        }
        if (maxTokensParam != null && !maxTokensParam.equals("max_tokens")
                && !maxTokensParam.equals("max_completion_tokens")) {
            throw new IllegalArgumentException("maxTokensParam: " + maxTokensParam
                    + " (expected: max_tokens or max_completion_tokens)");
        }
    }

    /** Applies these quirks to a request about to be written for the provider. */
    public void apply(HubRequest r) {
        if (maxTokensParam != null) {
            r.maxTokensParam = maxTokensParam;
        }
        for (String p : dropParams) {
            boolean had = switch (p) {
                case "temperature" -> r.temperature != null && (r.temperature = null) == null;
                case "top_p" -> r.topP != null && (r.topP = null) == null;
                case "stop" -> {
                    boolean any = !r.stop.isEmpty();
                    r.stop.clear();
                    yield any;
                }
                case "seed" -> r.seed != null && (r.seed = null) == null;
                case "presence_penalty" -> r.presencePenalty != null && (r.presencePenalty = null) == null;
                case "frequency_penalty" -> r.frequencyPenalty != null && (r.frequencyPenalty = null) == null;
                case "user" -> r.user != null && (r.user = null) == null;
                case "parallel_tool_calls" -> r.parallelToolCalls != null && (r.parallelToolCalls = null) == null;
                case "reasoning_effort" -> r.reasoning != null && (r.reasoning = null) == null;
                case "response_format" -> r.responseFormat != null && (r.responseFormat = null) == null;
                default -> false;
            };
            if (had) {
                r.drop(p);
            }
        }
    }

    public boolean isEmpty() {
        return maxTokensParam == null && dropParams.isEmpty();
    }
}
