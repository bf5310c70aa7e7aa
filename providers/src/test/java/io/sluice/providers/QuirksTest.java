package io.sluice.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.Message;
import io.sluice.codec.hub.Reasoning;
import io.sluice.codec.hub.ResponseFormat;
import io.sluice.codec.hub.Role;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Quirks} on a {@link HubRequest}, and what the OpenAI writer then sends. Buffers come from a leak-tracked
 * allocator; the codec test-jar's {@code LeakFailExtension}, auto-registered for every test through its
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension} (as in codec), fails any test that leaks one.
 */
class QuirksTest {

    /**
     * Direct buffers with leak detection on: PARANOID tracks every buffer this hands out. (Its heap buffers would not
     * be tracked at all: Netty wraps only the unpooled allocator's direct buffers in a leak-aware buffer.)
     */
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true, false);

    private static HubRequest request() {
        HubRequest r = new HubRequest();
        r.model = "llama3.2";
        r.messages.add(Message.text(Role.USER, "hi"));
        r.maxTokens = 64;
        return r;
    }

    /** A request with every droppable parameter set. */
    private static HubRequest full() {
        HubRequest r = request();
        r.temperature = 0.2;
        r.topP = 0.9;
        r.stop.add("END");
        r.seed = 7L;
        r.presencePenalty = 0.1;
        r.frequencyPenalty = 0.3;
        r.user = "u-1";
        r.parallelToolCalls = false;
        r.reasoning = Reasoning.ofEffort("low");
        r.responseFormat = ResponseFormat.JSON_OBJECT;
        return r;
    }

    private static String writeOpenAi(HubRequest r) {
        ByteBuf out = Dialects.OPENAI.writeRequest(r, ALLOC);
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    /** A top-level JSON key as the writer emits it (compact), so {@code "role":"user"} is not the {@code user} key. */
    private static String key(String name) {
        return "\"" + name + "\":";
    }

    @Test
    void maxTokensParam() {
        HubRequest r = request();
        new Quirks("max_tokens", Set.of()).apply(r);
        assertThat(r.maxTokensParam).isEqualTo("max_tokens");
        assertThat(r.maxTokens).isEqualTo(64);
        assertThat(r.dropped()).isEmpty();

        HubRequest preset = request();
        preset.maxTokensParam = "max_completion_tokens";
        Quirks.NONE.apply(preset);
        assertThat(preset.maxTokensParam).as("a null maxTokensParam changes nothing")
                .isEqualTo("max_completion_tokens");
        HubRequest fresh = request();
        Quirks.NONE.apply(fresh);
        assertThat(fresh.maxTokensParam).isNull();
    }

    @Test
    void dropsEverySetParameterAndRecordsIt() {
        HubRequest r = full();
        new Quirks(null, new HashSet<>(Quirks.DROPPABLE)).apply(r);
        assertThat(r.temperature).isNull();
        assertThat(r.topP).isNull();
        assertThat(r.stop).isEmpty();
        assertThat(r.seed).isNull();
        assertThat(r.presencePenalty).isNull();
        assertThat(r.frequencyPenalty).isNull();
        assertThat(r.user).isNull();
        assertThat(r.parallelToolCalls).isNull();
        assertThat(r.reasoning).isNull();
        assertThat(r.responseFormat).isNull();
        assertThat(r.dropped()).containsExactlyInAnyOrderElementsOf(Quirks.DROPPABLE);
        assertThat(r.maxTokens).as("the cap is renamed, never dropped").isEqualTo(64);
        assertThat(r.messages).hasSize(1);
    }

    @Test
    void recordsOnlyWhatWasSet() {
        HubRequest unset = request();
        new Quirks(null, new HashSet<>(Quirks.DROPPABLE)).apply(unset);
        assertThat(unset.dropped()).isEmpty();

        HubRequest r = request();
        r.temperature = 1.0;
        r.stop.add("x");
        r.seed = 1L;
        new Quirks(null, Set.of("temperature", "top_p", "stop", "user")).apply(r);
        assertThat(r.temperature).isNull();
        assertThat(r.stop).isEmpty();
        assertThat(r.seed).as("not named by the quirk").isEqualTo(1L);
        assertThat(r.dropped()).containsExactlyInAnyOrder("temperature", "stop");
    }

    @Test
    void eachDroppableAloneOnTheWire() {
        String all = writeOpenAi(full());
        for (String param : Quirks.DROPPABLE) {
            assertThat(all).as("without quirks: %s", param).contains(key(param));
            HubRequest r = full();
            new Quirks(null, Set.of(param)).apply(r);
            assertThat(r.dropped()).as("dropped: %s", param).containsExactly(param);
            String json = writeOpenAi(r);
            assertThat(json).as("dropping %s", param).doesNotContain(key(param));
            for (String other : Quirks.DROPPABLE) {
                if (!other.equals(param)) {
                    assertThat(json).as("dropping %s keeps %s", param, other).contains(key(other));
                }
            }
        }
    }

    @Test
    void droppedKeepsEarlierEntriesAndApplyingTwiceIsHarmless() {
        HubRequest r = request();
        r.drop("top_k");
        r.drop("temperature");
        r.temperature = 0.5;
        new Quirks(null, Set.of("temperature")).apply(r);
        assertThat(r.dropped()).containsExactly("top_k", "temperature");

        HubRequest twice = full();
        Quirks q = new Quirks("max_tokens", Set.of("seed"));
        q.apply(twice);
        q.apply(twice);
        assertThat(twice.dropped()).containsExactly("seed");
        assertThat(twice.maxTokensParam).isEqualTo("max_tokens");
    }

    @Test
    void validation() {
        for (String param : List.of("top_k", "max_tokens", "model", "messages", "Temperature", "")) {
            assertThatThrownBy(() -> new Quirks(null, Set.of(param))).as("dropParams %s", param)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("dropParams: " + param + " ");
        }
        for (String param : List.of("maxTokens", "max_output_tokens", "MAX_TOKENS", "")) {
            assertThatThrownBy(() -> new Quirks(param, Set.of())).as("maxTokensParam %s", param)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("maxTokensParam: " + param + " ");
        }
        assertThat(new Quirks("max_completion_tokens", null).dropParams()).isEmpty();
        assertThat(new Quirks(null, null).isEmpty()).isTrue();
        assertThat(Quirks.NONE.isEmpty()).isTrue();
        assertThat(new Quirks("max_tokens", Set.of()).isEmpty()).isFalse();
        assertThat(new Quirks(null, Set.of("seed")).isEmpty()).isFalse();

        Set<String> params = new HashSet<>(Set.of("seed"));
        Quirks copied = new Quirks(null, params);
        params.add("user");
        assertThat(copied.dropParams()).containsExactly("seed");
        assertThatThrownBy(() -> copied.dropParams().add("user")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void openAiWriterSendsMaxTokensAfterTheQuirk() {
        HubRequest r = request();
        new Quirks("max_tokens", Set.of()).apply(r);
        String json = writeOpenAi(r);
        assertThat(json).contains("\"max_tokens\":64").doesNotContain("max_completion_tokens");
    }

    @Test
    void openAiWriterDefaultsToMaxCompletionTokens() {
        HubRequest r = request();
        Quirks.NONE.apply(r);
        String json = writeOpenAi(r);
        assertThat(json).contains("\"max_completion_tokens\":64").doesNotContain(key("max_tokens"));
    }

    @Test
    void ollamaDescriptorQuirksReachTheWire() {
        HubRequest r = full();
        new ProviderCatalog(ProviderCatalog.BUILT_IN).byType("ollama").quirks().apply(r);
        String json = writeOpenAi(r);
        assertThat(json).contains("\"max_tokens\":64").doesNotContain("max_completion_tokens")
                .contains("\"temperature\":0.2");
        assertThat(r.dropped()).isEmpty();
    }
}
