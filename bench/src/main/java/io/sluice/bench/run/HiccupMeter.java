package io.sluice.bench.run;

import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The scheduling noise of a CPU, as jHiccup measures it: a thread asks to sleep 1 ms, again and again, and records how
 * late it wakes. {@code bin/bench} pins it next to Sluice, so a tail that the meter also saw is the machine's, not
 * Sluice's. It costs next to nothing (one wake-up per millisecond).
 *
 * <p>Protocol: prints {@code wake-up meter listening on http://0:0} once (so {@link ChildProcess} knows it runs), then reads stdin
 * lines: {@code reset} starts a new window, {@code pause} / {@code resume} stop and restart sampling, {@code report}
 * prints {@code hiccup <p50 µs> <p99 µs> <p99.9 µs> <max µs>}
 * for the window.
 */
public final class HiccupMeter {

    private HiccupMeter() {
    }

    public static void main(String[] args) throws Exception {
        Histogram h = new Histogram(3_600_000_000L, 3);
        Object lock = new Object();
        java.util.concurrent.atomic.AtomicBoolean paused = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sampler = new Thread(() -> {
            long interval = 1_000_000;
            while (true) {
                if (paused.get()) {
                    LockSupport.parkNanos(50_000_000); // off the CPU while the process it sits next to is measured
                    continue;
                }
                long start = System.nanoTime();
                LockSupport.parkNanos(interval);
                long late = Math.max(0, System.nanoTime() - start - interval);
                synchronized (lock) {
                    h.recordValue(Math.min(late, h.getHighestTrackableValue()));
                }
            }
        }, "hiccup-sampler");
        sampler.setDaemon(true);
        sampler.start();
        System.out.println("wake-up meter listening on http://0:0 (1 ms sleeps)");
        System.out.flush();
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            synchronized (lock) {
                if (line.equals("reset")) {
                    h.reset();
                } else if (line.equals("pause")) {
                    paused.set(true);
                } else if (line.equals("resume")) {
                    paused.set(false);
                } else if (line.equals("report")) {
                    System.out.printf(java.util.Locale.ROOT, "hiccup %d %d %d %d%n",
                            h.getValueAtPercentile(50) / 1000, h.getValueAtPercentile(99) / 1000,
                            h.getValueAtPercentile(99.9) / 1000, h.getMaxValue() / 1000);
                    System.out.flush();
                }
            }
        }
    }
}
