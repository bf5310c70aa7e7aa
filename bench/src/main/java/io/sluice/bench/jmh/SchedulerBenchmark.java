package io.sluice.bench.jmh;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.proxy.schedule.CircuitBreaker;
import io.sluice.proxy.schedule.ConcurrencyGate;
import io.sluice.proxy.schedule.ConcurrencyGate.Rejection;
import io.sluice.proxy.schedule.ConcurrencyGate.Ticket;
import io.sluice.proxy.schedule.KeyScheduler;
import io.sluice.proxy.schedule.RateLimiter;
import io.sluice.proxy.schedule.Strategy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The scheduler's per-request cost (DESIGN §2 step 4), healthy provider, nothing cooling or queued: picking a key and
 * reporting its outcome (3 keys, round-robin and least-busy), one rate-limiter token, one concurrency-gate permit
 * granted at once and returned, and all of them together as one request does them ({@code perRequest}, circuit
 * breaker included). Single-threaded, and contended: two threads sharing one provider's parts ({@code contended*},
 * a {@link Group} of 2, on this 2-core machine truly parallel). Score: ns per operation; with {@code -prof gc}, bytes
 * allocated per operation (the gate's ticket is the only expected allocation).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulerBenchmark extends JmhDefaults {

    static final String MODEL = "gpt-4o-mini";
    static final long TOKENS = 420;
    private static final Runnable GRANTED = () -> { };
    private static final Consumer<Rejection> REJECTED = why -> {
        throw new IllegalStateException("gate rejected: " + why);
    };

    /** One provider's scheduling parts, as the relay holds them; production clocks. */
    public abstract static class Provider {
        KeyScheduler roundRobin;
        KeyScheduler leastBusy;
        RateLimiter limiter;
        CircuitBreaker breaker;
        ConcurrencyGate gate;
        /** The caller's event loop; a grant at once never touches it. */
        EventExecutor loop;

        @Setup
        public void setUp() {
            List<String> keys = List.of("key-0", "key-1", "key-2");
            roundRobin = new KeyScheduler("bench", keys, Strategy.ROUND_ROBIN, null, System::nanoTime);
            leastBusy = new KeyScheduler("bench", keys, Strategy.LEAST_BUSY, null, System::nanoTime);
            // Enforced (the CAS path runs) but never reached: one token a nanosecond.
            limiter = new RateLimiter(Long.MAX_VALUE, System::nanoTime);
            breaker = new CircuitBreaker(5, TimeUnit.SECONDS.toNanos(30), System::nanoTime);
            gate = new ConcurrencyGate(256, 256, TimeUnit.SECONDS.toNanos(1));
            loop = new DefaultEventExecutor();
        }

        @TearDown
        public void tearDown() {
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    @State(Scope.Thread)
    public static class Solo extends Provider {
    }

    /** Shared by the threads of one group: the contended case. */
    @State(Scope.Group)
    public static class Shared extends Provider {
    }

    @Benchmark
    @Threads(1)
    public int keyRoundRobin(Solo p) {
        return pickAndSucceed(p.roundRobin);
    }

    @Benchmark
    @Threads(1)
    public int keyLeastBusy(Solo p) {
        return pickAndSucceed(p.leastBusy);
    }

    @Benchmark
    @Threads(1)
    public boolean rateLimiter(Solo p) {
        return p.limiter.tryAcquire();
    }

    @Benchmark
    @Threads(1)
    public Ticket gate(Solo p) {
        return acquireAndRelease(p);
    }

    @Benchmark
    @Threads(1)
    public int perRequest(Solo p) {
        return request(p);
    }

    @Benchmark
    @Group("contendedRoundRobin")
    @GroupThreads(2)
    public int contendedRoundRobin(Shared p) {
        return pickAndSucceed(p.roundRobin);
    }

    @Benchmark
    @Group("contendedLeastBusy")
    @GroupThreads(2)
    public int contendedLeastBusy(Shared p) {
        return pickAndSucceed(p.leastBusy);
    }

    @Benchmark
    @Group("contendedRateLimiter")
    @GroupThreads(2)
    public boolean contendedRateLimiter(Shared p) {
        return p.limiter.tryAcquire();
    }

    @Benchmark
    @Group("contendedGate")
    @GroupThreads(2)
    public Ticket contendedGate(Shared p) {
        return acquireAndRelease(p);
    }

    @Benchmark
    @Group("contendedPerRequest")
    @GroupThreads(2)
    public int contendedPerRequest(Shared p) {
        return request(p);
    }

    private static int pickAndSucceed(KeyScheduler keys) {
        int k = keys.acquire(MODEL);
        keys.success(k, TOKENS);
        return k;
    }

    private static Ticket acquireAndRelease(Provider p) {
        Ticket t = p.gate.acquire(p.loop, GRANTED, REJECTED);
        p.gate.release();
        return t;
    }

    /** What one request does around its exchange: admit, pick a key, take a permit; then report and give back. */
    private static int request(Provider p) {
        if (!p.breaker.allow() || !p.limiter.tryAcquire()) {
            throw new IllegalStateException("not admitted");
        }
        int k = p.roundRobin.acquire(MODEL);
        Ticket t = p.gate.acquire(p.loop, GRANTED, REJECTED);
        // ... the upstream exchange ...
        t.cancel(); // the permit back, the way the relay's cleanup path does it
        p.roundRobin.success(k, TOKENS);
        p.breaker.success();
        return k;
    }
}
