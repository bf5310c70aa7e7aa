package io.sluice.proxy.server;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.mock.MockExchange;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.upstream.Origin;
import io.sluice.proxy.upstream.UpstreamPools;
import io.sluice.proxy.upstream.UpstreamRelay;
import io.sluice.providers.ProviderCatalog;
import io.sluice.proxy.upstream.CopilotTokens;
import io.sluice.proxy.schedule.ProviderRuntime;
import io.sluice.proxy.admin.MonitoringApi;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.schedule.RateLimiter;
import io.sluice.proxy.access.Access;
import io.sluice.proxy.access.ClientKeys;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** What every connection of one server shares: config, router, pools, metrics. Built once at start. */
public final class ProxyContext {

    public static final String USER_AGENT = "sluice/0.1";

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance("io.sluice.proxy");

    private final SluiceConfig config;
    private volatile ModelRouter router;
    private final SluiceMetrics metrics;
    private final UpstreamPools pools;
    private volatile String modelsJson;
    private final Map<String, Origin> origins = new HashMap<>();
    private final Map<String, AtomicInteger> keyCursor = new HashMap<>();
    private final Map<String, ProviderRuntime> runtimes = new HashMap<>();
    private final RateLimiter globalLimiter;
    private final MonitoringApi monitoring;
    private final Operations ops;
    private final Access access;
    private final java.util.concurrent.ConcurrentHashMap<String, RateLimiter> clientLimiters =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Client keys tracked for per-client limits at most; beyond, the map starts over (an attack, not clients). */
    static final int MAX_CLIENT_LIMITERS = 100_000;
    private final CopilotTokens copilotTokens = new CopilotTokens(
            ProviderCatalog.get().byType("github-copilot").headers(), System::currentTimeMillis);

    public ProxyContext(SluiceConfig config, SluiceMetrics metrics, UpstreamPools pools) {
        this.config = config;
        this.router = new ModelRouter(config);
        this.metrics = metrics;
        this.pools = pools;
        for (ProviderConfig p : config.providers()) {
            if (p.baseUrl() != null) {
                origins.put(p.name(), Origin.of(p.baseUrl()));
            }
            keyCursor.put(p.name(), new AtomicInteger());
            if (!p.isMock()) {
                ProviderRuntime rt = new ProviderRuntime(p, config.resilience(), config.rateLimits(),
                        config.concurrency(), System::nanoTime);
                runtimes.put(p.name(), rt);
                if (rt.gate() != null) {
                    metrics.gate(p.name(), rt.gate()::active, rt.gate()::queued);
                }
            }
        }
        this.modelsJson = buildModelsJson(router, null);
        this.access = new Access(config, System::nanoTime);
        this.ops = new Operations(config, metrics, System::currentTimeMillis, System::nanoTime);
        this.monitoring = new MonitoringApi(config, this::runtime, this::router, System::currentTimeMillis, ops,
                new ProviderProbe(this));
        long global = config.rateLimits().global();
        this.globalLimiter = global > 0 ? new RateLimiter(global, System::nanoTime) : null;
    }

    /**
     * The exchange that answers {@code request}: the in-process mock alone, or a {@link ScheduledExchange} that picks
     * keys and retries when a real provider is involved.
     */
    Exchange newExchange(ChatRequest request, ResponseSink sink) {
        boolean mockOnly = request.route().provider().isMock() && request.route().fallbacks().isEmpty();
        if (mockOnly) {
            return attemptExchange(request, sink, null);
        }
        return new ScheduledExchange(this, request, sink);
    }

    /** One attempt at {@code request}: the mock or an upstream relay, behind a translating sink when needed. */
    Exchange attemptExchange(ChatRequest request, ResponseSink sink, UpstreamRelay.Attempt attempt) {
        ProviderConfig p = request.route().provider();
        if (!request.translated()) {
            return answer(p, request, sink, attempt);
        }
        TranslatingSink translating = new TranslatingSink(sink, dialect(p), request.client(), request.hub());
        Exchange inner = answer(p, request, translating, attempt);
        return new Exchange() {
            @Override
            public void start() {
                inner.start();
            }

            @Override
            public void clientWritable() {
                inner.clientWritable();
            }

            @Override
            public void abort() {
                inner.abort();
                translating.abort();
            }
        };
    }

    private Exchange answer(ProviderConfig p, ChatRequest request, ResponseSink sink, UpstreamRelay.Attempt attempt) {
        if (p.isMock()) {
            return new MockExchange(request, sink, p.mock());
        }
        return new UpstreamRelay(this, request, sink, attempt);
    }

    /**
     * Admission under the per-client-key and global rate limits (in that order, so one client over its own limit
     * does not spend the global budget): null when admitted, else the refusal and nanos until a token frees up.
     *
     * @param key       the client's configured key, or null when keys are not required
     * @param clientKey the credential the client sent, or null; limited one by one only when no keys are configured
     */
    Refusal admit(ClientKeys.Key key, String clientKey) {
        if (key != null) {
            RateLimiter l = key.limiter();
            if (l != null && !l.tryAcquire()) {
                metrics.rateLimited("client");
                return new Refusal("rate limit of " + l.perMinute() + " requests per minute for client key '"
                        + key.name() + "' reached", l.nanosUntilAvailable());
            }
        }
        long perClient = config.rateLimits().perClientKey();
        if (key == null && perClient > 0 && !access.keys().required()) {
            String id = clientKey == null ? "" : clientKey;
            if (clientLimiters.size() >= MAX_CLIENT_LIMITERS && !clientLimiters.containsKey(id)) {
                clientLimiters.clear();
            }
            RateLimiter l = clientLimiters.computeIfAbsent(id, k -> new RateLimiter(perClient, System::nanoTime));
            if (!l.tryAcquire()) {
                metrics.rateLimited("client");
                return new Refusal("rate limit of " + perClient + " requests per minute for this client key reached",
                        l.nanosUntilAvailable());
            }
        }
        if (globalLimiter != null && !globalLimiter.tryAcquire()) {
            metrics.rateLimited("global");
            return new Refusal("global rate limit of " + globalLimiter.perMinute() + " requests per minute reached",
                    globalLimiter.nanosUntilAvailable());
        }
        return null;
    }

    /** Why a request was not admitted. */
    record Refusal(String message, long retryNanos) {
    }

    /** Client keys and IP rules of this server. */
    public Access access() {
        return access;
    }

    /** Usage, logs, sessions and live stats of this server. */
    public Operations ops() {
        return ops;
    }

    /** The operator's JSON API over this server's live state. */
    public MonitoringApi monitoring() {
        return monitoring;
    }

    /** The scheduling state of provider {@code p} (not the mock). */
    public ProviderRuntime runtime(ProviderConfig p) {
        return runtimes.get(p.name());
    }

    /** The dialect {@code p} speaks; the built-in mock answers in OpenAI's. */
    public Dialect dialect(ProviderConfig p) {
        return Dialects.byName(p.dialect());
    }


    /** Round-robin index into the provider's keys, for a relay without a scheduler; -1 when it has none. */
    public int nextKeyIndex(ProviderConfig p) {
        List<String> keys = p.apiKeys();
        if (keys.isEmpty()) {
            return -1;
        }
        return Math.floorMod(keyCursor.get(p.name()).getAndIncrement(), keys.size());
    }

    public Origin origin(ProviderConfig p) {
        return origins.get(p.name());
    }

    /** The origin of {@code target}: the provider's own when it is its base URL, else one for that URI. */
    public Origin origin(ProviderConfig p, URI target) {
        if (target.equals(p.baseUrl())) {
            return origins.get(p.name());
        }
        return Origin.of(target);
    }

    /** The Copilot token cache every github-copilot provider of this server shares. */
    public CopilotTokens copilotTokens() {
        return copilotTokens;
    }

    public SluiceConfig config() {
        return config;
    }

    public ModelRouter router() {
        return router;
    }

    public SluiceMetrics metrics() {
        return metrics;
    }

    public UpstreamPools pools() {
        return pools;
    }

    public InternalLogger log() {
        return LOG;
    }

    /**
     * Serves newly discovered model lists: the router and the {@code /v1/models} body are rebuilt and swapped in;
     * requests already routed keep the route they have.
     */
    public synchronized void discovered(Map<String, List<String>> models) {
        ModelRouter r = new ModelRouter(config, models);
        router = r;
        modelsJson = buildModelsJson(r, null);
    }

    /** {@code GET /v1/models} body, OpenAI list shape; computed at start and when discovered lists change. */
    public String modelsJson() {
        return modelsJson;
    }

    /** {@code GET /v1/models} for a client key: only the models its allow-list admits (built per call: rare). */
    public String modelsJson(ClientKeys.Key key) {
        return key == null || key.models().isEmpty() ? modelsJson : buildModelsJson(router, key);
    }

    private static String buildModelsJson(ModelRouter router, ClientKeys.Key key) {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
        boolean first = true;
        for (ModelRouter.ModelEntry e : router.entries()) {
            if (key != null) {
                ModelRouter.Route r = router.resolve(e.id());
                if (!key.allows(e.id(), r == null ? null : r.provider().name(), r == null ? null : r.upstreamModel())) {
                    continue;
                }
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append("{\"id\":");
            Json.quote(sb, e.id());
            sb.append(",\"object\":\"model\",\"created\":0,\"owned_by\":");
            Json.quote(sb, e.ownedBy());
            sb.append('}');
        }
        return sb.append("]}").toString();
    }
}
