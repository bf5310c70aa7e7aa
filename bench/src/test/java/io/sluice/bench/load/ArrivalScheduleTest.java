package io.sluice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

    private static final long SECOND = 1_000_000_000L;

    private static ArrivalSchedule schedule(double rate, long warmup, long duration, int connections, int loops) {
        int[] loopOf = new int[connections];
        for (int c = 0; c < connections; c++) {
            loopOf[c] = c % loops;
        }
        return new ArrivalSchedule(rate, warmup, duration, loopOf, loops);
    }

    @Test
    void countsAreExactAtRoundRates() {
        ArrivalSchedule s = schedule(200, 300_000_000L, SECOND, 4, 2);
        assertThat(s.warmupCount()).isEqualTo(60);
        assertThat(s.total()).isEqualTo(260);
        assertThat(s.offsetNanos(1)).isEqualTo(5_000_000L);
        assertThat(s.dueAt(0)).isEqualTo(1);
        assertThat(s.dueAt(4_999_999L)).isEqualTo(1);
        assertThat(s.dueAt(5_000_000L)).isEqualTo(2);
        assertThat(s.dueAt(-1)).isZero();
        assertThat(s.dueAt(100 * SECOND)).isEqualTo(260);
    }

    @Test
    void countsAgreeWithOffsetsAtAwkwardRates() {
        for (double rate : new double[] {3, 7.5, 333.3, 1_000_003}) {
            ArrivalSchedule s = schedule(rate, 0, SECOND, 1, 1);
            long n = s.total();
            assertThat(s.offsetNanos(n - 1)).isLessThan(SECOND);
            assertThat(s.offsetNanos(n)).isGreaterThanOrEqualTo(SECOND);
            assertThat((double) n).isCloseTo(rate, org.assertj.core.data.Offset.offset(1.0));
        }
    }

    @Test
    void everyRequestGoesToExactlyOneLoopInProportionToItsConnections() {
        int[][] shapes = {{1, 1}, {4, 2}, {3, 2}, {7, 3}, {16, 4}};
        for (int[] shape : shapes) {
            int connections = shape[0];
            int loops = shape[1];
            ArrivalSchedule s = schedule(1000, 0, SECOND, connections, loops);
            for (long due : new long[] {0, 1, 5, 17, 999, 1000}) {
                BitSet seen = new BitSet();
                long sum = 0;
                for (int l = 0; l < loops; l++) {
                    long mine = s.releasedFor(l, due);
                    sum += mine;
                    for (long k = 0; k < mine; k++) {
                        long i = s.globalIndex(l, k);
                        assertThat(i).isLessThan(due);
                        assertThat(seen.get((int) i)).isFalse();
                        assertThat(i % connections % loops).isEqualTo(l);
                        seen.set((int) i);
                    }
                }
                assertThat(sum).isEqualTo(due);
                assertThat(seen.cardinality()).isEqualTo((int) due);
            }
        }
    }
}
