package io.sluice.proxy.state;

import io.sluice.proxy.config.ResponseStoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The single-instance {@link ResponseStore}: answers in memory, oldest first, capped by count, bytes and age; with a
 * data directory every change is also appended to {@link ResponseLog} by its own thread, and the log is replayed at
 * start. The lock guards a few map operations (no I/O, no parsing under it).
 */
public final class EmbeddedResponseStore implements ResponseStore {

    private final ResponseStoreConfig config;
    private final LongSupplier clock;
    private final ResponseLog log;
    private final ReentrantLock lock = new ReentrantLock();
    /** By {@link #key}, oldest first. */
    private final LinkedHashMap<String, StoredResponse> answers = new LinkedHashMap<>();
    /** Item key → the key of the answer holding it. */
    private final Map<String, String> items = new HashMap<>();
    private long bytes;

    /**
     * @param dataDir where the log is kept ({@code <dataDir>/responses/}), or null for memory only
     * @param clock   epoch millis
     */
    public EmbeddedResponseStore(ResponseStoreConfig config, Path dataDir, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
        if (dataDir == null) {
            this.log = null;
            return;
        }
        this.log = new ResponseLog(dataDir.resolve("responses").resolve(ResponseLog.FILE_NAME));
        for (ResponseLog.Entry e : log.load()) {
            if (e.put() != null) {
                insert(e.put());
            } else {
                remove(key(e.scope(), e.id()));
            }
        }
        evict(clock.getAsLong());
        log.compact(snapshot(), bytes);
    }

    static String key(String scope, String id) {
        return scope + '\u0000' + id;
    }

    @Override
    public StoredResponse get(String scope, String id) {
        if (scope == null || id == null) {
            return null;
        }
        lock.lock();
        try {
            StoredResponse r = answers.get(key(scope, id));
            return r == null || expired(r, clock.getAsLong()) ? null : r;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoredResponse owner(String scope, String itemId) {
        if (scope == null || itemId == null) {
            return null;
        }
        lock.lock();
        try {
            String k = items.get(key(scope, itemId));
            StoredResponse r = k == null ? null : answers.get(k);
            return r == null || expired(r, clock.getAsLong()) ? null : r;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void put(StoredResponse r) {
        if (r.bytes() > config.maxResponseBytes()) {
            return;
        }
        lock.lock();
        try {
            insert(r);
            evict(clock.getAsLong());
        } finally {
            lock.unlock();
        }
        if (log != null) {
            log.appendPut(r, this::snapshotForCompaction);
        }
    }

    @Override
    public boolean delete(String scope, String id) {
        boolean removed;
        lock.lock();
        try {
            StoredResponse r = answers.get(key(scope, id));
            removed = r != null && !expired(r, clock.getAsLong());
            remove(key(scope, id));
        } finally {
            lock.unlock();
        }
        if (removed && log != null) {
            log.appendDelete(scope, id, this::snapshotForCompaction);
        }
        return removed;
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return answers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes counted against {@code maxBytes} now. */
    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
        }
    }

    private boolean expired(StoredResponse r, long now) {
        return now - r.storedAt() >= config.ttl().toMillis();
    }

    /** Under the lock (or in the constructor). */
    private void insert(StoredResponse r) {
        String k = key(r.scope(), r.id());
        remove(k); // a replaced answer moves to the end: it is the newest now
        answers.put(k, r);
        bytes += r.bytes();
        for (String item : r.itemIds()) {
            items.put(key(r.scope(), item), k);
        }
    }

    private void remove(String k) {
        StoredResponse old = answers.remove(k);
        if (old == null) {
            return;
        }
        bytes -= old.bytes();
        for (String item : old.itemIds()) {
            items.remove(key(old.scope(), item), k);
        }
    }

    /** Drops the expired, then the oldest beyond the caps. Answers are in storing order, so the oldest lead. */
    private void evict(long now) {
        Iterator<Map.Entry<String, StoredResponse>> it = answers.entrySet().iterator();
        List<String> gone = new ArrayList<>();
        int count = answers.size();
        long size = bytes;
        while (it.hasNext()) {
            StoredResponse r = it.next().getValue();
            if (!expired(r, now) && count <= config.maxResponses() && size <= config.maxBytes()) {
                break;
            }
            gone.add(key(r.scope(), r.id()));
            count--;
            size -= r.bytes();
        }
        gone.forEach(this::remove);
    }

    private List<StoredResponse> snapshot() {
        return new ArrayList<>(answers.values());
    }

    /** What the log rewrites itself from, taken on its own thread. */
    private ResponseLog.Snapshot snapshotForCompaction() {
        lock.lock();
        try {
            evict(clock.getAsLong());
            return new ResponseLog.Snapshot(snapshot(), bytes);
        } finally {
            lock.unlock();
        }
    }
}
