package io.sluice.bench.load;

import java.util.Arrays;

/**
 * The open-loop timetable: request {@code i} is due {@code round(i * 1e9 / rate)} ns after the start, and goes to the
 * event loop of connection {@code i % connections}, so each loop gets a share of the arrivals proportional to its
 * connections. Pure arithmetic, nothing allocated per request: a loop's {@code k}-th request maps back to its global
 * index, hence to its intended send time.
 */
final class ArrivalSchedule {

    private final double periodNanos;
    private final long warmupCount;
    private final long total;
    private final int slots;
    /** For each loop, the connection slots (in {@code [0, slots)}, ascending) that live on it. */
    private final int[][] slotsOfLoop;

    /**
     * @param loopOfSlot the event loop index of each connection slot
     */
    ArrivalSchedule(double rate, long warmupNanos, long durationNanos, int[] loopOfSlot, int loops) {
        this.periodNanos = 1e9 / rate;
        this.warmupCount = countBefore(warmupNanos);
        this.total = countBefore(warmupNanos + durationNanos);
        this.slots = loopOfSlot.length;
        int[] counts = new int[loops];
        for (int loop : loopOfSlot) {
            counts[loop]++;
        }
        slotsOfLoop = new int[loops][];
        for (int l = 0; l < loops; l++) {
            slotsOfLoop[l] = new int[counts[l]];
        }
        int[] filled = new int[loops];
        for (int s = 0; s < slots; s++) {
            int l = loopOfSlot[s];
            slotsOfLoop[l][filled[l]++] = s;
        }
    }

    /** When request {@code i} is due, in ns after the start. */
    long offsetNanos(long i) {
        return Math.round(i * periodNanos);
    }

    /** How many requests are due strictly before {@code limitNanos} after the start. */
    long countBefore(long limitNanos) {
        if (limitNanos <= 0) {
            return 0;
        }
        long c = (long) Math.ceil(limitNanos / periodNanos);
        while (c > 0 && offsetNanos(c - 1) >= limitNanos) {
            c--;
        }
        while (offsetNanos(c) < limitNanos) {
            c++;
        }
        return c;
    }

    /** How many requests are due at {@code elapsedNanos} after the start (offset at most that), capped at the total. */
    long dueAt(long elapsedNanos) {
        return elapsedNanos < 0 ? 0 : Math.min(total, countBefore(elapsedNanos + 1));
    }

    /** All requests of the run, warmup included. */
    long total() {
        return total;
    }

    /** Requests due during the warmup: global indexes below this are not measured. */
    long warmupCount() {
        return warmupCount;
    }

    /** Of the first {@code due} requests, how many go to {@code loop}. */
    long releasedFor(int loop, long due) {
        int[] mine = slotsOfLoop[loop];
        int rem = (int) (due % slots);
        int below = Arrays.binarySearch(mine, rem);
        if (below < 0) {
            below = -below - 1; // insertion point: how many of mine are < rem
        }
        return (due / slots) * mine.length + below;
    }

    /** The global index of the {@code k}-th request (from 0) that goes to {@code loop}. */
    long globalIndex(int loop, long k) {
        int[] mine = slotsOfLoop[loop];
        return (k / mine.length) * slots + mine[(int) (k % mine.length)];
    }
}
