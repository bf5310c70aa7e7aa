package io.sluice.bench.run;

import io.sluice.bench.load.LoadResult;

/**
 * One measured run of the bench: a scenario, the path taken ({@code direct} to the mock or {@code sluice}), what the
 * load generator saw, and what Sluice cost meanwhile (NaN / -1 for direct runs).
 *
 * @param offeredRate open loop: the arrival rate; closed loop: 0
 * @param sluiceCpu   Sluice's CPU use during the run, in cores (1.0 = one core busy)
 * @param sluiceRss   Sluice's resident set size at the end of the run, bytes
 * @param hiccupP99Us scheduling noise on Sluice's (then idle) CPU during a direct run: p99 lateness of a 1 ms sleep,
 *                    µs (-1: not measured, as in Sluice's own runs)
 * @param hiccupMaxUs the same, the worst wake-up, µs
 */
public record Row(String scenario, String via, double offeredRate, LoadResult result, double sluiceCpu,
                  long sluiceRss, long hiccupP99Us, long hiccupMaxUs) {

    public boolean direct() {
        return "direct".equals(via);
    }
}
