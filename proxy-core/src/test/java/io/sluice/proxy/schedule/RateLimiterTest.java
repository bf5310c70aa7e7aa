package io.sluice.proxy.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link RateLimiter} on a fake clock: burst, then the refill rate. */
class RateLimiterTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 10 * SECOND); // wraps during the tests

    private int drain(RateLimiter limiter) {
        int n = 0;
        while (limiter.tryAcquire()) {
            n++;
        }
        return n;
    }

    @Test
    void burstIsPerMinute() {
        RateLimiter limiter = new RateLimiter(60, clock::get);
        assertThat(drain(limiter)).isEqualTo(60);
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.nanosUntilAvailable()).isEqualTo(SECOND);
    }

    @Test
    void refillsContinuouslyAtTheRate() {
        RateLimiter limiter = new RateLimiter(60, clock::get); // one a second
        drain(limiter);
        clock.addAndGet(SECOND - 1);
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.nanosUntilAvailable()).isEqualTo(1);
        clock.addAndGet(1);
        assertThat(limiter.nanosUntilAvailable()).isZero();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
        // measured over 100 s in 100 ms steps: 100 grants, one a second
        int granted = 0;
        for (int i = 0; i < 1000; i++) {
            clock.addAndGet(SECOND / 10);
            granted += drain(limiter);
        }
        assertThat(granted).isEqualTo(100);
    }

    @Test
    void anIdleBucketRefillsToItsBurstOnly() {
        RateLimiter limiter = new RateLimiter(600, clock::get);
        drain(limiter);
        clock.addAndGet(TimeUnit.HOURS.toNanos(1));
        assertThat(drain(limiter)).isEqualTo(600);
        clock.addAndGet(SECOND / 2);
        assertThat(drain(limiter)).isEqualTo(5); // 10 a second
    }

    @Test
    void anOddRateNeverGrantsFasterThanConfigured() {
        RateLimiter limiter = new RateLimiter(7, clock::get);
        assertThat(drain(limiter)).isEqualTo(7);
        clock.addAndGet(TimeUnit.MINUTES.toNanos(1) - 1);
        assertThat(drain(limiter)).isEqualTo(6);
        clock.addAndGet(1);
        assertThat(drain(limiter)).isLessThanOrEqualTo(1);
    }

    @Test
    void highRatesWork() {
        RateLimiter limiter = new RateLimiter(6_000_000, clock::get); // 100k a second
        assertThat(drain(limiter)).isEqualTo(6_000_000);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(drain(limiter)).isEqualTo(100);
    }

    @Test
    void zeroOrLessIsUnlimited() {
        for (long perMinute : new long[] {0, -1, Long.MIN_VALUE}) {
            RateLimiter limiter = new RateLimiter(perMinute, clock::get);
            for (int i = 0; i < 10_000; i++) {
                assertThat(limiter.tryAcquire()).isTrue();
            }
            assertThat(limiter.nanosUntilAvailable()).isZero();
            assertThat(limiter.perMinute()).isEqualTo(perMinute);
        }
    }

    @Test
    void absurdRatesDoNotOverflow() {
        RateLimiter limiter = new RateLimiter(Long.MAX_VALUE, clock::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.tryAcquire()).isTrue();
        }
        assertThat(limiter.perMinute()).isEqualTo(Long.MAX_VALUE);
    }
}
