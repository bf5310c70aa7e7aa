package io.sluice.proxy.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.proxy.schedule.ConcurrencyGate.Rejection;
import io.sluice.proxy.schedule.ConcurrencyGate.Ticket;
import io.sluice.proxy.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many threads against one scheduler part at a time, checking the invariants the relay relies on. Bounded: 8
 * threads × 20k operations, a few seconds at most on two cores; fake clocks where time matters, latches and
 * barriers for ordering, no sleeps.
 */
class SchedulerStressTest {

    private static final int THREADS = 8;
    private static final int OPS = 20_000;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Runs body on THREADS threads started together; rethrows the first failure. */
    private static void race(int threads, ThrowingIntConsumer body) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    body.accept(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "stress-" + t);
            th.start();
            all.add(th);
        }
        start.countDown();
        for (Thread th : all) {
            th.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(th.isAlive()).as("%s finished", th.getName()).isFalse();
        }
        if (failure.get() != null) {
            throw new AssertionError("a stress thread failed", failure.get());
        }
    }

    @FunctionalInterface
    interface ThrowingIntConsumer {
        void accept(int id) throws Exception;
    }

    // ---- KeyScheduler

    @ParameterizedTest
    @EnumSource(Strategy.class)
    @Timeout(10)
    void keySchedulerNeverHandsOutACoolingKeyAndCountsBalance(Strategy strategy) throws Exception {
        AtomicLong clock = new AtomicLong(-5_000 * MS); // crosses zero
        int keys = 4;
        List<String> names = List.of("k0", "k1", "k2", "k3");
        KeyScheduler s = new KeyScheduler("p", names, strategy, new int[] {4, 3, 2, 1}, clock::get);
        String[] models = {"a", "b", "c"};
        AtomicInteger coolingPicks = new AtomicInteger();
        AtomicInteger lockedPicks = new AtomicInteger();
        AtomicInteger badInFlight = new AtomicInteger();
        AtomicLong outcomes = new AtomicLong();
        AtomicLong picks = new AtomicLong();

        race(THREADS, id -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            long[] cooling = new long[keys];
            Long[] locked = new Long[keys];
            for (int op = 0; op < OPS; op++) {
                clock.addAndGet(rnd.nextLong(MS / 5)); // time moves ~16 s over the run
                String model = models[rnd.nextInt(models.length)];
                for (int k = 0; k < keys; k++) { // what this thread saw before asking
                    cooling[k] = s.cooldownDeadline(k);
                    locked[k] = s.modelLockDeadline(k, model);
                }
                long exclude = rnd.nextInt(8) == 0 ? 1L << rnd.nextInt(keys) : 0;
                int k = s.acquire(model, exclude);
                long after = clock.get();
                if (k < 0) {
                    continue;
                }
                picks.incrementAndGet();
                // Deadlines only move later until they pass, so one still ahead after acquire was ahead throughout.
                if (cooling[k] != KeyState.NOT_COOLING && cooling[k] - after > 0) {
                    coolingPicks.incrementAndGet();
                }
                if (locked[k] != null && locked[k] - after > 0) {
                    lockedPicks.incrementAndGet();
                }
                if ((exclude & (1L << k)) != 0 || s.inFlight(k) < 1) { // we hold one
                    badInFlight.incrementAndGet();
                }
                int r = rnd.nextInt(1000);
                if (r < 700) {
                    s.success(k, rnd.nextInt(100));
                    outcomes.incrementAndGet();
                } else if (r < 800) {
                    s.release(k);
                } else if (r < 850) {
                    s.failure(k, Scope.KEY, 429, model, rnd.nextLong(20 * MS));
                    outcomes.incrementAndGet();
                } else if (r < 860) {
                    s.failure(k, Scope.KEY, 401, model, rnd.nextLong(50 * MS)); // (the 1 s+ backoff would idle it)
                    outcomes.incrementAndGet();
                } else if (r < 900) {
                    s.failure(k, Scope.MODEL, 429, model, rnd.nextLong(30 * MS));
                    outcomes.incrementAndGet();
                } else {
                    s.failure(k, rnd.nextBoolean() ? Scope.REQUEST : Scope.PROVIDER, 500, model, -1);
                    outcomes.incrementAndGet();
                }
                if (s.inFlight(k) < 0) {
                    badInFlight.incrementAndGet();
                }
            }
        });

        assertThat(coolingPicks.get()).as("picks of a cooling key").isZero();
        assertThat(lockedPicks.get()).as("picks of a locked model").isZero();
        assertThat(badInFlight.get()).as("in-flight anomalies").isZero();
        assertThat(picks.get()).as("keys handed out (coverage)").isGreaterThan(THREADS * OPS / 10);
        long requests = 0;
        for (KeyScheduler.KeyStats k : s.snapshot()) {
            assertThat(k.inFlight()).as("%s in flight", k.name()).isZero();
            requests += k.requests();
        }
        assertThat(requests).isEqualTo(outcomes.get());
        System.out.printf(Locale.ROOT, "key stress %s: %d picks of %d%n", strategy, picks.get(), THREADS * OPS);
    }

    // ---- ConcurrencyGate

    /** One acquire of the gate stress test; its finishing steps all run on its loop, as in the relay. */
    private static final class Req {
        final EventExecutor loop;
        final AtomicInteger callbacks = new AtomicInteger();
        final AtomicBoolean settled = new AtomicBoolean();
        final Semaphore slot;
        volatile Ticket ticket;
        /** Loop-confined after the grant, like a relay's exchange state. */
        boolean granted;
        boolean done;

        Req(EventExecutor loop, Semaphore slot) {
            this.loop = loop;
            this.slot = slot;
        }
    }

    @Test
    @Timeout(20)
    void gateNeverExceedsItsPermitsAndLosesNone() throws Exception {
        int max = 4;
        ConcurrencyGate gate = new ConcurrencyGate(max, 16, 5 * MS);
        int outstanding = 3; // per thread: a closed loop, so most acquires meet a permit or a queue slot
        EventExecutor[] loops = new EventExecutor[4];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new DefaultEventExecutor();
        }
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        AtomicInteger doubleCallbacks = new AtomicInteger();
        AtomicInteger wrongThread = new AtomicInteger();
        AtomicInteger grants = new AtomicInteger();
        AtomicInteger timeouts = new AtomicInteger();
        AtomicInteger full = new AtomicInteger();
        int total = THREADS * OPS;
        CountDownLatch allSettled = new CountDownLatch(total);
        try {
            race(THREADS, id -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                Semaphore inFlight = new Semaphore(outstanding);
                for (int op = 0; op < OPS; op++) {
                    inFlight.acquire();
                    Req req = new Req(loops[rnd.nextInt(loops.length)], inFlight);
                    boolean viaCancel = rnd.nextBoolean();
                    Runnable finish = () -> { // on req.loop: the exchange ends, the permit goes back once
                        if (!req.done) {
                            req.done = true;
                            holders.decrementAndGet();
                            Ticket t = req.ticket;
                            if (viaCancel && t != null) {
                                t.cancel();
                            } else {
                                gate.release();
                            }
                            settle(req, allSettled);
                        }
                    };
                    Ticket t = gate.acquire(req.loop, () -> {
                        if (req.callbacks.incrementAndGet() > 1) {
                            doubleCallbacks.incrementAndGet();
                        }
                        int h = holders.incrementAndGet();
                        maxHolders.accumulateAndGet(h, Math::max);
                        grants.incrementAndGet();
                        req.granted = true;
                        req.loop.execute(finish);
                    }, why -> {
                        if (req.callbacks.incrementAndGet() > 1) {
                            doubleCallbacks.incrementAndGet();
                        }
                        if (why == Rejection.TIMEOUT) {
                            timeouts.incrementAndGet();
                            if (!req.loop.inEventLoop()) {
                                wrongThread.incrementAndGet();
                            }
                        } else {
                            full.incrementAndGet();
                        }
                        settle(req, allSettled);
                    });
                    req.ticket = t;
                    if (rnd.nextInt(5) == 0) { // the client goes away: cancel on its loop
                        req.loop.execute(() -> {
                            if (!req.done) {
                                req.done = true;
                                if (req.granted) {
                                    holders.decrementAndGet();
                                }
                                t.cancel();
                                settle(req, allSettled);
                            }
                        });
                    }
                }
            });
            assertThat(allSettled.await(15, TimeUnit.SECONDS)).as("every acquire settled").isTrue();
            Await.until("the gate to drain", Duration.ofSeconds(5), () -> gate.active() == 0 && gate.queued() == 0);
        } finally {
            for (EventExecutor loop : loops) {
                loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
        }
        for (EventExecutor loop : loops) {
            assertThat(loop.terminationFuture().await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(maxHolders.get()).as("most permits held at once").isBetween(1, max);
        assertThat(doubleCallbacks.get()).as("acquires answered twice").isZero();
        assertThat(wrongThread.get()).as("timeouts off their loop").isZero();
        assertThat(grants.get()).as("grants (coverage, not correctness)").isGreaterThan(1_000);
        assertThat(gate.active()).isZero();
        assertThat(gate.queued()).isZero();
        System.out.printf(Locale.ROOT, "gate stress: %d grants, %d timeouts, %d queue-full of %d%n", grants.get(),
                timeouts.get(),
                full.get(), total);
    }

    private static void settle(Req req, CountDownLatch allSettled) {
        if (req.settled.compareAndSet(false, true)) {
            req.slot.release();
            allSettled.countDown();
        }
    }

    // ---- CircuitBreaker

    @Test
    @Timeout(10)
    void circuitBreakerLetsExactlyOneProbeThrough() throws Exception {
        long open = 1_000 * MS;
        AtomicLong clock = new AtomicLong();
        CircuitBreaker breaker = new CircuitBreaker(5, open, clock::get);
        for (int i = 0; i < 5; i++) {
            breaker.failure();
        }
        int rounds = 2_000;
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger badRounds = new AtomicInteger();
        // Between rounds (one thread, all others parked): check one probe went, fail it, let the open period pass.
        CyclicBarrier barrier = new CyclicBarrier(THREADS, () -> {
            if (probes.getAndSet(0) != 1 || breaker.state() != CircuitBreaker.State.HALF_OPEN) {
                badRounds.incrementAndGet();
            }
            breaker.failure();
            clock.addAndGet(open);
        });
        clock.addAndGet(open);
        race(THREADS, id -> {
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < 10; i++) {
                    if (breaker.allow()) {
                        probes.incrementAndGet();
                    }
                }
                try {
                    barrier.await(5, TimeUnit.SECONDS);
                } catch (BrokenBarrierException e) {
                    throw new AssertionError(e);
                }
            }
        });
        assertThat(badRounds.get()).as("rounds without exactly one probe").isZero();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    @Timeout(10)
    void circuitBreakerOpensOnceUnderConcurrentFailures() throws Exception {
        AtomicLong clock = new AtomicLong();
        CircuitBreaker breaker = new CircuitBreaker(3, 1_000 * MS, clock::get);
        race(THREADS, id -> {
            for (int i = 0; i < 1_000; i++) {
                breaker.failure();
            }
        });
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.nanosUntilProbe()).isEqualTo(1_000 * MS);
    }

    // ---- RateLimiter

    @Test
    @Timeout(10)
    void rateLimiterNeverGrantsMoreThanBurstPlusRate() throws Exception {
        long perMinute = 6_000; // 100 a second: one per 10 ms
        long interval = TimeUnit.MINUTES.toNanos(1) / perMinute;
        AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 5_000 * MS); // wraps mid-run
        long start = clock.get();
        RateLimiter limiter = new RateLimiter(perMinute, clock::get);
        AtomicLong granted = new AtomicLong();
        AtomicInteger overshoots = new AtomicInteger();
        race(THREADS, id -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int op = 0; op < OPS; op++) {
                if (rnd.nextInt(THREADS) == 0) {
                    clock.addAndGet(MS); // ~20k steps of 1 ms in all: ~20 s
                }
                if (limiter.tryAcquire()) {
                    long n = granted.incrementAndGet();
                    long elapsed = clock.get() - start; // read after the grant: never earlier than its own clock
                    if (n > perMinute + elapsed / interval) {
                        overshoots.incrementAndGet();
                    }
                }
            }
        });
        while (limiter.tryAcquire()) { // what is left at the end
            granted.incrementAndGet();
        }
        long elapsed = clock.get() - start;
        assertThat(overshoots.get()).as("grants beyond burst + rate × elapsed").isZero();
        // ~20 s is too short to refill a whole burst, so no token was lost to a full bucket: the count is exact.
        assertThat(granted.get()).isEqualTo(perMinute + elapsed / interval);
    }
}
