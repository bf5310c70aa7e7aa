package io.sluice.proxy.speech;

import io.netty.channel.EventLoop;
import io.sluice.proxy.config.TtsConfig;
import io.sluice.proxy.upstream.Upstreams;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The audio of one server: finished files kept for repeats and ranges (bounded in files and bytes, least recently
 * used out first) and files being made, which a second client for the same text joins instead of calling the
 * upstream again. A file larger than the per-file bound, or one that finds no room, streams through uncached.
 *
 * <p>Thread-safe: clients on any event loop look files up here; each file's state lives on the event loop of the
 * client that asked first ({@link SpeechEntry}).
 */
public final class SpeechCache {

    /** Client tries when the file it joined went away meanwhile (evicted, failed, turned uncached). */
    static final int MAX_TRIES = 3;

    private final TtsConfig config;
    private final Upstreams upstreams;
    private final ConcurrentHashMap<String, SpeechEntry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final LongAdder upstreamCalls = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /** @param upstreams the pools, timeouts and outbound proxy routes the speech upstream call uses */
    public SpeechCache(TtsConfig config, Upstreams upstreams) {
        this.config = config;
        this.upstreams = upstreams;
    }

    public TtsConfig config() {
        return config;
    }

    /**
     * Answers {@code listener} with the audio of {@code target}: from a finished file, by joining one being made, or
     * by calling the upstream. With {@code range}, a finished file answers 206 (or 416); one not finished yet
     * answers once it is, except {@code bytes=0-}, which streams at once as 200 (browsers' first request).
     * Call on the listener's loop.
     *
     * @return what the client uses to pause, resume and leave
     */
    public Subscription request(SpeechTarget target, ByteRange range, SpeechListener listener) {
        Subscription s = new Subscription(this, target, range, listener);
        attach(s);
        return s;
    }

    /** Finds or makes the file for {@code s} and joins it. On {@code s}'s loop. */
    void attach(Subscription s) {
        EventLoop loop = s.listener().loop();
        if (!config.caching()) {
            start(new SpeechEntry(this, s.target(), loop, false), s);
            return;
        }
        String key = s.target().key();
        SpeechEntry e = entries.get(key);
        if (e != null) {
            s.joining(e);
            e.post(() -> e.join(s));
            return;
        }
        if (entries.size() >= config.cacheEntries()) {
            evictOne(null);
        }
        boolean room = entries.size() < config.cacheEntries();
        SpeechEntry fresh = new SpeechEntry(this, s.target(), loop, room);
        if (room) {
            SpeechEntry other = entries.putIfAbsent(key, fresh);
            if (other != null) { // another loop made it first
                s.joining(other);
                other.post(() -> other.join(s));
                return;
            }
        }
        start(fresh, s);
    }

    private void start(SpeechEntry e, Subscription s) {
        upstreamCalls.increment();
        s.joining(e);
        e.first(s);
        new SpeechFetch(e, upstreams).start();
    }

    /**
     * Accounts {@code n} more bytes to {@code e}, evicting finished files (least recently used first) to make room.
     * False when there is none: {@code e} then streams on uncached.
     */
    boolean reserve(SpeechEntry e, long n) {
        if (e.accounted() + n > config.cacheEntryBytes()) {
            return false;
        }
        while (true) {
            long cur = bytes.get();
            if (cur + n <= config.cacheBytes()) {
                if (bytes.compareAndSet(cur, cur + n)) {
                    return true;
                }
            } else if (!evictOne(e)) {
                return false;
            }
        }
    }

    /** Evicts the finished file used longest ago (not {@code except}); false when there is none. */
    private boolean evictOne(SpeechEntry except) {
        SpeechEntry victim = null;
        for (SpeechEntry c : entries.values()) {
            if (c != except && c.finished() && (victim == null || c.lastUsed() < victim.lastUsed())) {
                victim = c;
            }
        }
        if (victim == null) {
            return false;
        }
        if (entries.remove(victim.key(), victim)) {
            evictions.increment();
            released(victim.accounted()); // at once: the loop below must see the room it made
            victim.evict();
        }
        return true;
    }

    /** {@code e} no longer holds {@code n} accounted bytes. */
    void released(long n) {
        bytes.addAndGet(-n);
    }

    /** Forgets {@code e} (failed, or turned uncached): later requests make the file anew. */
    void forget(SpeechEntry e) {
        entries.remove(e.key(), e);
    }

    /**
     * Frees every cached file. Only once the event loops have stopped (server shutdown): nothing else touches the
     * files then.
     */
    public void close() {
        for (SpeechEntry e : entries.values()) {
            e.free();
        }
        entries.clear();
        bytes.set(0);
    }

    /** Files cached or being made. */
    public int entries() {
        return entries.size();
    }

    /** Bytes the cached files hold. */
    public long bytes() {
        return bytes.get();
    }

    /** Upstream calls made since start. */
    public long upstreamCalls() {
        return upstreamCalls.sum();
    }

    /** Files evicted to make room since start. */
    public long evictions() {
        return evictions.sum();
    }
}
