package io.sluice.proxy.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.RequestException;
import io.sluice.providers.Operation;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.exchange.ClientRequest;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.Outcome;
import io.sluice.proxy.exchange.RequestPlanner;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.testing.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry state machine on its own: {@link AttemptLoop} driven through scripted attempts on EmbeddedChannel event
 * loops, with one injected clock for the event loop's timers and the keys' cooldowns. No sockets, no sleeps.
 */
class AttemptLoopTest {

    private static final String BODY = "{\"model\":\"p/gpt-4o-mini\",\"messages\":[]}";

    /** An attempt the test ends by hand, the way a relay would: one outcome, its body released once. */
    static final class Scripted implements Exchange {
        final UpstreamRequest request;
        final ResponseSink sink;
        final int key;
        final Outcome.Listener listener;
        boolean started;
        boolean released;

        Scripted(UpstreamRequest request, ResponseSink sink, int key, Outcome.Listener listener) {
            this.request = request;
            this.sink = sink;
            this.key = key;
            this.listener = listener;
        }

        @Override
        public void start() {
            started = true;
        }

        @Override
        public void clientWritable() {
        }

        @Override
        public void abort() {
            release();
            listener.outcome(Outcome.Aborted.INSTANCE);
        }

        /** As the relay: the head once the first bytes are in, the outcome, then the end. */
        void commit(String text) {
            release();
            sink.head(HttpResponses.json(HttpResponseStatus.OK, HttpResponses.utf8(sink.alloc(), text)));
            listener.outcome(Outcome.Committed.INSTANCE);
            sink.end(null);
        }

        /** A provider error status with a JSON error body (relayed as it is when nobody tries again). */
        void failEarly(int status, String retryAfter) {
            release();
            String body = "{\"error\":{\"message\":\"status " + status + "\"}}";
            listener.outcome(new Outcome.FailedEarly(status, retryAfter, body, null,
                    new Outcome.EarlyAnswer(HttpResponseStatus.valueOf(status), null, null, body, -1)));
        }

        void failLate() {
            failLate(false);
        }

        void failLate(boolean clientStalled) {
            release();
            listener.outcome(new Outcome.FailedLate(new IllegalStateException("reset"), clientStalled));
            sink.fail(HttpResponseStatus.BAD_GATEWAY, "reset", "upstream_error");
        }

        /** A provider error status with a non-JSON body: Sluice's own error when nobody tries again. */
        void failEarlyHtml(int status, String retryAfter) {
            release();
            listener.outcome(new Outcome.FailedEarly(status, retryAfter, "<html>busy</html>", null,
                    new Outcome.EarlyAnswer(HttpResponseStatus.valueOf(status), "busy", "upstream_http_" + status)));
        }

        private void release() {
            if (!released) {
                released = true;
                request.body().release();
            }
        }
    }

    private final long[] nanos = {1_000_000_000L};
    private final List<Scripted> attempts = new ArrayList<>();
    private final List<RecordingSink> clients = new ArrayList<>();
    private final Map<RecordingSink, Exchange> loops = new HashMap<>();
    private SluiceConfig config;
    private SluiceMetrics metrics;
    private Operations ops;
    private AttemptScheduler scheduler;

    private void start(String yaml) {
        config = ConfigLoader.parse(yaml, Map.of());
        metrics = new SluiceMetrics();
        ops = new Operations(config, metrics, this::millis, () -> nanos[0]);
        scheduler = new AttemptScheduler(config, (r, sink, key, l) -> {
            Scripted s = new Scripted(r, sink, key, l);
            attempts.add(s);
            return s;
        }, metrics, ops, () -> nanos[0], this::millis);
    }

    private long millis() {
        return 1_700_000_000_000L + nanos[0] / 1_000_000;
    }

    /** Moves the keys' clock and every client loop's timers by {@code millis}. */
    private void advance(long millis) {
        nanos[0] += TimeUnit.MILLISECONDS.toNanos(millis);
        for (RecordingSink c : clients) {
            c.advance(millis);
        }
    }

    private static String provider(String extra, String... keys) {
        return "providers:\n  p:\n    type: openai-compatible\n    baseUrl: http://127.0.0.1:9/v1\n"
                + "    apiKeys: [" + String.join(", ", keys) + "]\n    models: [gpt-4o-mini]\n" + extra;
    }

    /** A client request for {@code p/gpt-4o-mini}, started; its answer goes to the returned sink. */
    private RecordingSink request() throws RequestException {
        RecordingSink client = new RecordingSink();
        clients.add(client);
        ModelRouter.Route route = new ModelRouter(config).resolve("p/gpt-4o-mini");
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer().writeBytes(BODY.getBytes(StandardCharsets.UTF_8));
        int start = BODY.indexOf("\"p/");
        RequestPlanner planner = new RequestPlanner(new ClientRequest("p/gpt-4o-mini", Dialects.OPENAI, false, false,
                start, start + "\"p/gpt-4o-mini\"".length(), body, null, null, Operation.CHAT, null));
        UpstreamRequest first = planner.plan(route.provider(), route.upstreamModel(), client.alloc());
        Exchange loop = scheduler.exchange(planner, first, route, client);
        loops.put(client, loop);
        loop.start();
        return client;
    }

    private Exchange loopOf(RecordingSink client) {
        return loops.get(client);
    }

    private ProviderRuntime runtime() {
        return scheduler.runtime(config.provider("p").orElseThrow());
    }

    private static int status(RecordingSink c) {
        return c.head != null ? c.head.status().code() : c.failStatus.code();
    }

    @AfterEach
    void tearDown() {
        for (Scripted s : attempts) {
            assertThat(s.released).as("every attempt's body released").isTrue();
        }
        for (RecordingSink c : clients) {
            c.loop.finishAndReleaseAll();
        }
        if (ops != null) {
            ops.close();
            metrics.close();
        }
    }

    @Test
    void keyScopedFailureMovesToTheNextKeyAndOnlyTheLastAnswerReachesTheClient() throws Exception {
        start(provider("", "sk-a-000000000001", "sk-b-000000000002"));
        RecordingSink client = request();
        assertThat(attempts).hasSize(1);
        int first = attempts.get(0).key;

        attempts.get(0).failEarly(401, null);
        assertThat(client.head).as("nothing reaches the client before the retry").isNull();
        client.loop.runPendingTasks(); // the next attempt starts outside the failed one's callbacks

        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(1).key).isNotEqualTo(first);
        attempts.get(1).commit("ok");
        assertThat(status(client)).isEqualTo(200);
        assertThat(client.body.toString()).isEqualTo("ok");
        assertThat(runtime().keys().inFlight(0) + runtime().keys().inFlight(1)).as("keys released").isZero();
    }

    @Test
    void requestScopedFailureGoesBackAsItIsWithoutAnotherAttempt() throws Exception {
        start(provider("", "sk-a-000000000001", "sk-b-000000000002"));
        RecordingSink client = request();

        attempts.get(0).failEarly(400, null);
        client.loop.runPendingTasks();

        assertThat(attempts).hasSize(1);
        assertThat(client.head).isInstanceOf(FullHttpResponse.class);
        assertThat(status(client)).isEqualTo(400);
        assertThat(client.body.toString()).contains("status 400");
    }

    @Test
    void lastKeyFailingAnswersWithThatProvidersOwnError() throws Exception {
        start(provider("", "sk-a-000000000001"));
        RecordingSink client = request();

        attempts.get(0).failEarly(429, "2");
        client.loop.runPendingTasks();

        assertThat(attempts).hasSize(1);
        assertThat(status(client)).isEqualTo(429);
        assertThat(runtime().keys().nanosUntilUsable("gpt-4o-mini")).isPositive();
    }

    @Test
    void keyWaitTimerStartsOverWhenTheCoolingKeyIsBack() throws Exception {
        start("resilience: {keyWait: 5s}\n" + provider("", "sk-a-000000000001"));
        RecordingSink first = request();
        attempts.get(0).failEarly(429, "2"); // the only key cools for 2 s
        assertThat(status(first)).isEqualTo(429);

        RecordingSink second = request();
        assertThat(attempts).as("waiting for the key, not failing").hasSize(1);
        assertThat(second.done).isFalse();
        advance(1_000);
        assertThat(attempts).hasSize(1);
        advance(1_100);

        assertThat(attempts).as("the key is back: one more attempt").hasSize(2);
        attempts.get(1).commit("ok");
        assertThat(status(second)).isEqualTo(200);
    }

    @Test
    void keyWaitLongerThanTheBudgetAnswers429WithRetryAfter() throws Exception {
        start("resilience: {keyWait: 1s}\n" + provider("", "sk-a-000000000001"));
        request();
        attempts.get(0).failEarly(429, "30");

        RecordingSink second = request();

        assertThat(attempts).hasSize(1);
        assertThat(second.failStatus).isEqualTo(HttpResponseStatus.TOO_MANY_REQUESTS);
        assertThat(second.failCode).isEqualTo("keys_cooling_down");
        assertThat(second.retryAfterSeconds).isBetween(29L, 30L);
    }

    @Test
    void gateRejectionAnswers503WithRetryAfter() throws Exception {
        start("concurrency: {maxConcurrent: 1, queueMax: 0}\n" + provider("", "sk-a-000000000001"));
        RecordingSink holder = request();
        ConcurrencyGate gate = runtime().gate();
        assertThat(gate.active()).isEqualTo(1);

        RecordingSink refused = request();

        assertThat(attempts).hasSize(1);
        assertThat(refused.failStatus).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
        assertThat(refused.failCode).isEqualTo("upstream_queue_full");
        assertThat(refused.retryAfterSeconds).isEqualTo(1);
        assertThat(runtime().keys().inFlight(0)).as("the refused request's key went back").isEqualTo(1);

        attempts.get(0).commit("ok");
        assertThat(status(holder)).isEqualTo(200);
        assertThat(gate.active()).isZero();
        assertThat(runtime().keys().inFlight(0)).isZero();
    }

    @Test
    void abortWhileQueuedReleasesTheKeyAndTheQueueSlot() throws Exception {
        start("concurrency: {maxConcurrent: 1, queueMax: 1, queueTimeout: 10s}\n"
                + provider("", "sk-a-000000000001"));
        RecordingSink holder = request();
        RecordingSink waiting = request();
        ConcurrencyGate gate = runtime().gate();
        assertThat(gate.queued()).isEqualTo(1);
        assertThat(runtime().keys().inFlight(0)).as("the queued request holds its key").isEqualTo(2);

        loopOf(waiting).abort();

        assertThat(gate.queued()).isZero();
        assertThat(runtime().keys().inFlight(0)).isEqualTo(1);
        attempts.get(0).commit("ok");
        holder.loop.runPendingTasks();
        waiting.loop.runPendingTasks();
        assertThat(attempts).as("the aborted request never started").hasSize(1);
        assertThat(gate.active()).isZero();
        assertThat(waiting.done).isFalse();
    }

    @Test
    void queuedRequestStartsWhenTheSlotFrees() throws Exception {
        start("concurrency: {maxConcurrent: 1, queueMax: 1, queueTimeout: 10s}\n"
                + provider("", "sk-a-000000000001"));
        request();
        RecordingSink waiting = request();

        attempts.get(0).commit("first");
        waiting.loop.runPendingTasks();

        assertThat(attempts).hasSize(2);
        attempts.get(1).commit("second");
        assertThat(waiting.body.toString()).isEqualTo("second");
        assertThat(waiting.head.headers().get("X-Upstream-Active")).isEqualTo("1");
    }

    @Test
    void abortOfARunningAttemptReleasesItsKeyAndPermit() throws Exception {
        start("concurrency: {maxConcurrent: 1, queueMax: 1}\n" + provider("", "sk-a-000000000001"));
        RecordingSink client = request();

        loopOf(client).abort();

        assertThat(attempts.get(0).released).isTrue();
        assertThat(runtime().keys().inFlight(0)).isZero();
        assertThat(runtime().gate().active()).isZero();
    }

    @Test
    void lateFailureIsNeverRetriedAndCountsAgainstTheProvider() throws Exception {
        start(provider("", "sk-a-000000000001", "sk-b-000000000002"));
        RecordingSink client = request();

        attempts.get(0).failLate();
        client.loop.runPendingTasks();

        assertThat(attempts).hasSize(1);
        assertThat(client.failStatus).isEqualTo(HttpResponseStatus.BAD_GATEWAY);
        assertThat(runtime().keys().inFlight(0) + runtime().keys().inFlight(1)).isZero();
    }

    @Test
    void maxAttemptsBoundsTheRetries() throws Exception {
        start("resilience: {maxAttempts: 2}\n"
                + provider("", "sk-a-000000000001", "sk-b-000000000002", "sk-c-000000000003"));
        RecordingSink client = request();

        attempts.get(0).failEarly(401, null);
        client.loop.runPendingTasks();
        attempts.get(1).failEarly(401, null);
        client.loop.runPendingTasks();

        assertThat(attempts).hasSize(2);
        assertThat(status(client)).isEqualTo(401);
    }

    @Test
    void abortBetweenAttemptsStartsNothingMore() throws Exception {
        start(provider("", "sk-a-000000000001", "sk-b-000000000002"));
        RecordingSink client = request();

        attempts.get(0).failEarly(500, null); // provider scoped: the retry is scheduled on the loop
        loopOf(client).abort();
        client.loop.runPendingTasks();

        assertThat(attempts).hasSize(1);
        assertThat(runtime().keys().inFlight(0) + runtime().keys().inFlight(1)).as("the reserved key went back")
                .isZero();
    }

    // ---- client-caused failures, the breaker's probe, Retry-After, 5xx keys

    @Test
    void lateFailureWhileReadsWerePausedForTheClientIsNoProviderFailure() throws Exception {
        start("resilience: {breakerFailures: 1}\n" + provider("", "sk-a-000000000001"));
        RecordingSink client = request();

        attempts.get(0).failLate(true);
        client.loop.runPendingTasks();

        assertThat(client.failStatus).isEqualTo(HttpResponseStatus.BAD_GATEWAY);
        assertThat(runtime().breaker().state()).as("a slow reader never opens the breaker")
                .isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(runtime().keys().inFlight(0)).isZero();
        assertThat(runtime().keys().snapshot().get(0).failures()).isZero();
    }

    @Test
    void abortedHalfOpenProbeLetsTheNextRequestProbeAtOnce() throws Exception {
        start("resilience: {breakerFailures: 1, breakerOpen: 30s}\n" + provider("", "sk-a-000000000001"));
        RecordingSink first = request();
        attempts.get(0).failEarly(500, null);
        first.loop.runPendingTasks();
        assertThat(runtime().breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
        advance(30_000);

        RecordingSink probe = request();
        assertThat(attempts).as("the probe went").hasSize(2);
        loopOf(probe).abort(); // its client cancelled

        RecordingSink next = request();
        assertThat(attempts).as("the next request probes at once, not after another 30 s").hasSize(3);
        attempts.get(2).commit("ok");
        assertThat(status(next)).isEqualTo(200);
        assertThat(runtime().breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void probeCancelledWhileQueuedAtTheGateFreesTheProbeSlot() throws Exception {
        start("resilience: {breakerFailures: 1, breakerOpen: 30s}\n"
                + "concurrency: {maxConcurrent: 1, queueMax: 5, queueTimeout: 60s}\n"
                + provider("", "sk-a-000000000001"));
        RecordingSink running = request(); // holds the one upstream slot
        runtime().breaker().failure(); // another request's 5xx opened the breaker
        advance(30_000);

        RecordingSink probe = request();
        assertThat(probe.failStatus).as("the probe waits at the gate").isNull();
        loopOf(probe).abort();

        RecordingSink next = request();
        assertThat(next.failStatus).as("not refused as provider_unavailable: it is the probe now").isNull();
        assertThat(runtime().breaker().state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        loopOf(next).abort();
        attempts.get(0).commit("ok");
        assertThat(status(running)).isEqualTo(200);
    }

    @Test
    void relayed429CarriesTheProvidersRetryAfter() throws Exception {
        start(provider("", "sk-a-000000000001"));
        RecordingSink client = request();

        attempts.get(0).failEarly(429, "7");
        client.loop.runPendingTasks();

        assertThat(status(client)).isEqualTo(429);
        assertThat(client.head.headers().get("Retry-After")).isEqualTo("7");
    }

    @Test
    void relayed503CarriesTheProvidersRetryAfterAsAnHttpDate() throws Exception {
        start(provider("", "sk-a-000000000001"));
        RecordingSink client = request();
        String in90s = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.Instant.ofEpochMilli(millis() + 90_000).atZone(java.time.ZoneOffset.UTC));

        attempts.get(0).failEarlyHtml(503, in90s);
        client.loop.runPendingTasks();

        assertThat(client.failStatus).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
        assertThat(client.retryAfterSeconds).isEqualTo(90);
    }

    @Test
    void relayed500NeverGetsARetryAfter() throws Exception {
        start(provider("", "sk-a-000000000001"));
        RecordingSink client = request();

        attempts.get(0).failEarlyHtml(500, "7");
        client.loop.runPendingTasks();

        assertThat(client.failStatus).isEqualTo(HttpResponseStatus.INTERNAL_SERVER_ERROR);
        assertThat(client.retryAfterSeconds).isEqualTo(-1);
    }

    @Test
    void keyThatAnswered500IsNotTriedFirstByTheNextRequest() throws Exception {
        start(provider("    strategy: priority\n", "sk-a-000000000001", "sk-b-000000000002"));
        RecordingSink first = request();
        assertThat(attempts.get(0).key).isZero();
        attempts.get(0).failEarly(500, null);
        first.loop.runPendingTasks();
        assertThat(attempts.get(1).key).as("retried on the other key").isEqualTo(1);
        attempts.get(1).commit("ok");

        RecordingSink second = request();
        assertThat(attempts.get(2).key).as("the 500 key is passed over while another is usable").isEqualTo(1);
        attempts.get(2).commit("ok");
        assertThat(status(second)).isEqualTo(200);

        advance(1_000);
        request();
        assertThat(attempts.get(3).key).as("back in turn after its short backoff").isZero();
        attempts.get(3).commit("ok");
    }
}
