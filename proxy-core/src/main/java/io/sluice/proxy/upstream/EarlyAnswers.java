package io.sluice.proxy.upstream;

import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.timeout.TimeoutException;
import io.sluice.codec.hub.HubError;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.exchange.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** What a client is told of a provider's failure before the first byte, if nobody tries again. Secrets masked. */
final class EarlyAnswers {

    /** The code of a 502 caused by the outbound proxy rather than the provider. */
    static final String PROXY_ERROR_CODE = "upstream_proxy_error";

    /** Longest piece of a provider's non-JSON error body quoted in Sluice's own error message. */
    static final int MAX_SNIPPET = 512;

    /** Linux errno values Netty's native transport reports (negated) in {@code NativeIoException.expectedErr()}. */
    private static final int ERRNO_EPIPE = 32;
    private static final int ERRNO_ECONNRESET = 104;
    private static final int ERRNO_ETIMEDOUT = 110;
    private static final int ERRNO_ECONNREFUSED = 111;

    private EarlyAnswers() {
    }

    /**
     * A non-2xx answer: a JSON error body of the provider's own dialect is relayed with its status (translated on the
     * way for another dialect's client); anything else (HTML, text) is quoted in Sluice's error. A status outside
     * 200-599, or a 3xx (the relay follows no redirect), is a 502 {@code upstream_error} naming it.
     */
    static Outcome.EarlyAnswer errorStatus(ProviderConfig provider, int status, String body) {
        String masked = Secrets.maskAll(body, provider.apiKeys());
        if (status < 200 || status > 599 || status / 100 == 3) {
            // 999, a 302 the relay cannot follow, a stray 1xx: never relayed verbatim (clients choke on them).
            return new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY, "provider " + provider.name()
                    + " returned non-standard HTTP status " + status + (masked.isBlank() ? "" : ": " + snippet(masked)),
                    "upstream_error");
        }
        HttpResponseStatus st = HttpResponseStatus.valueOf(status);
        if (looksLikeJsonError(masked)) {
            return new Outcome.EarlyAnswer(st, null, null, masked, -1);
        }
        return new Outcome.EarlyAnswer(st, "provider " + provider.name() + " returned HTTP " + status
                + (masked.isBlank() ? "" : ": " + snippet(masked)), "upstream_http_" + status);
    }

    /** A 2xx whose body is an error or empty: a bad gateway, never relayed as a success. */
    static Outcome.EarlyAnswer errorIn2xx(ProviderConfig provider, int status, String body) {
        String masked = Secrets.maskAll(body, provider.apiKeys());
        if (looksLikeJsonError(masked)) {
            return new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY, null, null, masked, -1);
        }
        return new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY, "provider " + provider.name() + " answered "
                + status + (masked.isEmpty() ? " with an empty body" : " with an error: " + snippet(masked)),
                "upstream_error");
    }

    /** A 2xx whose JSON body was cut short, malformed or empty ({@link WholeJson}). */
    static Outcome.EarlyAnswer brokenJson(ProviderConfig provider, int status, String problem) {
        return new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY, "provider " + provider.name() + " answered "
                + status + " with " + problem, "upstream_error");
    }

    private static String snippet(String masked) {
        return (masked.length() > MAX_SNIPPET ? masked.substring(0, MAX_SNIPPET) + "..." : masked).strip();
    }

    private static boolean looksLikeJsonError(String body) {
        String s = body.stripLeading();
        return s.startsWith("{") && s.contains("\"error\"");
    }

    /** The provider's connection could not be made (a proxy's failure is named as the proxy's, not the provider's). */
    static Outcome.EarlyAnswer connect(ProviderConfig provider, Origin origin, Throwable cause) {
        if (cause instanceof UpstreamProxyException x) {
            return new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY, "proxy " + x.proxy().masked()
                    + " failed for provider " + provider.name() + " (" + origin + "): " + x.reason(),
                    PROXY_ERROR_CODE);
        }
        return new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY, "cannot connect to provider "
                + provider.name() + " at " + origin + ": " + describe(cause), "upstream_connect_error");
    }

    /** GitHub Copilot's token exchange failed for key {@code keyIndex}. */
    static Outcome.EarlyAnswer tokenExchange(ProviderConfig provider, int keyIndex, Throwable cause) {
        return new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY, "provider " + provider.name()
                + ": exchanging GitHub token " + provider.keyNames().get(keyIndex) + " for a Copilot token failed: "
                + cause.getMessage(), "upstream_auth_error");
    }

    /** A transport failure (reset, close, timeout) of {@code provider}'s connection, for the client. */
    static String transport(ProviderConfig provider, Throwable cause) {
        return "provider " + provider.name() + ": " + describe(cause);
    }

    /** What a streaming client is told, as its stream's last event, of a transport failure after the first byte. */
    static HubError lateStreamError(ProviderConfig provider, Throwable cause, boolean timeout) {
        String msg = "upstream stream from provider " + provider.name() + " failed: " + describe(cause);
        return new HubError(timeout ? 504 : 502, timeout ? HubError.TIMEOUT : HubError.API_ERROR, msg)
                .withCode(timeout ? "upstream_timeout" : "upstream_error", null);
    }

    /**
     * A transport failure in a few words. Exceptions from the JDK and Netty's native transport carry system-call
     * texts ({@code recvAddress(..) failed with error(-104): Connection reset by peer}, {@code Connection refused:
     * /10.0.0.1:443}) that mean nothing to a client and show internal addresses: known ones become plain words.
     * Sluice's own exceptions already say what happened and keep their message.
     */
    static String describe(Throwable c) {
        String plain = plainWords(c);
        if (plain != null) {
            return plain;
        }
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m;
    }

    private static String plainWords(Throwable c) {
        if (c instanceof UpstreamHandler.UpstreamTimeoutException
                || c instanceof UpstreamHandler.UpstreamClosedException) {
            return null;
        }
        if (c instanceof ConnectTimeoutException || c instanceof SocketTimeoutException
                || c instanceof TimeoutException) {
            return "timed out";
        }
        if (c instanceof UnknownHostException) {
            return "unknown host";
        }
        if (c instanceof SSLException) {
            return "TLS handshake or session failed";
        }
        if (c instanceof ClosedChannelException) {
            return "connection closed by the provider";
        }
        String m = c.getMessage();
        String low = m == null ? "" : m.toLowerCase(Locale.ROOT);
        if (c instanceof Errors.NativeIoException n) {
            int errno = -n.expectedErr();
            if (errno == ERRNO_ECONNRESET || low.contains("connection reset")) {
                return "connection reset by the provider";
            }
            if (errno == ERRNO_EPIPE || low.contains("broken pipe")) {
                return "connection closed by the provider";
            }
            if (errno == ERRNO_ECONNREFUSED || low.contains("connection refused")) {
                return "connection refused";
            }
            if (errno == ERRNO_ETIMEDOUT || low.contains("timed out")) {
                return "timed out";
            }
            return "connection failed";
        }
        if (c instanceof ConnectException) {
            // Netty's "connect(..) failed: Connection refused: /10.0.0.1:443"; our own pool message is kept.
            return low.contains("connection refused") ? "connection refused"
                    : low.contains("connect(..)") ? "connection failed" : null;
        }
        if (c instanceof IOException) {
            if (low.contains("connection reset")) {
                return "connection reset by the provider";
            }
            if (low.contains("broken pipe")) {
                return "connection closed by the provider";
            }
            if (low.contains("timed out")) {
                return "timed out";
            }
        }
        return null;
    }
}
