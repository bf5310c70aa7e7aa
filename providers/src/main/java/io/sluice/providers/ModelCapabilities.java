package io.sluice.providers;

/**
 * What one model can do, as far as it is known: its {@link ModelLimits}, whether it reasons (takes
 * {@code reasoning_effort} / {@code thinking} / {@code thinkingConfig}), whether it reads images and whether it calls
 * tools. A flag that is not known is null and a limit that is not known is 0: never guessed, and translation only acts
 * on what is known (a model not known to lack reasoning keeps the client's reasoning parameters).
 *
 * @param limits    context window and output cap, 0 where unknown
 * @param reasoning true when the model reasons, false when it is known not to, null when unknown
 * @param vision    true when it reads images, false when known not to, null when unknown
 * @param tools     true when it calls tools, false when known not to, null when unknown
 */
public record ModelCapabilities(ModelLimits limits, Boolean reasoning, Boolean vision, Boolean tools) {

    /** Nothing known. */
    public static final ModelCapabilities UNKNOWN = new ModelCapabilities(ModelLimits.of(0, 0), null, null, null);

    public ModelCapabilities {
        if (limits == null) {
            limits = ModelLimits.of(0, 0);
        }
    }

    /** The three flags, limits unknown. */
    public static ModelCapabilities of(Boolean reasoning, Boolean vision, Boolean tools) {
        return new ModelCapabilities(null, reasoning, vision, tools);
    }

    /** Whether the model is known not to reason: reasoning parameters sent to it are refused upstream. */
    public boolean knownNotToReason() {
        return Boolean.FALSE.equals(reasoning);
    }

    /** The most tokens the model writes in one answer, 0 when unknown. */
    public int maxOutputTokens() {
        return limits.maxOutputTokens();
    }

    public boolean isUnknown() {
        return reasoning == null && vision == null && tools == null && !limits.knowsContext()
                && !limits.knowsOutput();
    }

    /** These capabilities with {@code limits} in place of the current ones. */
    public ModelCapabilities withLimits(ModelLimits newLimits) {
        return new ModelCapabilities(newLimits, reasoning, vision, tools);
    }

    /**
     * These capabilities with what {@code over} knows laid on top (a provider's own report over the catalog): each
     * known figure or flag of {@code over} wins, unknown ones keep this record's.
     */
    public ModelCapabilities with(ModelCapabilities over) {
        if (over == null || over.isUnknown()) {
            return this;
        }
        ModelLimits o = over.limits;
        int context = o.knowsContext() ? o.contextWindow() : limits.contextWindow();
        int output = o.knowsOutput() ? o.maxOutputTokens() : limits.maxOutputTokens();
        ModelLimits merged = context > 0 && output > context ? o : ModelLimits.of(context, output);
        return new ModelCapabilities(merged,
                over.reasoning != null ? over.reasoning : reasoning,
                over.vision != null ? over.vision : vision,
                over.tools != null ? over.tools : tools);
    }
}
