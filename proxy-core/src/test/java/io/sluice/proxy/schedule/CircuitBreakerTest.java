package io.sluice.proxy.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.schedule.CircuitBreaker.State;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link CircuitBreaker}'s state machine on a fake clock. */
class CircuitBreakerTest {

    private static final long OPEN = TimeUnit.SECONDS.toNanos(30);

    private final AtomicLong clock = new AtomicLong(-OPEN / 2); // crosses zero while open
    private final CircuitBreaker breaker = new CircuitBreaker(3, OPEN, clock::get);

    private void open() {
        for (int i = 0; i < 3; i++) {
            breaker.failure();
        }
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void closedLetsEverythingThrough() {
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.nanosUntilProbe()).isZero();
    }

    @Test
    void opensAfterThresholdConsecutiveFailures() {
        breaker.failure();
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.allow()).isFalse();
        assertThat(breaker.nanosUntilProbe()).isEqualTo(OPEN);
    }

    @Test
    void aSuccessBreaksTheRun() {
        breaker.failure();
        breaker.failure();
        breaker.success();
        breaker.failure();
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void afterOpenNanosExactlyOneProbe() {
        open();
        clock.addAndGet(OPEN - 1);
        assertThat(breaker.allow()).isFalse();
        assertThat(breaker.nanosUntilProbe()).isEqualTo(1);
        clock.addAndGet(1);
        assertThat(breaker.nanosUntilProbe()).isZero();
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.allow()).isFalse();
        assertThat(breaker.allow()).isFalse();
    }

    @Test
    void probeSuccessCloses() {
        open();
        clock.addAndGet(OPEN);
        assertThat(breaker.allow()).isTrue();
        breaker.success();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.allow()).isTrue();
        // the failure run starts over
        breaker.failure();
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void probeFailureReopensForAnotherPeriod() {
        open();
        clock.addAndGet(OPEN);
        assertThat(breaker.allow()).isTrue();
        clock.addAndGet(5);
        breaker.failure();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.allow()).isFalse();
        assertThat(breaker.nanosUntilProbe()).isEqualTo(OPEN);
        clock.addAndGet(OPEN);
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void lateOutcomesWhileOpenAreIgnored() {
        open();
        breaker.success();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        breaker.failure();
        assertThat(breaker.nanosUntilProbe()).isEqualTo(OPEN); // not pushed back
    }

    @Test
    void aProbeThatNeverReportsIsReplacedAfterAnotherPeriod() {
        open();
        clock.addAndGet(OPEN);
        assertThat(breaker.allow()).isTrue();
        clock.addAndGet(OPEN - 1);
        assertThat(breaker.allow()).isFalse();
        clock.addAndGet(1);
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.allow()).isFalse();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void validatesItsSettings() {
        assertThatThrownBy(() -> new CircuitBreaker(0, OPEN, clock::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold: 0 (expected: > 0)");
        assertThatThrownBy(() -> new CircuitBreaker(1, -1, clock::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("openNanos: -1 (expected: >= 0)");
    }

    @Test
    void abandonedProbeLetsTheNextCallerProbeAtOnce() {
        open();
        clock.addAndGet(OPEN);
        CircuitBreaker.Phase probe = breaker.admit();
        assertThat(probe).isNotNull();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.allow()).as("one probe at a time").isFalse();

        breaker.abandon(probe);

        assertThat(breaker.nanosUntilProbe()).isZero();
        assertThat(breaker.allow()).as("the next caller is the probe").isTrue();
        assertThat(breaker.allow()).isFalse();
    }

    @Test
    void abandoningAnythingButTheCurrentProbeChangesNothing() {
        CircuitBreaker.Phase closed = breaker.admit();
        open();
        breaker.abandon(closed);
        assertThat(breaker.allow()).isFalse();
        clock.addAndGet(OPEN);
        CircuitBreaker.Phase stale = breaker.admit();
        clock.addAndGet(OPEN); // the stale probe never reported: replaced
        CircuitBreaker.Phase current = breaker.admit();
        assertThat(current).isNotNull().isNotSameAs(stale);

        breaker.abandon(stale);

        assertThat(breaker.allow()).as("the current probe still holds the slot").isFalse();
        breaker.abandon(null);
        assertThat(breaker.allow()).isFalse();
    }

    /** Records what a shared breaker tells the shared state. */
    private static final class Recorder implements CircuitBreaker.Listener {
        final java.util.List<String> events = new java.util.ArrayList<>();
        CircuitBreaker.Phase lastOpen;

        @Override
        public void opened(CircuitBreaker b, CircuitBreaker.Phase open) {
            events.add("opened");
            lastOpen = open;
        }

        @Override
        public void closed(CircuitBreaker b) {
            events.add("closed");
        }
    }

    @Test
    void sharedOpenPhasesAreHeldUntilTheClusterProbeIsWon() {
        Recorder r = new Recorder();
        breaker.listen(r);
        for (int i = 0; i < 3; i++) {
            breaker.failure();
        }
        assertThat(r.events).containsExactly("opened");
        clock.addAndGet(OPEN + 1);
        assertThat(breaker.allow()).as("held past its time: another instance may have the probe").isFalse();
        assertThat(breaker.release(r.lastOpen)).isTrue();
        assertThat(breaker.allow()).as("the probe").isTrue();
        assertThat(breaker.allow()).as("one probe only").isFalse();
        breaker.success();
        assertThat(r.events).containsExactly("opened", "closed");
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void eventsFromOtherInstancesApplyWithoutBeingToldBack() {
        Recorder r = new Recorder();
        breaker.listen(r);
        CircuitBreaker.Phase open = breaker.openShared(OPEN);
        assertThat(open).isNotNull();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.openShared(OPEN / 2)).as("already open for longer").isNull();
        clock.addAndGet(OPEN + 1);
        assertThat(breaker.allow()).isFalse();
        assertThat(breaker.closeShared()).isTrue();
        assertThat(breaker.closeShared()).isFalse();
        assertThat(breaker.release(open)).as("a stale phase").isFalse();
        assertThat(breaker.allow()).isTrue();
        assertThat(r.events).isEmpty();
    }

    @Test
    void withoutSharingOpenPhasesAreNeverHeld() {
        for (int i = 0; i < 3; i++) {
            breaker.failure();
        }
        clock.addAndGet(OPEN + 1);
        assertThat(breaker.allow()).isTrue();
    }
}
