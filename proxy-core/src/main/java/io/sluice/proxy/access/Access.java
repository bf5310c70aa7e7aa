package io.sluice.proxy.access;

import io.sluice.proxy.config.AccessConfig;
import io.sluice.proxy.config.IpRules;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.schedule.Limiters;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.LongSupplier;

/** The access rules of one server: the IP filter and the client keys. */
public final class Access {

    /**
     * Why a request is refused, whichever step refused it: the status, a machine-readable code, a message for the
     * client, the metric's reason label, and when to try again (nanos, -1 when it would not help).
     */
    public record Denial(int status, String code, String message, String reason, long retryNanos) {

        public Denial(int status, String code, String message, String reason) {
            this(status, code, message, reason, -1);
        }
    }

    private volatile IpFilter ipFilter;
    private final ClientKeys keys;

    public Access(SluiceConfig config, LongSupplier nanos) {
        this(config, Limiters.local(nanos));
    }

    /** @param limiters makes the client keys' rate limiters, shared across instances or not */
    public Access(SluiceConfig config, Limiters limiters) {
        AccessConfig a = config.access();
        this.ipFilter = new IpFilter(a.ipAllow(), a.ipDeny(), a.trustedProxies());
        this.keys = ClientKeys.of(a, config.rateLimits(), config.server().adminKey(), limiters);
    }

    public IpFilter ipFilter() {
        return ipFilter;
    }

    /** Applies {@code rules} from the next request on (the runtime setting {@code ip-filter}). */
    public void ipRules(IpRules rules) {
        ipFilter = rules.enabled() ? new IpFilter(rules.allow(), rules.deny(), rules.trusted())
                : new IpFilter(List.of(), List.of(), rules.trusted());
    }

    public ClientKeys keys() {
        return keys;
    }

    /** Null when the IP rules admit the peer (or the client behind a trusted proxy), else the 403 to send. */
    public Denial checkAddress(SocketAddress peer, String forwardedFor) {
        IpFilter ipFilter = this.ipFilter;
        if (!ipFilter.active()) {
            return null;
        }
        byte[] raw = peer instanceof InetSocketAddress in && in.getAddress() != null ? in.getAddress().getAddress()
                : null;
        byte[] client = ipFilter.clientAddress(raw, forwardedFor);
        if (ipFilter.permits(client)) {
            return null;
        }
        return new Denial(403, "ip_not_allowed", "requests from " + IpFilter.text(client) + " are not allowed",
                "ip");
    }

    /** Who the client is: its key (null when none is required), or why it is refused. */
    public record Verdict(ClientKeys.Key key, Denial denial) {
        static final Verdict OPEN = new Verdict(null, null);
    }

    /** The client's key when keys are required, or a 401 for a missing, unknown or disabled key. */
    public Verdict authenticate(String presented) {
        if (!keys.required()) {
            return Verdict.OPEN;
        }
        if (presented == null || presented.isEmpty()) {
            return denied(401, "missing_api_key", "a client key is required: send it as Authorization: Bearer,"
                    + " x-api-key or x-goog-api-key", "missing_key");
        }
        ClientKeys.Key key = keys.find(presented);
        if (key == null) {
            return denied(401, "invalid_api_key", "invalid client key " + Secrets.mask(presented), "invalid_key");
        }
        if (!key.enabled()) {
            return denied(401, "invalid_api_key", "client key '" + key.name() + "' is disabled", "disabled_key");
        }
        return new Verdict(key, null);
    }

    private static Verdict denied(int status, String code, String message, String reason) {
        return new Verdict(null, new Denial(status, code, message, reason));
    }

    /** Null when {@code key} may use the model, else the 403 to send. */
    public static Denial checkModel(ClientKeys.Key key, String requested, String provider, String upstream) {
        if (key == null || key.allows(requested, provider, upstream)) {
            return null;
        }
        return new Denial(403, "model_not_allowed", "model `" + requested + "` is not allowed for client key '"
                + key.name() + "'", "model");
    }
}
