package io.sluice.proxy.upstream;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.sluice.proxy.config.ProxyUri;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what Netty's proxy handlers report ({@code "http, basic, /127.0.0.1:3128 => api.x:443, status: 407 Proxy
 * Authentication Required"}) into an {@link UpstreamProxyException} a client can read: the proxy masked, what
 * happened in plain words, and a metrics label.
 */
final class ProxyFailures {

    private static final Pattern HTTP_STATUS = Pattern.compile("status: (\\d{3})\\b ?(.*)$");
    private static final Pattern SOCKS_STATUS = Pattern.compile("status: (\\S+)$");

    private ProxyFailures() {
    }

    /** The TCP connection to the proxy itself failed (or its name did not resolve). */
    static UpstreamProxyException unreachable(ProxyUri proxy, Throwable cause) {
        boolean timeout = cause instanceof ConnectTimeoutException
                || "timed out".equals(EarlyAnswers.describe(cause));
        return new UpstreamProxyException(proxy, "cannot connect to the proxy: " + describe(cause),
                timeout ? UpstreamProxyException.TIMEOUT : UpstreamProxyException.CONNECT_FAILED, cause);
    }

    /** The proxy's handshake (CONNECT, SOCKS5 greeting, auth or command) failed for {@code target}. */
    static UpstreamProxyException handshake(ProxyUri proxy, String target, Throwable cause, long timeoutMillis) {
        if (cause instanceof UpstreamProxyException u) {
            return u;
        }
        if (!(cause instanceof ProxyConnectException)) {
            return new UpstreamProxyException(proxy, "the proxy connection failed: " + describe(cause),
                    UpstreamProxyException.ERROR, cause);
        }
        String m = cause.getMessage() == null ? "" : cause.getMessage();
        Throwable inner = cause.getCause();
        if (m.endsWith(", timeout")) {
            return new UpstreamProxyException(proxy, "no answer from the proxy within " + timeoutMillis + " ms",
                    UpstreamProxyException.TIMEOUT, cause);
        }
        if (m.endsWith(", disconnected")) {
            return new UpstreamProxyException(proxy, "the proxy closed the connection before the tunnel to " + target
                    + " was open", UpstreamProxyException.ERROR, cause);
        }
        if (cause instanceof HttpProxyHandler.HttpProxyConnectException) {
            Matcher s = HTTP_STATUS.matcher(m);
            if (s.find()) {
                int code = Integer.parseInt(s.group(1));
                String status = (code + " " + s.group(2)).strip();
                if (code == 407 || code == 401) { // tinyproxy answers wrong credentials with 401
                    return new UpstreamProxyException(proxy, proxy.hasCredentials()
                            ? "the proxy refused the credentials (" + status + ")"
                            : "the proxy requires credentials (" + status + "): put user:password@ in its URL",
                            UpstreamProxyException.AUTH_FAILED, cause);
                }
                boolean unreachable = code >= 500 && code <= 504; // tinyproxy: "500 Unable to connect"
                return new UpstreamProxyException(proxy, (unreachable ? "the proxy could not reach "
                        : "the proxy refused to open a tunnel to ") + target + " (" + status + ")",
                        UpstreamProxyException.REJECTED, unreachable, cause);
            }
            return new UpstreamProxyException(proxy, "the proxy answered CONNECT with no usable response",
                    UpstreamProxyException.ERROR, cause);
        }
        if (m.contains("authStatus: ")) {
            return new UpstreamProxyException(proxy, "the proxy refused the credentials (SOCKS5 authentication"
                    + " failed)", UpstreamProxyException.AUTH_FAILED, cause);
        }
        if (m.contains("authMethod: ")) {
            return new UpstreamProxyException(proxy, proxy.hasCredentials()
                    ? "the proxy accepts none of the offered SOCKS5 authentication methods"
                    : "the proxy requires credentials (SOCKS5): put user:password@ in its URL",
                    UpstreamProxyException.AUTH_FAILED, cause);
        }
        Matcher s = SOCKS_STATUS.matcher(m);
        if (s.find()) {
            boolean forbidden = s.group(1).startsWith("FORBIDDEN");
            return new UpstreamProxyException(proxy, (forbidden ? "the proxy's rules forbid a connection to "
                    : "the proxy could not reach ") + target + " (SOCKS5 " + s.group(1) + ")",
                    UpstreamProxyException.REJECTED, !forbidden, cause);
        }
        return new UpstreamProxyException(proxy, "the proxy connection failed: "
                + describe(inner != null ? inner : cause), UpstreamProxyException.ERROR, cause);
    }

    /** A transport failure in plain words; here the peer is the proxy, not the provider. */
    private static String describe(Throwable c) {
        return EarlyAnswers.describe(c).replace("the provider", "the proxy");
    }
}
