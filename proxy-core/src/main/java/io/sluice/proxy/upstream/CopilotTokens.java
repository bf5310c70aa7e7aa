package io.sluice.proxy.upstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.codec.dialect.JsonIo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * GitHub Copilot's two-step auth: the configured key is a GitHub OAuth token ({@code gho_…}), exchanged at
 * {@code api.github.com/copilot_internal/v2/token} for a Copilot token that lives ~30 minutes and names the API host
 * to use ({@code endpoints.api}). One cached token per GitHub token; it is refreshed ahead of expiry, and requests
 * arriving while a refresh is under way all wait for that one refresh (never one exchange per request).
 *
 * <p>The exchange runs on the JDK's HTTP client, off the event loops; callers get a future and continue on their
 * own loop. It is rare (twice an hour per key), so it does not need the pooled Netty path.
 */
public final class CopilotTokens {

    /** A Copilot token and where to use it. */
    public record Token(String token, URI api, long expiresAtMillis, long refreshAtMillis) {
        @Override
        public String toString() {
            return "Token[api=" + api + ", expiresAt=" + expiresAtMillis + "]"; // never the token
        }
    }

    /** The exchange failed: {@code status} is the endpoint's HTTP status, 0 for a connection or parse failure. */
    public static final class ExchangeException extends IOException {
        private final int status;

        ExchangeException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Refresh this long before expiry when the endpoint gives no {@code refresh_in}. */
    static final long REFRESH_MARGIN_MILLIS = 5 * 60_000;
    /** A token closer than this to expiry is not used: the request could outlive it. */
    static final long EXPIRY_SAFETY_MILLIS = 30_000;
    static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(20);

    private static final class Entry {
        volatile Token current;
        final AtomicReference<CompletableFuture<Token>> inFlight = new AtomicReference<>();
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final Map<String, String> headers;
    private final java.util.concurrent.atomic.AtomicInteger exchanges = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param headers the editor headers Copilot's endpoints expect ({@code Editor-Version}, …), sent on the exchange
     */
    public CopilotTokens(Map<String, String> headers, LongSupplier clockMillis) {
        this.headers = Map.copyOf(headers);
        this.clock = clockMillis;
    }

    /**
     * A usable Copilot token for {@code githubToken}: the cached one when fresh, else the result of a refresh (one
     * per GitHub token at a time). A token past its refresh time but not yet expiring is returned at once, while a
     * background refresh replaces it.
     */
    public CompletableFuture<Token> token(String tokenUrl, String githubToken) {
        return token(tokenUrl, githubToken,
                req -> JdkHttp.client().sendAsync(req, HttpResponse.BodyHandlers.ofString()));
    }

    /** {@link #token(String, String)}, the exchange sent by {@code send} (on the provider's proxy route). */
    public CompletableFuture<Token> token(String tokenUrl, String githubToken,
                                          Function<HttpRequest, CompletableFuture<HttpResponse<String>>> send) {
        Entry e = entries.computeIfAbsent(tokenUrl + '\n' + githubToken, k -> new Entry());
        Token t = e.current;
        long now = clock.getAsLong();
        if (t != null && now < t.refreshAtMillis()) {
            return CompletableFuture.completedFuture(t);
        }
        CompletableFuture<Token> refresh = refresh(e, tokenUrl, githubToken, send);
        if (t != null && now < t.expiresAtMillis() - EXPIRY_SAFETY_MILLIS) {
            return CompletableFuture.completedFuture(t);
        }
        return refresh;
    }

    /** How many exchanges were started, for tests and the monitoring API. */
    public int exchanges() {
        return exchanges.get();
    }

    private CompletableFuture<Token> refresh(Entry e, String tokenUrl, String githubToken,
                                             Function<HttpRequest, CompletableFuture<HttpResponse<String>>> send) {
        CompletableFuture<Token> mine = new CompletableFuture<>();
        while (!e.inFlight.compareAndSet(null, mine)) {
            CompletableFuture<Token> other = e.inFlight.get();
            if (other != null) {
                return other; // a refresh is under way: share it
            }
        }
        Token fresh = e.current;
        if (fresh != null && clock.getAsLong() < fresh.refreshAtMillis()) {
            // Another refresh ended between the caller's look at the cache and here: use its token.
            finish(e, mine, fresh, null);
            return mine;
        }
        exchanges.incrementAndGet();
        HttpRequest.Builder req;
        try {
            req = HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(EXCHANGE_TIMEOUT).GET()
                    .header("Authorization", "token " + githubToken)
                    .header("Accept", "application/json");
            headers.forEach(req::header);
        } catch (IllegalArgumentException x) {
            finish(e, mine, null, new ExchangeException(0, "bad token URL " + tokenUrl + ": " + x.getMessage()));
            return mine;
        }
        send.apply(req.build()).whenComplete((res, err) -> {
            if (err != null) {
                finish(e, mine, null, new ExchangeException(0, "token endpoint " + tokenUrl + " unreachable: "
                        + (err.getCause() != null ? err.getCause() : err)));
                return;
            }
            if (res.statusCode() != 200) {
                finish(e, mine, null, new ExchangeException(res.statusCode(), "token endpoint " + tokenUrl
                        + " answered HTTP " + res.statusCode()));
                return;
            }
            try {
                finish(e, mine, parse(res.body(), clock.getAsLong()), null);
            } catch (IOException x) {
                finish(e, mine, null, new ExchangeException(0, "token endpoint " + tokenUrl + ": " + x.getMessage()));
            }
        });
        return mine;
    }

    private static void finish(Entry e, CompletableFuture<Token> f, Token t, Throwable err) {
        if (t != null) {
            e.current = t;
        }
        e.inFlight.compareAndSet(f, null);
        if (err != null) {
            f.completeExceptionally(err);
        } else {
            f.complete(t);
        }
    }

    /** {@code {"token":"…","expires_at":<unix s>,"refresh_in":<s>,"endpoints":{"api":"https://…"}}}. */
    static Token parse(String body, long nowMillis) throws IOException {
        String token = null;
        String api = null;
        long expiresAt = -1;
        long refreshIn = -1;
        try (JsonParser p = JsonIo.FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "token" -> token = v == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "expires_at" -> expiresAt = v.isNumeric() ? p.getLongValue() : -1;
                    case "refresh_in" -> refreshIn = v.isNumeric() ? p.getLongValue() : -1;
                    case "endpoints" -> {
                        if (v == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String n = p.currentName();
                                JsonToken ev = p.nextToken();
                                if (n.equals("api") && ev == JsonToken.VALUE_STRING) {
                                    api = p.getText();
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (token == null || token.isEmpty()) {
            throw new IOException("no token in the response");
        }
        long expiresMillis = expiresAt > 0 ? expiresAt * 1000 : nowMillis + 25 * 60_000;
        long refreshAt = refreshIn > 0 ? nowMillis + refreshIn * 1000 : expiresMillis - REFRESH_MARGIN_MILLIS;
        URI apiUri = null;
        if (api != null) {
            URI u = URI.create(api);
            if (u.getHost() != null
                    && ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))) {
                apiUri = u;
            }
        }
        return new Token(token, apiUri, expiresMillis, Math.min(refreshAt, expiresMillis - EXPIRY_SAFETY_MILLIS));
    }
}
