package io.sluice.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to one origin, owned by one event loop: every method runs on {@link #loop}, so plain
 * collections and ints do, with no locks and no cross-thread handoff (DESIGN §4: a pool shared across event loops
 * costs tens of ms per acquire under load).
 *
 * <p>At most {@code maxConnections} are open; further acquirers wait, bounded by the connect timeout. Idle
 * connections are reused most-recently-used first (warm TCP windows, older ones age out by idle timeout).
 */
public final class OriginPool {

    private final EventLoop loop;
    private final RouteConnector connector;
    private final int maxConnections;
    private final long acquireTimeoutNanos;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<Promise<Channel>> waiters = new ArrayDeque<>();
    private int open;
    private long connects;

    OriginPool(EventLoop loop, RouteConnector connector, int maxConnections, long acquireTimeoutNanos) {
        this.loop = loop;
        this.connector = connector;
        this.maxConnections = maxConnections;
        this.acquireTimeoutNanos = acquireTimeoutNanos;
    }

    /**
     * A connection for one exchange; give it back with {@link #release}. The future may already be complete.
     * If the caller no longer wants a channel when the future completes, it must still release it.
     */
    public Future<Channel> acquire() {
        assert loop.inEventLoop();
        Channel ch;
        while ((ch = idle.pollLast()) != null) {
            if (ch.isActive()) {
                return loop.newSucceededFuture(ch);
            }
        }
        Promise<Channel> p = loop.newPromise();
        if (open < maxConnections) {
            connect(p);
        } else {
            waiters.add(p);
            ScheduledFuture<?> t = loop.schedule(() -> {
                if (waiters.remove(p)) {
                    p.tryFailure(new ConnectException("no connection to " + connector.route() + " free within "
                            + TimeUnit.NANOSECONDS.toMillis(acquireTimeoutNanos) + " ms (" + maxConnections
                            + " open)"));
                }
            }, acquireTimeoutNanos, TimeUnit.NANOSECONDS);
            p.addListener(f -> t.cancel(false));
        }
        return p;
    }

    private void connect(Promise<Channel> p) {
        open++;
        connects++;
        connector.connect().addListener((Future<Channel> f) -> {
            if (f.isSuccess()) {
                Channel ch = f.getNow();
                ch.closeFuture().addListener(c -> onClosed(ch)); // at once if it closed already
                if (!p.trySuccess(ch)) {
                    release(ch, true); // the acquirer gave up meanwhile
                }
            } else {
                onClosed(null); // no channel is left open
                p.tryFailure(f.cause());
            }
        });
    }

    /** Gives a channel back: reused if {@code reusable} and still open, else closed. */
    public void release(Channel ch, boolean reusable) {
        assert loop.inEventLoop();
        if (!reusable || !ch.isActive()) {
            ch.close();
            return;
        }
        Promise<Channel> w;
        while ((w = waiters.poll()) != null) {
            if (w.trySuccess(ch)) {
                return;
            }
        }
        idle.addLast(ch);
    }

    private void onClosed(Channel ch) {
        open--;
        idle.remove(ch);
        Promise<Channel> w;
        while (open < maxConnections && (w = waiters.poll()) != null) {
            if (!w.isDone()) {
                connect(w);
            }
        }
    }

    public Origin origin() {
        return connector.route().origin();
    }

    /** The origin and the proxy (if any) of this pool's connections. */
    public UpstreamRoute route() {
        return connector.route();
    }

    /** Open connections (busy + idle). For tests and metrics; read on the loop. */
    public int openConnections() {
        return open;
    }

    public int idleConnections() {
        return idle.size();
    }

    /** Connections ever opened. */
    public long connects() {
        return connects;
    }

}
