package io.sluice.proxy.config;

/**
 * The request services around routing, each read from its own YAML section.
 *
 * @param claudeCliBypass Claude Code's housekeeping requests answered locally ({@code claudeCliBypass:})
 * @param tts             the speech upstream of {@code /tts} ({@code tts:}), off unless configured
 */
public record ServicesConfig(BypassConfig claudeCliBypass, TtsConfig tts) {

    public ServicesConfig {
        claudeCliBypass = claudeCliBypass == null ? BypassConfig.defaults() : claudeCliBypass;
        tts = tts == null ? TtsConfig.off() : tts;
    }

    public ServicesConfig(BypassConfig claudeCliBypass) {
        this(claudeCliBypass, null);
    }

    public static ServicesConfig defaults() {
        return new ServicesConfig(null, null);
    }
}
