package io.sluice.providers;

import io.sluice.codec.hub.HubRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What a translated request may not ask of the model it is written for, by its {@link ModelCapabilities}: reasoning
 * parameters go for a model known not to reason (OpenAI, Azure and Copilot answer 400 for {@code reasoning_effort} on
 * gpt-4o or gpt-4.1), and the output cap comes down to the model's known maximum (gpt-4o writes at most 16,384 tokens
 * and refuses a request for more). What is unknown is left alone. A same-dialect passthrough is never changed: its
 * client chose the parameters for that API and gets the provider's own answer.
 */
public final class CapabilityRules {

    private CapabilityRules() {
    }

    /**
     * Applies the rules to {@code r}, about to be written for a model with {@code caps}; returns what changed, for a
     * debug line, empty when nothing did. The caller restores {@link HubRequest#reasoning} and
     * {@link HubRequest#maxTokens} before writing the request for another model.
     */
    public static List<String> apply(HubRequest r, ModelCapabilities caps) {
        List<String> changed = new ArrayList<>(0);
        if (r.reasoning != null && caps.knownNotToReason()) {
            changed.add("dropped reasoning " + describe(r) + " (the model does not reason)");
            r.reasoning = null;
        }
        int cap = caps.maxOutputTokens();
        if (cap > 0 && r.maxTokens != null && r.maxTokens > cap) {
            changed.add("clamped max tokens " + r.maxTokens + " to the model's " + cap);
            r.maxTokens = cap;
        }
        return changed;
    }

    private static String describe(HubRequest r) {
        return r.reasoning.budgetTokens() != null ? "budget " + r.reasoning.budgetTokens()
                : "effort " + r.reasoning.effort();
    }
}
