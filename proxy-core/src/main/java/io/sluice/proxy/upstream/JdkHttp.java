package io.sluice.proxy.upstream;

import io.sluice.proxy.config.ProxyUri;
import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JDK HTTP clients Sluice uses for its own occasional calls to providers (Copilot token exchange, model lists):
 * HTTP/1.1, their own selector threads, never an event loop's. Relayed traffic never goes through them. One client
 * per route: direct, or one per HTTP proxy (a {@link ProxySelector} naming it and an {@link Authenticator} answering
 * its 407 with the proxy's credentials); a few recent ones are kept, an unused one is collected with its thread.
 *
 * <p>The JDK refuses Basic credentials for a CONNECT tunnel unless {@value #TUNNELING_DISABLED_SCHEMES} says
 * otherwise, and reads that once: {@link #allowBasicProxyAuth()} clears it, at start, before any client exists.
 * The JDK client speaks to HTTP proxies only: a SOCKS5 route is refused here ({@link #client(ProxyUri)}), never
 * taken directly; {@link Upstreams#send} sends those calls over Netty's SOCKS5 handler instead ({@link SocksGet}).
 */
public final class JdkHttp {

    /** The JDK property listing authentication schemes refused for proxy tunnels (default: Basic). */
    public static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_PROXY_CLIENTS = 8;

    private static volatile HttpClient direct;
    private static final Map<ProxyUri, HttpClient> PROXIED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ProxyUri, HttpClient> eldest) {
            return size() > MAX_PROXY_CLIENTS;
        }
    };

    static {
        allowBasicProxyAuth();
    }

    private JdkHttp() {
    }

    /**
     * Lets the JDK client send Basic credentials to an HTTP proxy's CONNECT (what curl and every proxy expect), unless
     * the operator set {@value #TUNNELING_DISABLED_SCHEMES} himself. Effective only before the JDK's HTTP client
     * classes are first used: {@code Main} calls it first thing.
     */
    public static void allowBasicProxyAuth() {
        if (System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
        }
    }

    /** The direct client. */
    public static HttpClient client() {
        HttpClient c = direct;
        if (c == null) {
            synchronized (JdkHttp.class) {
                c = direct;
                if (c == null) {
                    c = builder().build();
                    direct = c;
                }
            }
        }
        return c;
    }

    /**
     * The client for {@code proxy}: the direct one for null or {@code none}.
     *
     * @throws IOException for a SOCKS5 proxy, which the JDK client cannot use
     */
    public static HttpClient client(ProxyUri proxy) throws IOException {
        if (proxy == null || proxy.isNone()) {
            return client();
        }
        if (proxy.kind() != ProxyUri.Kind.HTTP) {
            throw new IOException("the JDK HTTP client used for this call speaks to HTTP proxies only, not to "
                    + proxy.masked() + " (use an http:// proxy for this provider, or none)");
        }
        synchronized (PROXIED) {
            return PROXIED.computeIfAbsent(proxy, JdkHttp::proxied);
        }
    }

    private static HttpClient proxied(ProxyUri proxy) {
        HttpClient.Builder b = builder()
                .proxy(ProxySelector.of(InetSocketAddress.createUnresolved(proxy.host(), proxy.port())));
        if (proxy.hasCredentials()) {
            String user = proxy.username();
            char[] password = (proxy.password() == null ? "" : proxy.password()).toCharArray();
            b.authenticator(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    // Only the proxy asks: a provider's own 401 is never answered with the proxy's password.
                    return getRequestorType() == RequestorType.PROXY
                            ? new PasswordAuthentication(user, password.clone()) : null;
                }
            });
        }
        return b.build();
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER);
    }
}
