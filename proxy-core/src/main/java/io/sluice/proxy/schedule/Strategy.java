package io.sluice.proxy.schedule;

import java.util.Locale;

/** How a provider's keys are picked among the usable ones. */
public enum Strategy {
    /** Each usable key in turn. */
    ROUND_ROBIN("round-robin"),
    /** Always the first usable key in config order; later keys are spares. */
    PRIORITY("priority"),
    /** The usable key with the fewest exchanges in flight; ties go to the one with fewer requests so far. */
    LEAST_BUSY("least-busy"),
    /** Round-robin over a smooth weighted sequence: key i gets weight[i] / sum of the picks. */
    WEIGHTED("weighted");

    private static final String CHOICES = "round-robin, priority, least-busy, weighted";

    private final String configName;

    Strategy(String configName) {
        this.configName = configName;
    }

    /**
     * "round-robin", "priority", "least-busy", "weighted" (case-insensitive), else {@link IllegalArgumentException}
     * naming the value and the choices.
     */
    public static Strategy parse(String s) {
        if (s != null) {
            String lower = s.toLowerCase(Locale.ROOT);
            for (Strategy strategy : values()) {
                if (strategy.configName.equals(lower)) {
                    return strategy;
                }
            }
        }
        throw new IllegalArgumentException("strategy: " + (s == null ? "null" : "\"" + s + "\"")
                + " (expected: one of " + CHOICES + ")");
    }

    /** The config spelling, e.g. "round-robin". */
    public String configName() {
        return configName;
    }
}
