package io.sluice.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The global system prompt ({@code systemPrompt:} in YAML, the runtime setting {@code system-prompt}): rules, each a
 * prompt, a mode and the requests it is for (client key names, model globs); the first rule that matches a request
 * is applied, then the top-level {@code prompt} for every request no rule took. Off by default.
 *
 * @param enabled whether any prompt is applied (false keeps the rules, unused)
 * @param prompt  the prompt for every request no rule matched, or null
 * @param mode    how {@code prompt} meets the client's system prompt
 * @param rules   rules tried in order before {@code prompt}
 */
public record SystemPromptConfig(boolean enabled, String prompt, Mode mode, List<Rule> rules) {

    /** How the prompt meets the client's own system prompt. */
    public enum Mode {
        PREPEND, APPEND, REPLACE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Mode parse(ConfigNode n, Mode fallback) {
            String text = n.string(null, EXPECTED_MODE);
            if (text == null) {
                return fallback;
            }
            for (Mode m : values()) {
                if (m.wire().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw n.error(EXPECTED_MODE);
        }
    }

    /**
     * One rule.
     *
     * @param prompt     the system prompt
     * @param mode       how it meets the client's
     * @param clientKeys client key names it is for ({@code anonymous}: requests without one); empty for any
     * @param models     model globs it is for ({@code *} matches anything, {@code /} included), matched against the
     *                   model asked for, {@code provider/model} and the provider's model; empty for any
     */
    public record Rule(String prompt, Mode mode, List<String> clientKeys, List<String> models) {
        public Rule {
            checkPrompt("prompt", prompt);
            Check.notNull("mode", mode, "prepend, append or replace");
            clientKeys = clientKeys == null ? List.of() : List.copyOf(clientKeys);
            models = models == null ? List.of() : List.copyOf(models);
            for (int i = 0; i < models.size(); i++) {
                if (models.get(i) == null || models.get(i).isBlank()) {
                    throw ConfigException.invalid("models[" + i + "]", models.get(i), "a model name or glob");
                }
            }
            for (int i = 0; i < clientKeys.size(); i++) {
                if (clientKeys.get(i) == null || clientKeys.get(i).isBlank()) {
                    throw ConfigException.invalid("clientKeys[" + i + "]", clientKeys.get(i), "a client key name");
                }
            }
        }
    }

    /** The mode of a prompt that names none: after the client's (the seed's {@code prompt} is a suffix). */
    public static final Mode DEFAULT_MODE = Mode.APPEND;
    /** The longest prompt: it goes into every request it matches. */
    public static final int MAX_PROMPT_CHARS = 100_000;
    public static final int MAX_RULES = 1_000;
    static final List<String> KEYS = List.of("enabled", "prompt", "mode", "rules");
    static final List<String> RULE_KEYS = List.of("prompt", "mode", "clientKeys", "models");
    private static final String EXPECTED_MODE = "prepend, append or replace";

    /** The JSON form of {@code PUT /api/settings/system-prompt}: the YAML section's keys. */
    public static final Setting.Codec<SystemPromptConfig> CODEC = new Setting.Codec<>() {
        @Override
        public SystemPromptConfig parse(JsonNode json) {
            return read(ConfigNode.root(json));
        }

        @Override
        public JsonNode write(SystemPromptConfig c) {
            ObjectNode n = Setting.JSON.createObjectNode().put("enabled", c.enabled());
            if (c.prompt() != null) {
                n.put("prompt", c.prompt());
            }
            n.put("mode", c.mode().wire());
            ArrayNode rules = n.putArray("rules");
            for (Rule r : c.rules()) {
                ObjectNode o = rules.addObject().put("prompt", r.prompt()).put("mode", r.mode().wire());
                r.clientKeys().forEach(o.putArray("clientKeys")::add);
                r.models().forEach(o.putArray("models")::add);
            }
            return n;
        }
    };

    public SystemPromptConfig {
        mode = mode == null ? DEFAULT_MODE : mode;
        rules = rules == null ? List.of() : List.copyOf(rules);
        if (prompt != null) {
            checkPrompt("prompt", prompt);
        }
        if (rules.size() > MAX_RULES) {
            throw ConfigException.invalid("rules", rules.size() + " rules", "at most " + MAX_RULES);
        }
        if (enabled && prompt == null && rules.isEmpty()) {
            throw ConfigException.missing("prompt", "a prompt or rules, since the system prompt is enabled");
        }
    }

    /** No system prompt. */
    public static SystemPromptConfig off() {
        return new SystemPromptConfig(false, null, DEFAULT_MODE, List.of());
    }

    /** Whether a prompt may apply to some request. */
    public boolean active() {
        return enabled && (prompt != null || !rules.isEmpty());
    }

    /**
     * Reads the YAML section, or a settings body: {@code enabled} defaults to true when a prompt or rules are given.
     * Errors name the key under {@code n}.
     */
    static SystemPromptConfig read(ConfigNode n) {
        if (n.isAbsent()) {
            return off();
        }
        n.object(KEYS);
        String prompt = n.get("prompt").string(null, "the system prompt text");
        Mode mode = Mode.parse(n.get("mode"), DEFAULT_MODE);
        List<Rule> rules = new ArrayList<>();
        for (ConfigNode r : n.get("rules").elements("a list of rules, each {prompt, mode, clientKeys, models}")) {
            r.object(RULE_KEYS);
            String text = r.get("prompt").string(null, "the system prompt text");
            if (text == null) {
                throw ConfigException.missing(r.get("prompt").path(), "the system prompt text");
            }
            Mode m = Mode.parse(r.get("mode"), DEFAULT_MODE);
            List<String> keys = r.get("clientKeys").strings();
            List<String> models = r.get("models").strings();
            rules.add(Records.build(r, () -> new Rule(text, m, keys, models)));
        }
        boolean enabled = n.get("enabled").bool(prompt != null || !rules.isEmpty());
        return Records.build(n, () -> new SystemPromptConfig(enabled, prompt, mode, rules));
    }

    private static void checkPrompt(String key, String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw ConfigException.invalid(key, prompt, "a non-empty text");
        }
        if (prompt.length() > MAX_PROMPT_CHARS) {
            throw ConfigException.invalid(key, prompt.length() + " characters", "at most " + MAX_PROMPT_CHARS);
        }
    }
}
