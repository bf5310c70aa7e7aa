package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.openai.client.OpenAIClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official SDKs as clients of a coalesced answer: two OpenAI SDK streams share one upstream call, two Anthropic
 * SDK streams (translated from an OpenAI upstream) share another, each parsed by its SDK as a whole answer in its own
 * dialect. An OpenAI and an Anthropic client asking the same thing do not share: the signature includes the client's
 * dialect (README, Dedup).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DedupSdkTest {

    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private TestUpstream upstream;
    private SluiceServer sluice;
    private OpenAIClient openAi1;
    private OpenAIClient openAi2;
    private AnthropicClient anthropic1;
    private AnthropicClient anthropic2;

    @BeforeEach
    void start() throws InterruptedException {
        // The first event, then a wait at the gate the test opens once every client is in, then the rest.
        List<String> events = OpenAiSdkTest.TEXT_EVENTS;
        upstream = new TestUpstream(r -> {
            Reply reply = Reply.sse(events.get(0)).waitFor(gate);
            events.subList(1, events.size()).forEach(reply::part);
            return reply;
        });
        sluice = TestConfig.startYaml(config().openAiCompatible("oa", upstream, "gpt-4o-mini").yaml()
                .replace("ioThreads: 1", "ioThreads: 2") + "dedup:\n  enabled: true\n");
        openAi1 = Sdks.openAi(sluice, Sdks.CLIENT_KEY);
        openAi2 = Sdks.openAi(sluice, Sdks.CLIENT_KEY);
        anthropic1 = Sdks.anthropic(sluice, Sdks.CLIENT_KEY);
        anthropic2 = Sdks.anthropic(sluice, Sdks.CLIENT_KEY);
    }

    @AfterEach
    void close() {
        gate.complete(null);
        openAi1.close();
        openAi2.close();
        anthropic1.close();
        anthropic2.close();
        sluice.close();
        upstream.close();
    }

    private static ChatCompletionCreateParams openAiParams() {
        return ChatCompletionCreateParams.builder().model("oa/gpt-4o-mini").addUserMessage("Say it, once.")
                .temperature(0.0).streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
    }

    private static MessageCreateParams anthropicParams() {
        return MessageCreateParams.builder().model("oa/gpt-4o-mini").maxTokens(64).addUserMessage("Say it, once.")
                .build();
    }

    @Test
    void twoOpenAiSdkStreamsShareOneUpstreamCall() throws Exception {
        var first = openAi1.chat().completions().withRawResponse().createStreaming(openAiParams());
        assertThat(first.headers().values("X-Sluice-Cache")).containsExactly("miss");
        try (var s1 = first.parse()) {
            Iterator<ChatCompletionChunk> it1 = s1.stream().iterator();
            ChatCompletionAccumulator acc1 = ChatCompletionAccumulator.create();
            acc1.accumulate(it1.next()); // the role chunk: the answer is in flight now
            var second = openAi2.chat().completions().withRawResponse().createStreaming(openAiParams());
            assertThat(second.headers().values("X-Sluice-Cache")).containsExactly("coalesced");
            try (var s2 = second.parse()) {
                Iterator<ChatCompletionChunk> it2 = s2.stream().iterator();
                ChatCompletionAccumulator acc2 = ChatCompletionAccumulator.create();
                acc2.accumulate(it2.next());
                gate.complete(null);
                it1.forEachRemaining(acc1::accumulate);
                it2.forEachRemaining(acc2::accumulate);
                for (ChatCompletion c : List.of(acc1.chatCompletion(), acc2.chatCompletion())) {
                    assertThat(c.choices().get(0).message().content()).hasValue("Sluice relays every byte.");
                    assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(12);
                    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(4);
                }
            }
        }
        upstream.take();
        assertThat(upstream.requestsWaiting()).as("one upstream call").isZero();
    }

    @Test
    void twoAnthropicSdkStreamsShareOneTranslatedCall() throws Exception {
        var first = anthropic1.messages().withRawResponse().createStreaming(anthropicParams());
        assertThat(first.headers().values("X-Sluice-Cache")).containsExactly("miss");
        try (var s1 = first.parse()) {
            Iterator<RawMessageStreamEvent> it1 = s1.stream().iterator();
            MessageAccumulator acc1 = MessageAccumulator.create();
            acc1.accumulate(it1.next()); // message_start
            var second = anthropic2.messages().withRawResponse().createStreaming(anthropicParams());
            assertThat(second.headers().values("X-Sluice-Cache")).containsExactly("coalesced");
            try (var s2 = second.parse()) {
                Iterator<RawMessageStreamEvent> it2 = s2.stream().iterator();
                MessageAccumulator acc2 = MessageAccumulator.create();
                acc2.accumulate(it2.next());
                gate.complete(null);
                it1.forEachRemaining(acc1::accumulate);
                it2.forEachRemaining(acc2::accumulate);
                for (Message m : List.of(acc1.message(), acc2.message())) {
                    assertThat(m.content()).hasSize(1);
                    assertThat(m.content().get(0).asText().text()).isEqualTo("Sluice relays every byte.");
                    assertThat(m.stopReason()).contains(StopReason.END_TURN);
                    assertThat(m.usage().outputTokens()).isEqualTo(4);
                }
            }
        }
        upstream.take();
        assertThat(upstream.requestsWaiting()).as("one upstream call").isZero();
    }

    @Test
    void anOpenAiAndAnAnthropicClientEachGetTheirOwnDialect() throws Exception {
        gate.complete(null);
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        try (var s = openAi1.chat().completions().createStreaming(openAiParams())) {
            s.stream().forEach(acc::accumulate);
        }
        MessageAccumulator m = MessageAccumulator.create();
        var raw = anthropic1.messages().withRawResponse().createStreaming(anthropicParams());
        assertThat(raw.headers().values("X-Sluice-Cache")).containsExactly("miss");
        try (var s = raw.parse()) {
            s.stream().forEach(m::accumulate);
        }
        assertThat(acc.chatCompletion().choices().get(0).message().content()).hasValue("Sluice relays every byte.");
        assertThat(m.message().content().get(0).asText().text()).isEqualTo("Sluice relays every byte.");
        upstream.take();
        upstream.take();
        // And each one's repeat is a hit in its own dialect.
        MessageAccumulator again = MessageAccumulator.create();
        var hit = anthropic2.messages().withRawResponse().createStreaming(anthropicParams());
        assertThat(hit.headers().values("X-Sluice-Cache")).containsExactly("hit");
        try (var s = hit.parse()) {
            s.stream().forEach(again::accumulate);
        }
        assertThat(again.message().content().get(0).asText().text()).isEqualTo("Sluice relays every byte.");
        assertThat(upstream.requestsWaiting()).isZero();
    }
}
