package io.sluice.bench.load;

/** How requests are paced. */
public enum LoadMode {
    /**
     * A fixed arrival rate, whatever the target does: request {@code i} is due at {@code start + i / rate}, and its
     * latency counts from that intended time, so time spent waiting for a free connection is part of it.
     */
    OPEN,
    /**
     * A fixed number of requests in flight: each connection sends its next request as soon as the previous one ends;
     * latency counts from the actual send.
     */
    CLOSED
}
