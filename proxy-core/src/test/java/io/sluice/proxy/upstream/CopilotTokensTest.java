package io.sluice.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.RawHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Copilot token exchange against a loopback token endpoint: what is sent, what is parsed, how long a token is
 * cached, that concurrent callers share one exchange, and how failures surface. Time is a fake clock.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CopilotTokensTest {

    static final String GITHUB_TOKEN = "gho_16C7e42F292c6912E7710c838347Ae178B4a";
    static final Map<String, String> EDITOR_HEADERS = Map.of(
            "Editor-Version", "vscode/1.95.0",
            "Editor-Plugin-Version", "copilot-chat/0.22.4",
            "Copilot-Integration-Id", "vscode-chat");
    /** The fake clock's start: 2023-11-14T22:13:20Z. */
    static final long T0 = 1_700_000_000_000L;

    /** One request the token endpoint received. */
    record Seen(String method, String path, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** What the endpoint answers to its n-th request (1-based). */
    record Answer(int status, String body) {
    }

    /**
     * A token endpoint on 127.0.0.1; every request is recorded, then held until {@link #release} when holding, then
     */
    static final class TokenEndpoint implements AutoCloseable {
        final HttpServer server;
        final ExecutorService threads = Executors.newCachedThreadPool();
        final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        final AtomicInteger count = new AtomicInteger();
        volatile IntFunction<Answer> script;
        volatile CountDownLatch hold = new CountDownLatch(0);

        TokenEndpoint(IntFunction<Answer> script) throws IOException {
            this.script = script;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(threads);
            server.createContext("/", this::handle);
            server.start();
        }

        private void handle(HttpExchange ex) throws IOException {
            try {
                Map<String, String> headers = new HashMap<>();
                ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
                seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), headers));
                int n = count.incrementAndGet();
                try {
                    if (!hold.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("token endpoint held for more than 10 s");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                Answer a = script.apply(n);
                byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                ex.sendResponseHeaders(a.status(), body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            } finally {
                ex.close();
            }
        }

        /** Requests from now on wait until {@link #release}. */
        void holdReplies() {
            hold = new CountDownLatch(1);
        }

        void release() {
            hold.countDown();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/copilot_internal/v2/token";
        }

        Seen take() throws InterruptedException {
            Seen s = seen.poll(10, TimeUnit.SECONDS);
            assertThat(s).as("a request at the token endpoint within 10 s").isNotNull();
            return s;
        }

        @Override
        public void close() {
            release();
            server.stop(0);
            threads.shutdownNow();
        }
    }

    /** The endpoint's JSON, with times in unix seconds as GitHub sends them. */
    static String tokenJson(String token, long expiresAtMillis, long refreshInSeconds, String api) {
        return "{\"annotations_enabled\":true,\"chat_enabled\":true,\"endpoints\":{\"api\":\"" + api + "\","
                + "\"origin-tracker\":\"https://origin-tracker.individual.githubcopilot.com\","
                + "\"proxy\":\"https://proxy.individual.githubcopilot.com\"},\"expires_at\":" + expiresAtMillis / 1000
                + ",\"individual\":true,\"refresh_in\":" + refreshInSeconds + ",\"sku\":\"free_limited_copilot\","
                + "\"token\":\"" + token + "\",\"tracking_id\":\"0f3c1b2a\"}";
    }

    static Answer ok(String token, long expiresAtMillis, long refreshInSeconds) {
        return new Answer(200, tokenJson(token, expiresAtMillis, refreshInSeconds,
                "https://api.individual.githubcopilot.com"));
    }

    private final AtomicLong now = new AtomicLong(T0);
    private TokenEndpoint endpoint;
    private CopilotTokens tokens;

    @BeforeEach
    void setUp() throws IOException {
        // 30 minutes of life, refresh after 25, as GitHub answers.
        endpoint = new TokenEndpoint(n -> ok("tid=copilot-" + n + ";exp=" + (now.get() / 1000 + 1800),
                now.get() + 1_800_000, 1500));
        tokens = new CopilotTokens(EDITOR_HEADERS, now::get);
    }

    @AfterEach
    void tearDown() {
        endpoint.close();
    }

    private CopilotTokens.Token get() throws Exception {
        return tokens.token(endpoint.url(), GITHUB_TOKEN).get(10, TimeUnit.SECONDS);
    }

    @Test
    void exchangeSendsTheGitHubTokenAndEditorHeadersAndParsesTheAnswer() throws Exception {
        endpoint.script = n -> new Answer(200, tokenJson("tid=abc;exp=1700001800;sku=free_limited_copilot;8kp=1",
                T0 + 1_800_000, 1500, "http://127.0.0.1:4321"));

        CopilotTokens.Token t = get();

        Seen s = endpoint.take();
        assertThat(s.method()).isEqualTo("GET");
        assertThat(s.path()).isEqualTo("/copilot_internal/v2/token");
        assertThat(s.header("authorization")).isEqualTo("token " + GITHUB_TOKEN);
        assertThat(s.header("accept")).isEqualTo("application/json");
        assertThat(s.header("editor-version")).isEqualTo("vscode/1.95.0");
        assertThat(s.header("editor-plugin-version")).isEqualTo("copilot-chat/0.22.4");
        assertThat(s.header("copilot-integration-id")).isEqualTo("vscode-chat");

        assertThat(t.token()).isEqualTo("tid=abc;exp=1700001800;sku=free_limited_copilot;8kp=1");
        assertThat(t.api()).isEqualTo(URI.create("http://127.0.0.1:4321"));
        assertThat(t.expiresAtMillis()).isEqualTo(T0 + 1_800_000);
        assertThat(t.refreshAtMillis()).isEqualTo(T0 + 1_500_000);
        assertThat(t.toString()).doesNotContain("tid=abc");
        assertThat(tokens.exchanges()).isEqualTo(1);
    }

    @Test
    void tokenIsCachedUntilItsRefreshTimeThenExchangedAgain() throws Exception {
        CopilotTokens.Token first = get();
        assertThat(first.token()).isEqualTo("tid=copilot-1;exp=" + (T0 / 1000 + 1800));

        now.set(T0 + 1_500_000 - 1); // one ms before refresh_in is up
        assertThat(get()).isSameAs(first);
        assertThat(get()).isSameAs(first);
        assertThat(tokens.exchanges()).isEqualTo(1);
        assertThat(endpoint.count.get()).isEqualTo(1);

        now.set(T0 + 1_800_000); // expired: the caller waits for the new token
        CopilotTokens.Token second = get();
        assertThat(second.token()).startsWith("tid=copilot-2;");
        assertThat(second.expiresAtMillis()).isEqualTo(T0 + 3_600_000);
        assertThat(tokens.exchanges()).isEqualTo(2);
        assertThat(get()).isSameAs(second);
        assertThat(tokens.exchanges()).isEqualTo(2);
    }

    @Test
    void eachGitHubTokenHasItsOwnCopilotToken() throws Exception {
        CopilotTokens.Token a = get();
        CopilotTokens.Token b = tokens.token(endpoint.url(), "gho_second0000000000000000000000000000").get(10,
                TimeUnit.SECONDS);
        assertThat(b.token()).isNotEqualTo(a.token());
        assertThat(endpoint.take().header("authorization")).isEqualTo("token " + GITHUB_TOKEN);
        assertThat(endpoint.take().header("authorization")).isEqualTo("token gho_second0000000000000000000000000000");
        assertThat(get()).isSameAs(a);
        assertThat(tokens.exchanges()).isEqualTo(2);
    }

    @Test
    void fiftyConcurrentCallersShareOneExchange() throws Exception {
        endpoint.holdReplies();
        int callers = 50;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<CompletableFuture<CopilotTokens.Token>>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return tokens.token(endpoint.url(), GITHUB_TOKEN);
                }));
            }
            go.countDown();
            List<CompletableFuture<CopilotTokens.Token>> futures = new ArrayList<>();
            for (var c : calls) {
                futures.add(c.get(10, TimeUnit.SECONDS)); // every call has been made (and returned a future)
            }
            assertThat(futures).noneMatch(CompletableFuture::isDone);
            endpoint.take(); // the one exchange is at the endpoint, held

            endpoint.release();

            CopilotTokens.Token first = futures.get(0).get(10, TimeUnit.SECONDS);
            for (CompletableFuture<CopilotTokens.Token> f : futures) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(first);
            }
            assertThat(tokens.exchanges()).isEqualTo(1);
            assertThat(endpoint.count.get()).isEqualTo(1);
            assertThat(get()).isSameAs(first);
            assertThat(tokens.exchanges()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void callerThatFoundNoTokenJustBeforeAnExchangeEndedTakesThatTokenInsteadOfExchangingAgain() throws Exception {
        // Caller B looks at the cache (empty) while A's exchange is in flight, and only gets to start its own refresh
        // after A's exchange has ended: B must take A's fresh token, not start a second exchange. The clock is read
        // right after the cache, so it is where B is held.
        CountDownLatch bLookedAtCache = new CountDownLatch(1);
        CountDownLatch aEnded = new CountDownLatch(1);
        Thread[] b = new Thread[1];
        CopilotTokens racy = new CopilotTokens(EDITOR_HEADERS, () -> {
            if (Thread.currentThread() == b[0] && bLookedAtCache.getCount() > 0) {
                bLookedAtCache.countDown();
                try {
                    aEnded.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return now.get();
        });
        endpoint.holdReplies();
        CompletableFuture<CopilotTokens.Token> a = racy.token(endpoint.url(), GITHUB_TOKEN);
        CompletableFuture<CompletableFuture<CopilotTokens.Token>> bCall = new CompletableFuture<>();
        b[0] = new Thread(() -> bCall.complete(racy.token(endpoint.url(), GITHUB_TOKEN)), "caller-b");
        b[0].start();
        assertThat(bLookedAtCache.await(10, TimeUnit.SECONDS)).isTrue();

        endpoint.release();
        CopilotTokens.Token fromA = a.get(10, TimeUnit.SECONDS);
        aEnded.countDown();

        assertThat(bCall.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS)).isSameAs(fromA);
        assertThat(racy.exchanges()).isEqualTo(1);
        assertThat(endpoint.count.get()).isEqualTo(1);
    }

    @Test
    void staleButUnexpiredTokenIsServedAtOnceWhileOneBackgroundRefreshRuns() throws Exception {
        CopilotTokens.Token first = get();
        endpoint.take();
        endpoint.holdReplies();

        now.set(T0 + 1_500_000 + 1); // past refresh_in, 5 minutes before expiry
        for (int i = 0; i < 5; i++) {
            CompletableFuture<CopilotTokens.Token> f = tokens.token(endpoint.url(), GITHUB_TOKEN);
            assertThat(f).as("served from cache without waiting").isDone();
            assertThat(f.get()).isSameAs(first);
        }
        endpoint.take(); // the background refresh reached the endpoint, and is held there
        assertThat(tokens.exchanges()).isEqualTo(2);

        endpoint.release();
        Await.until("the refreshed token replaces the stale one",
                () -> !tokens.token(endpoint.url(), GITHUB_TOKEN).join().token().equals(first.token()));
        CopilotTokens.Token second = get();
        assertThat(second.token()).startsWith("tid=copilot-2;");
        assertThat(second.refreshAtMillis()).isEqualTo(T0 + 1_500_001 + 1_500_000);
        assertThat(tokens.exchanges()).isEqualTo(2);
        assertThat(endpoint.count.get()).isEqualTo(2);
    }

    @Test
    void tokenTooCloseToExpiryIsNotServedFromCache() throws Exception {
        CopilotTokens.Token first = get();
        now.set(T0 + 1_800_000 - CopilotTokens.EXPIRY_SAFETY_MILLIS); // 30 s left: the request could outlive it
        CopilotTokens.Token second = get();
        assertThat(second).isNotSameAs(first);
        assertThat(tokens.exchanges()).isEqualTo(2);
    }

    @Test
    void refusedExchangeFailsWithTheStatusAndTheNextCallTriesAgain() throws Exception {
        endpoint.script = n -> n == 1
                ? new Answer(401, "{\"message\":\"Bad credentials\","
                        + "\"documentation_url\":\"https://docs.github.com/rest\"}")
                : ok("tid=after-401", T0 + 1_800_000, 1500);

        CompletableFuture<CopilotTokens.Token> f = tokens.token(endpoint.url(), GITHUB_TOKEN);
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(CopilotTokens.ExchangeException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("401").doesNotContain(GITHUB_TOKEN);
                });

        CopilotTokens.Token t = get();
        assertThat(t.token()).isEqualTo("tid=after-401");
        assertThat(tokens.exchanges()).isEqualTo(2);
        assertThat(endpoint.count.get()).isEqualTo(2);
    }

    @Test
    void garbageAnswerFailsAndCachesNothing() throws Exception {
        endpoint.script = n -> switch (n) {
            case 1 -> new Answer(200, "<html><body>Service Unavailable</body></html>");
            case 2 -> new Answer(200, "{\"expires_at\":1700001800,\"refresh_in\":1500}"); // no token
            case 3 -> new Answer(200, "{\"token\":\"tid=trunc"); // cut short
            default -> ok("tid=finally", T0 + 1_800_000, 1500);
        };

        for (int i = 0; i < 3; i++) {
            CompletableFuture<CopilotTokens.Token> f = tokens.token(endpoint.url(), GITHUB_TOKEN);
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(CopilotTokens.ExchangeException.class,
                            e -> assertThat(e.status()).isZero());
        }
        assertThat(tokens.exchanges()).as("no token was cached: every call exchanged").isEqualTo(3);
        assertThat(get().token()).isEqualTo("tid=finally");
        assertThat(tokens.exchanges()).isEqualTo(4);
    }

    @Test
    void unreachableEndpointFailsWithStatusZero() throws Exception {
        int port = RawHttp.closedPort();
        CompletableFuture<CopilotTokens.Token> f = tokens.token("http://127.0.0.1:" + port + "/t", GITHUB_TOKEN);
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(CopilotTokens.ExchangeException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).doesNotContain(GITHUB_TOKEN);
                });
    }
}
