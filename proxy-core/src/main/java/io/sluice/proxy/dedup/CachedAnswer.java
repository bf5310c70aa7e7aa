package io.sluice.proxy.dedup;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.sluice.proxy.exchange.ResponseSink;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A finished 2xx answer kept for {@code dedup.window}: its head and its whole body in one compact buffer (a copy,
 * so it pins no read buffers of the connection it came from). Read from any event loop: the head is never changed
 * after it is built, and readers hold a reference ({@link #tryRetain}) while they take their duplicates, so that an
 * eviction on another loop never frees the bytes under them.
 */
final class CachedAnswer {

    final Signature signature;
    private final HttpResponse head;
    private final boolean full;
    private final ByteBuf body;
    final long expiresAt;
    /** Guarded by the cache's lock: evicted (or replaced) already. */
    boolean dropped;
    private final AtomicInteger refs = new AtomicInteger(1);

    /** @param body owned from here on */
    CachedAnswer(Signature signature, HttpResponse head, boolean full, ByteBuf body, long expiresAt) {
        this.signature = signature;
        this.head = head;
        this.full = full;
        this.body = body;
        this.expiresAt = expiresAt;
    }

    int size() {
        return body.readableBytes();
    }

    /** Another reference, unless the last one went already. */
    boolean tryRetain() {
        for (;;) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            body.release();
        }
    }

    /** Writes the whole answer to {@code client} (on its loop), tagged {@code tag}. Hold a reference meanwhile. */
    void writeTo(ResponseSink client, String tag) {
        HttpHeaders h = head.headers().copy();
        h.set(Dedup.HEADER, tag);
        if (full) {
            client.head(new DefaultFullHttpResponse(head.protocolVersion(), head.status(), body.retainedDuplicate(),
                    h, EmptyHttpHeaders.INSTANCE));
            return;
        }
        client.head(new DefaultHttpResponse(head.protocolVersion(), head.status(), h));
        if (body.isReadable()) {
            client.content(body.retainedDuplicate());
        }
        client.end(null);
    }
}
