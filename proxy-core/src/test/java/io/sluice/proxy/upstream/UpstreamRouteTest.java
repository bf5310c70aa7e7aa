package io.sluice.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.sluice.proxy.config.NoProxy;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.ProxySettings;
import io.sluice.proxy.config.ProxyUri;
import io.sluice.proxy.config.ServerConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.config.UpstreamConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.transport.Transport;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pools are keyed by route (origin and proxy, credentials included), the route of a provider follows the proxy setting
 * from the next connection on, the JDK client never takes a SOCKS5 route directly, and the proxy handlers' failures
 * read as plain words naming the proxy.
 */
class UpstreamRouteTest {

    private static final Origin API = new Origin(true, "api.example.com", 443);
    private static final ProxyUri A = ProxyUri.parse("a", "http://u:one@proxy:3128");
    private static final ProxyUri A_OTHER_PASSWORD = ProxyUri.parse("a", "http://u:two@proxy:3128");
    private static final ProxyUri B = ProxyUri.parse("b", "socks5h://socks:1080");

    private final EmbeddedChannel loopChannel = new EmbeddedChannel();
    private final UpstreamPools pools = new UpstreamPools(UpstreamConfig.defaults(), Transport.NIO);
    private final SluiceMetrics metrics = new SluiceMetrics();

    @AfterEach
    void close() {
        pools.close();
        metrics.close();
        loopChannel.finishAndReleaseAll();
    }

    @Test
    void aPoolServesOneRouteOnly() {
        EventLoop loop = loopChannel.eventLoop();
        OriginPool direct = pools.pool(loop, API);
        OriginPool viaA = pools.pool(loop, new UpstreamRoute(API, A));
        assertThat(pools.pool(loop, new UpstreamRoute(API, ProxyUri.parse("x", "http://u:one@proxy:3128"))))
                .isSameAs(viaA);
        assertThat(pools.pool(loop, UpstreamRoute.direct(API))).isSameAs(direct);
        assertThat(pools.pool(loop, new UpstreamRoute(API, ProxyUri.NONE))).isSameAs(direct);
        assertThat(List.of(direct, viaA, pools.pool(loop, new UpstreamRoute(API, A_OTHER_PASSWORD)),
                pools.pool(loop, new UpstreamRoute(API, B)))).doesNotHaveDuplicates();
        assertThat(viaA.route().toString()).isEqualTo("https://api.example.com via http://u:****@proxy:3128");
    }

    @Test
    void aProvidersRouteFollowsTheSettingFromTheNextConnection() {
        ProviderConfig p = new ProviderConfig("p", "openai-compatible", URI.create("https://api.example.com/v1"),
                List.of("k"), List.of("m"), Map.of(), true, null);
        Upstreams ups = new Upstreams(new SluiceConfig(ServerConfig.defaults(),
                UpstreamConfig.defaults(), List.of(p)), pools, metrics);
        assertThat(ups.route(p, API).proxied()).isFalse();

        ups.proxies(new ProxySettings(true, A, null, null, NoProxy.EMPTY, Map.of()));
        assertThat(ups.route(p, API)).isEqualTo(new UpstreamRoute(API, A));
        ups.proxies(new ProxySettings(true, A, null, null, NoProxy.parse("n", ".example.com"), Map.of()));
        assertThat(ups.route(p, API).proxied()).isFalse();
        ups.proxies(new ProxySettings(true, A, null, null, NoProxy.parse("n", ".example.com"), Map.of("p", B)));
        assertThat(ups.route(p, API).proxy()).isEqualTo(B);
        ups.proxies(new ProxySettings(false, A, null, null, NoProxy.EMPTY, Map.of("p", B)));
        assertThat(ups.route(p, API).proxied()).isFalse();
    }

    @Test
    void theJdkClientTakesHttpProxiesAndRefusesSocks() throws IOException {
        assertThat(JdkHttp.client(null)).isSameAs(JdkHttp.client());
        assertThat(JdkHttp.client(ProxyUri.NONE)).isSameAs(JdkHttp.client());
        assertThat(JdkHttp.client(A)).isSameAs(JdkHttp.client(ProxyUri.parse("x", "http://u:one@proxy:3128")))
                .isNotSameAs(JdkHttp.client());
        assertThat(JdkHttp.client(A).proxy()).isPresent();
        assertThat(JdkHttp.client(A).authenticator()).isPresent();
        assertThatThrownBy(() -> JdkHttp.client(ProxyUri.parse("s", "socks5://u:pw-secret@s:1080")))
                .isInstanceOf(IOException.class).hasMessageContaining("socks5://u:****@s:1080")
                .hasMessageNotContaining("pw-secret");
    }

    @Test
    void proxyFailuresReadAsPlainWordsNamingTheProxy() {
        String at = "http, basic, /127.0.0.1:3128 => api.example.com:443, ";
        UpstreamProxyException auth = ProxyFailures.handshake(A, "https://api.example.com",
                new HttpProxyHandler.HttpProxyConnectException(at + "status: 407 Proxy Authentication Required",
                        null), 10_000);
        assertThat(auth.getMessage()).isEqualTo("proxy http://u:****@proxy:3128: the proxy refused the credentials"
                + " (407 Proxy Authentication Required)");
        assertThat(auth.result()).isEqualTo(UpstreamProxyException.AUTH_FAILED);

        UpstreamProxyException forbidden = ProxyFailures.handshake(A, "http://h:80",
                new HttpProxyHandler.HttpProxyConnectException(at + "status: 403 Forbidden", null), 10_000);
        assertThat(forbidden.reason()).isEqualTo("the proxy refused to open a tunnel to http://h:80 (403 Forbidden)");
        assertThat(forbidden.targetFault()).isFalse();
        UpstreamProxyException gone = ProxyFailures.handshake(A, "https://h",
                new HttpProxyHandler.HttpProxyConnectException(at + "status: 502 Bad Gateway", null), 10_000);
        assertThat(gone.reason()).isEqualTo("the proxy could not reach https://h (502 Bad Gateway)");
        assertThat(gone.targetFault()).isTrue();

        assertThat(ProxyFailures.handshake(A, "t", new ProxyConnectException(at + "timeout"), 2500).reason())
                .isEqualTo("no answer from the proxy within 2500 ms");
        String socks = "socks5, password, /127.0.0.1:1080 => h:443, ";
        assertThat(ProxyFailures.handshake(B, "t", new ProxyConnectException(socks + "authStatus: FAILURE(1)"), 1)
                .result()).isEqualTo(UpstreamProxyException.AUTH_FAILED);
        assertThat(ProxyFailures.handshake(B, "https://h", new ProxyConnectException(socks
                + "status: HOST_UNREACHABLE(4)"), 1).reason())
                .isEqualTo("the proxy could not reach https://h (SOCKS5 HOST_UNREACHABLE(4))");
        assertThat(ProxyFailures.handshake(B, "t", new ProxyConnectException(socks
                + "unexpected authMethod: UNACCEPTED(255)"), 1).reason())
                .isEqualTo("the proxy requires credentials (SOCKS5): put user:password@ in its URL");

        UpstreamProxyException refused = ProxyFailures.unreachable(A,
                new ConnectException("connect(..) failed: Connection refused: /10.9.8.7:3128"));
        assertThat(refused.getMessage()).isEqualTo("proxy http://u:****@proxy:3128: cannot connect to the proxy:"
                + " connection refused");
        assertThat(refused.result()).isEqualTo(UpstreamProxyException.CONNECT_FAILED);
    }
}
