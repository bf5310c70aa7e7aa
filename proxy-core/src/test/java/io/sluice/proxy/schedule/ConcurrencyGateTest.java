package io.sluice.proxy.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.proxy.schedule.ConcurrencyGate.Rejection;
import io.sluice.proxy.schedule.ConcurrencyGate.Ticket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ConcurrencyGate} on an embedded event loop with frozen time: every step is explicit. */
class ConcurrencyGateTest {

    private static final long TIMEOUT_MS = 100;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final EventExecutor loop = channel.eventLoop();
    /** What happened, in order: "A granted", "B TIMEOUT", … */
    private final List<String> events = new ArrayList<>();

    {
        channel.freezeTime();
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private static ConcurrencyGate gate(int max, int queue) {
        return new ConcurrencyGate(max, queue, TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS));
    }

    private Ticket acquire(ConcurrencyGate gate, String name) {
        return gate.acquire(loop, () -> events.add(name + " granted"), why -> events.add(name + " " + why));
    }

    /** Runs what the gate handed to the loop. */
    private void runLoop() {
        channel.runPendingTasks();
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        runLoop();
    }

    @Test
    void grantsAtOnceOnTheCallersThread() {
        ConcurrencyGate gate = gate(2, 2);
        acquire(gate, "A");
        assertThat(events).containsExactly("A granted"); // before acquire returned, no loop task needed
        acquire(gate, "B");
        assertThat(events).containsExactly("A granted", "B granted");
        assertThat(gate.active()).isEqualTo(2);
        assertThat(gate.queued()).isZero();
    }

    @Test
    void queuesWhenFullAndGrantsInOrderOnTheLoop() {
        ConcurrencyGate gate = gate(1, 2);
        acquire(gate, "A");
        acquire(gate, "B");
        acquire(gate, "C");
        assertThat(gate.queued()).isEqualTo(2);
        runLoop();
        assertThat(events).containsExactly("A granted");

        gate.release();
        assertThat(events).containsExactly("A granted"); // B's callback goes through the loop
        assertThat(gate.active()).isEqualTo(1);
        assertThat(gate.queued()).isEqualTo(1);
        runLoop();
        assertThat(events).containsExactly("A granted", "B granted");

        gate.release();
        runLoop();
        assertThat(events).containsExactly("A granted", "B granted", "C granted");
        gate.release();
        assertThat(gate.active()).isZero();
        assertThat(gate.queued()).isZero();
    }

    @Test
    void aFullQueueRejectsSynchronously() {
        ConcurrencyGate gate = gate(1, 1);
        acquire(gate, "A");
        acquire(gate, "B");
        Ticket c = acquire(gate, "C");
        assertThat(events).containsExactly("A granted", "C QUEUE_FULL");
        c.cancel(); // nothing to give back
        assertThat(gate.active()).isEqualTo(1);
        assertThat(gate.queued()).isEqualTo(1);
    }

    @Test
    void noQueueRejectsAtOnce() {
        ConcurrencyGate gate = gate(1, 0);
        acquire(gate, "A");
        acquire(gate, "B");
        assertThat(events).containsExactly("A granted", "B QUEUE_FULL");
        assertThat(gate.queued()).isZero();
    }

    @Test
    void aWaiterTimesOutOnItsLoopAndNeverGetsAPermit() {
        ConcurrencyGate gate = gate(1, 2);
        acquire(gate, "A");
        acquire(gate, "B");
        advance(TIMEOUT_MS - 1);
        assertThat(events).containsExactly("A granted");
        advance(1);
        assertThat(events).containsExactly("A granted", "B TIMEOUT");
        assertThat(gate.queued()).isZero();
        gate.release();
        runLoop();
        assertThat(events).containsExactly("A granted", "B TIMEOUT");
        assertThat(gate.active()).isZero();
    }

    @Test
    void aGrantedWaiterDoesNotTimeOut() {
        ConcurrencyGate gate = gate(1, 1);
        acquire(gate, "A");
        acquire(gate, "B");
        gate.release();
        advance(TIMEOUT_MS * 2);
        assertThat(events).containsExactly("A granted", "B granted");
        assertThat(gate.active()).isEqualTo(1);
    }

    @Test
    void cancellingAWaiterLeavesTheQueueAtOnceWithNoCallback() {
        ConcurrencyGate gate = gate(1, 2);
        acquire(gate, "A");
        Ticket b = acquire(gate, "B");
        acquire(gate, "C");
        b.cancel();
        assertThat(gate.queued()).isEqualTo(1);
        b.cancel();
        assertThat(gate.queued()).isEqualTo(1);
        gate.release(); // skips B's husk
        advance(TIMEOUT_MS * 2);
        assertThat(events).containsExactly("A granted", "C granted");
        assertThat(gate.active()).isEqualTo(1);
        assertThat(gate.queued()).isZero();
    }

    @Test
    void cancellingAGrantReleasesItsPermitOnce() {
        ConcurrencyGate gate = gate(1, 1);
        Ticket a = acquire(gate, "A");
        acquire(gate, "B");
        a.cancel(); // B gets A's permit
        runLoop();
        assertThat(events).containsExactly("A granted", "B granted");
        assertThat(gate.active()).isEqualTo(1);
        a.cancel(); // idempotent: B's permit stays B's
        assertThat(gate.active()).isEqualTo(1);
    }

    @Test
    void cancelledBetweenGrantAndDeliveryPassesThePermitOn() {
        ConcurrencyGate gate = gate(1, 2);
        acquire(gate, "A");
        Ticket b = acquire(gate, "B");
        acquire(gate, "C");
        gate.release(); // B granted, its callback queued on the loop
        b.cancel();
        runLoop();
        assertThat(events).containsExactly("A granted", "C granted");
        assertThat(gate.active()).isEqualTo(1);
        assertThat(gate.queued()).isZero();
    }

    @Test
    void timedOutHusksNeverCrowdOutLiveWaiters() {
        ConcurrencyGate gate = gate(1, 2);
        acquire(gate, "A");
        for (int i = 0; i < 100; i++) { // no release for a long time: every waiter times out, none is polled
            acquire(gate, "w" + i);
            advance(TIMEOUT_MS);
        }
        for (int i = 0; i < 100; i++) {
            acquire(gate, "c" + i).cancel();
        }
        assertThat(gate.queued()).isZero();
        events.clear();
        acquire(gate, "B");
        acquire(gate, "C");
        acquire(gate, "D");
        assertThat(events).containsExactly("D QUEUE_FULL");
        gate.release();
        runLoop();
        assertThat(events).containsExactly("D QUEUE_FULL", "B granted");
    }

    @Test
    void aThrowingOnGrantedGivesThePermitBack() {
        ConcurrencyGate gate = gate(1, 1);
        assertThatThrownBy(() -> gate.acquire(loop, () -> {
            throw new IllegalStateException("boom");
        }, why -> { })).hasMessage("boom");
        assertThat(gate.active()).isZero();
    }

    @Test
    void aDeadLoopGetsAnAnswerAndKeepsNoPermit() throws Exception {
        DefaultEventExecutor dead = new DefaultEventExecutor();
        dead.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        ConcurrencyGate gate = gate(1, 2);
        acquire(gate, "A");
        List<Rejection> rejections = new ArrayList<>();
        gate.acquire(dead, () -> events.add("dead granted"), rejections::add);
        assertThat(rejections).containsExactly(Rejection.TIMEOUT);
        assertThat(gate.queued()).isZero();
        gate.release();
        assertThat(gate.active()).isZero();
    }

    @Test
    void validatesItsSettings() {
        assertThatThrownBy(() -> new ConcurrencyGate(0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConcurrent: 0 (expected: > 0)");
        assertThatThrownBy(() -> new ConcurrencyGate(1, -1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueMax: -1 (expected: 0..65536)");
        assertThatThrownBy(() -> new ConcurrencyGate(1, Integer.MAX_VALUE, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueMax: 2147483647 (expected: 0..65536)");
        assertThatThrownBy(() -> new ConcurrencyGate(1, 1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queueTimeoutNanos: -1 (expected: >= 0)");
        ConcurrencyGate gate = new ConcurrencyGate(3, 5, 1);
        assertThat(gate.maxConcurrent()).isEqualTo(3);
        assertThat(gate.queueMax()).isEqualTo(5);
    }

    @Test
    void anExtraReleaseDoesNotMintAPermit() {
        ConcurrencyGate gate = gate(1, 1);
        gate.release();
        assertThat(gate.active()).isZero();
        acquire(gate, "A");
        acquire(gate, "B");
        assertThat(events).containsExactly("A granted");
        assertThat(gate.active()).isEqualTo(1);
    }
}
