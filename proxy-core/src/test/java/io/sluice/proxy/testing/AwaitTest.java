package io.sluice.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The poll helper: it returns as soon as the condition holds, and a timeout says what was awaited and last seen. */
class AwaitTest {

    @Test
    void returnsTheFirstAcceptedValue() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        int v = Await.value("the third poll", Duration.ofSeconds(5), polls::incrementAndGet, n -> n == 3);
        assertThat(v).isEqualTo(3);
        assertThat(polls.get()).isEqualTo(3);
    }

    @Test
    void aTimeoutNamesWhatWasAwaitedAndTheLastValue() {
        AtomicInteger polls = new AtomicInteger();
        assertThatThrownBy(() -> Await.value("a negative number", Duration.ofMillis(30), polls::incrementAndGet,
                n -> n < 0))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("timed out after 30 ms waiting for a negative number (last seen: ")
                .hasMessageEndingWith(polls.get() + ")");
    }

    @Test
    void anExceptionIsNotYetAndIsTheCauseOfATimeout() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        Await.until("the second poll", Duration.ofSeconds(5), () -> {
            if (polls.incrementAndGet() == 1) {
                throw new IOException("not yet");
            }
            return true;
        });
        assertThat(polls.get()).isEqualTo(2);

        assertThatThrownBy(() -> Await.until("a working probe", Duration.ofMillis(20), () -> {
            throw new IOException("connection refused");
        }))
                .hasMessageContaining(
                        "waiting for a working probe (last seen: java.io.IOException: connection refused)")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void anAssertionInTheConditionFailsAtOnce() {
        assertThatThrownBy(() -> Await.until("never", Duration.ofSeconds(30), () -> {
            throw new AssertionError("wrong shape");
        })).isInstanceOf(AssertionError.class).hasMessage("wrong shape");
    }

    @Test
    void steadyReturnsWhereProgressStoppedAndFailsWhileItMoves() throws Exception {
        AtomicLong progress = new AtomicLong(7);
        assertThat(Await.steady("no progress", Duration.ofMillis(20), Duration.ofSeconds(5), progress::get))
                .isEqualTo(7);

        assertThatThrownBy(() -> Await.steady("a stall", Duration.ofSeconds(10), Duration.ofMillis(30),
                progress::incrementAndGet))
                .hasMessageStartingWith("timed out after 30 ms waiting for a stall (still moving, at ");
    }
}
