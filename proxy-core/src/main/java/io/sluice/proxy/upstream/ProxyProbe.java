package io.sluice.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.sluice.proxy.config.ProxyUri;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The proxy test ({@code POST /api/settings/proxy/test}): opens one connection to a target the way a provider's
 * would be opened (through the proxy's tunnel, then TLS for https), outside the pools, closes it, and says how long
 * it took or what failed, and whether the proxy or the target was at fault.
 */
public final class ProxyProbe {

    /**
     * @param ok        the connection was made (tunnel open, TLS handshake done)
     * @param target    the origin tested
     * @param route     the proxy, masked, or {@code direct}
     * @param latencyMs time to open the connection, or to fail
     * @param error     what failed, or null
     * @param failedAt  {@code proxy} or {@code target} when it failed, else null
     */
    public record Result(boolean ok, String target, String route, long latencyMs, String error, String failedAt) {
    }

    private final UpstreamPools pools;

    public ProxyProbe(UpstreamPools pools) {
        this.pools = pools;
    }

    /** Connects to {@code target} through {@code proxy} (null: directly) on {@code loop}. */
    public CompletableFuture<Result> test(Origin target, ProxyUri proxy, EventLoop loop) {
        CompletableFuture<Result> out = new CompletableFuture<>();
        UpstreamRoute route = new UpstreamRoute(target, proxy);
        String shown = route.proxied() ? route.proxy().masked() : "direct";
        loop.execute(() -> {
            long start = System.nanoTime();
            pools.connectOnce(loop, route).addListener((Future<Channel> f) -> {
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (f.isSuccess()) {
                    f.getNow().close();
                    out.complete(new Result(true, target.toString(), shown, ms, null, null));
                } else if (f.cause() instanceof UpstreamProxyException x) {
                    out.complete(new Result(false, target.toString(), shown, ms, x.getMessage(),
                            x.targetFault() ? "target" : "proxy"));
                } else {
                    out.complete(new Result(false, target.toString(), shown, ms, "cannot connect to " + target + ": "
                            + EarlyAnswers.describe(f.cause()).replace("the provider", "the target"), "target"));
                }
            });
        });
        return out;
    }
}
