package io.sluice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end against {@link TestServer} on 127.0.0.1. Runs are short and tolerances wide: the assertions are about
 * directions (open loop charges a stall to every request that waited, closed loop does not), exact counts where the
 * generator is deterministic (the open-loop schedule, events per stream), never about tight timings.
 */
class LoadGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private TestServer server;

    @BeforeEach
    void start() throws InterruptedException {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LoadSpec.Builder spec() {
        return LoadSpec.builder(server.url())
                .body("{\"model\":\"m\"}")
                .warmup(Duration.ZERO)
                .timeout(Duration.ofSeconds(3))
                .connections(2);
    }

    @Test
    void openLoopSendsRateTimesDurationAtTheIntendedPace() throws IOException {
        server.delay = Duration.ofMillis(1);
        List<Progress> progress = new ArrayList<>();

        LoadResult r = LoadGenerator.run(spec().rate(200).warmup(Duration.ofMillis(250)).duration(Duration.ofSeconds(1))
                .connections(4).build(), progress::add);

        // The schedule is exact: 200/s over 250 ms of warmup and 1 s measured.
        assertThat(server.requests.get()).isEqualTo(250);
        assertThat(r.requests()).isEqualTo(200);
        assertThat(r.successes()).isEqualTo(200);
        assertThat(r.errorCount()).isZero();
        assertThat(r.latency().getTotalCount()).isEqualTo(200);
        assertThat(r.sendLag().getTotalCount()).isEqualTo(200);
        assertThat(r.achievedRate()).isBetween(100.0, 201.0);
        // Paced, not a burst: arrivals spread over (nearly) the whole 1.25 s.
        assertThat(server.lastRequestNanos - server.firstRequestNanos).isGreaterThan(900 * MS);
        assertThat(server.accepted.get()).isEqualTo(4); // pre-connected, kept alive
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(0).completed()).isBetween(1L, 250L);

        JsonNode json = JSON.readTree(r.toJson());
        assertThat(json.get("mode").asText()).isEqualTo("open");
        assertThat(json.get("requests").asLong()).isEqualTo(200);
        assertThat(json.get("errors").get("timeout").asLong()).isZero();
        assertThat(json.get("latencyUs").get("p99").asDouble()).isPositive();
        assertThat(r.summary()).startsWith("open 200/s, 4 conns, keep-alive, 1.00s: 200 ok, 0 errors");
    }

    @Test
    void openLoopChargesAServerStallToEveryRequestThatWaitedClosedLoopDoesNot() {
        server.delay = Duration.ofMillis(1);
        server.stallAtRequest = 60;
        server.stall = Duration.ofMillis(300);
        LoadResult open = LoadGenerator.run(spec().rate(200).duration(Duration.ofMillis(800)).build());

        try (TestServer second = TestServer.start()) {
            second.delay = Duration.ofMillis(1);
            second.stallAtRequest = 60;
            second.stall = Duration.ofMillis(300);
            LoadResult closed = LoadGenerator.run(LoadSpec.builder(second.url()).mode(LoadMode.CLOSED).connections(2)
                    .warmup(Duration.ZERO).duration(Duration.ofMillis(800)).timeout(Duration.ofSeconds(3)).build());

            // 60 requests fall due during the stall; both connections are stuck, so they wait in the client, and
            // each is charged from its intended time: ~300 ms down to ~0.
            assertThat(open.errorCount()).isZero();
            assertThat(open.latency().getMaxValue()).isGreaterThan(250 * MS);
            assertThat(slow(open)).isGreaterThanOrEqualTo(20);
            assertThat(open.lateStarts()).isGreaterThanOrEqualTo(20);
            assertThat(open.sendLag().getMaxValue()).isGreaterThan(200 * MS);

            // Closed loop sends nothing while its two requests are stuck: the stall shows up only in those two (the
            // bound leaves room for a hiccup of this machine, which also stalls at most two).
            assertThat(closed.errorCount()).isZero();
            assertThat(closed.latency().getMaxValue()).isGreaterThan(250 * MS);
            assertThat(slow(closed)).isLessThanOrEqualTo(8);
            assertThat(closed.sendLag().getTotalCount()).isZero();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static long slow(LoadResult r) {
        return r.latency().getCountBetweenValues(100 * MS, Long.MAX_VALUE / 4);
    }

    @Test
    void closedLoopNeverExceedsItsConcurrency() {
        server.delay = Duration.ofMillis(5);

        LoadResult r = LoadGenerator.run(spec().mode(LoadMode.CLOSED).connections(3).threads(2)
                .duration(Duration.ofMillis(500)).build());

        assertThat(server.maxInFlight.get()).isBetween(1, 3);
        assertThat(r.errorCount()).isZero();
        assertThat(r.requests()).isEqualTo(server.requests.get()).isGreaterThanOrEqualTo(20);
        assertThat(r.achievedRate()).isPositive();
    }

    @Test
    void streamingCountsEventsAndTimesTheFirstEventAndTheGaps() throws IOException {
        server.streamEvents = 5;
        server.firstEventDelay = Duration.ofMillis(50);
        server.eventGap = Duration.ofMillis(20);

        LoadResult r = LoadGenerator.run(spec().mode(LoadMode.CLOSED).streaming(true)
                .duration(Duration.ofMillis(400)).build());

        assertThat(r.errorCount()).isZero();
        assertThat(r.successes()).isGreaterThanOrEqualTo(2);
        // Five data events and [DONE], in every stream; five gaps per stream.
        assertThat(r.events().getMinValue()).isEqualTo(6);
        assertThat(r.events().getMaxValue()).isEqualTo(6);
        assertThat(r.gap().getTotalCount()).isEqualTo(5 * r.successes());
        assertThat(r.ttfb().getTotalCount()).isEqualTo(r.successes());
        assertThat(r.ttfb().getMinValue()).isGreaterThanOrEqualTo(50 * MS);
        assertThat(r.gap().getValueAtPercentile(50)).isBetween(15 * MS, 200 * MS);
        assertThat(r.latency().getMinValue()).isGreaterThanOrEqualTo(150 * MS); // 50 + 5 x 20 ms
        JsonNode json = JSON.readTree(r.toJson());
        assertThat(json.get("stream").get("eventsPerStream").get("total").asLong()).isEqualTo(6 * r.successes());
        assertThat(r.summary()).contains("ttfb p50").contains("6.0 events/stream");
    }

    @Test
    void non2xxIsAStatusErrorAndKeepsTheConnection() {
        server.failEvery = 2;

        LoadResult r = LoadGenerator.run(spec().rate(100).connections(1).duration(Duration.ofMillis(300)).build());

        assertThat(r.requests()).isEqualTo(30);
        assertThat(r.errors(ErrorKind.STATUS)).isEqualTo(15);
        assertThat(r.successes()).isEqualTo(15);
        assertThat(server.accepted.get()).isEqualTo(1);
        assertThat(r.summary()).contains("15 errors (status 15)");
    }

    @Test
    void streamClosedMidwayIsAReset() {
        server.streamEvents = 5;
        server.eventGap = Duration.ofMillis(5);
        server.closeAfterEvents = 2;

        LoadResult r = LoadGenerator.run(spec().streaming(true).rate(50).duration(Duration.ofMillis(200)).build());

        assertThat(r.requests()).isEqualTo(10);
        assertThat(r.errors(ErrorKind.RESET)).isEqualTo(10);
        assertThat(r.successes()).isZero();
    }

    @Test
    void streamWithoutTerminalEventIsTruncatedUnlessAllowed() {
        server.streamEvents = 3;
        server.terminal = false;

        LoadResult strict = LoadGenerator.run(spec().streaming(true).rate(50).duration(Duration.ofMillis(200)).build());
        LoadResult lax = LoadGenerator.run(spec().streaming(true).requireStreamEnd(false).rate(50)
                .duration(Duration.ofMillis(200)).build());

        assertThat(strict.errors(ErrorKind.TRUNCATED)).isEqualTo(10);
        assertThat(lax.successes()).isEqualTo(10);
        assertThat(lax.events().getMaxValue()).isEqualTo(3);
    }

    @Test
    void refusedConnectionIsAConnectError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        LoadResult r = LoadGenerator.run(LoadSpec.builder("http://127.0.0.1:" + port + "/").rate(50)
                .warmup(Duration.ZERO).duration(Duration.ofMillis(200)).timeout(Duration.ofSeconds(2)).connections(2)
                .build());

        assertThat(r.requests()).isEqualTo(10);
        assertThat(r.errors(ErrorKind.CONNECT)).isEqualTo(10);
    }

    @Test
    void timeoutClosesTheConnectionAndTheRunStillEndsOnTime() {
        server.delay = Duration.ofSeconds(2);
        long t0 = System.nanoTime();

        // 6 requests at 50 ms intervals on 3 connections: each waits at most one timeout for a connection, so all
        // are sent and time out well before the hard end (duration + timeout + 250 ms).
        LoadResult r = LoadGenerator.run(spec().rate(20).connections(3).timeout(Duration.ofMillis(200))
                .duration(Duration.ofMillis(300)).build());

        long took = System.nanoTime() - t0;
        assertThat(r.requests()).isEqualTo(6);
        assertThat(r.errors(ErrorKind.TIMEOUT)).isEqualTo(6);
        // Every timeout closes its connection; the next request on that slot reconnects.
        assertThat(server.accepted.get()).isGreaterThanOrEqualTo(4);
        assertThat(r.connectionsOpened()).isEqualTo(server.accepted.get());
        // At most duration + timeout + grace (750 ms), plus setup and shutdown.
        assertThat(took).isLessThan(2_000 * MS);
    }

    @Test
    void keepAliveOffOpensOneConnectionPerRequest() throws InterruptedException {
        LoadResult off = LoadGenerator.run(spec().keepAlive(false).rate(50).duration(Duration.ofMillis(400)).build());

        assertThat(off.successes()).isEqualTo(20);
        assertThat(server.accepted.get()).isEqualTo(20);
        assertThat(off.connectionsOpened()).isEqualTo(20);

        try (TestServer second = TestServer.start()) {
            LoadResult on = LoadGenerator.run(LoadSpec.builder(second.url()).rate(50).connections(2)
                    .warmup(Duration.ZERO).duration(Duration.ofMillis(400)).build());
            assertThat(on.successes()).isEqualTo(20);
            assertThat(second.accepted.get()).isEqualTo(2);
        }
    }
}
