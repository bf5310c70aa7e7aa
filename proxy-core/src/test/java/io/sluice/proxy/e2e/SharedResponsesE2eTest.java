package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseItem;
import com.openai.models.responses.ResponseOutputItem;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.RedisServer;
import io.sluice.proxy.testing.Sdks;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stored Responses answers shared by two instances through a real {@code redis-server}, with the official OpenAI SDK:
 * an answer stored through instance A is retrieved, listed and continued ({@code previous_response_id},
 * {@code item_reference}) through instance B and back; another client key sees none of it on either; a delete on one
 * instance is a delete on both; Redis expires the answers with the configured TTL; Redis down, each instance still
 * serves and continues its own answers.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SharedResponsesE2eTest {

    static final String ALICE = "sk-alice-0123456789abcdef";
    static final String BOB = "sk-bob-0123456789abcdef";
    static final String MODEL = "oa/gpt-4o-mini";

    private static SluiceServer start(RedisServer redis, TestUpstream up, String instance)
            throws InterruptedException {
        return TestConfig.startYaml(config().openAiCompatible("oa", up, "gpt-4o-mini").yaml()
                + "access:\n  clientKeys:\n    alice: " + ALICE + "\n    bob: " + BOB + "\n"
                + "responses:\n  ttl: 10m\n"
                + "state:\n  namespace: resp-e2e\n  instanceId: " + instance + "\n  redis:\n    url: " + redis.url()
                + "\n    maxBackoff: 200ms\n");
    }

    /** The SDK clients of a test, closed with it. */
    private record Clients(OpenAIClient aliceA, OpenAIClient aliceB, OpenAIClient bobB) implements AutoCloseable {
        @Override
        public void close() {
            aliceA.close();
            aliceB.close();
            bobB.close();
        }
    }

    private static ResponseCreateParams.Builder params() {
        return ResponseCreateParams.builder().model(MODEL);
    }

    private static List<ResponseInputItem> toolResults(Response r) {
        List<ResponseInputItem> results = new ArrayList<>();
        for (ResponseFunctionToolCall c : r.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).toList()) {
            results.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                    .callId(c.callId()).output("sunny in " + c.name()).build()));
        }
        return results;
    }

    @Test
    void anAnswerStoredThroughOneInstanceIsContinuedThroughTheOther() throws Exception {
        try (RedisServer redis = RedisServer.start();
             TestUpstream up = new TestUpstream(r -> OpenAiSdkTest.sse(r.body().contains("sunny")
                     ? OpenAiSdkTest.TEXT_EVENTS : OpenAiSdkTest.TOOL_EVENTS));
             SluiceServer a = start(redis, up, "a"); SluiceServer b = start(redis, up, "b");
             Clients c = new Clients(Sdks.openAi(a, ALICE), Sdks.openAi(b, ALICE), Sdks.openAi(b, BOB))) {
            OpenAIClient aliceA = c.aliceA();
            OpenAIClient aliceB = c.aliceB();
            OpenAIClient bobB = c.bobB();
            for (SluiceServer s : List.of(a, b)) {
                Await.until("connected", () -> Http.get(s, "/health").body().contains("\"redis\":\"up\""));
            }
            // streamed through A: stored by A, written through to Redis
            ResponseAccumulator acc = ResponseAccumulator.create();
            try (var events = aliceA.responses().createStreaming(params().input("Weather and time in Paris?")
                    .build())) {
                events.stream().forEach(acc::accumulate);
            }
            Response r1 = acc.response();
            up.take();
            List<ResponseInputItem> results = toolResults(r1);
            assertThat(results).hasSize(2);

            // continued through B: B has never seen r1
            Response r2 = aliceB.responses().create(params().previousResponseId(r1.id()).inputOfResponse(results)
                    .build());
            String sent = json(up.take().body()).toString();
            assertThat(sent).contains("Weather and time in Paris?", "sunny in get_weather", "sunny in get_time");

            // r2 was stored by B: A retrieves it and lists its input items
            assertThat(aliceA.responses().retrieve(r2.id()).id()).isEqualTo(r2.id());
            List<ResponseItem> items = aliceA.responses().inputItems().list(r2.id()).data();
            assertThat(items.size()).isGreaterThanOrEqualTo(3);

            // an item reference to B's answer, through A
            String messageId = r2.output().stream().filter(ResponseOutputItem::isMessage).findFirst().orElseThrow()
                    .asMessage().id();
            String answer = r2.output().stream().filter(ResponseOutputItem::isMessage).findFirst().orElseThrow()
                    .asMessage().content().get(0).asOutputText().text();
            aliceA.responses().create(params().inputOfResponse(List.of(
                    ResponseInputItem.ofItemReference(ResponseInputItem.ItemReference.builder().id(messageId).build()),
                    ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                            .role(EasyInputMessage.Role.USER).content("Thanks!").build()))).build());
            assertThat(up.take().body()).contains(answer, "Thanks!");

            // another client key sees nothing, on either instance
            assertThatThrownBy(() -> bobB.responses().retrieve(r1.id())).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> bobB.responses().create(params().previousResponseId(r2.id()).input("mine?")
                    .build())).isInstanceOf(BadRequestException.class);

            // Redis keeps them with the TTL, under the namespace, without the client key or its name
            String keys = redis.command(null, "KEYS", "*");
            assertThat(keys).contains("resp-e2e:response:").doesNotContain(ALICE).doesNotContain("alice");
            String oneKey = keys.lines().filter(l -> l.startsWith("resp-e2e:response:")).findFirst().orElseThrow();
            long pttl = Long.parseLong(redis.command(null, "PTTL", oneKey).strip().substring(1));
            assertThat(pttl).isBetween(1L, Duration.ofMinutes(10).toMillis());

            // deleted through B: gone on A too, although A holds r1 in its own cache
            aliceB.responses().delete(r1.id());
            Await.until("r1 gone on A", () -> {
                try {
                    aliceA.responses().retrieve(r1.id());
                    return false;
                } catch (NotFoundException e) {
                    return true;
                }
            });
            assertThat(redis.command(null, "EXISTS", keys.lines().filter(l -> l.contains(r1.id())).findFirst()
                    .orElseThrow())).contains(":0");
        }
    }

    @Test
    void redisDownEachInstanceStillServesItsOwnAnswers() throws Exception {
        try (RedisServer redis = RedisServer.start();
             TestUpstream up = new TestUpstream(r -> OpenAiSdkTest.sse(r.body().contains("sunny")
                     ? OpenAiSdkTest.TEXT_EVENTS : OpenAiSdkTest.TOOL_EVENTS));
             SluiceServer a = start(redis, up, "a"); SluiceServer b = start(redis, up, "b");
             Clients c = new Clients(Sdks.openAi(a, ALICE), Sdks.openAi(b, ALICE), Sdks.openAi(b, BOB))) {
            OpenAIClient aliceA = c.aliceA();
            OpenAIClient aliceB = c.aliceB();
            Await.until("connected", () -> Http.get(a, "/health").body().contains("\"redis\":\"up\""));
            redis.kill();
            Await.until("degraded", () -> Http.get(a, "/health").body().contains("\"status\":\"degraded\""));
            Response r1 = aliceA.responses().create(params().input("Weather and time in Paris?").build());
            up.take();
            Response r2 = aliceA.responses().create(params().previousResponseId(r1.id())
                    .inputOfResponse(toolResults(r1)).build());
            assertThat(up.take().body()).contains("Weather and time in Paris?");
            assertThat(aliceA.responses().retrieve(r2.id()).id()).isEqualTo(r2.id());
            // B cannot know it without Redis: a clean 404 in OpenAI's shape, quickly
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> aliceB.responses().retrieve(r1.id())).isInstanceOf(NotFoundException.class);
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(3));
        }
    }
}
