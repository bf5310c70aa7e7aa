package io.sluice.proxy.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LiveStatsTest {

    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void countsWholeSecondsOfTheLastMinute() {
        LiveStats l = new LiveStats();
        long t0 = 1_000 * S;
        for (int i = 0; i < 30; i++) {
            l.record(t0 + i * S, i % 10 == 0, 5 * MS, -1); // one request a second, every tenth fails
        }
        LiveStats.Snapshot s = l.snapshot(t0 + 30 * S);
        assertThat(s.requestsPerSecond()).isCloseTo(30 / 60.0, within(1e-9));
        assertThat(s.errorsPerSecond()).isCloseTo(3 / 60.0, within(1e-9));
        assertThat(s.perSecond()[59]).isEqualTo(1); // the second before "now"
        assertThat(s.perSecond()[29]).isZero(); // before the first request
        // A minute later those seconds have left the window; the slot ring does not show stale counts.
        LiveStats.Snapshot later = l.snapshot(t0 + 30 * S + 64 * S);
        assertThat(later.requestsPerSecond()).isZero();
    }

    @Test
    void percentilesSpanTheSlicesUntilTheyAge() {
        LiveStats l = new LiveStats();
        for (int i = 0; i < 99; i++) {
            l.record(S, false, 10 * MS, 2 * MS);
        }
        l.record(S, true, 900 * MS, -1);
        LiveStats.Snapshot s = l.snapshot(2 * S);
        assertThat(s.p50()).isCloseTo(10, within(0.1));
        assertThat(s.p99()).isCloseTo(10, within(0.1));
        assertThat(s.ttftP50()).isCloseTo(2, within(0.05));
        assertThat(s.latencySamples()).isEqualTo(100);
        // snapshots do not roll: asking often keeps the data
        for (int i = 0; i < 20; i++) {
            l.snapshot(2 * S);
        }
        assertThat(l.snapshot(2 * S).latencySamples()).isEqualTo(100);
        // six rolls (a minute of slices) later it is gone
        for (int i = 0; i < LiveStats.WINDOW_SECONDS / LiveStats.SLICE_SECONDS; i++) {
            l.roll();
        }
        assertThat(l.snapshot(2 * S).latencySamples()).isEqualTo(100);
        l.roll();
        assertThat(l.snapshot(2 * S).latencySamples()).isZero();
    }
}
