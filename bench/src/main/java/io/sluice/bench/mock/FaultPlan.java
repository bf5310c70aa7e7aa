package io.sluice.bench.mock;

/**
 * Decides which model requests fail, reproducibly: the fate of request {@code n} (counted from 0 among model requests
 * since start) depends only on the seed, {@code n} and the rates. One uniform draw per request, from a SplitMix64 hash
 * of {@code seed} and {@code n}, so no shared RNG state is needed across event loops.
 */
public final class FaultPlan {

    /** What happens to one request. */
    public enum Fault {
        NONE,
        /** 429 with {@code Retry-After}, in the route's error shape. */
        RATE_LIMIT,
        /** 500 in the route's error shape. */
        SERVER_ERROR,
        /** The connection is closed after half the content (half the body of a JSON answer). */
        RESET
    }

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final long seed;

    public FaultPlan(long seed) {
        this.seed = seed;
    }

    /** The fault of request {@code n}: {@code [0, r429)} rate limit, then 500, then reset, else none. */
    public Fault decide(long n, double error429Rate, double error500Rate, double resetRate) {
        if (error429Rate == 0 && error500Rate == 0 && resetRate == 0) {
            return Fault.NONE;
        }
        double u = draw(n);
        if (u < error429Rate) {
            return Fault.RATE_LIMIT;
        }
        if (u < error429Rate + error500Rate) {
            return Fault.SERVER_ERROR;
        }
        if (u < error429Rate + error500Rate + resetRate) {
            return Fault.RESET;
        }
        return Fault.NONE;
    }

    /** A uniform double in {@code [0, 1)} for request {@code n}. */
    double draw(long n) {
        long z = seed + (n + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
