package io.sluice.proxy.dedup;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Finished answers by signature, bounded three ways: {@code dedup.maxEntries}, {@code dedup.maxBytes} (together with
 * what answers in flight hold, {@code inFlightBytes}) and the window. Every answer lives as long as the window, so
 * the oldest is also the first to expire: eviction takes the oldest first, and expired answers go at the next insert
 * or sweep. Lookups are lock-free; inserts and evictions (once per finished answer) take the lock.
 */
final class AnswerCache {

    private final ConcurrentHashMap<Signature, CachedAnswer> map = new ConcurrentHashMap<>();
    /** Insertion order, which is expiry order; replaced answers stay here marked dropped until they reach the head. */
    private final ArrayDeque<CachedAnswer> order = new ArrayDeque<>();
    private final AtomicLong bytes = new AtomicLong();
    private volatile int entries;
    private final int maxEntries;
    private final long maxBytes;
    private final LongSupplier inFlightBytes;

    AnswerCache(int maxEntries, long maxBytes, LongSupplier inFlightBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.inFlightBytes = inFlightBytes;
    }

    /** The answer for {@code s} while it is fresh, with a reference the caller must release; else null. */
    CachedAnswer get(Signature s, long now) {
        CachedAnswer a = map.get(s);
        if (a == null || a.expiresAt - now <= 0) {
            return null;
        }
        return a.tryRetain() ? a : null;
    }

    /** Keeps {@code a} (its reference moves here), evicting what the bounds require. */
    synchronized void put(CachedAnswer a, long now) {
        CachedAnswer old = map.put(a.signature, a);
        if (old != null) {
            drop(old, false);
        }
        order.addLast(a);
        entries++;
        bytes.addAndGet(a.size());
        trim(now, 0);
    }

    /**
     * Evicts until {@code more} bytes fit beside what is cached and in flight, oldest first; true when they fit
     * (possibly with nothing evicted).
     */
    synchronized boolean makeRoom(long more, long now) {
        trim(now, more);
        return bytes.get() + inFlightBytes.getAsLong() + more <= maxBytes;
    }

    /** Drops what expired. */
    synchronized void sweep(long now) {
        trim(now, 0);
    }

    /** Drops everything (server shutdown). */
    synchronized void clear() {
        CachedAnswer a;
        while ((a = order.pollFirst()) != null) {
            drop(a, true);
        }
    }

    private void trim(long now, long more) {
        CachedAnswer a;
        while ((a = order.peekFirst()) != null) {
            boolean over = entries > maxEntries || bytes.get() + inFlightBytes.getAsLong() + more > maxBytes;
            if (!a.dropped && !over && a.expiresAt - now > 0) {
                return;
            }
            order.pollFirst();
            drop(a, true);
        }
    }

    private void drop(CachedAnswer a, boolean unmap) {
        if (a.dropped) {
            return;
        }
        a.dropped = true;
        if (unmap) {
            map.remove(a.signature, a);
        }
        entries--;
        bytes.addAndGet(-a.size());
        a.release();
    }

    long bytes() {
        return bytes.get();
    }

    int entries() {
        return entries;
    }
}
