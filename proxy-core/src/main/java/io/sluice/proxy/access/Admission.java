package io.sluice.proxy.access;

import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.schedule.Limiters;
import io.sluice.proxy.schedule.RateLimiter;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The admission chain every model request passes, step by step, each refusing with one {@link Access.Denial}: the
 * IP rules and the client key (at the head), the client's and the global rate limits (before routing: one client
 * over its own limit does not spend the global budget), the key's model allow-list (after routing).
 */
public final class Admission {

    /** Client keys tracked for per-client limits at most; beyond, the map starts over (an attack, not clients). */
    static final int MAX_CLIENT_LIMITERS = 100_000;

    private final Access access;
    private final SluiceMetrics metrics;
    private final Limiters limiters;
    private final long perClient;
    private final RateLimiter global;
    private final ConcurrentHashMap<String, RateLimiter> clientLimiters = new ConcurrentHashMap<>();

    public Admission(SluiceConfig config, SluiceMetrics metrics, LongSupplier nanos) {
        this(config, metrics, Limiters.local(nanos));
    }

    /** @param limiters makes the rate limiters: this instance's own, or shared across instances (issue 19) */
    public Admission(SluiceConfig config, SluiceMetrics metrics, Limiters limiters) {
        this.access = new Access(config, limiters);
        this.metrics = metrics;
        this.limiters = limiters;
        this.perClient = config.rateLimits().perClientKey();
        this.global = limiters.limiter("global", config.rateLimits().global());
    }

    public Access access() {
        return access;
    }

    /** Whether per-client limits need the credential a client presents (only when client keys are not in use). */
    public boolean limitsPerCredential() {
        return perClient > 0 && !access.keys().required();
    }

    /**
     * The head's steps: the IP rules (reading {@code X-Forwarded-For} from trusted proxies, every line of it), then
     * the client key when {@code needsKey} (model requests and the model list).
     */
    public Access.Verdict atHead(SocketAddress peer, HttpHeaders headers, String credential, boolean needsKey) {
        String xff = null;
        if (access.ipFilter().readsForwardedFor()) {
            // Proxies may add their own header line (HAProxy's option forwardfor): all lines are one list.
            List<String> lines = headers.getAll("x-forwarded-for");
            xff = lines.isEmpty() ? null : String.join(",", lines);
        }
        Access.Denial d = access.checkAddress(peer, xff);
        Access.Verdict v = d != null ? new Access.Verdict(null, d)
                : needsKey && access.keys().required() ? access.authenticate(credential) : Access.Verdict.OPEN;
        if (v.denial() != null) {
            metrics.accessDenied(v.denial().reason());
        }
        return v;
    }

    /**
     * The limits' step, before routing: the key's own limit, per credential when keys are not in use, then the
     * global one. Null when admitted.
     *
     * @param key        the client's configured key, or null when keys are not required
     * @param credential the credential the client sent, or null
     */
    public Access.Denial limits(ClientKeys.Key key, String credential) {
        if (key != null) {
            RateLimiter l = key.limiter();
            if (l != null && !l.tryAcquire()) {
                return limited("client", "rate limit of " + l.perMinute() + " requests per minute for client key '"
                        + key.name() + "' reached", l);
            }
        }
        if (key == null && limitsPerCredential()) {
            String id = credential == null ? "" : credential;
            if (clientLimiters.size() >= MAX_CLIENT_LIMITERS && !clientLimiters.containsKey(id)) {
                clientLimiters.clear();
            }
            RateLimiter l = clientLimiters.computeIfAbsent(id, k -> limiters.credentialLimiter(k, perClient));
            if (!l.tryAcquire()) {
                return limited("client", "rate limit of " + perClient
                        + " requests per minute for this client key reached", l);
            }
        }
        if (global != null && !global.tryAcquire()) {
            return limited("global", "global rate limit of " + global.perMinute() + " requests per minute reached",
                    global);
        }
        return null;
    }

    private Access.Denial limited(String scope, String message, RateLimiter l) {
        metrics.rateLimited(scope);
        return new Access.Denial(429, "rate_limit_exceeded", message, "rate_limit", l.nanosUntilAvailable());
    }

    /** The allow-list's step, after routing: null when {@code key} may use the model. */
    public Access.Denial model(ClientKeys.Key key, String requested, String provider, String upstream) {
        Access.Denial d = Access.checkModel(key, requested, provider, upstream);
        if (d != null) {
            metrics.accessDenied(d.reason());
        }
        return d;
    }
}
