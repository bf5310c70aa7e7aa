package io.sluice.proxy.upstream;

import io.sluice.proxy.config.ProxyUri;
import java.io.IOException;

/**
 * A connection to a provider could not be made because of its proxy: the proxy refused or did not answer, refused
 * the credentials (HTTP 407, SOCKS5 authentication), or would not open the tunnel. The message names the proxy,
 * masked, and says what happened in plain words; {@link #result()} is the metrics label.
 */
public final class UpstreamProxyException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The metrics label of a tunnel opened, and of each kind of failure. */
    public static final String OK = "ok";
    public static final String CONNECT_FAILED = "connect_failed";
    public static final String AUTH_FAILED = "auth_failed";
    public static final String REJECTED = "rejected";
    public static final String TIMEOUT = "timeout";
    public static final String ERROR = "error";

    private final transient ProxyUri proxy;
    private final String reason;
    private final String result;
    private final boolean targetFault;

    UpstreamProxyException(ProxyUri proxy, String reason, String result, Throwable cause) {
        this(proxy, reason, result, false, cause);
    }

    UpstreamProxyException(ProxyUri proxy, String reason, String result, boolean targetFault, Throwable cause) {
        super("proxy " + proxy.masked() + ": " + reason, cause);
        this.proxy = proxy;
        this.reason = reason;
        this.result = result;
        this.targetFault = targetFault;
    }

    /** Whether the proxy worked but said it could not reach the target (HTTP 500-504, a SOCKS5 failure). */
    public boolean targetFault() {
        return targetFault;
    }

    public ProxyUri proxy() {
        return proxy;
    }

    /** What went wrong, in plain words, without the proxy's name. */
    public String reason() {
        return reason;
    }

    /** {@link #CONNECT_FAILED}, {@link #AUTH_FAILED}, {@link #REJECTED}, {@link #TIMEOUT} or {@link #ERROR}. */
    public String result() {
        return result;
    }
}
