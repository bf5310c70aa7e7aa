package io.sluice.proxy.usage;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Goes through the record queue behind the records offered before it, so when the writer reaches it everything
 * before it has been drained: no sequence numbers to compare.
 */
final class FlushMarker {

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean ok;

    void complete(boolean ok) {
        this.ok = ok;
        done.countDown();
    }

    /** True when the writer wrote and fsynced everything ahead of this marker within the time. */
    boolean await(long nanos) throws InterruptedException {
        return done.await(nanos, TimeUnit.NANOSECONDS) && ok;
    }
}
