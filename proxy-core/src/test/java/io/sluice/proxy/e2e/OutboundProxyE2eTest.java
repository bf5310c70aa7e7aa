package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.Socks5Peer;
import io.sluice.proxy.testing.TestTls;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import io.sluice.proxy.testing.Tinyproxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 5, the outbound proxy, against real proxies on loopback: Debian's tinyproxy for HTTP CONNECT (with and
 * without BasicAuth; its connections to upstreams come from {@value Tinyproxy#OUTGOING}) and a SOCKS5 peer written
 * with Netty's socksx codec ({@link Socks5Peer}, from {@value Socks5Peer#OUTGOING}). The upstream tells by the peer
 * address of its connection which way a request came. Without tinyproxy this is skipped, except in CI.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OutboundProxyE2eTest {

    private static final String ADMIN = "admin-proxy-secret-01";
    private static final String USER = "sluice";
    private static final String PASS = "pr0xy-Secret-77";
    private static final String KEY = "sk-upstream-key-0123456789";

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void needsTinyproxy() {
        Tinyproxy.require();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closed(T c) {
        closing.add(c);
        return c;
    }

    private Tinyproxy tinyproxy(String user, String password) throws Exception {
        return closed(Tinyproxy.start(dir, user, password));
    }

    private TestUpstream upstream() throws Exception {
        return closed(new TestUpstream(r -> Reply.json(200, Bodies.completion("via " + r.connection()))));
    }

    private SluiceServer start(String providers, Map<String, String> env) throws Exception {
        return start("", providers, env);
    }

    private SluiceServer start(String upstream, String providers, Map<String, String> env) throws Exception {
        SluiceServer s = SluiceServer.start(ConfigLoader.parse("server: {host: 127.0.0.1, port: 0, ioThreads: 1,"
                + " shutdownGrace: 100ms, adminKey: " + ADMIN + "}\nprovidersFromEnv: false\n"
                + "dataDir: \"" + dir + "\"\nresilience: {maxAttempts: 1}\n"
                + "upstream: {connectTimeout: 3s, insecureTls: true" + upstream + "}\nproviders:\n" + providers, env));
        closing.add(s::close);
        return s;
    }

    /** A provider entry named {@code name} at {@code up}, through {@code proxy} (null: no proxy key). */
    private static String provider(String name, TestUpstream up, String proxy) {
        return "  " + name + ":\n    type: openai-compatible\n    baseUrl: " + up.baseUrl() + "\n    apiKey: " + KEY
                + "\n    models: [m1]\n" + (proxy == null ? "" : "    proxy: \"" + proxy + "\"\n");
    }

    private static HttpResponse<String> chat(SluiceServer s, String provider, boolean stream) throws Exception {
        return Http.chat(s, Bodies.chat(provider + "/m1", stream, "hello"));
    }

    /** The address the upstream saw the last request come from. */
    private static String lastPeer(TestUpstream up) throws Exception {
        TestUpstream.Received r = up.take();
        return up.peer(r.connection());
    }

    private static double proxyConnections(SluiceServer s, String proxy, String result) throws Exception {
        return Prometheus.sample(Prometheus.scrape(s), "upstream_proxy_connections_total", "proxy", proxy,
                "result", result).orElse(0.0);
    }

    private HttpResponse<String> settings(SluiceServer s, String method, String path, String body) throws Exception {
        return Http.send(s, method, "/api/settings/proxy" + path, body, "x-admin-key", ADMIN);
    }

    @Test
    void chatGoesThroughTinyproxyAndItsTunnelIsPooled() throws Exception {
        Tinyproxy proxy = tinyproxy(null, null);
        TestUpstream up = upstream();
        SluiceServer s = start(provider("p", up, proxy.url()), Map.of());

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> res = chat(s, "p", false);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(lastPeer(up)).isEqualTo(Tinyproxy.OUTGOING);
        }
        assertThat(up.connections()).as("one tunnel, reused").isEqualTo(1);
        Await.until("tinyproxy logged the CONNECT", () -> !proxy.connects().isEmpty());
        assertThat(proxy.connects()).containsExactly("127.0.0.1:" + up.port());
        assertThat(proxyConnections(s, proxy.url(), "ok")).isEqualTo(1.0);
    }

    @Test
    void aStreamGoesThroughAProxyWithBasicAuth() throws Exception {
        Tinyproxy proxy = tinyproxy(USER, PASS);
        TestUpstream up = closed(new TestUpstream(r -> Reply.sse(
                OpenAiSdkTest.chunk(OpenAiSdkTest.choice("{\"role\":\"assistant\",\"content\":\"Hel\"}", null), "null"))
                .pause(Duration.ofMillis(30))
                .part(OpenAiSdkTest.chunk(OpenAiSdkTest.choice("{\"content\":\"lo\"}", "stop"), "null"))
                .part("data: [DONE]\n\n")));
        SluiceServer s = start(provider("p", up, proxy.url(USER, PASS)), Map.of());

        HttpResponse<String> res = chat(s, "p", true);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).contains("\"Hel\"").contains("\"lo\"").endsWith("data: [DONE]\n\n");
        assertThat(lastPeer(up)).isEqualTo(Tinyproxy.OUTGOING);
        assertThat(Prometheus.scrape(s)).doesNotContain(PASS);
    }

    @Test
    void anHttpsProviderIsReachedThroughTheTunnelWithTlsEndToEnd() throws Exception {
        Tinyproxy proxy = tinyproxy(USER, PASS);
        TestUpstream up = closed(new TestUpstream(TestTls.server(dir),
                r -> Reply.json(200, Bodies.completion("over tls"))));
        SluiceServer s = start(provider("p", up, proxy.url(USER, PASS)), Map.of());

        HttpResponse<String> res = chat(s, "p", false);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).contains("over tls");
        assertThat(lastPeer(up)).isEqualTo(Tinyproxy.OUTGOING);
        assertThat(up.connections()).isEqualTo(1);
    }

    @Test
    void theEnvironmentsProxyIsUsedAndNoProxyBypassesIt() throws Exception {
        Tinyproxy proxy = tinyproxy(null, null);
        TestUpstream bypassed = upstream();
        TestUpstream proxied = upstream();
        // Lower case wins over upper case (curl's order): the upper-case one points at nothing.
        SluiceServer s = start(provider("a", bypassed, null) + provider("b", proxied, null), Map.of(
                "http_proxy", proxy.url(), "HTTP_PROXY", "http://127.0.0.1:" + Tinyproxy.freePort(),
                "NO_PROXY", "localhost, 127.0.0.1:" + bypassed.port()));

        assertThat(chat(s, "a", false).statusCode()).isEqualTo(200);
        assertThat(lastPeer(bypassed)).isEqualTo("127.0.0.1");
        assertThat(chat(s, "b", false).statusCode()).isEqualTo(200);
        assertThat(lastPeer(proxied)).isEqualTo(Tinyproxy.OUTGOING);
    }

    @Test
    void aProvidersOwnProxyAndNoneOverrideTheGlobalOne() throws Exception {
        Tinyproxy proxy = tinyproxy(USER, PASS);
        Socks5Peer socks = closed(new Socks5Peer(USER, PASS));
        TestUpstream direct = upstream();
        TestUpstream viaSocksH = upstream();
        TestUpstream viaSocks = upstream();
        TestUpstream viaGlobal = upstream();
        SluiceServer s = start(", proxy: \"" + proxy.url(USER, PASS) + "\"",
                provider("direct", direct, "none")
                        + provider("remote", viaSocksH, socks.url("socks5h", USER, PASS))
                        + provider("local", viaSocks, socks.url("socks5", USER, PASS))
                        + provider("global", viaGlobal, null), Map.of());

        assertThat(chat(s, "direct", false).statusCode()).isEqualTo(200);
        assertThat(lastPeer(direct)).isEqualTo("127.0.0.1");
        assertThat(chat(s, "remote", true).statusCode()).isEqualTo(200);
        assertThat(lastPeer(viaSocksH)).isEqualTo(Socks5Peer.OUTGOING);
        assertThat(chat(s, "local", false).statusCode()).isEqualTo(200);
        assertThat(lastPeer(viaSocks)).isEqualTo(Socks5Peer.OUTGOING);
        assertThat(chat(s, "global", false).statusCode()).isEqualTo(200);
        assertThat(lastPeer(viaGlobal)).isEqualTo(Tinyproxy.OUTGOING);
        // socks5h sends the name for the proxy to resolve, socks5 the address Sluice resolved.
        assertThat(socks.connects()).containsExactly("DOMAIN 127.0.0.1:" + viaSocksH.port(),
                "IPv4 127.0.0.1:" + viaSocks.port());
        assertThat(proxy.connects()).doesNotContain("127.0.0.1:" + direct.port());
    }

    @Test
    void wrongCredentialsAreA502NamingTheProxyInTheClientsDialect() throws Exception {
        Tinyproxy proxy = tinyproxy(USER, PASS);
        Socks5Peer socks = closed(new Socks5Peer(USER, PASS));
        TestUpstream up = upstream();
        String wrong = "wrong-Password-42";
        SluiceServer s = start(provider("p", up, proxy.url(USER, wrong)) + provider("anon", up, proxy.url())
                + provider("s", up, socks.url("socks5h", USER, wrong)), Map.of());
        String shown = "http://" + USER + ":****@127.0.0.1:" + proxy.port();

        HttpResponse<String> res = chat(s, "p", false);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(502);
        JsonNode err = json(res.body()).path("error");
        assertThat(err.path("code").asText()).isEqualTo("upstream_proxy_error");
        assertThat(err.path("message").asText()).startsWith("proxy " + shown + " failed for provider p")
                .contains("the proxy refused the credentials (401 Unauthorized)"); // tinyproxy's status for them
        assertThat(res.body()).doesNotContain(wrong).doesNotContain(KEY);

        // Anthropic's client gets Anthropic's shape, streaming or not (nothing was sent before the failure).
        HttpResponse<String> anthropic = Http.post(s, "/v1/messages",
                "{\"model\":\"p/m1\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"hi\"}]}");
        assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(502);
        assertThat(json(anthropic.body()).path("type").asText()).isEqualTo("error");
        assertThat(json(anthropic.body()).at("/error/message").asText()).contains(shown)
                .contains("refused the credentials");

        HttpResponse<String> anon = chat(s, "anon", false);
        assertThat(anon.statusCode()).isEqualTo(502);
        assertThat(json(anon.body()).at("/error/message").asText()).contains("proxy " + proxy.url())
                .contains("requires credentials (407 Proxy Authentication Required)");

        HttpResponse<String> viaSocks = chat(s, "s", false);
        assertThat(viaSocks.statusCode()).as(viaSocks.body()).isEqualTo(502);
        assertThat(json(viaSocks.body()).at("/error/message").asText())
                .contains("proxy socks5h://" + USER + ":****@127.0.0.1:" + socks.port())
                .contains("SOCKS5 authentication failed");
        assertThat(viaSocks.body()).doesNotContain(wrong);
        assertThat(socks.authFailures()).containsExactly(USER);

        assertThat(up.connections()).as("nothing reached the upstream").isZero();
        assertThat(proxyConnections(s, proxy.url(), "auth_failed")).isEqualTo(3.0);
        assertThat(proxyConnections(s, "socks5h://127.0.0.1:" + socks.port(), "auth_failed")).isEqualTo(1.0);
        assertThat(Prometheus.scrape(s)).doesNotContain(wrong);
    }

    @Test
    void aProxyThatIsDownIsA502NamingIt() throws Exception {
        TestUpstream up = upstream();
        int down = Tinyproxy.freePort();
        SluiceServer s = start(provider("p", up, "http://" + USER + ":" + PASS + "@127.0.0.1:" + down), Map.of());

        for (boolean stream : new boolean[] {false, true}) {
            HttpResponse<String> res = chat(s, "p", stream);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(502);
            assertThat(json(res.body()).at("/error/message").asText())
                    .isEqualTo("proxy http://" + USER + ":****@127.0.0.1:" + down + " failed for provider p ("
                            + "http://127.0.0.1:" + up.port() + "): cannot connect to the proxy: connection refused");
            assertThat(res.body()).doesNotContain(PASS);
        }
        assertThat(up.connections()).isZero();
        assertThat(proxyConnections(s, "http://127.0.0.1:" + down, "connect_failed")).isEqualTo(2.0);
    }

    @Test
    void aProxyThatNeverAnswersTimesOutWithA502NamingIt() throws Exception {
        TestUpstream up = upstream();
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) { // accepts, says nothing
            String url = "socks5h://127.0.0.1:" + silent.getLocalPort();
            SluiceServer s = start(provider("p", up, url), Map.of());
            HttpResponse<String> res = chat(s, "p", false);
            assertThat(res.statusCode()).as(res.body()).isEqualTo(502);
            assertThat(json(res.body()).at("/error/message").asText()).isEqualTo("proxy " + url
                    + " failed for provider p (http://127.0.0.1:" + up.port() + "): no answer from the proxy within"
                    + " 3000 ms");
            assertThat(proxyConnections(s, url, "timeout")).isEqualTo(1.0);
        }
        assertThat(up.connections()).isZero();
    }

    @Test
    void aPutSwitchesTheRouteForTheNextRequestAndMasksThePassword() throws Exception {
        Tinyproxy proxy = tinyproxy(USER, PASS);
        TestUpstream up = upstream();
        SluiceServer s = start(provider("p", up, null), Map.of());
        String shown = "http://" + USER + ":****@127.0.0.1:" + proxy.port();

        assertThat(chat(s, "p", false).statusCode()).isEqualTo(200);
        assertThat(lastPeer(up)).isEqualTo("127.0.0.1");

        HttpResponse<String> put = settings(s, "PUT", "", "{\"global\":\"" + proxy.url(USER, PASS) + "\","
                + "\"noProxy\":\"localhost\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(json(put.body()).at("/value/global").asText()).isEqualTo(shown);
        assertThat(put.body()).doesNotContain(PASS);
        assertThat(chat(s, "p", false).statusCode()).isEqualTo(200);
        assertThat(lastPeer(up)).as("a new connection through the proxy, not the pooled direct one")
                .isEqualTo(Tinyproxy.OUTGOING);
        assertThat(up.connections()).isEqualTo(2);

        HttpResponse<String> get = settings(s, "GET", "", null);
        assertThat(json(get.body()).at("/value/global").asText()).isEqualTo(shown);
        assertThat(get.body()).doesNotContain(PASS);
        assertThat(Http.get(s, "/api/settings", "x-admin-key", ADMIN).body()).doesNotContain(PASS);
        Path kept = dir.resolve("settings").resolve("proxy.json");
        assertThat(Files.readString(kept, StandardCharsets.UTF_8)).contains(PASS);
        assertThat(Files.getPosixFilePermissions(kept)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        // GET's masked value sent back keeps the password in force; a masked one for another proxy is refused.
        HttpResponse<String> again = settings(s, "PUT", "", "{\"global\":\"" + shown + "\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(Files.readString(kept, StandardCharsets.UTF_8)).contains(PASS);
        HttpResponse<String> other = settings(s, "PUT", "", "{\"global\":\"http://" + USER + ":****@127.0.0.1:1\"}");
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(json(other.body()).path("error").asText()).startsWith("global: ");
        HttpResponse<String> bad = settings(s, "PUT", "", "{\"global\":\"ftp://" + USER + ":topsecret@h:1\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("global: ").doesNotContain("topsecret");
        HttpResponse<String> badBypass = settings(s, "PUT", "", "{\"noProxy\":[\"10.0.0.0/33\"]}");
        assertThat(badBypass.statusCode()).isEqualTo(400);
        assertThat(json(badBypass.body()).path("error").asText()).startsWith("noProxy[0]: ");
        assertThat(chat(s, "p", false).statusCode()).isEqualTo(200);
        assertThat(lastPeer(up)).isEqualTo(Tinyproxy.OUTGOING);

        // A provider's own "none" beats the global proxy: back on the pooled direct connection.
        assertThat(settings(s, "PUT", "", "{\"global\":\"" + shown + "\",\"providers\":{\"p\":\"none\"}}")
                .statusCode()).isEqualTo(200);
        assertThat(chat(s, "p", false).statusCode()).isEqualTo(200);
        assertThat(lastPeer(up)).isEqualTo("127.0.0.1");

        assertThat(settings(s, "DELETE", "", null).statusCode()).isEqualTo(200);
        assertThat(Files.exists(kept)).isFalse();
        assertThat(json(settings(s, "GET", "", null).body()).at("/value/global").isNull()).isTrue();
    }

    @Test
    void theTestActionConnectsThroughTheProxyAndSaysWhatFailed() throws Exception {
        Tinyproxy proxy = tinyproxy(USER, PASS);
        TestUpstream up = upstream();
        SluiceServer s = start(", proxy: \"" + proxy.url(USER, PASS) + "\"", provider("p", up, null), Map.of());
        String target = "http://127.0.0.1:" + up.port();

        JsonNode ok = json(settings(s, "POST", "/test", "{\"target\":\"" + target + "\"}").body());
        assertThat(ok.path("ok").asBoolean()).as(ok.toString()).isTrue();
        assertThat(ok.path("proxy").asText()).isEqualTo("http://" + USER + ":****@127.0.0.1:" + proxy.port());
        assertThat(ok.path("because").asText()).isEqualTo("upstream.proxy");
        assertThat(ok.path("latencyMs").asLong()).isBetween(0L, 3000L);
        assertThat(ok.toString()).doesNotContain(PASS);
        Await.until("the upstream saw the tunnel", () -> up.connections() == 1);
        assertThat(up.peer(1)).isEqualTo(Tinyproxy.OUTGOING);

        JsonNode byProvider = json(settings(s, "POST", "/test", "{\"provider\":\"p\"}").body());
        assertThat(byProvider.path("ok").asBoolean()).as(byProvider.toString()).isTrue();
        assertThat(byProvider.path("target").asText()).isEqualTo(target);

        JsonNode wrong = json(settings(s, "POST", "/test", "{\"target\":\"" + target + "\",\"proxy\":\""
                + proxy.url(USER, "nope") + "\"}").body());
        assertThat(wrong.path("ok").asBoolean()).isFalse();
        assertThat(wrong.path("failedAt").asText()).isEqualTo("proxy");
        assertThat(wrong.path("error").asText()).contains("refused the credentials");

        JsonNode down = json(settings(s, "POST", "/test", "{\"target\":\"" + target + "\",\"proxy\":"
                + "\"http://127.0.0.1:" + Tinyproxy.freePort() + "\"}").body());
        assertThat(down.path("ok").asBoolean()).isFalse();
        assertThat(down.path("error").asText()).contains("cannot connect to the proxy: connection refused");

        int nothing = Tinyproxy.freePort();
        JsonNode noTarget = json(settings(s, "POST", "/test", "{\"target\":\"http://127.0.0.1:" + nothing + "\"}")
                .body());
        assertThat(noTarget.path("ok").asBoolean()).isFalse();
        assertThat(noTarget.path("failedAt").asText()).isEqualTo("target");
        assertThat(noTarget.path("error").asText()).contains("could not reach");

        JsonNode direct = json(settings(s, "POST", "/test", "{\"target\":\"" + target + "\",\"proxy\":\"none\"}")
                .body());
        assertThat(direct.path("ok").asBoolean()).isTrue();
        assertThat(direct.path("proxy").asText()).isEqualTo("direct");

        assertThat(settings(s, "POST", "/test", "{\"target\":\"ftp://x\"}").statusCode()).isEqualTo(400);
        assertThat(settings(s, "POST", "/test", "{\"provider\":\"nope\"}").statusCode()).isEqualTo(400);
        assertThat(Http.post(s, "/api/settings/proxy/test", "{}").statusCode()).isEqualTo(401);
    }

    @Test
    void modelDiscoveryGoesThroughTheProxyWithItsCredentials() throws Exception {
        Tinyproxy proxy = tinyproxy(USER, PASS);
        TestUpstream up = closed(new TestUpstream(r -> r.method().equals("GET")
                ? Reply.json(200, "{\"object\":\"list\",\"data\":[{\"id\":\"found-by-proxy\"}]}")
                : Reply.json(200, Bodies.completion("hi"))));
        SluiceServer s = start("  ollama:\n    baseUrl: " + up.baseUrl() + "\n    models: [m1]\n    proxy: \""
                + proxy.url(USER, PASS) + "\"\n", Map.of());

        TestUpstream.Received list = up.take(); // the JDK client: 407, then again with the proxy's credentials
        assertThat(list.uri()).isEqualTo("/v1/models");
        assertThat(up.peer(list.connection())).isEqualTo(Tinyproxy.OUTGOING);
        assertThat(list.header("proxy-authorization")).isNull(); // spent on the proxy, never sent on
        Await.until("the discovered model is listed", Duration.ofSeconds(10),
                () -> Http.get(s, "/v1/models").body().contains("found-by-proxy"));
    }

    @Test
    void theCopilotTokenExchangeAndModelListsGoThroughASocks5Proxy() throws Exception {
        Socks5Peer socks = closed(new Socks5Peer(USER, PASS));
        TestUpstream[] self = new TestUpstream[1];
        TestUpstream up = closed(new TestUpstream(r -> r.uri().startsWith("/copilot_internal")
                ? Reply.json(200, "{\"token\":\"tid=1;exp=1999999999\",\"expires_at\":"
                        + (System.currentTimeMillis() / 1000 + 1800) + ",\"endpoints\":{\"api\":\"http://127.0.0.1:"
                        + self[0].port() + "\"}}")
                : r.method().equals("GET") ? Reply.json(200, "{\"data\":[{\"id\":\"listed-via-socks\"}]}")
                : Reply.json(200, Bodies.completion("copilot via socks"))));
        self[0] = up;
        String via = socks.url("socks5h", USER, PASS);
        SluiceServer s = start("  copilot:\n    type: github-copilot\n    apiKey: gho_0000000000000000000001\n"
                + "    models: [m1]\n"
                + "    options: {tokenUrl: \"http://127.0.0.1:" + up.port() + "/copilot_internal/v2/token\"}\n"
                + "    proxy: \"" + via + "\"\n"
                + "  ollama:\n    baseUrl: " + up.baseUrl() + "\n    models: [m1]\n    proxy: \"" + via + "\"\n",
                Map.of());

        TestUpstream.Received list = up.take(); // discovery at start, on Netty's SOCKS5 handler
        assertThat(list.uri()).isEqualTo("/v1/models");
        assertThat(up.peer(list.connection())).isEqualTo(Socks5Peer.OUTGOING);
        Await.until("the listed model is served", Duration.ofSeconds(10),
                () -> Http.get(s, "/v1/models").body().contains("listed-via-socks"));

        HttpResponse<String> res = chat(s, "copilot", false);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).contains("copilot via socks");
        TestUpstream.Received exchange = up.take();
        assertThat(exchange.uri()).isEqualTo("/copilot_internal/v2/token");
        assertThat(up.peer(exchange.connection())).isEqualTo(Socks5Peer.OUTGOING);
        TestUpstream.Received completion = up.take();
        assertThat(completion.header("authorization")).isEqualTo("Bearer tid=1;exp=1999999999");
        assertThat(up.peer(completion.connection())).isEqualTo(Socks5Peer.OUTGOING);
    }
}
