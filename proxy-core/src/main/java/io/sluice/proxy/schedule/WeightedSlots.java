package io.sluice.proxy.schedule;

/**
 * The smooth weighted round-robin sequence (nginx's) that {@link Strategy#WEIGHTED} walks: per step each key gains its
 * weight, the richest is picked and pays the total. 3:1 gives 0,0,1,0: spread out, not 0,0,0,1.
 */
final class WeightedSlots {

    /** The weighted sequence is scaled down to about this many slots, so odd weights (997:1) cost bounded memory. */
    static final int MAX_SLOTS = 1024;

    private WeightedSlots() {
    }

    /**
     * The sequence of key indexes for {@code n} keys. Weights are first divided by their gcd and, when their sum is
     * over {@link #MAX_SLOTS}, scaled down (each at least 1). Null weights mean equal weights.
     */
    static int[] of(String provider, int[] weightsOrNull, int n) {
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1;
        }
        if (weightsOrNull != null) {
            if (weightsOrNull.length != n) {
                throw new IllegalArgumentException(provider + ": weights: " + weightsOrNull.length
                        + " values (expected: one per key, " + n + ")");
            }
            long g = 0;
            for (int i = 0; i < n; i++) {
                if (weightsOrNull[i] <= 0) {
                    throw new IllegalArgumentException(provider + ": weights[" + i + "]: " + weightsOrNull[i]
                            + " (expected: > 0)");
                }
                w[i] = weightsOrNull[i];
                g = gcd(g, w[i]);
            }
            long sum = 0;
            for (int i = 0; i < n; i++) {
                w[i] /= g;
                sum += w[i];
            }
            if (sum > MAX_SLOTS) {
                for (int i = 0; i < n; i++) {
                    w[i] = Math.max(1, w[i] * MAX_SLOTS / sum);
                }
            }
        }
        long total = 0;
        for (long x : w) {
            total += x;
        }
        int[] sequence = new int[(int) total];
        long[] current = new long[n];
        for (int step = 0; step < sequence.length; step++) {
            int richest = 0;
            for (int i = 0; i < n; i++) {
                current[i] += w[i];
                if (current[i] > current[richest]) {
                    richest = i;
                }
            }
            current[richest] -= total;
            sequence[step] = richest;
        }
        return sequence;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
