package io.sluice.proxy.schedule;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.route.ModelRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where one request stands along its route (the target, then the combo's fallbacks) and which keys of the current
 * provider it has tried; picks the next provider + key that may go, and remembers why the last one could not.
 */
final class Candidates {

    /**
     * A provider + key ready to go: the key is in flight, the rate limit and breaker passed ({@code pass} is the
     * breaker's, null for the mock).
     */
    record Candidate(ModelRouter.Target target, ProviderRuntime runtime, int key, CircuitBreaker.Phase pass) {

        /**
         * Ends this candidate with no word on the provider (never launched, or its client left): the key goes back
         * and, were it the breaker's half-open probe, the probe slot is free for the next request.
         */
        void releaseKey() {
            if (key >= 0) {
                runtime.keys().release(key);
            }
            if (pass != null) {
                runtime.breaker().abandon(pass);
            }
        }
    }

    static final String KEYS_COOLING = "keys_cooling_down";

    private final AttemptScheduler scheduler;
    private final List<ModelRouter.Target> chain;
    private final String model;
    private int index;
    /** Keys of {@code chain[index]} already tried by this request, as a bitmask. */
    private long tried;

    /** Why the last candidate was refused, for the answer when nothing is left to try. */
    HttpResponseStatus refusal = HttpResponseStatus.SERVICE_UNAVAILABLE;
    String refusalMessage;
    String refusalCode = "no_provider_available";
    long refusalRetryNanos = -1;

    Candidates(AttemptScheduler scheduler, ModelRouter.Route route, String model) {
        this.scheduler = scheduler;
        this.model = model;
        List<ModelRouter.Target> c = new ArrayList<>(1 + route.fallbacks().size());
        c.add(route.target());
        c.addAll(route.fallbacks());
        this.chain = c;
    }

    /** Back to the route's first target with no key tried (after waiting for a cooling key). */
    void restart() {
        index = 0;
        tried = 0;
    }

    /**
     * The next candidate, from {@code chain[index]} on, with its key acquired; null when none is left (then
     * {@code refusal} says why). Skips providers whose breaker is open, whose rate limit is spent or whose keys are
     * all cooling.
     */
    Candidate pick() {
        while (index < chain.size()) {
            ModelRouter.Target t = chain.get(index);
            ProviderConfig p = t.provider();
            if (p.isMock()) {
                return new Candidate(t, null, -1, null);
            }
            if (!p.configured()) {
                // Enabled without its key: "not configured" (issue 16), a clear refusal rather than a startup error.
                refuse(HttpResponseStatus.SERVICE_UNAVAILABLE, notConfigured(p), "provider_not_configured", -1);
                event(p, LogLevel.ERROR, "error", refusalMessage, 503, null);
                advance();
                continue;
            }
            ProviderRuntime rt = scheduler.runtime(p);
            if (rt == null) { // reconfigured twice since this request was routed: its config of p is gone
                refuse(HttpResponseStatus.SERVICE_UNAVAILABLE, "provider " + p.name() + " was reconfigured while"
                        + " this request was routed; retry it", "provider_reconfigured", 0);
                advance();
                continue;
            }
            RateLimiter limiter = rt.limiter();
            if (limiter != null && tried == 0 && !limiter.tryAcquire()) {
                scheduler.metrics().rateLimited("provider");
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
                    scheduler.metrics().rateLimited("key");
                    refuse(HttpResponseStatus.TOO_MANY_REQUESTS, "rate limit of " + kl.perMinute()
                            + " requests per minute per key reached for provider " + p.name(),
                            "rate_limit_exceeded", kl.nanosUntilAvailable());
                    event(p, LogLevel.WARN, "rate_limit", refusalMessage, 429, p.keyNames().get(key));
                    tried |= 1L << key;
                    continue;
                }
            }
            CircuitBreaker.Phase pass = rt.breaker().admit();
            if (pass == null) {
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
            return new Candidate(t, rt, key, pass);
        }
        return null;
    }

    /**
     * The candidate after {@code failed} failed with {@code scope}: another key of the same provider, or the next
     * provider for provider-scoped failures; null when none is left (the position is kept, so the answer is
     * {@code failed}'s provider's own).
     */
    Candidate after(Candidate failed, Scope scope) {
        int savedIndex = index;
        long savedTried = tried;
        if (scope == Scope.PROVIDER && index + 1 < chain.size()) {
            advance();
        } else if (failed.key() >= 0) {
            tried |= 1L << failed.key();
        } else {
            advance();
        }
        Candidate next = pick();
        if (next == null) {
            index = savedIndex;
            tried = savedTried;
        }
        return next;
    }

    /** An entry in {@code p}'s log about this request. */
    void event(ProviderConfig p, LogLevel level, String event, String message, Integer status, String key) {
        scheduler.ops().log(p.name(), level, event, message, model, status, null, key);
    }

    void advance() {
        index++;
        tried = 0;
    }

    /** Why a provider enabled without a key serves nothing, naming the variables that would give it one. */
    static String notConfigured(ProviderConfig p) {
        List<String> vars = new java.util.ArrayList<>();
        if (!p.descriptor().envPrefixes().isEmpty()) {
            vars.add(p.descriptor().envPrefixes().get(0) + "_API_KEY");
        }
        vars.addAll(p.descriptor().keyVars());
        return "provider " + p.name() + " is not configured: it has no API key (set "
                + (vars.isEmpty() ? "" : String.join(" or ", vars) + ", or ") + "providers." + p.name()
                + ".apiKeys in the config file)";
    }

    void refuse(HttpResponseStatus status, String message, String code, long retryNanos) {
        refusal = status;
        refusalMessage = message;
        refusalCode = code;
        refusalRetryNanos = retryNanos;
    }
}
