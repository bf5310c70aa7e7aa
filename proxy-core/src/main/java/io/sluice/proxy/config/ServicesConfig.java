package io.sluice.proxy.config;

/**
 * The request services around routing, each read from its own YAML section.
 *
 * @param claudeCliBypass Claude Code's housekeeping requests answered locally ({@code claudeCliBypass:})
 */
public record ServicesConfig(BypassConfig claudeCliBypass) {

    public ServicesConfig {
        claudeCliBypass = claudeCliBypass == null ? BypassConfig.defaults() : claudeCliBypass;
    }

    public static ServicesConfig defaults() {
        return new ServicesConfig(null);
    }
}
