package io.sluice.proxy.config;

/**
 * Which of Claude Code's housekeeping requests Sluice answers itself, without a provider call (the seed's
 * {@code bypassHandler}): only requests from Claude Code ({@code User-Agent: claude-cli/...} or {@code x-app: cli})
 * to {@code /v1/messages}.
 *
 * @param enabled whether any is answered locally
 * @param warmup  the warm-up ({@code "Warmup"} as the only message): answered {@code OK}
 * @param quota   the start-up quota check ({@code "quota"}, {@code max_tokens} 1): answered {@code OK}
 * @param title   title and topic requests: answered with a title cut from the conversation's first user line, and
 *                "no new topic"; off by default, since it changes the titles the user sees
 */
public record BypassConfig(boolean enabled, boolean warmup, boolean quota, boolean title) {

    public static BypassConfig defaults() {
        return new BypassConfig(true, true, true, false);
    }
}
