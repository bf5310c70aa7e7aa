package io.sluice.proxy.schedule;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.codec.dialect.RequestException;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.KeepAliveSink;
import io.sluice.proxy.exchange.Outcome;
import io.sluice.proxy.exchange.RequestPlanner;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.TranslatingSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.ops.RequestTrace;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.upstream.UpstreamHandler;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One client request under the scheduler: picks a key (and passes the provider's breaker, rate limit and concurrency
 * gate) for the route's primary target, and while nothing has reached the client, answers a failure with another
 * attempt: the next key of the same provider for key- and model-scoped failures (429, 401, 403, 402, per-model 429),
 * the next combo entry for provider-scoped ones (5xx, timeouts, resets, a 200 carrying an error). A request-scoped
 * failure (400, 413, 422) is the client's and goes back as it is. At most {@code resilience.maxAttempts} attempts.
 *
 * <p>Each attempt reports one sealed {@link Outcome}, consumed in {@link Attempt#outcome}: the producers (relay, mock)
 * know nothing of retries. Runs on the client's event loop; the scheduler state it touches is lock-free and shared.
 */
final class AttemptLoop implements Exchange {

    private final AttemptScheduler scheduler;
    private final RequestPlanner planner;
    private final KeepAliveSink out;
    private final Candidates candidates;
    private final int maxAttempts;
    /** The request planned for the primary target before scheduling began, until an attempt takes it. */
    private UpstreamRequest primed;
    private int attempts;
    /** The attempt in flight, or null. */
    private Attempt current;
    private ConcurrencyGate.Ticket ticket;
    /** The candidate waiting behind {@link #ticket}: its key is held while it waits. */
    private Candidates.Candidate queued;
    private boolean done;
    /** Nanos this request spent waiting for a cooling key ({@code resilience.keyWait}). */
    private long waited;
    private ScheduledFuture<?> waitTimer;

    AttemptLoop(AttemptScheduler scheduler, RequestPlanner planner, UpstreamRequest first, ModelRouter.Route route,
                ResponseSink client) {
        this.scheduler = scheduler;
        this.planner = planner;
        this.primed = first;
        this.out = new KeepAliveSink(client, scheduler.config().resilience().sseKeepAlive().toNanos());
        this.candidates = new Candidates(scheduler, route, planner.client().model());
        this.maxAttempts = scheduler.config().resilience().maxAttempts();
    }

    @Override
    public void start() {
        Candidates.Candidate c = candidates.pick();
        if (c == null) {
            giveUp();
        } else {
            go(c);
        }
    }

    /** Through the provider's concurrency gate, if it has one, then {@link #launch}. */
    private void go(Candidates.Candidate c) {
        ConcurrencyGate gate = c.runtime() == null ? null : c.runtime().gate();
        if (gate == null) {
            out.gate(null, null);
            launch(c, false);
            return;
        }
        out.gate(gate::active, gate::queued);
        boolean[] settled = new boolean[1];
        ConcurrencyGate.Ticket t = gate.acquire(out.eventLoop(), () -> {
            settled[0] = true;
            ticket = null;
            queued = null;
            if (done) {
                gate.release();
                c.releaseKey();
                return;
            }
            launch(c, true);
        }, rejection -> {
            settled[0] = true;
            ticket = null;
            queued = null;
            c.releaseKey();
            if (done) {
                return;
            }
            boolean full = rejection == ConcurrencyGate.Rejection.QUEUE_FULL;
            candidates.refuse(HttpResponseStatus.SERVICE_UNAVAILABLE, "provider " + c.target().provider().name() + ": "
                    + (full ? "upstream queue is full (" + gate.queued() + " waiting for "
                    + gate.maxConcurrent() + " slots)" : "no upstream slot freed up within the queue timeout"),
                    full ? "upstream_queue_full" : "upstream_queue_timeout", TimeUnit.SECONDS.toNanos(1));
            candidates.event(c.target().provider(), LogLevel.WARN, "rate_limit", candidates.refusalMessage, 503,
                    null);
            candidates.advance();
            start();
        });
        if (!settled[0]) {
            ticket = t;
            queued = c;
        }
    }

    private void launch(Candidates.Candidate c, boolean permit) {
        attempts++;
        UpstreamRequest r;
        try {
            r = requestFor(c.target());
        } catch (RequestException | RuntimeException e) {
            // The fallback's dialect cannot take this request: skip it.
            c.releaseKey();
            if (permit) {
                c.runtime().gate().release();
            }
            scheduler.ops().log(c.target().provider().name(), LogLevel.INFO, "retry", "skipped for this request: "
                    + e.getMessage(), planner.client().model(), null, null, null);
            candidates.refuse(HttpResponseStatus.BAD_GATEWAY, "request could not be written for provider "
                    + c.target().provider().name(), "translation_error", -1);
            candidates.advance();
            start();
            return;
        }
        RequestTrace trace = r.trace();
        if (trace != null) {
            ProviderConfig p = c.target().provider();
            trace.attempt(p.name(), c.target().upstreamModel(), c.key() >= 0 ? p.keyNames().get(c.key()) : null);
        }
        ResponseSink sink = planner.sink(r, out);
        Attempt a = new Attempt(c, permit, sink);
        current = a;
        a.exchange = scheduler.attempts().create(r, sink, c.key(), a);
        a.exchange.start();
    }

    /** The request as {@code t}'s provider takes it: the primed one for the primary target, else a new plan. */
    private UpstreamRequest requestFor(ModelRouter.Target t) throws RequestException {
        UpstreamRequest p = primed;
        if (p != null) {
            primed = null;
            if (p.provider() == t.provider() && p.upstreamModel().equals(t.upstreamModel())) {
                return p;
            }
            p.body().release();
        }
        return planner.plan(t.provider(), t.upstreamModel(), out.alloc());
    }

    /**
     * Nothing (more) to try: answer with why; or, when every key cools and the earliest is back within
     * {@code resilience.keyWait} (counting what this request already waited), wait for it and start over.
     */
    private void giveUp() {
        long budget = scheduler.config().resilience().keyWait().toNanos() - waited;
        Candidates why = candidates;
        if (!done && why.refusalCode.equals(Candidates.KEYS_COOLING) && why.refusalRetryNanos > 0
                && why.refusalRetryNanos <= budget && attempts < maxAttempts) {
            long wait = why.refusalRetryNanos;
            waited += wait;
            waitTimer = out.eventLoop().schedule(() -> {
                waitTimer = null;
                if (!done) {
                    candidates.restart();
                    start();
                }
            }, wait, TimeUnit.NANOSECONDS);
            return;
        }
        finish();
        String message = why.refusalMessage != null ? why.refusalMessage
                : "no provider is available for model " + planner.client().model();
        if (why.refusalRetryNanos >= 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(why.refusalRetryNanos + 999_999_999L));
            out.failRetryAfter(why.refusal, message, why.refusalCode, seconds);
        } else {
            out.fail(why.refusal, message, why.refusalCode);
        }
    }

    /** No more attempts: the client body and whatever was planned can go. */
    private void finish() {
        if (!done) {
            done = true;
            if (primed != null) {
                primed.body().release();
                primed = null;
            }
            planner.release();
            out.stopPings();
        }
    }

    @Override
    public void clientWritable() {
        Attempt a = current;
        if (a != null && a.exchange != null) {
            a.exchange.clientWritable();
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
            queued.releaseKey();
            queued = null;
        }
        Attempt a = current;
        finish();
        if (a != null) {
            a.abort(); // reports Aborted, which releases its key and permit
        }
    }

    /** The scheduler's side of one attempt: consumes its one outcome. */
    private final class Attempt implements Outcome.Listener {
        private final Candidates.Candidate c;
        private final ResponseSink sink;
        private boolean permit;
        private boolean ended;
        Exchange exchange;

        Attempt(Candidates.Candidate c, boolean permit, ResponseSink sink) {
            this.c = c;
            this.permit = permit;
            this.sink = sink;
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

        void abort() {
            if (exchange != null) {
                exchange.abort();
            }
            releaseSink();
        }

        /** A translating sink holds decoder state and buffers until its attempt is over. */
        private void releaseSink() {
            if (sink instanceof TranslatingSink t) {
                t.abort();
            }
        }

        @Override
        public void outcome(Outcome o) {
            if (ended) {
                return;
            }
            ended = true;
            if (c.runtime() == null) { // the mock: no keys, no breaker, nothing to retry on
                finish();
                if (o instanceof Outcome.FailedEarly f) {
                    f.answer().writeTo(sink);
                }
                return;
            }
            if (o instanceof Outcome.Committed) {
                committed();
            } else if (o instanceof Outcome.FailedEarly f) {
                failedEarly(f);
            } else if (o instanceof Outcome.FailedLate l && !l.clientStalled()) {
                failedLate();
            } else {
                // Aborted, or a late failure while reads were paused for a slow client: the client's doing, which
                // says nothing of the provider (no breaker failure, no key penalty).
                aborted();
            }
        }

        private void committed() {
            if (c.key() >= 0) {
                RequestTrace t = planner.client().trace();
                c.runtime().keys().success(c.key(), t == null ? 0 : t.promptTokens() + t.completionTokens());
            }
            c.runtime().breaker().success();
            releasePermit();
            finish();
        }

        private void failedLate() {
            if (c.key() >= 0) {
                c.runtime().keys().failure(c.key(), Scope.PROVIDER, 0, model(), -1);
            }
            c.runtime().breaker().failure();
            releasePermit();
            finish();
        }

        private void aborted() {
            c.releaseKey(); // an aborted half-open probe frees the probe slot: the next request probes at once
            releasePermit();
            finish();
        }

        private void failedEarly(Outcome.FailedEarly f) {
            ProviderRuntime rt = c.runtime();
            ProviderConfig p = c.target().provider();
            int status = f.status();
            Scope scope = status == 0 || status == 200 ? FailureClassifier.ofTransport()
                    : FailureClassifier.ofStatus(status, f.body(), model());
            long retryNanos = f.retryAfter() == null ? -1
                    : FailureClassifier.retryAfterNanos(f.retryAfter(), scheduler.epochMillis());
            if (c.key() >= 0) {
                rt.keys().failure(c.key(), scope, status, model(), retryNanos);
                if (scope == Scope.KEY || scope == Scope.MODEL) {
                    String name = p.keyNames().get(c.key());
                    String why = scope.name().toLowerCase(Locale.ROOT);
                    scheduler.metrics().keyCooldown(p.name(), name, status);
                    candidates.event(p, LogLevel.WARN, "cooldown", "key " + name + " answered " + status
                            + ": cooling (" + why + " scope)", status, name);
                }
            }
            if (scope == Scope.PROVIDER) {
                rt.breaker().failure();
            } else {
                rt.breaker().success(); // it answered: alive
            }
            releasePermit();
            Candidates.Candidate next = done || scope == Scope.REQUEST || attempts >= maxAttempts ? null
                    : candidates.after(c, scope);
            if (next == null) {
                finish(); // nothing else: the client gets this provider's own answer
                if (retryNanos >= 0 && (status == 429 || status == 503)) {
                    out.retryAfter(TimeUnit.NANOSECONDS.toSeconds(retryNanos + 999_999_999L)); // the provider's own
                }
                f.answer().writeTo(sink);
                return;
            }
            String reason = status != 0 ? Integer.toString(status)
                    : f.cause() instanceof UpstreamHandler.UpstreamTimeoutException ? "timeout" : "transport";
            scheduler.metrics().retry(p.name(), reason);
            String on = next.target().provider().name() + (next.key() >= 0
                    ? " with key " + next.target().provider().keyNames().get(next.key()) : "");
            candidates.event(p, LogLevel.WARN, "retry", "failed (" + reason + ") before the first byte; retrying on "
                    + on, status == 0 ? null : status, c.key() >= 0 ? p.keyNames().get(c.key()) : null);
            releaseSink();
            // Not from inside the ended attempt's callbacks: its connection may be the one the next attempt gets.
            out.eventLoop().execute(() -> {
                if (done) {
                    next.releaseKey();
                } else {
                    go(next);
                }
            });
        }
    }
}
