package io.sluice.proxy.rewrite;

import io.netty.buffer.ByteBuf;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.rewrite.BodyRewriter;
import io.sluice.codec.rewrite.PromptMode;
import io.sluice.codec.rewrite.RequestSize;
import io.sluice.codec.rewrite.Rewrite;
import io.sluice.codec.rewrite.RewritePlan;
import io.sluice.proxy.config.Setting;
import io.sluice.proxy.config.SystemPromptConfig;
import io.sluice.proxy.config.ThinkingBudgetConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * The global system prompt and the thinking budget as one request gets them, from the settings in force (read once
 * per request: a change applies from the next one). Two steps: at the request head, {@link #outline} says whether the
 * body must be outlined as it arrives (nothing more is recorded while both are off); with the whole body,
 * {@link #prepare} matches the rules, sizes an adaptive budget and works out the edits, counting what acts.
 */
public final class RequestRewrites {

    /** Adaptive budget: tokens per message of the conversation. */
    public static final int PER_MESSAGE = 256;
    /** Adaptive budget: tokens per declared tool. */
    public static final int PER_TOOL = 512;
    /** Adaptive budget: one budget token per this many estimated prompt tokens. */
    public static final int PROMPT_TOKENS_PER_TOKEN = 4;

    /** A rule with its model globs compiled. */
    private record PromptRule(Rewrite.SystemPrompt prompt, List<String> clients, ModelPatterns models) {
    }

    private record PromptRules(boolean active, List<PromptRule> rules) {
    }

    private record Thinking(ThinkingBudgetConfig config, ModelPatterns models) {
    }

    /** What a request got. */
    public record Applied(RewritePlan plan, String promptMode, String thinkingMode, int thinkingBudget) {

        public static final Applied NONE = new Applied(RewritePlan.NONE, null, null, -1);

        public boolean isEmpty() {
            return plan.isEmpty();
        }

        /** For logs: {@code system prompt append, thinking custom 4096}; empty when nothing acted. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            if (promptMode != null) {
                sb.append("system prompt ").append(promptMode);
            }
            if (thinkingMode != null) {
                sb.append(sb.isEmpty() ? "" : ", ").append("thinking ").append(thinkingMode);
                if (thinkingBudget >= 0) {
                    sb.append(' ').append(thinkingBudget);
                }
            }
            return sb.toString();
        }
    }

    private final SluiceMetrics metrics;
    private volatile PromptRules prompt;
    private volatile Thinking thinking;

    public RequestRewrites(Setting<SystemPromptConfig> prompt, Setting<ThinkingBudgetConfig> thinking,
                           SluiceMetrics metrics) {
        this.metrics = metrics;
        this.prompt = compile(prompt.get());
        this.thinking = new Thinking(thinking.get(), new ModelPatterns(thinking.get().models()));
        prompt.onChange(c -> this.prompt = compile(c));
        thinking.onChange(c -> this.thinking = new Thinking(c, new ModelPatterns(c.models())));
    }

    private static PromptRules compile(SystemPromptConfig c) {
        List<PromptRule> rules = new ArrayList<>();
        for (SystemPromptConfig.Rule r : c.rules()) {
            rules.add(new PromptRule(new Rewrite.SystemPrompt(mode(r.mode()), r.prompt()), r.clientKeys(),
                    new ModelPatterns(r.models())));
        }
        if (c.prompt() != null) {
            rules.add(new PromptRule(new Rewrite.SystemPrompt(mode(c.mode()), c.prompt()), List.of(),
                    new ModelPatterns(List.of())));
        }
        return new PromptRules(c.active(), List.copyOf(rules));
    }

    private static PromptMode mode(SystemPromptConfig.Mode m) {
        return PromptMode.valueOf(m.name());
    }

    /** A new outline for a body of dialect {@code d} when a rewrite may apply; null when both are off. */
    public RequestOutline outline(Dialect d) {
        return prompt.active() || thinking.config().active() ? BodyRewriter.of(d).outline() : null;
    }

    /**
     * What the request gets, and counts it.
     *
     * @param outline  the complete outline of {@code body}, or null (nothing applies)
     * @param client   the client key's name, or null without one ({@code anonymous} in rules)
     * @param model    the model the client asked for
     * @throws RequestException when a member the rewrite touches is there twice (400)
     */
    public Applied prepare(Dialect d, RequestOutline outline, ByteBuf body, String client, String model,
                           String provider, String upstreamModel) throws RequestException {
        if (outline == null) {
            return Applied.NONE;
        }
        BodyRewriter rewriter = BodyRewriter.of(d);
        Rewrite.SystemPrompt p = match(prompt, client == null ? "anonymous" : client, model, provider, upstreamModel);
        Thinking t = thinking;
        ThinkingBudgetConfig tc = t.config();
        Rewrite.Thinking th = null;
        if (tc.active() && t.models().matches(model, provider, upstreamModel)) {
            th = switch (tc.mode()) {
                case AUTO -> Rewrite.Thinking.stripped();
                case CUSTOM -> Rewrite.Thinking.budget(tc.budget(), tc.inject());
                case ADAPTIVE -> Rewrite.Thinking.budget(adaptive(rewriter.size(outline, body.readableBytes()),
                        tc.minBudget(), tc.maxBudget()), tc.inject());
                case PASSTHROUGH -> null;
            };
        }
        if (p == null && th == null) {
            return Applied.NONE;
        }
        RewritePlan plan = rewriter.plan(outline, body, new Rewrite(p, th));
        if (plan.isEmpty()) {
            return Applied.NONE;
        }
        Rewrite acted = plan.effective();
        String promptMode = acted.systemPrompt() == null ? null : acted.systemPrompt().mode().wire();
        String thinkingMode = acted.thinking() == null ? null : tc.mode().wire();
        int budget = acted.thinking() == null || acted.thinking().strip() ? -1 : acted.thinking().budget();
        if (promptMode != null) {
            metrics.systemPromptApplied(promptMode);
        }
        if (thinkingMode != null) {
            metrics.thinkingBudgetApplied(thinkingMode);
        }
        return new Applied(plan, promptMode, thinkingMode, budget);
    }

    private static Rewrite.SystemPrompt match(PromptRules rules, String client, String model, String provider,
                                              String upstreamModel) {
        if (!rules.active()) {
            return null;
        }
        for (PromptRule r : rules.rules()) {
            if ((r.clients().isEmpty() || r.clients().contains(client))
                    && r.models().matches(model, provider, upstreamModel)) {
                return r.prompt();
            }
        }
        return null;
    }

    /**
     * The adaptive budget: {@code min + 256 × messages + 512 × tools + promptTokens / 4}, at most {@code max}, where
     * prompt tokens are estimated as body bytes / 4.
     */
    public static int adaptive(RequestSize size, int min, int max) {
        long budget = (long) min + (long) PER_MESSAGE * size.messages() + (long) PER_TOOL * size.tools()
                + size.promptTokens() / PROMPT_TOKENS_PER_TOKEN;
        return (int) Math.max(min, Math.min(max, budget));
    }
}
