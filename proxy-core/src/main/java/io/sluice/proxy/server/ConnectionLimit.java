package io.sluice.proxy.server;

import io.netty.channel.Channel;
import io.sluice.proxy.metrics.SluiceMetrics;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide cap on open client connections ({@code server.maxConnections}): one instance per server, its
 * counter shared by every event loop. A connection over the cap is not counted; {@link ClientPipeline} answers it
 * 503 and closes it.
 */
public final class ConnectionLimit {

    /** No cap and no counting (handler tests, benchmarks). */
    public static final ConnectionLimit UNLIMITED = new ConnectionLimit(0, null);

    private final int max;
    private final SluiceMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param max     most connections open at once; 0 for no cap
     * @param metrics where refused connections are counted; may be null
     */
    public ConnectionLimit(int max, SluiceMetrics metrics) {
        if (max < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 0)");
        }
        this.max = max;
        this.metrics = metrics;
    }

    /** Connections counted as open now. */
    public int open() {
        return open.get();
    }

    /** Counts {@code ch} until it closes and returns true, or returns false when it is one too many. */
    boolean admit(Channel ch) {
        if (max == 0) {
            return true;
        }
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            if (metrics != null) {
                metrics.connectionRefused();
            }
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }
}
