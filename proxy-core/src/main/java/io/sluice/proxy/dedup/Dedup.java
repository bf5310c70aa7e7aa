package io.sluice.proxy.dedup;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialect;
import io.sluice.proxy.config.DedupConfig;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.ops.RequestTrace;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Request dedup and in-flight coalescing (issue 17 item 3, the seed's {@code signatureCache} gone further). Each
 * model request is signed ({@link Signer}); then, in this order: a fresh cached answer for the signature is written at
 * once ({@code hit}); an answer in flight for it takes the request as one more client ({@code coalesced}: one
 * upstream call for all, {@link Flight}); else the request goes upstream as the first client of a new flight that
 * later ones may join ({@code miss}). Requests that cannot or must not be shared go on their own ({@code bypass}).
 * Every answer says which in {@code X-Sluice-Cache}.
 *
 * <p>The signature includes the client's dialect (its route) and whether it streams: clients sharing an answer get
 * the very bytes the first one got, so only requests answered in the same shape can share one.
 */
public final class Dedup implements AutoCloseable {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(Dedup.class);

    /** The response header saying what dedup did: hit, coalesced, miss or bypass. */
    public static final String HEADER = "X-Sluice-Cache";
    static final String HIT = "hit";
    static final String COALESCED = "coalesced";
    static final String MISS = "miss";
    static final String BYPASS = "bypass";
    static final List<String> RESULTS = List.of(HIT, COALESCED, MISS, BYPASS);
    private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Answers larger than this are cached by their instance only. */
    public static final int SHARE_MAX_BYTES = 1 << 20;

    /**
     * One model request as dedup signs it.
     *
     * @param client        the client key's name, or null (anonymous)
     * @param route         the route's label ({@code /v1/chat/completions}): the client's dialect and operation
     * @param path          the request path (a Gemini model and method, a forced provider)
     * @param provider      the provider it is routed to
     * @param upstreamModel the provider's model id it is routed to
     * @param model         the model as asked
     * @param stream        whether it streams, as its route reads it
     * @param headers       the client's headers (Anthropic's version and beta headers count, Cache-Control opts out)
     * @param dialect       the client's dialect, for Sluice's own errors
     * @param rewrite       what the global system prompt and thinking budget do to it (they change with the
     *                      settings at runtime), or null when nothing acts
     */
    public record Request(String client, String route, String path, String provider, String upstreamModel,
                          String model, boolean stream, HttpHeaders headers, Dialect dialect, String rewrite) {
    }

    /** The request's own way upstream, for when it is not answered by a cached or shared answer. */
    public interface Call {
        /**
         * Plans and starts the request's upstream exchange writing into {@code out}; returns it, or null when the
         * request was answered already (an error written to {@code out}).
         */
        Exchange start(ResponseSink out);

        /** The request will not go upstream: release what it holds (its body). */
        void release();
    }

    private final DedupConfig config;
    private final SluiceMetrics metrics;
    private final LongSupplier nanoClock;
    private final Set<String> skip;
    private final ConcurrentHashMap<Signature, Flight> flights = new ConcurrentHashMap<>();
    /** Bytes the records of answers in flight hold. */
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final AnswerCache cache;
    private volatile ScheduledFuture<?> sweeper;
    /** Where cached answers are shared with other instances; null when they are not. */
    private volatile SharedAnswer.Sink sharing;

    public Dedup(DedupConfig config, SluiceMetrics metrics, LongSupplier nanoClock) {
        this.config = config;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        Set<String> s = new HashSet<>(config.ignoreFields());
        s.add("stream"); // signed as the route reads it
        this.skip = Set.copyOf(s);
        this.cache = new AnswerCache(config.maxEntries(), config.maxBytes(), inFlightBytes::get);
        if (config.enabled()) {
            metrics.dedupGauges(() -> inFlightBytes.get() + cache.bytes(), cache::entries, flights::size, RESULTS);
        }
    }

    public boolean enabled() {
        return config.enabled();
    }

    DedupConfig config() {
        return config;
    }

    /**
     * Answers {@code r} from the cache, from an answer in flight, or through {@code call}; on {@code client}'s event
     * loop. Owns {@code call} from here on (releases or starts it).
     *
     * @param body  the request body (read here, not owned)
     * @param trace the request's trace: marked with what dedup did
     * @return the request's exchange, or null when it was answered already
     */
    public Exchange answer(Request r, ByteBuf body, ResponseSink client, RequestTrace trace, Call call) {
        Signature sig = null;
        String cacheControl = r.headers().get(HttpHeaderNames.CACHE_CONTROL);
        boolean optOut = cacheControl != null && (cacheControl.toLowerCase(Locale.ROOT).contains("no-cache")
                || cacheControl.toLowerCase(Locale.ROOT).contains("no-store"));
        if (!optOut && body.readableBytes() <= config.maxBodyBytes()) {
            try {
                sig = Signer.sign(body, skip, r.client(), r.route(), r.path(), r.provider(), r.upstreamModel(),
                        r.model(), r.stream() ? "stream" : "whole", r.headers().get("anthropic-version"),
                        r.headers().get("anthropic-beta"), r.rewrite());
            } catch (IOException e) {
                LOG.debug("not deduplicated, the body cannot be signed: {}", e.toString());
            }
        }
        if (sig == null) {
            return alone(r, client, trace, call, BYPASS);
        }
        if (sweeper == null && !config.window().isZero()) {
            startSweeper(client);
        }
        return decide(sig, r, client, trace, call, true);
    }

    /**
     * A hit, a join or a new flight for {@code sig}. A joiner the flight cannot take comes back here once
     * ({@code mayJoin} false then: it leads or hits).
     */
    Exchange decide(Signature sig, Request r, ResponseSink client, RequestTrace trace, Call call, boolean mayJoin) {
        long now = nanoClock.getAsLong();
        CachedAnswer hit = cache.get(sig, now);
        if (hit != null) {
            return hit(hit, client, trace, call);
        }
        Flight f = mayJoin ? flights.get(sig) : null;
        if (f == null) {
            Flight mine = new Flight(this, sig, client.eventLoop(), client.alloc());
            f = flights.putIfAbsent(sig, mine);
            if (f == null || !mayJoin) {
                if (f != null) {
                    return alone(r, client, trace, call, MISS); // a second refusal: no more waiting
                }
                // A flight may have ended between the cache lookup and now, its answer cached as it left.
                hit = cache.get(sig, nanoClock.getAsLong());
                if (hit != null) {
                    flights.remove(sig, mine);
                    return hit(hit, client, trace, call);
                }
                return lead(mine, r, client, trace, call);
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} joins the answer in flight {}", r.route(), r.model(), sig.hex());
        }
        Waiter w = new Waiter(this, f, client, r.dialect(), trace, COALESCED, call, r);
        Flight target = f;
        target.loop.execute(() -> target.attach(w));
        return w;
    }

    private Exchange hit(CachedAnswer a, ResponseSink client, RequestTrace trace, Call call) {
        try {
            call.release();
            counted(trace, HIT);
            a.writeTo(client, HIT);
        } finally {
            a.release();
        }
        return null;
    }

    private Exchange lead(Flight f, Request r, ResponseSink client, RequestTrace trace, Call call) {
        Waiter w = new Waiter(this, f, client, r.dialect(), trace, MISS, null, r);
        f.lead(w, trace);
        counted(trace, MISS);
        f.started(call.start(f));
        return w;
    }

    /** The request on its own, tagged {@code tag}: not shared with anyone. */
    Exchange alone(Request r, ResponseSink client, RequestTrace trace, Call call, String tag) {
        counted(trace, tag);
        return call.start(new TaggedSink(client, r.dialect(), tag));
    }

    void counted(RequestTrace trace, String result) {
        if (trace != null) {
            trace.dedup(result);
        }
        metrics.dedup(result);
    }

    void cut() {
        metrics.dedupCut();
    }

    /** Room for {@code n} more bytes of a record in flight, evicting cached answers if need be. */
    boolean reserve(int n) {
        if (inFlightBytes.get() + cache.bytes() + n > config.maxBytes()
                && !cache.makeRoom(n, nanoClock.getAsLong())) {
            return false;
        }
        inFlightBytes.addAndGet(n);
        return true;
    }

    void released(int n) {
        inFlightBytes.addAndGet(-n);
    }

    /** A flight is no longer to be joined. */
    void unlist(Flight f) {
        flights.remove(f.signature, f);
    }

    /**
     * A flight's complete 2xx answer, copied into one buffer and cached for the window. The record's bytes stop
     * counting as in flight here; the flight releases the record itself right after.
     */
    void store(Flight f, HttpResponse head, boolean full, List<ByteBuf> record, int bytes) {
        inFlightBytes.addAndGet(-bytes);
        if (config.window().isZero()) {
            return; // coalescing only
        }
        ByteBuf body = f.alloc().directBuffer(bytes, bytes);
        for (ByteBuf b : record) {
            body.writeBytes(b, b.readerIndex(), b.readableBytes());
        }
        long now = nanoClock.getAsLong();
        SharedAnswer.Sink share = sharing;
        if (share != null && bytes <= SHARE_MAX_BYTES) {
            byte[] copy = new byte[bytes];
            body.getBytes(body.readerIndex(), copy);
            share.publish(new SharedAnswer(f.signature.hex(), config.window().toMillis(), head.status().code(),
                    head.headers().entries(), full, copy));
        }
        cache.put(new CachedAnswer(f.signature, head, full, body, now + config.window().toNanos()), now);
    }

    /** Shares every answer cached from now on through {@code sink}. */
    public void share(SharedAnswer.Sink sink) {
        this.sharing = sink;
    }

    /**
     * Caches an answer another instance cached, for what is left of its window; from any thread. Ignored when dedup
     * is off, caches nothing, or the answer is malformed.
     */
    public void accept(SharedAnswer a) {
        if (!config.enabled() || config.window().isZero() || a.ttlMillis() <= 0 || a.signature().length() != 32) {
            return;
        }
        Signature sig;
        try {
            sig = new Signature(Long.parseUnsignedLong(a.signature().substring(0, 16), 16),
                    Long.parseUnsignedLong(a.signature().substring(16), 16));
        } catch (NumberFormatException e) {
            return;
        }
        HttpHeaders h = new DefaultHttpHeaders();
        a.headers().forEach(e -> h.add(e.getKey(), e.getValue()));
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()), h);
        long now = nanoClock.getAsLong();
        long ttl = Math.min(TimeUnit.MILLISECONDS.toNanos(a.ttlMillis()), config.window().toNanos());
        if (!cache.makeRoom(a.body().length, now)) {
            return;
        }
        ByteBuf body = PooledByteBufAllocator.DEFAULT.directBuffer(a.body().length, a.body().length);
        body.writeBytes(a.body());
        cache.put(new CachedAnswer(sig, head, a.full(), body, now + ttl), now);
    }

    private synchronized void startSweeper(ResponseSink client) {
        if (sweeper == null) {
            sweeper = client.eventLoop().scheduleAtFixedRate(() -> cache.sweep(nanoClock.getAsLong()), SWEEP_NANOS,
                    SWEEP_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Runs {@code accounting} of a request once the upstream call it started is over (a first client that left
     * early still gets the call's usage); at once for every other request.
     */
    public static void afterUpstream(Exchange answered, Runnable accounting) {
        if (answered instanceof Waiter w) {
            w.afterUpstream(accounting);
        } else {
            accounting.run();
        }
    }

    /** Releases every cached answer; after the event loops stopped. */
    @Override
    public void close() {
        ScheduledFuture<?> s = sweeper;
        if (s != null) {
            s.cancel(false);
        }
        cache.clear();
    }
}
