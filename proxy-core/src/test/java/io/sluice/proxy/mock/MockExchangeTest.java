package io.sluice.proxy.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.testing.PooledChunks;
import io.sluice.codec.testing.PooledChunks.Memory;
import io.sluice.providers.Operation;
import io.sluice.proxy.config.MockSettings;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.exchange.Outcome;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** {@link MockExchange} writing into a recording {@link ResponseSink} on an EmbeddedChannel's event loop. */
class MockExchangeTest {

    private final RecordingSink sink = new RecordingSink();
    private CompositeByteBuf body;

    @AfterEach
    void tearDown() {
        sink.loop.finishAndReleaseAll();
        assertThat(body.refCnt()).as("request body released by the exchange").isZero();
    }

    private MockExchange exchange(String model, String json, boolean stream, boolean includeUsage, int size,
                                  MockSettings settings) {
        body = ByteBufAllocator.DEFAULT.compositeBuffer(Integer.MAX_VALUE);
        for (ByteBuf chunk : PooledChunks.split(json, size, Memory.MIXED)) {
            body.addComponent(true, chunk);
        }
        UpstreamRequest request = new UpstreamRequest("mock/" + model, ProviderConfig.mock("mock"), model, stream,
                includeUsage, -1, -1, body, Dialects.OPENAI, null, null, null, Operation.CHAT, null);
        return new MockExchange(request, sink, settings, sink);
    }

    private static String messages(String userText) {
        return "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"" + userText + "\"}]}";
    }

    private static MockSettings settings(long delayMillis, int words) {
        return new MockSettings(Duration.ofMillis(delayMillis), words);
    }

    private JsonNode completion() {
        assertThat(sink.ended).isTrue();
        return HttpWire.json(sink.body.toString());
    }

    // ---- non-streaming ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void nonStreamingAnswerIsOneCompletion(int size) {
        exchange("echo", messages("grüß dich"), false, false, size, settings(20, 1)).start();

        assertThat(sink.head).isInstanceOf(FullHttpResponse.class);
        assertThat(sink.head.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(sink.head.headers().get("content-type")).isEqualTo("application/json");
        assertThat(sink.head.headers().getInt("content-length"))
                .isEqualTo(sink.body.toString().getBytes(StandardCharsets.UTF_8).length);
        JsonNode c = completion();
        assertThat(c.get("id").asText()).startsWith("chatcmpl-mock-");
        assertThat(c.get("object").asText()).isEqualTo("chat.completion");
        assertThat(c.get("model").asText()).isEqualTo("mock/echo");
        assertThat(c.get("system_fingerprint").asText()).isEqualTo("sluice-mock");
        assertThat(c.at("/choices/0/message/content").asText()).isEqualTo("grüß dich");
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        // Prompt: (8 + 4) + (9 + 4) characters, 4 a token, rounded up.
        assertThat(c.at("/usage/prompt_tokens").asInt()).isEqualTo(7);
        assertThat(c.at("/usage/completion_tokens").asInt()).isEqualTo(2);
        assertThat(c.at("/usage/total_tokens").asInt()).isEqualTo(9);
        assertThat(sink.loop.runScheduledPendingTasks()).as("nothing scheduled").isEqualTo(-1);
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishLength() {
        exchange("lorem", "{\"model\":\"mock/lorem\",\"max_tokens\":5,\"max_completion_tokens\":3,\"messages\":[]}",
                false, false, Integer.MAX_VALUE, settings(0, 1)).start();

        JsonNode c = completion();
        assertThat(c.at("/choices/0/message/content").asText()).isEqualTo("Lorem ipsum dolor ");
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(c.at("/usage/completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void echoJoinsTextPartsOfTheLastUserMessage() {
        exchange("echo", "{\"messages\":[{\"role\":\"user\",\"content\":\"first\"},{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"a \"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}},"
                + "{\"type\":\"text\",\"text\":\"b\"}]}]}", false, false, 7, settings(0, 1)).start();

        assertThat(completion().at("/choices/0/message/content").asText()).isEqualTo("a b");
    }

    @Test
    void echoWithoutUserTextGreets() {
        exchange("echo", "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}", false, false,
                Integer.MAX_VALUE, settings(0, 1)).start();

        assertThat(completion().at("/choices/0/message/content").asText()).isEqualTo(MockAnswer.GREETING);
    }

    @Test
    void otherModelNamesAnswerWithTheirName() {
        exchange("gpt-5", messages("hi"), false, false, Integer.MAX_VALUE, settings(0, 1)).start();

        assertThat(completion().at("/choices/0/message/content").asText())
                .isEqualTo("This is the Sluice mock provider answering as gpt-5.");
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void unreadableBodyFailsWith400(int size) {
        exchange("echo", "{\"messages\":[", false, false, size, settings(0, 1)).start();

        assertThat(sink.outcomes).singleElement().isInstanceOfSatisfying(Outcome.FailedEarly.class,
                f -> assertThat(f.status()).as("the request's fault: never retried").isEqualTo(400));
        assertThat(sink.failStatus).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(sink.failCode).isEqualTo("invalid_json");
        assertThat(sink.failMessage).startsWith("mock provider cannot read the request: ");
        assertThat(sink.head).isNull();
    }

    // ---- streaming ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void streamWritesOnePiecePerChunkDelayThenDone(int size) {
        exchange("echo", messages("one two three"), true, false, size, settings(20, 1)).start();

        assertThat(sink.head).isNotInstanceOf(FullHttpResponse.class);
        assertThat(sink.head.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(sink.head.headers().get("content-type")).isEqualTo("text/event-stream");
        assertThat(sink.head.headers().get("cache-control")).isEqualTo("no-cache");
        assertThat(HttpUtil.isTransferEncodingChunked(sink.head)).isTrue();
        assertThat(sink.events()).hasSize(1);
        JsonNode role = HttpWire.json(sink.events().get(0));
        assertThat(role.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(role.at("/choices/0/delta/content").asText()).isEmpty();
        assertThat(role.has("usage")).isFalse();
        assertThat(sink.flushes).isEqualTo(1);

        sink.advance(19);
        assertThat(sink.events()).as("not before the chunk delay").hasSize(1);
        sink.advance(1);
        assertThat(sink.events()).hasSize(2);
        sink.advance(20);
        sink.advance(20);
        assertThat(sink.ended).isFalse();
        sink.advance(20);

        assertThat(sink.ended).isTrue();
        List<String> events = sink.events();
        assertThat(events).hasSize(6);
        assertThat(events.subList(1, 4)).extracting(e -> HttpWire.json(e).at("/choices/0/delta/content").asText())
                .containsExactly("one ", "two ", "three");
        JsonNode finish = HttpWire.json(events.get(4));
        assertThat(finish.at("/choices/0/delta").isEmpty()).isTrue();
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(events.get(5)).isEqualTo("[DONE]");
        for (String e : events.subList(0, 5)) {
            JsonNode chunk = HttpWire.json(e);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("id").asText()).isEqualTo(role.get("id").asText());
        }
        assertThat(sink.loop.runScheduledPendingTasks()).isEqualTo(-1);
    }

    @Test
    void chunkWordsGroupPieces() {
        exchange("echo", messages("one two three"), true, false, Integer.MAX_VALUE, settings(0, 2)).start();
        sink.loop.runPendingTasks();

        List<String> events = sink.events();
        assertThat(events.subList(1, 3)).extracting(e -> HttpWire.json(e).at("/choices/0/delta/content").asText())
                .containsExactly("one two ", "three");
        assertThat(events).hasSize(5);
    }

    @Test
    void includeUsageAddsAUsageChunkBeforeDone() {
        exchange("echo", messages("one two"), true, true, 7, settings(0, 1)).start();
        sink.loop.runPendingTasks();

        List<String> events = sink.events();
        assertThat(events).hasSize(6);
        for (String e : events.subList(0, 4)) {
            assertThat(HttpWire.json(e).get("usage").isNull()).as("usage:null on %s", e).isTrue();
        }
        JsonNode usage = HttpWire.json(events.get(4));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(2);
        assertThat(usage.at("/usage/total_tokens").asInt())
                .isEqualTo(usage.at("/usage/prompt_tokens").asInt() + 2);
        assertThat(events.get(5)).isEqualTo("[DONE]");
    }

    @Test
    void unwritableClientPausesTheStreamUntilWritable() {
        MockExchange ex = exchange("echo", messages("one two three"), true, false, Integer.MAX_VALUE,
                settings(0, 1));
        ex.start();
        sink.writable = false;
        sink.loop.runPendingTasks();
        assertThat(sink.events()).as("only the role chunk").hasSize(1);

        sink.writable = true;
        ex.clientWritable();
        sink.loop.runPendingTasks();

        assertThat(sink.ended).isTrue();
        assertThat(sink.outcomes).as("one outcome").containsExactly(Outcome.Committed.INSTANCE);
        assertThat(sink.events()).hasSize(6);
    }

    @Test
    void writabilityWithoutAPauseWritesNothingExtra() {
        MockExchange ex = exchange("echo", messages("one two three"), true, false, Integer.MAX_VALUE,
                settings(20, 1));
        ex.start();

        ex.clientWritable();
        sink.loop.runPendingTasks();

        assertThat(sink.events()).hasSize(1);
    }

    @Test
    void abortStopsTheStreamAndCancelsTheTimer() {
        MockExchange ex = exchange("echo", messages("one two three"), true, false, Integer.MAX_VALUE,
                settings(20, 1));
        ex.start();
        sink.advance(20);

        ex.abort();

        assertThat(sink.loop.runScheduledPendingTasks()).as("timer cancelled").isEqualTo(-1);
        assertThat(sink.outcomes).containsExactly(Outcome.Aborted.INSTANCE);
        sink.advance(1000);
        assertThat(sink.events()).hasSize(2);
        assertThat(sink.ended).isFalse();
    }

    @Test
    void sinkDoneStopsTheStream() {
        MockExchange ex = exchange("echo", messages("one two three"), true, false, Integer.MAX_VALUE,
                settings(20, 1));
        ex.start();

        sink.done = true;
        sink.advance(1000);

        assertThat(sink.events()).hasSize(1);
        assertThat(sink.ended).isFalse();
    }
}
