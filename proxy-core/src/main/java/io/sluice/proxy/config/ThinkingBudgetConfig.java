package io.sluice.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The thinking budget ({@code thinkingBudget:} in YAML, the runtime setting {@code thinking-budget}, OmniRoute's
 * modes): {@code passthrough} leaves requests as sent (the default), {@code auto} strips their thinking or reasoning
 * configuration (the provider decides), {@code custom} sets {@code budget} tokens, {@code adaptive} a budget scaled by
 * the request's size between {@code minBudget} and {@code maxBudget}.
 *
 * @param mode      what to do
 * @param budget    {@code custom}: the budget in tokens, 0 for thinking off
 * @param inject    {@code custom}/{@code adaptive}: also give a budget to requests that did not ask for thinking
 *                  (only for models that can think: limit it with {@code models}); else only requests that carry a
 *                  thinking configuration of their own get the budget
 * @param minBudget {@code adaptive}: the smallest budget (and the base of the formula)
 * @param maxBudget {@code adaptive}: the largest budget
 * @param models    model globs it applies to, matched like the system prompt's; empty for every model
 */
public record ThinkingBudgetConfig(Mode mode, int budget, boolean inject, int minBudget, int maxBudget,
                                   List<String> models) {

    /** OmniRoute's four modes. */
    public enum Mode {
        PASSTHROUGH, AUTO, CUSTOM, ADAPTIVE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The seed's default custom budget. */
    public static final int DEFAULT_BUDGET = 10_240;
    /** Anthropic's smallest budget: below it a budget means little. */
    public static final int DEFAULT_MIN_BUDGET = 1_024;
    /** Gemini 2.5 Flash's largest budget, well inside Anthropic's and Gemini Pro's. */
    public static final int DEFAULT_MAX_BUDGET = 24_576;
    /** The largest budget any of the providers takes (Claude's 128k output). */
    public static final int MAX_BUDGET = 131_072;
    static final List<String> KEYS = List.of("mode", "budget", "customBudget", "inject", "minBudget", "maxBudget",
            "models");
    private static final String EXPECTED_MODE = "passthrough, auto, custom or adaptive";

    /** The JSON form of {@code PUT /api/settings/thinking-budget}: the YAML section's keys. */
    public static final Setting.Codec<ThinkingBudgetConfig> CODEC = new Setting.Codec<>() {
        @Override
        public ThinkingBudgetConfig parse(JsonNode json) {
            return read(ConfigNode.root(json));
        }

        @Override
        public JsonNode write(ThinkingBudgetConfig c) {
            ObjectNode n = Setting.JSON.createObjectNode().put("mode", c.mode().wire()).put("budget", c.budget())
                    .put("inject", c.inject()).put("minBudget", c.minBudget()).put("maxBudget", c.maxBudget());
            c.models().forEach(n.putArray("models")::add);
            return n;
        }
    };

    public ThinkingBudgetConfig {
        Check.notNull("mode", mode, EXPECTED_MODE);
        Check.range("budget", budget, 0, MAX_BUDGET);
        Check.range("minBudget", minBudget, 0, MAX_BUDGET);
        Check.range("maxBudget", maxBudget, 0, MAX_BUDGET);
        if (maxBudget < minBudget) {
            throw ConfigException.invalid("maxBudget", maxBudget, ">= minBudget (" + minBudget + ")");
        }
        models = models == null ? List.of() : List.copyOf(models);
        for (int i = 0; i < models.size(); i++) {
            if (models.get(i) == null || models.get(i).isBlank()) {
                throw ConfigException.invalid("models[" + i + "]", models.get(i), "a model name or glob");
            }
        }
    }

    /** Requests go as sent. */
    public static ThinkingBudgetConfig passthrough() {
        return new ThinkingBudgetConfig(Mode.PASSTHROUGH, DEFAULT_BUDGET, false, DEFAULT_MIN_BUDGET,
                DEFAULT_MAX_BUDGET, List.of());
    }

    /** Whether it may change some request. */
    public boolean active() {
        return mode != Mode.PASSTHROUGH;
    }

    /** Reads the YAML section, or a settings body; errors name the key under {@code n}. */
    static ThinkingBudgetConfig read(ConfigNode n) {
        if (n.isAbsent()) {
            return passthrough();
        }
        n.object(KEYS);
        String text = n.get("mode").string(null, EXPECTED_MODE);
        Mode mode = null;
        if (text == null) {
            mode = Mode.PASSTHROUGH;
        } else {
            for (Mode m : Mode.values()) {
                if (m.wire().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    mode = m;
                }
            }
            if (mode == null) {
                throw n.get("mode").error(EXPECTED_MODE);
            }
        }
        ConfigNode budgetNode = n.get("budget").isAbsent() ? n.get("customBudget") : n.get("budget");
        int budget = budgetNode.intValue(DEFAULT_BUDGET);
        boolean inject = n.get("inject").bool(false);
        int min = n.get("minBudget").intValue(DEFAULT_MIN_BUDGET);
        int max = n.get("maxBudget").intValue(Math.max(min, DEFAULT_MAX_BUDGET));
        List<String> models = n.get("models").strings();
        Mode m = mode;
        try {
            return new ThinkingBudgetConfig(m, budget, inject, min, max, models);
        } catch (ConfigException e) {
            // "budget" may have been spelled as the seed's customBudget
            ConfigException named = e.key().equals("budget") && n.get("budget").isAbsent()
                    ? ConfigException.invalid("customBudget", budget, "0.." + MAX_BUDGET) : e;
            throw named.under(n.path());
        }
    }
}
