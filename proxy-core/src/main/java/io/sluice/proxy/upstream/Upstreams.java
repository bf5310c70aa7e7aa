package io.sluice.proxy.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.providers.AuthScheme;
import io.sluice.providers.ProviderCatalog;
import io.sluice.providers.ProviderDescriptor;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.ProxySettings;
import io.sluice.proxy.config.ProxyUri;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.config.UpstreamConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * What every upstream relay of one server shares, built once: the per-event-loop pools, the providers' origins,
 * the outbound proxy routes, the Copilot token cache, the timeouts and the upstream metrics.
 */
public final class Upstreams {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(Upstreams.class);

    /** The {@code User-Agent} Sluice sends upstream. */
    public static final String USER_AGENT = "sluice/0.1";

    private final UpstreamPools pools;
    private final UpstreamConfig config;
    private final SluiceMetrics metrics;
    /** Base URL to its origin: a provider reconfigured at runtime to a new URL gets its own. */
    private final Map<URI, Origin> origins = new ConcurrentHashMap<>();
    private final CopilotTokens copilotTokens = new CopilotTokens(
            ProviderCatalog.get().byType("github-copilot").headers(), System::currentTimeMillis);
    private volatile ProxyRoutes proxies;

    public Upstreams(SluiceConfig config, UpstreamPools pools, SluiceMetrics metrics) {
        this.pools = pools;
        this.config = config.upstream();
        this.metrics = metrics;
        this.proxies = new ProxyRoutes(ProxySettings.none());
        proxies(config.upstream().proxy());
        pools.proxyEvents((proxy, result) -> metrics.proxyConnection(proxy.address(), result));
        for (ProviderConfig p : config.providers()) {
            if (p.baseUrl() != null) {
                origins.put(p.baseUrl(), Origin.of(p.baseUrl()));
            }
        }
    }

    public UpstreamPools pools() {
        return pools;
    }

    public UpstreamConfig config() {
        return config;
    }

    public SluiceMetrics metrics() {
        return metrics;
    }

    /** The origin of provider {@code p}'s base URL. */
    public Origin origin(ProviderConfig p) {
        URI base = p.baseUrl();
        if (base == null) {
            return null;
        }
        Origin o = origins.get(base);
        return o != null ? o : origins.computeIfAbsent(base, Origin::of);
    }

    /** The origin of {@code target}: the provider's own when it is its base URL, else one for that URI. */
    public Origin origin(ProviderConfig p, URI target) {
        if (target.equals(p.baseUrl())) {
            return origin(p);
        }
        return Origin.of(target);
    }

    /**
     * Puts {@code settings} in force for connections made from now on: a route that changes gets pools of its own,
     * so a connection made for the old route is never used for the new one.
     */
    public void proxies(ProxySettings settings) {
        if (!settings.equals(proxies.settings()) && settings.any()) {
            LOG.info("outbound proxy for new upstream connections: {}", settings); // masked
        }
        this.proxies = new ProxyRoutes(settings);
    }

    /** The proxy settings in force. */
    public ProxySettings proxies() {
        return proxies.settings();
    }

    /** Where provider {@code p}'s connections to {@code origin} go: directly, or through which proxy. */
    public UpstreamRoute route(ProviderConfig p, Origin origin) {
        return proxies.route(p.name(), origin);
    }

    /**
     * Where a connection to {@code origin} that belongs to no provider goes (the speech upstream of {@code /tts}):
     * through the global proxy ({@code upstream.proxy}, {@code HTTPS_PROXY} / {@code HTTP_PROXY} less
     * {@code NO_PROXY}), or directly.
     */
    public UpstreamRoute route(Origin origin) {
        return proxies.route(null, origin);
    }

    /**
     * One of Sluice's own calls for provider {@code p} (a model list, a token exchange: a GET), through the proxy its
     * relayed requests use: on the JDK client, directly or through an HTTP proxy; on {@code loop} through a SOCKS5
     * one, which the JDK client cannot use. Never direct when the route says otherwise.
     */
    public CompletableFuture<HttpResponse<String>> send(ProviderConfig p, HttpRequest req, EventLoop loop) {
        try {
            UpstreamRoute r = route(p, Origin.of(req.uri()));
            if (r.proxied() && r.proxy().kind() != ProxyUri.Kind.HTTP) {
                return SocksGet.send(pools, r, req, loop);
            }
            return JdkHttp.client(r.proxy()).sendAsync(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The API root and key a request goes with. */
    public record Credential(URI base, String apiKey) {
    }

    /**
     * Hands {@code then}, on {@code loop}, the root and key for provider {@code p}'s key {@code keyIndex} (-1: none):
     * at once for most providers; after a (cached) token exchange for GitHub Copilot, whose tokens name their own
     * API host. {@code then} gets the failure's cause instead when the exchange fails.
     */
    public void credential(ProviderConfig p, int keyIndex, EventLoop loop, BiConsumer<Credential, Throwable> then) {
        String key = keyIndex < 0 ? null : p.apiKeys().get(keyIndex);
        if (p.descriptor().auth() != AuthScheme.COPILOT_TOKEN_EXCHANGE || key == null) {
            then.accept(new Credential(p.baseUrl(), key), null);
            return;
        }
        CompletableFuture<CopilotTokens.Token> token = copilotTokens.token(
                p.option(ProviderDescriptor.OPTION_TOKEN_URL), key, req -> send(p, req, loop));
        if (token.isDone() && !token.isCompletedExceptionally()) {
            then.accept(copilot(p, token.join()), null);
            return;
        }
        token.whenComplete((t, err) -> loop.execute(() -> {
            if (err != null) {
                then.accept(null, err instanceof CompletionException && err.getCause() != null ? err.getCause() : err);
            } else {
                then.accept(copilot(p, t), null);
            }
        }));
    }

    private static Credential copilot(ProviderConfig p, CopilotTokens.Token t) {
        return new Credential(t.api() != null ? t.api() : p.baseUrl(), t.token());
    }

    /** The Copilot token cache every github-copilot provider of this server shares. */
    public CopilotTokens copilotTokens() {
        return copilotTokens;
    }
}
