package io.sluice.proxy.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.schedule.KeyScheduler.KeyStats;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link KeyScheduler} single-threaded, on a fake clock. */
class KeySchedulerTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final String MODEL = "gpt-4o";

    /** Starts near the wrap point of a long, as System.nanoTime() may. */
    private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 30 * SECOND);

    private KeyScheduler scheduler(Strategy strategy, int keys) {
        return scheduler(strategy, keys, null);
    }

    private KeyScheduler scheduler(Strategy strategy, int keys, int[] weights) {
        List<String> names = java.util.stream.IntStream.range(0, keys).mapToObj(i -> "key-" + i).toList();
        return new KeyScheduler("openai", names, strategy, weights, clock::get);
    }

    private void advance(long nanos) {
        clock.addAndGet(nanos);
    }

    /** acquire + success, returning the key. */
    private static int use(KeyScheduler s, String model) {
        int k = s.acquire(model);
        if (k >= 0) {
            s.success(k, 0);
        }
        return k;
    }

    // ---- strategies

    @Test
    void roundRobinSpreadsEvenly() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 3);
        int[] count = new int[3];
        for (int i = 0; i < 3000; i++) {
            count[use(s, MODEL)]++;
        }
        for (int c : count) {
            assertThat(c).isBetween(999, 1001);
        }
        assertThat(s.snapshot()).extracting(KeyStats::requests).containsExactly(1000L, 1000L, 1000L);
    }

    @Test
    void roundRobinInOrder() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 3);
        assertThat(new int[] {use(s, MODEL), use(s, MODEL), use(s, MODEL), use(s, MODEL)})
                .containsExactly(0, 1, 2, 0);
    }

    @Test
    void roundRobinSkipsACoolingKeyWithoutFavouringItsNeighbour() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 3);
        s.failure(s.acquire(MODEL), Scope.KEY, 401, MODEL, -1); // key 0 cools for 1 s
        int[] count = new int[3];
        for (int i = 0; i < 2000; i++) {
            count[use(s, MODEL)]++;
        }
        assertThat(count[0]).isZero();
        assertThat(count[1]).isBetween(999, 1001);
        assertThat(count[2]).isBetween(999, 1001);
    }

    @Test
    void rotateSkipsTheNextKeyOnce() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 3);
        assertThat(use(s, MODEL)).isEqualTo(0);
        s.rotate();
        assertThat(use(s, MODEL)).isEqualTo(2);
        assertThat(use(s, MODEL)).isEqualTo(0);
        s.rotate();
        s.rotate();
        assertThat(use(s, MODEL)).isEqualTo(0);
    }

    @Test
    void priorityAlwaysTakesTheFirstUsable() {
        KeyScheduler s = scheduler(Strategy.PRIORITY, 3);
        for (int i = 0; i < 10; i++) {
            assertThat(s.acquire(MODEL)).isZero(); // in flight does not matter
        }
        s.failure(0, Scope.KEY, 429, MODEL, -1);
        assertThat(use(s, MODEL)).isEqualTo(1);
        assertThat(use(s, MODEL)).isEqualTo(1);
        s.failure(s.acquire(MODEL), Scope.KEY, 403, MODEL, -1);
        assertThat(use(s, MODEL)).isEqualTo(2);
        advance(61 * SECOND);
        assertThat(use(s, MODEL)).isEqualTo(0);
    }

    @Test
    void leastBusyPicksTheKeyWithFewestInFlight() {
        KeyScheduler s = scheduler(Strategy.LEAST_BUSY, 3);
        assertThat(new int[] {s.acquire(MODEL), s.acquire(MODEL), s.acquire(MODEL), s.acquire(MODEL)})
                .containsExactly(0, 1, 2, 0); // ties to the lowest index when nothing else differs
        // in flight now 2, 1, 1
        s.success(1, 0); // 2, 0, 1
        assertThat(s.acquire(MODEL)).isEqualTo(1);
        s.release(0);
        s.release(0);
        s.success(2, 0); // in flight 0, 1, 0; requests 0, 1, 1
        assertThat(s.acquire(MODEL)).isEqualTo(0); // tie 0/2: key 0 has fewer requests
        assertThat(s.acquire(MODEL)).isEqualTo(2);
        assertThat(s.acquire(MODEL)).isEqualTo(0); // 1, 1, 1: key 0 has fewer requests
        assertThat(List.of(s.inFlight(0), s.inFlight(1), s.inFlight(2))).containsExactly(2, 1, 1);
    }

    @Test
    void leastBusyRotatesASequentialClient() {
        KeyScheduler s = scheduler(Strategy.LEAST_BUSY, 3);
        int[] count = new int[3];
        for (int i = 0; i < 3000; i++) {
            count[use(s, MODEL)]++;
        }
        assertThat(count).containsExactly(1000, 1000, 1000);
    }

    @Test
    void leastBusySkipsCoolingKeys() {
        KeyScheduler s = scheduler(Strategy.LEAST_BUSY, 2);
        s.failure(s.acquire(MODEL), Scope.KEY, 500, MODEL, -1);
        int busy = s.acquire(MODEL);
        assertThat(busy).isEqualTo(1);
        assertThat(s.acquire(MODEL)).isEqualTo(1); // key 0 is idle but cooling
    }

    @Test
    void weightedRespectsWeights() {
        KeyScheduler s = scheduler(Strategy.WEIGHTED, 2, new int[] {3, 1});
        int[] count = new int[2];
        for (int i = 0; i < 4000; i++) {
            count[use(s, MODEL)]++;
        }
        assertThat(count[0] / 4000.0).isBetween(0.73, 0.77);
        // smooth: never four of key 0 in a row
        assertThat(new int[] {use(s, MODEL), use(s, MODEL), use(s, MODEL), use(s, MODEL)})
                .containsExactly(0, 0, 1, 0);
    }

    @Test
    void weightedSequenceIsSmoothAndReduced() {
        assertThat(KeyScheduler.weightedSlots("p", new int[] {30, 10}, 2)).containsExactly(0, 0, 1, 0);
        assertThat(KeyScheduler.weightedSlots("p", new int[] {5, 1, 1}, 3)).containsExactly(0, 0, 1, 0, 2, 0, 0);
        assertThat(KeyScheduler.weightedSlots("p", null, 3)).containsExactly(0, 1, 2);
        int[] big = KeyScheduler.weightedSlots("p", new int[] {1_000_000, 1}, 2);
        assertThat(big.length).isLessThanOrEqualTo(KeyScheduler.MAX_WEIGHT_SLOTS + 1);
        assertThat(big).contains(1);
    }

    @Test
    void weightedWithACoolingKeyUsesTheOthers() {
        KeyScheduler s = scheduler(Strategy.WEIGHTED, 3, new int[] {2, 1, 1});
        s.failure(s.acquire(MODEL), Scope.KEY, 429, MODEL, -1);
        int[] count = new int[3];
        for (int i = 0; i < 1000; i++) {
            count[use(s, MODEL)]++;
        }
        assertThat(count[0]).isZero();
        assertThat(count[1] + count[2]).isEqualTo(1000);
        assertThat(count[1]).isBetween(400, 600);
    }

    @Test
    void weightsAreValidated() {
        assertThatThrownBy(() -> scheduler(Strategy.WEIGHTED, 2, new int[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("openai: weights: 1 values (expected: one per key, 2)");
        assertThatThrownBy(() -> scheduler(Strategy.WEIGHTED, 2, new int[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("openai: weights[1]: 0 (expected: > 0)");
        scheduler(Strategy.ROUND_ROBIN, 2, new int[] {1}); // ignored by other strategies
    }

    @Test
    void excludeSkipsKeysAlreadyTried() {
        for (Strategy strategy : Strategy.values()) {
            KeyScheduler s = scheduler(strategy, 3);
            assertThat(s.acquire(MODEL, 0b001)).as("%s", strategy).isIn(1, 2);
            assertThat(s.acquire(MODEL, 0b011)).as("%s", strategy).isEqualTo(2);
            assertThat(s.acquire(MODEL, 0b111)).as("%s", strategy).isEqualTo(-1);
            assertThat(s.acquire(MODEL, 0b110)).as("%s", strategy).isEqualTo(0);
        }
    }

    @Test
    void keysFrom64OnCannotBeExcluded() {
        KeyScheduler s = scheduler(Strategy.PRIORITY, 65);
        assertThat(s.acquire(MODEL, -1L)).isEqualTo(64);
    }

    @Test
    void noKeysMeansNone() {
        for (Strategy strategy : Strategy.values()) {
            KeyScheduler s = scheduler(strategy, 0);
            assertThat(s.acquire(MODEL)).isEqualTo(-1);
            assertThat(s.nanosUntilUsable(MODEL)).isEqualTo(Long.MAX_VALUE);
            s.rotate();
            s.release(-1);
            s.success(-1, 5);
            s.failure(-1, Scope.KEY, 401, MODEL, -1);
            assertThat(s.snapshot()).isEmpty();
        }
    }

    // ---- cooldowns

    @Test
    void aCoolingKeyIsNeverHandedOut() {
        for (Strategy strategy : Strategy.values()) {
            KeyScheduler s = scheduler(strategy, 1);
            s.failure(s.acquire(MODEL), Scope.KEY, 429, MODEL, -1);
            assertThat(s.acquire(MODEL)).as("%s", strategy).isEqualTo(-1);
            assertThat(s.acquire(null)).as("%s", strategy).isEqualTo(-1);
            advance(KeyScheduler.DEFAULT_429_COOLDOWN_NANOS - 1);
            assertThat(s.acquire(MODEL)).as("%s", strategy).isEqualTo(-1);
            advance(1);
            assertThat(s.acquire(MODEL)).as("%s", strategy).isZero();
        }
    }

    @Test
    void backoffDoublesFromOneSecondToTwoMinutesAndSuccessResetsIt() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        long[] expected = {1, 2, 4, 8, 16, 32, 64, 120, 120, 120};
        for (long seconds : expected) {
            int k = s.acquire(MODEL);
            assertThat(k).isZero();
            s.failure(k, Scope.KEY, 401, MODEL, -1);
            assertThat(s.nanosUntilUsable(MODEL)).isEqualTo(seconds * SECOND);
            advance(seconds * SECOND - 1);
            assertThat(s.acquire(MODEL)).isEqualTo(-1);
            advance(1);
        }
        assertThat(s.snapshot().get(0).failures()).isEqualTo(10);
        s.success(s.acquire(MODEL), 0);
        assertThat(s.snapshot().get(0).failures()).isZero();
        s.failure(s.acquire(MODEL), Scope.KEY, 403, MODEL, -1);
        assertThat(s.nanosUntilUsable(MODEL)).isEqualTo(SECOND);
    }

    @Test
    void backoffFormula() {
        assertThat(KeyScheduler.backoffNanos(1)).isEqualTo(SECOND);
        assertThat(KeyScheduler.backoffNanos(7)).isEqualTo(64 * SECOND);
        assertThat(KeyScheduler.backoffNanos(8)).isEqualTo(KeyScheduler.BACKOFF_MAX_NANOS);
        assertThat(KeyScheduler.backoffNanos(Integer.MAX_VALUE)).isEqualTo(KeyScheduler.BACKOFF_MAX_NANOS);
        assertThat(KeyScheduler.backoffNanos(0)).isEqualTo(SECOND);
    }

    @Test
    void retryAfterIsHonoured() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        s.failure(s.acquire(MODEL), Scope.KEY, 429, MODEL, 7 * SECOND);
        assertThat(s.nanosUntilUsable(MODEL)).isEqualTo(7 * SECOND);
        advance(7 * SECOND);
        assertThat(s.acquire(MODEL)).isZero();
        s.failure(0, Scope.KEY, 401, MODEL, 0); // Retry-After: 0 beats the backoff
        assertThat(s.acquire(MODEL)).isZero();
    }

    @Test
    void a429WithoutRetryAfterCoolsForAMinute() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        s.failure(s.acquire(MODEL), Scope.KEY, 429, MODEL, -1);
        assertThat(s.nanosUntilUsable(MODEL)).isEqualTo(KeyScheduler.DEFAULT_429_COOLDOWN_NANOS);
        assertThat(s.snapshot().get(0).coolingForNanos()).isEqualTo(KeyScheduler.DEFAULT_429_COOLDOWN_NANOS);
    }

    @Test
    void aKeyFailingAgainWhileCoolingKeepsTheLaterDeadline() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        int k = s.acquire(MODEL);
        int k2 = s.acquire(MODEL);
        s.failure(k, Scope.KEY, 429, MODEL, -1); // 60 s
        s.failure(k2, Scope.KEY, 401, MODEL, -1); // a 2 s backoff would be sooner: 60 s stays
        assertThat(s.nanosUntilUsable(MODEL)).isEqualTo(60 * SECOND);
        advance(10 * SECOND);
        assertThat(s.acquire(MODEL)).isEqualTo(-1);
    }

    @Test
    void aLaterFailureExtendsTheCooldown() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        int k = s.acquire(MODEL);
        int k2 = s.acquire(MODEL);
        s.failure(k, Scope.KEY, 401, MODEL, -1); // 1 s
        s.failure(k2, Scope.KEY, 429, MODEL, 30 * SECOND);
        assertThat(s.nanosUntilUsable(MODEL)).isEqualTo(30 * SECOND);
    }

    @Test
    void successDoesNotLiftACooldown() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        int early = s.acquire(MODEL);
        s.failure(s.acquire(MODEL), Scope.KEY, 429, MODEL, -1);
        s.success(early, 10);
        assertThat(s.acquire(MODEL)).isEqualTo(-1);
    }

    @Test
    void cooldownsAreCapped() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        s.failure(s.acquire(MODEL), Scope.KEY, 429, MODEL, Long.MAX_VALUE);
        assertThat(s.nanosUntilUsable(MODEL)).isEqualTo(KeyScheduler.MAX_COOLDOWN_NANOS);
    }

    @Test
    void requestAndProviderFailuresNeverCoolTheKey() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        s.failure(s.acquire(MODEL), Scope.REQUEST, 400, MODEL, -1);
        s.failure(s.acquire(MODEL), Scope.PROVIDER, 503, MODEL, 30 * SECOND);
        assertThat(s.acquire(MODEL)).isZero();
        KeyStats stats = s.snapshot().get(0);
        assertThat(stats.failures()).as("the 5xx counts toward its short avoidance only").isEqualTo(1);
        assertThat(stats.requests()).isEqualTo(2);
        assertThat(stats.inFlight()).isEqualTo(1);
        assertThat(stats.coolingForNanos()).isZero();
    }

    // ---- model locks

    @Test
    void aModelLockLeavesTheKeyUsableForOtherModels() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 2);
        s.failure(s.acquire("gpt-4o"), Scope.MODEL, 429, "gpt-4o", -1); // key 0
        for (int i = 0; i < 4; i++) {
            assertThat(use(s, "gpt-4o")).isEqualTo(1);
        }
        assertThat(use(s, "gpt-4o-mini")).isEqualTo(0);
        assertThat(use(s, "gpt-4o-mini")).isEqualTo(1);
        assertThat(use(s, null)).isEqualTo(0); // no model: locks do not apply
        assertThat(s.snapshot().get(0).lockedModels()).containsExactly("gpt-4o");
        assertThat(s.snapshot().get(0).coolingForNanos()).isZero();
        assertThat(s.snapshot().get(0).failures()).isZero();
    }

    @Test
    void aModelLockLastsRetryAfterOrTheDefault() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        s.failure(s.acquire("a"), Scope.MODEL, 429, "a", 5 * SECOND);
        s.failure(s.acquire("b"), Scope.MODEL, 404, "b", -1);
        assertThat(s.nanosUntilUsable("a")).isEqualTo(5 * SECOND);
        assertThat(s.nanosUntilUsable("b")).isEqualTo(KeyScheduler.DEFAULT_429_COOLDOWN_NANOS);
        assertThat(s.nanosUntilUsable("c")).isZero();
        advance(5 * SECOND);
        assertThat(s.acquire("a")).isZero();
        assertThat(s.acquire("b")).isEqualTo(-1);
        assertThat(s.snapshot().get(0).lockedModels()).containsExactly("b");
        advance(KeyScheduler.DEFAULT_429_COOLDOWN_NANOS);
        assertThat(s.acquire("b")).isZero();
        assertThat(s.snapshot().get(0).lockedModels()).isEmpty();
    }

    @Test
    void aModelScopedFailureWithoutAModelCoolsTheKey() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        s.failure(s.acquire(null), Scope.MODEL, 429, null, -1);
        assertThat(s.acquire("anything")).isEqualTo(-1);
    }

    @Test
    void nanosUntilUsableIsTheSoonestKey() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 3);
        assertThat(s.nanosUntilUsable(MODEL)).isZero();
        s.failure(s.acquire(MODEL), Scope.KEY, 429, MODEL, 30 * SECOND);
        s.failure(s.acquire(MODEL), Scope.KEY, 429, MODEL, 10 * SECOND);
        assertThat(s.nanosUntilUsable(MODEL)).isZero();
        s.failure(s.acquire(MODEL), Scope.MODEL, 429, MODEL, 20 * SECOND);
        assertThat(s.nanosUntilUsable(MODEL)).isEqualTo(10 * SECOND);
        assertThat(s.nanosUntilUsable("other")).isZero();
        advance(10 * SECOND);
        assertThat(s.nanosUntilUsable(MODEL)).isZero();
    }

    // ---- accounting

    @Test
    void snapshotCountsEverything() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 2);
        s.success(s.acquire(MODEL), 120);
        s.failure(s.acquire(MODEL), Scope.KEY, 401, MODEL, -1);
        s.release(s.acquire(MODEL));
        int held = s.acquire(MODEL);
        assertThat(held).isZero();
        List<KeyStats> stats = s.snapshot();
        assertThat(stats.get(0)).isEqualTo(new KeyStats("key-0", 1, 1, 0, 120, 0, List.of()));
        assertThat(stats.get(1)).isEqualTo(new KeyStats("key-1", 0, 1, 1, 0, SECOND, List.of()));
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.keyName(1)).isEqualTo("key-1");
        assertThat(s.provider()).isEqualTo("openai");
        assertThat(s.strategy()).isEqualTo(Strategy.ROUND_ROBIN);
    }

    @Test
    void inFlightNeverGoesNegative() {
        KeyScheduler s = scheduler(Strategy.LEAST_BUSY, 2);
        int k = s.acquire(MODEL);
        s.release(k);
        s.release(k);
        s.success(k, 0);
        assertThat(s.inFlight(k)).isZero();
        assertThat(s.acquire(MODEL)).isEqualTo(k == 0 ? 1 : 0); // key k has one more request
    }

    // ---- 5xx: the key is passed over for a short backoff, never refused

    @Test
    void keyThatAnswered5xxIsPassedOverWhileAnotherIsUsable() {
        for (Strategy strategy : Strategy.values()) {
            KeyScheduler s = scheduler(strategy, 2);
            int bad = s.acquire(MODEL);
            s.failure(bad, Scope.PROVIDER, 500, MODEL, -1);
            for (int i = 0; i < 5; i++) {
                assertThat(use(s, MODEL)).as(strategy + ": the other key, pick " + i).isEqualTo(1 - bad);
            }
            assertThat(s.nanosUntilUsable(MODEL)).as("avoided, not cooling").isZero();
            advance(KeyScheduler.SERVER_ERROR_AVOID_BASE_NANOS);
            int[] count = new int[2];
            for (int i = 0; i < 4; i++) {
                count[use(s, MODEL)]++;
            }
            assertThat(count[bad]).as(strategy + ": back in turn after the backoff").isPositive();
        }
    }

    @Test
    void aLoneKeyThatAnswered5xxIsStillHandedOut() {
        KeyScheduler s = scheduler(Strategy.ROUND_ROBIN, 1);
        s.failure(s.acquire(MODEL), Scope.PROVIDER, 503, MODEL, -1);
        assertThat(s.acquire(MODEL)).as("the only key: better a try than a refusal").isZero();
        assertThat(s.nanosUntilUsable(MODEL)).isZero();
    }

    @Test
    void consecutive5xxDoubleTheAvoidanceUpToItsCapAndASuccessEndsIt() {
        KeyScheduler s = scheduler(Strategy.PRIORITY, 2);
        long start = clock.get();
        for (int i = 1; i <= 8; i++) {
            s.failure(s.acquire(MODEL, 0b10), Scope.PROVIDER, 500, MODEL, -1);
            assertThat(s.avoidDeadline(0) - clock.get()).isEqualTo(KeyScheduler.serverErrorAvoidNanos(i));
        }
        assertThat(KeyScheduler.serverErrorAvoidNanos(1)).isEqualTo(SECOND);
        assertThat(KeyScheduler.serverErrorAvoidNanos(2)).isEqualTo(2 * SECOND);
        assertThat(KeyScheduler.serverErrorAvoidNanos(8)).isEqualTo(KeyScheduler.SERVER_ERROR_AVOID_MAX_NANOS);
        assertThat(clock.get()).isEqualTo(start);
        assertThat(use(s, MODEL)).isEqualTo(1);

        s.success(s.acquire(MODEL, 0b10), 0);
        assertThat(s.avoidDeadline(0)).isEqualTo(KeyState.NOT_COOLING);
        assertThat(use(s, MODEL)).as("priority order again").isZero();
    }

    @Test
    void transportAndErrorIn2xxFailuresDoNotAvoidTheKey() {
        KeyScheduler s = scheduler(Strategy.PRIORITY, 2);
        s.failure(s.acquire(MODEL), Scope.PROVIDER, 0, MODEL, -1);
        s.failure(s.acquire(MODEL), Scope.PROVIDER, 200, MODEL, -1);
        assertThat(s.avoidDeadline(0)).isEqualTo(KeyState.NOT_COOLING);
        assertThat(use(s, MODEL)).isZero();
    }
}
