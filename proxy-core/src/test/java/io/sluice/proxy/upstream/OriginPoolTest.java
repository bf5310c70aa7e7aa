package io.sluice.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link OriginPool} on an embedded event loop, "connecting" EmbeddedChannels. */
class OriginPoolTest {

    /** No resolution; and no terminationFuture() call, which an embedded event loop does not support. */
    static final class NoopResolverGroup extends AddressResolverGroup<SocketAddress> {
        @Override
        public AddressResolver<SocketAddress> getResolver(EventExecutor executor) {
            return newResolver(executor);
        }

        @Override
        protected AddressResolver<SocketAddress> newResolver(EventExecutor executor) {
            return new NoopAddressResolver(executor);
        }
    }

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final List<EmbeddedChannel> connected = new ArrayList<>();
    private OriginPool pool;

    @BeforeEach
    void setUp() {
        loop.freezeTime();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop.eventLoop())
                .channelFactory(() -> {
                    EmbeddedChannel ch = new EmbeddedChannel(false, false);
                    connected.add(ch);
                    return ch;
                })
                .resolver(new NoopResolverGroup())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                });
        pool = new OriginPool(loop.eventLoop(), new RouteConnector(loop.eventLoop(),
                UpstreamRoute.direct(new Origin(false, "127.0.0.1", 9)), null, bootstrap), 1,
                TimeUnit.MILLISECONDS.toNanos(100));
    }

    @AfterEach
    void tearDown() {
        connected.forEach(EmbeddedChannel::finishAndReleaseAll);
        loop.finishAndReleaseAll();
    }

    private Channel acquired(Future<Channel> f) {
        loop.runPendingTasks();
        assertThat(f.isSuccess()).as("acquired: %s", f.cause()).isTrue();
        return f.getNow();
    }

    @Test
    void releasedChannelIsReusedWithoutConnecting() {
        Channel first = acquired(pool.acquire());
        pool.release(first, true);

        Future<Channel> again = pool.acquire();

        assertThat(again.isDone()).as("served from the idle list at once").isTrue();
        assertThat(again.getNow()).isSameAs(first);
        assertThat(pool.connects()).isEqualTo(1);
        assertThat(pool.openConnections()).isEqualTo(1);
    }

    @Test
    void nonReusableReleaseClosesTheChannel() {
        Channel ch = acquired(pool.acquire());

        pool.release(ch, false);
        loop.runPendingTasks();

        assertThat(ch.isOpen()).isFalse();
        assertThat(pool.openConnections()).isZero();
        assertThat(pool.idleConnections()).isZero();
    }

    @Test
    void idleChannelClosedByThePeerLeavesThePool() {
        Channel ch = acquired(pool.acquire());
        pool.release(ch, true);

        ch.close();
        loop.runPendingTasks();

        assertThat(pool.idleConnections()).isZero();
        assertThat(pool.openConnections()).isZero();
        Channel next = acquired(pool.acquire());
        assertThat(next).isNotSameAs(ch);
        assertThat(pool.connects()).isEqualTo(2);
    }

    @Test
    void waiterGetsTheNextReleasedChannel() {
        Channel busy = acquired(pool.acquire());
        Future<Channel> waiting = pool.acquire();
        assertThat(waiting.isDone()).as("at maxConnections: waits").isFalse();

        pool.release(busy, true);

        assertThat(acquired(waiting)).isSameAs(busy);
        assertThat(pool.idleConnections()).isZero();
        assertThat(pool.connects()).isEqualTo(1);
    }

    @Test
    void waiterGetsANewConnectionWhenTheBusyOneCloses() {
        Channel busy = acquired(pool.acquire());
        Future<Channel> waiting = pool.acquire();

        pool.release(busy, false);

        Channel fresh = acquired(waiting);
        assertThat(fresh).isNotSameAs(busy);
        assertThat(fresh.isActive()).isTrue();
        assertThat(pool.openConnections()).isEqualTo(1);
    }

    @Test
    void waiterTimesOutAfterTheAcquireTimeout() {
        Channel busy = acquired(pool.acquire());
        Future<Channel> waiting = pool.acquire();

        loop.advanceTimeBy(99, TimeUnit.MILLISECONDS);
        loop.runPendingTasks();
        assertThat(waiting.isDone()).isFalse();
        loop.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        loop.runPendingTasks();

        assertThat(waiting.cause()).isInstanceOf(ConnectException.class)
                .hasMessage("no connection to http://127.0.0.1:9 free within 100 ms (1 open)");
        pool.release(busy, true);
        assertThat(pool.idleConnections()).as("a timed-out waiter is not handed the channel").isEqualTo(1);
    }

    @Test
    void channelGoesToTheNextWaiterWhenOneGaveUp() {
        Channel busy = acquired(pool.acquire());
        Future<Channel> gaveUp = pool.acquire();
        Future<Channel> waiting = pool.acquire();
        assertThat(gaveUp.cancel(false)).isTrue();

        pool.release(busy, true);

        assertThat(acquired(waiting)).isSameAs(busy);
    }
}
