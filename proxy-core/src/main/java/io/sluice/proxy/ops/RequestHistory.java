package io.sluice.proxy.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@link #CAPACITY} answered model requests, for {@code GET /v1/history} (the seed's history, 200
 * entries): what was asked, who served it, how it went. Only names and numbers: no keys (a key appears by its name),
 * no prompts or answers (the opt-in request logger is for those). A lock-free ring: each event loop writes its own
 * slot, readers take a newest-first snapshot and skip a slot that was overwritten while they read.
 */
public final class RequestHistory {

    /** The seed keeps 200 entries. */
    public static final int CAPACITY = 200;

    /** One answered request. */
    public record Entry(long seq, long id, long startMillis, String route, String model, String provider,
                        String upstreamModel, String key, String client, int status, long latencyMs,
                        long firstByteMs, boolean stream, int attempts, long promptTokens, long completionTokens,
                        boolean estimated, String error) {
    }

    private final AtomicLong next = new AtomicLong();
    private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(CAPACITY);

    void add(RequestTrace t, int status, long latencyNanos, long prompt, long completion, boolean estimated) {
        long seq = next.getAndIncrement();
        long fb = t.firstByteAfterNanos();
        ring.set((int) (seq % CAPACITY), new Entry(seq, t.id(), t.startMillis(), t.route(), t.model(),
                t.provider(), t.upstreamModel(), t.key(), t.client(), status, latencyNanos / 1_000_000,
                fb < 0 ? -1 : fb / 1_000_000, t.stream(), t.attempts(), prompt, completion, estimated, t.error()));
    }

    /** Up to {@code max} entries, newest first. */
    public List<Entry> newest(int max) {
        long end = next.get();
        List<Entry> out = new ArrayList<>(Math.min(max, CAPACITY));
        for (long seq = end - 1; seq >= 0 && seq >= end - CAPACITY && out.size() < max; seq--) {
            Entry e = ring.get((int) (seq % CAPACITY));
            if (e != null && e.seq() == seq) {
                out.add(e);
            }
        }
        return out;
    }

    /** Requests recorded since start. */
    public long total() {
        return next.get();
    }
}
