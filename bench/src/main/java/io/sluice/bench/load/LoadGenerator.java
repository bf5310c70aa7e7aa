package io.sluice.bench.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

/**
 * Runs a load against an HTTP/1.1 target and measures it. See {@link LoadSpec} for what a run does and
 * {@link LoadResult} for what it reports.
 *
 * <p>A run blocks the calling thread, which paces the open loop and receives the progress callbacks; all I/O happens on
 * the run's own event loops (epoll where available, NIO otherwise; {@code -Dsluice.transport=nio} forces NIO). A run
 * always ends by itself, at the latest {@code warmup + duration + timeout + 250 ms} after its connections are open.
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static LoadResult run(LoadSpec spec) {
        return run(spec, p -> { });
    }

    /**
     * @param progress called about once a second on the calling thread; it should return quickly, as the open-loop
     *                 pacer waits for it
     * @throws IllegalArgumentException if the host does not resolve, or resolves to a non-loopback address while
     *                                  {@link LoadSpec#allowRemote()} is off
     */
    public static LoadResult run(LoadSpec spec, Consumer<Progress> progress) {
        InetSocketAddress address = resolve(spec);
        try (LoadRun run = new LoadRun(spec, address)) {
            return run.execute(progress);
        }
    }

    /** Resolves the target once per run: no DNS lookups per connection. */
    static InetSocketAddress resolve(LoadSpec spec) {
        InetAddress ip;
        try {
            ip = InetAddress.getByName(spec.host());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("target host: " + spec.host() + " (expected: a resolvable host)", e);
        }
        if (!spec.allowRemote() && !ip.isLoopbackAddress()) {
            throw new IllegalArgumentException("target host: " + spec.host() + " resolves to " + ip.getHostAddress()
                    + " (expected: a loopback address; allowRemote to load another host)");
        }
        return new InetSocketAddress(ip, spec.port());
    }
}
