package io.sluice.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.hub.HubRequest;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.ops.RequestTrace;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.schedule.ConcurrencyGate;
import io.sluice.proxy.schedule.FailureClassifier;
import io.sluice.proxy.schedule.ProviderRuntime;
import io.sluice.proxy.schedule.RateLimiter;
import io.sluice.proxy.schedule.Scope;
import io.sluice.proxy.upstream.UpstreamHandler;
import io.sluice.proxy.upstream.UpstreamRelay;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One client request under the scheduler: picks a key (and passes the provider's breaker, rate limit and concurrency
 * gate) for the route's primary target, and while nothing has reached the client, answers a failure with another
 * attempt: the next key of the same provider for key- and model-scoped failures (429, 401, 403, 402, per-model 429),
 * the next combo entry for provider-scoped ones (5xx, timeouts, resets, a 200 carrying an error). A request-scoped
 * failure (400, 413, 422) is the client's and goes back as it is. At most {@code resilience.maxAttempts} attempts.
 *
 * <p>Runs on the client's event loop; the scheduler state it touches is lock-free and shared.
 */
final class ScheduledExchange implements Exchange {

    /** A provider + key ready to go: the key is in flight, the rate limit and breaker passed. */
    private record Candidate(ModelRouter.Target target, ProviderRuntime runtime, int key) {
    }

    private static final String KEYS_COOLING = "keys_cooling_down";

    private final ProxyContext proxy;
    private final ChatRequest request;
    private final GateSink out;
    private final List<ModelRouter.Target> chain;
    private final int maxAttempts;
    private int index;
    /** Keys of {@code chain[index]} already tried by this request, as a bitmask. */
    private long tried;
    private int attempts;
    private Exchange current;
    private Attempt live;
    private ConcurrencyGate.Ticket ticket;
    /** The candidate waiting behind {@link #ticket}: its key is held while it waits. */
    private Candidate queued;
    private boolean done;
    /** Nanos this request spent waiting for a cooling key ({@code resilience.keyWait}). */
    private long waited;
    private io.netty.util.concurrent.ScheduledFuture<?> waitTimer;
    /** The client dialect's view of the request, read once if a fallback speaks another dialect. */
    private HubRequest hub;

    /** Why the last candidate was refused, for the answer when nothing is left to try. */
    private HttpResponseStatus refusal = HttpResponseStatus.SERVICE_UNAVAILABLE;
    private String refusalMessage;
    private String refusalCode = "no_provider_available";
    private long refusalRetryNanos = -1;

    ScheduledExchange(ProxyContext proxy, ChatRequest request, ResponseSink client) {
        this.proxy = proxy;
        this.request = request;
        this.out = new GateSink(client, proxy.config().resilience().sseKeepAlive().toNanos());
        List<ModelRouter.Target> c = new ArrayList<>(1 + request.route().fallbacks().size());
        c.add(request.route().target());
        c.addAll(request.route().fallbacks());
        this.chain = c;
        this.maxAttempts = proxy.config().resilience().maxAttempts();
        this.hub = request.hub();
    }

    @Override
    public void start() {
        goOrGiveUp();
    }

    private void goOrGiveUp() {
        Candidate c = pick();
        if (c == null) {
            giveUp();
        } else {
            go(c);
        }
    }

    /**
     * The next candidate, from {@code chain[index]} on, with its key acquired; null when none is left (then
     * {@link #refusal} says why). Skips providers whose breaker is open, whose rate limit is spent or whose keys are
     * all cooling.
     */
    private Candidate pick() {
        while (index < chain.size()) {
            ModelRouter.Target t = chain.get(index);
            ProviderConfig p = t.provider();
            if (p.isMock()) {
                return new Candidate(t, null, -1);
            }
            ProviderRuntime rt = proxy.runtime(p);
            RateLimiter limiter = rt.limiter();
            if (limiter != null && tried == 0 && !limiter.tryAcquire()) {
                proxy.metrics().rateLimited("provider");
                refuse(HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit of " + limiter.perMinute()
                        + " requests per minute for provider " + p.name() + " reached", "rate_limit_exceeded",
                        limiter.nanosUntilAvailable());
                event(p, LogLevel.WARN, "rate_limit", refusalMessage, 429, null);
                advance();
                continue;
            }
            int key = -1;
            if (rt.keys().size() > 0) {
                key = rt.keys().acquire(t.upstreamModel(), tried);
                if (key < 0) {
                    long wait = rt.keys().nanosUntilUsable(t.upstreamModel());
                    if (tried == 0 || wait > 0) {
                        refuse(HttpResponseStatus.TOO_MANY_REQUESTS, "every key of provider " + p.name()
                                + " is cooling down after errors or rate limits; retry in "
                                + Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L)) + " s",
                                KEYS_COOLING, wait);
                        event(p, LogLevel.WARN, "rate_limit", refusalMessage, 429, null);
                    }
                    advance();
                    continue;
                }
                RateLimiter kl = rt.keyLimiter(key);
                if (kl != null && !kl.tryAcquire()) {
                    rt.keys().release(key);
                    proxy.metrics().rateLimited("key");
                    refuse(HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit of " + kl.perMinute()
                            + " requests per minute per key reached for provider " + p.name(),
                            "rate_limit_exceeded", kl.nanosUntilAvailable());
                    event(p, LogLevel.WARN, "rate_limit", refusalMessage, 429, p.keyNames().get(key));
                    tried |= 1L << key;
                    continue;
                }
            }
            if (!rt.breaker().allow()) {
                if (key >= 0) {
                    rt.keys().release(key);
                }
                refuse(HttpResponseStatus.SERVICE_UNAVAILABLE, "provider " + p.name()
                        + " is failing (circuit open after repeated errors); next probe in "
                        + Math.max(1, TimeUnit.NANOSECONDS.toSeconds(rt.breaker().nanosUntilProbe())) + " s",
                        "provider_unavailable", rt.breaker().nanosUntilProbe());
                event(p, LogLevel.ERROR, "error", refusalMessage, 503, null);
                advance();
                continue;
            }
            return new Candidate(t, rt, key);
        }
        return null;
    }

    /** An entry in {@code p}'s log about this request. */
    private void event(ProviderConfig p, LogLevel level, String event, String message, Integer status, String key) {
        proxy.ops().log(p.name(), level, event, message, request.model(), status, null, key);
    }

    private void advance() {
        index++;
        tried = 0;
    }

    private void refuse(HttpResponseStatus status, String message, String code, long retryNanos) {
        refusal = status;
        refusalMessage = message;
        refusalCode = code;
        refusalRetryNanos = retryNanos;
    }

    /** Through the provider's concurrency gate, if it has one, then {@link #launch}. */
    private void go(Candidate c) {
        ConcurrencyGate gate = c.runtime() == null ? null : c.runtime().gate();
        out.gate(gate);
        if (gate == null) {
            launch(c, false);
            return;
        }
        boolean[] settled = new boolean[1];
        ConcurrencyGate.Ticket t = gate.acquire(out.eventLoop(), () -> {
            settled[0] = true;
            ticket = null;
            queued = null;
            if (done) {
                gate.release();
                releaseKey(c);
                return;
            }
            launch(c, true);
        }, rejection -> {
            settled[0] = true;
            ticket = null;
            queued = null;
            releaseKey(c);
            if (done) {
                return;
            }
            boolean full = rejection == ConcurrencyGate.Rejection.QUEUE_FULL;
            refuse(HttpResponseStatus.SERVICE_UNAVAILABLE, "provider " + c.target().provider().name() + ": "
                    + (full ? "upstream queue is full (" + gate.queued() + " waiting for "
                    + gate.maxConcurrent() + " slots)" : "no upstream slot freed up within the queue timeout"),
                    full ? "upstream_queue_full" : "upstream_queue_timeout", TimeUnit.SECONDS.toNanos(1));
            event(c.target().provider(), LogLevel.WARN, "rate_limit", refusalMessage, 503, null);
            advance();
            goOrGiveUp();
        });
        if (!settled[0]) {
            ticket = t;
            queued = c;
        }
    }

    private static void releaseKey(Candidate c) {
        if (c.key() >= 0) {
            c.runtime().keys().release(c.key());
        }
    }

    private void launch(Candidate c, boolean permit) {
        attempts++;
        ChatRequest r;
        try {
            r = requestFor(c.target());
        } catch (RequestException | RuntimeException e) {
            // The fallback's dialect cannot take this request: skip it.
            releaseKey(c);
            if (permit) {
                c.runtime().gate().release();
            }
            proxy.log().info("skipping {} for this request: {}", c.target().provider().name(), e.toString());
            refuse(HttpResponseStatus.BAD_GATEWAY, "request could not be written for provider "
                    + c.target().provider().name(), "translation_error", -1);
            advance();
            goOrGiveUp();
            return;
        }
        live = new Attempt(c, permit);
        RequestTrace trace = out.trace();
        if (trace != null) {
            ProviderConfig p = c.target().provider();
            trace.attempt(p.name(), c.target().upstreamModel(), c.key() >= 0 ? p.keyNames().get(c.key()) : null);
        }
        current = proxy.attemptExchange(r, out, c.runtime() == null ? null : live);
        current.start();
        if (c.runtime() == null) {
            finish(); // the mock never fails early: nothing left to retry, the client body can go
        }
    }

    /** The request as {@code t}'s provider takes it: the client's bytes (model spliced) or a translation. */
    private ChatRequest requestFor(ModelRouter.Target t) throws RequestException {
        ProviderConfig p = t.provider();
        Dialect pd = proxy.dialect(p);
        ModelRouter.Route route = new ModelRouter.Route(p, t.upstreamModel(), request.route().via(), List.of());
        boolean primary = t == chain.get(0);
        if (!request.translated() && pd == request.client()) {
            return copy(request, route, retained(request), request.hub());
        }
        if (request.translated() && primary) {
            return copy(request, route, retained(request), request.hub());
        }
        if (hub == null) {
            hub = request.client().readRequest(request.body());
            hub.stream = request.stream();
        }
        String clientModel = hub.model;
        hub.model = t.upstreamModel();
        hub.maxTokensParam = null;
        p.descriptor().quirks().apply(hub);
        ByteBuf body;
        try {
            body = pd.writeRequest(hub, out.alloc());
        } finally {
            hub.model = clientModel == null ? request.model() : clientModel;
        }
        return new ChatRequest(request.method(), request.model(), route, request.stream(), true, -1, -1, body,
                request.client(), hub, null, null, request.operation());
    }

    private static ChatRequest copy(ChatRequest r, ModelRouter.Route route, ByteBuf body, HubRequest hub) {
        return new ChatRequest(r.method(), r.model(), route, r.stream(), r.includeUsage(), r.modelStart(),
                r.modelEnd(), body, r.client(), hub, r.anthropicBeta(), r.anthropicVersion(), r.operation());
    }

    /**
     * Another reference to the client's bytes for one attempt: the same buffer when the relay only slices it (model
     * splice leaves its indexes alone), else a duplicate, since sending a body as it is consumes it.
     */
    private static ByteBuf retained(ChatRequest r) {
        return r.modelStart() >= 0 ? r.body().retain() : r.body().retainedDuplicate();
    }

    /**
     * Nothing (more) to try: answer with why; or, when every key cools and the earliest is back within
     * {@code resilience.keyWait} (counting what this request already waited), wait for it and start over.
     */
    private void giveUp() {
        long budget = proxy.config().resilience().keyWait().toNanos() - waited;
        if (!done && refusalCode.equals(KEYS_COOLING) && refusalRetryNanos > 0 && refusalRetryNanos <= budget
                && attempts < maxAttempts) {
            long wait = refusalRetryNanos;
            waited += wait;
            waitTimer = out.eventLoop().schedule(() -> {
                waitTimer = null;
                if (!done) {
                    index = 0;
                    tried = 0;
                    start();
                }
            }, wait, TimeUnit.NANOSECONDS);
            return;
        }
        finish();
        String message = refusalMessage != null ? refusalMessage
                : "no provider is available for model " + request.model();
        if (refusalRetryNanos >= 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(refusalRetryNanos + 999_999_999L));
            out.failRetryAfter(refusal, message, OpenAiErrors.typeFor(refusal.code()), refusalCode, seconds);
        } else {
            out.fail(refusal, message, OpenAiErrors.typeFor(refusal.code()), refusalCode);
        }
    }

    private void finish() {
        if (!done) {
            done = true;
            request.body().release();
            out.stopPings();
        }
    }

    @Override
    public void clientWritable() {
        if (current != null) {
            current.clientWritable();
        }
    }

    @Override
    public void abort() {
        if (waitTimer != null) {
            waitTimer.cancel(false);
            waitTimer = null;
        }
        if (ticket != null) {
            ticket.cancel();
            ticket = null;
            releaseKey(queued);
            queued = null;
        }
        Exchange c = current;
        finish();
        if (c != null) {
            c.abort(); // reports aborted() on the live attempt, which releases its key and permit
        }
    }

    /** The scheduler's side of one relay. */
    private final class Attempt implements UpstreamRelay.Attempt {
        private final Candidate c;
        private boolean permit;

        Attempt(Candidate c, boolean permit) {
            this.c = c;
            this.permit = permit;
        }

        @Override
        public int keyIndex() {
            return c.key();
        }

        private String model() {
            return c.target().upstreamModel();
        }

        private void releasePermit() {
            if (permit) {
                permit = false;
                c.runtime().gate().release();
            }
        }

        @Override
        public boolean failedEarly(int status, String retryAfter, String body, Throwable cause) {
            ProviderRuntime rt = c.runtime();
            ProviderConfig p = c.target().provider();
            Scope scope = status == 0 || status == 200 ? FailureClassifier.ofTransport()
                    : FailureClassifier.ofStatus(status, body, model());
            long retryNanos = retryAfter == null ? -1
                    : FailureClassifier.retryAfterNanos(retryAfter, System.currentTimeMillis());
            if (c.key() >= 0) {
                rt.keys().failure(c.key(), scope, status, model(), retryNanos);
                if (scope == Scope.KEY || scope == Scope.MODEL) {
                    String name = p.keyNames().get(c.key());
                    proxy.metrics().keyCooldown(p.name(), name, status);
                    proxy.log().info("provider {}: key {} answered {}: cooling ({} scope)", p.name(), name, status,
                            scope.name().toLowerCase(java.util.Locale.ROOT));
                    event(p, LogLevel.WARN, "cooldown", "key " + name + " answered " + status + ": cooling ("
                            + scope.name().toLowerCase(java.util.Locale.ROOT) + " scope)", status, name);
                }
            }
            if (scope == Scope.PROVIDER) {
                rt.breaker().failure();
            } else {
                rt.breaker().success(); // it answered: alive
            }
            releasePermit();
            if (done || scope == Scope.REQUEST || attempts >= maxAttempts) {
                finish();
                return false;
            }
            int savedIndex = index;
            long savedTried = tried;
            if (scope == Scope.PROVIDER && index + 1 < chain.size()) {
                advance();
            } else if (c.key() >= 0) {
                tried |= 1L << c.key();
            } else {
                advance();
            }
            Candidate next = pick();
            if (next == null) {
                index = savedIndex; // nothing else: the client gets this provider's own answer
                tried = savedTried;
                finish();
                return false;
            }
            String reason = status != 0 ? Integer.toString(status)
                    : cause instanceof UpstreamHandler.UpstreamTimeoutException ? "timeout" : "transport";
            proxy.metrics().retry(p.name(), reason);
            String on = next.target().provider().name() + (next.key() >= 0
                    ? " with key " + next.target().provider().keyNames().get(next.key()) : "");
            proxy.log().info("provider {} failed ({}) before the first byte; retrying on {}", p.name(), reason, on);
            event(p, LogLevel.WARN, "retry", "failed (" + reason + ") before the first byte; retrying on " + on,
                    status == 0 ? null : status, c.key() >= 0 ? p.keyNames().get(c.key()) : null);
            Exchange finished = current;
            out.eventLoop().execute(() -> {
                finished.abort(); // the relay has ended; this frees what its translating sink holds
                if (done) {
                    releaseKey(next);
                } else {
                    go(next);
                }
            });
            return true;
        }

        @Override
        public void succeeded(long tokens) {
            if (c.key() >= 0) {
                c.runtime().keys().success(c.key(), tokens);
            }
            c.runtime().breaker().success();
            releasePermit();
            finish();
        }

        @Override
        public void failedLate(Throwable cause) {
            if (c.key() >= 0) {
                c.runtime().keys().failure(c.key(), Scope.PROVIDER, 0, model(), -1);
            }
            c.runtime().breaker().failure();
            releasePermit();
            finish();
        }

        @Override
        public void aborted() {
            if (c.key() >= 0) {
                c.runtime().keys().release(c.key());
            }
            releasePermit();
            finish();
        }
    }
}
