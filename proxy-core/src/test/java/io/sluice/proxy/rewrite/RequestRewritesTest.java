package io.sluice.proxy.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.codec.json.RequestOutline;
import io.sluice.codec.rewrite.RequestSize;
import io.sluice.proxy.config.Setting;
import io.sluice.proxy.config.SettingsStore;
import io.sluice.proxy.config.SystemPromptConfig;
import io.sluice.proxy.config.ThinkingBudgetConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The policy: which rule a request gets, when nothing is outlined, the adaptive formula, what is counted. */
class RequestRewritesTest {

    private final SluiceMetrics metrics = new SluiceMetrics();
    private final SettingsStore store = SettingsStore.inMemory();
    private final Setting<SystemPromptConfig> prompt = store.register("system-prompt", new SystemPromptConfig(true,
            "Everyone.", SystemPromptConfig.Mode.APPEND, List.of(
                    new SystemPromptConfig.Rule("Anonymous.", SystemPromptConfig.Mode.PREPEND, List.of("anonymous"),
                            List.of("gpt-*")),
                    new SystemPromptConfig.Rule("Routed.", SystemPromptConfig.Mode.REPLACE, List.of(),
                            List.of("oa/*")))), SystemPromptConfig.CODEC);
    private final Setting<ThinkingBudgetConfig> thinking = store.register("thinking-budget",
            ThinkingBudgetConfig.passthrough(), ThinkingBudgetConfig.CODEC);
    private final RequestRewrites rewrites = new RequestRewrites(prompt, thinking, metrics);

    @AfterEach
    void close() {
        metrics.close();
    }

    private RequestRewrites.Applied prepare(String client, String model, String provider, String upstream) {
        String json = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        RequestOutline outline = rewrites.outline(Dialects.OPENAI);
        ChatRequestScanner scanner = new ChatRequestScanner(outline);
        ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        try {
            scanner.feed(body);
            scanner.end();
            return rewrites.prepare(Dialects.OPENAI, outline, body, client, model, provider, upstream);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            body.release();
        }
    }

    private double count(String name, String mode) {
        var c = metrics.registry().find(name).tag("mode", mode).counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void theFirstMatchingRuleWinsThenTheTopLevelPrompt() {
        assertThat(prepare(null, "gpt-4o", "x", "gpt-4o").promptMode()).isEqualTo("prepend");
        assertThat(prepare("team", "gpt-4o", "oa", "gpt-4o").promptMode()).isEqualTo("replace");
        assertThat(prepare("team", "fast", "oa", "gpt-4o").promptMode()).isEqualTo("replace"); // an alias of oa's
        RequestRewrites.Applied other = prepare("team", "claude", "an", "claude");
        assertThat(other.promptMode()).isEqualTo("append");
        assertThat(other.describe()).isEqualTo("system prompt append");
        assertThat(other.plan().edits()).hasSize(1);
        assertThat(count("sluice.system.prompt.applied", "append")).isEqualTo(1);
        assertThat(count("sluice.system.prompt.applied", "replace")).isEqualTo(2);
        assertThat(count("sluice.thinking.budget.applied", "custom")).isZero();
    }

    @Test
    void nothingIsOutlinedOrChangedWhileBothAreOff() throws Exception {
        prompt.set(SystemPromptConfig.off());
        assertThat(rewrites.outline(Dialects.ANTHROPIC)).isNull();
        assertThat(rewrites.prepare(Dialects.OPENAI, null, Unpooled.EMPTY_BUFFER, null, "m", "p", "m").isEmpty())
                .isTrue();
        thinking.set(new ThinkingBudgetConfig(ThinkingBudgetConfig.Mode.CUSTOM, 1024, true, 1024, 2048, List.of()));
        assertThat(rewrites.outline(Dialects.ANTHROPIC)).isNotNull();
        RequestRewrites.Applied a = prepare(null, "o3", "oa", "o3");
        assertThat(a.describe()).isEqualTo("thinking custom 1024");
        assertThat(count("sluice.thinking.budget.applied", "custom")).isEqualTo(1);
    }

    @Test
    void theAdaptiveFormula() {
        assertThat(RequestRewrites.adaptive(new RequestSize(1, 0, 40), 1024, 24576)).isEqualTo(1024 + 256 + 10);
        assertThat(RequestRewrites.adaptive(new RequestSize(6, 2, 2000), 1024, 24576))
                .isEqualTo(1024 + 6 * 256 + 2 * 512 + 500);
        assertThat(RequestRewrites.adaptive(new RequestSize(200, 40, 100_000), 1024, 24576)).isEqualTo(24576);
        assertThat(RequestRewrites.adaptive(new RequestSize(0, 0, 0), 2048, 4096)).isEqualTo(2048);
        assertThat(RequestRewrites.adaptive(new RequestSize(Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE),
                0, 131_072)).isEqualTo(131_072);
    }
}
