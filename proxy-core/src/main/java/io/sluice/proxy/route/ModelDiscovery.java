package io.sluice.proxy.route;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialects;
import io.sluice.providers.ModelCapabilities;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.upstream.Auth;
import io.sluice.proxy.upstream.JdkHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fetches the model lists of providers with {@code discoverModels} (local servers by default: what Ollama has pulled,
 * what LiteLLM is configured for), at start and then every {@link #DEFAULT_REFRESH}. A fetched list is served
 * besides the configured models; a failed fetch keeps the last good list and is logged once per failure streak.
 * Requests go out on the JDK client of the provider's route (direct, or through its outbound proxy), never on an
 * event loop.
 */
public final class ModelDiscovery implements AutoCloseable {

    /** Sends a provider's model-list request on the provider's route (its outbound proxy). */
    public interface Sender {
        CompletableFuture<HttpResponse<String>> send(ProviderConfig p, HttpRequest req);
    }

    public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(10);
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(15);
    /** More ids than this from one provider are cut: /v1/models is built as one string. */
    static final int MAX_MODELS = 5000;
    static final int MAX_BODY_CHARS = 8 * 1024 * 1024;

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(ModelDiscovery.class);

    private volatile List<ProviderConfig> providers;
    private final Map<String, List<String>> found = new ConcurrentHashMap<>();
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
    private final Consumer<Map<String, List<String>>> onChange;
    private final Map<String, Map<String, ModelCapabilities>> reported = new ConcurrentHashMap<>();
    private volatile Consumer<Map<String, Map<String, ModelCapabilities>>> onCapabilities = c -> { };
    private final EventExecutor timer;
    private final Duration every;
    private final Sender sender;
    private ScheduledFuture<?> task;
    private volatile boolean closed;

    /**
     * @param onChange called (from the HTTP client's thread) with every provider's latest list whenever one changes
     */
    public ModelDiscovery(SluiceConfig config, EventExecutor timer, Duration every,
                          Consumer<Map<String, List<String>>> onChange) {
        this(config, timer, every, onChange,
                (p, req) -> JdkHttp.client().sendAsync(req, HttpResponse.BodyHandlers.ofString()));
    }

    /** @param sender sends each provider's request on its route (its outbound proxy) */
    public ModelDiscovery(SluiceConfig config, EventExecutor timer, Duration every,
                          Consumer<Map<String, List<String>>> onChange, Sender sender) {
        this.providers = discovering(config);
        this.timer = timer;
        this.every = every;
        this.onChange = onChange;
        this.sender = sender;
    }

    private static List<ProviderConfig> discovering(SluiceConfig config) {
        List<ProviderConfig> out = new ArrayList<>();
        for (ProviderConfig p : config.enabledProviders()) {
            if (p.discoverModels() && p.baseUrl() != null) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Calls {@code listener} (from the HTTP client's thread) with what every provider's list reported of its models
     * (OpenRouter's and Gemini's limits and flags) whenever that changes. Set before {@link #start}.
     */
    public void onCapabilities(Consumer<Map<String, Map<String, ModelCapabilities>>> listener) {
        this.onCapabilities = listener;
    }

    /** Fetches now, then every period (a reconfigured provider set may add providers that discover models). */
    public synchronized void start() {
        if (task == null && !closed) {
            task = timer.scheduleAtFixedRate(this::fetchAll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Discovers for {@code next}'s providers from now on: the lists of providers gone or changed are dropped (a new
     * base URL or key may list other models), and new or changed providers are fetched at once.
     */
    public void reconfigure(SluiceConfig next) {
        List<ProviderConfig> before = providers;
        List<ProviderConfig> after = discovering(next);
        providers = after;
        boolean dropped = false;
        for (String name : List.copyOf(found.keySet())) {
            ProviderConfig now = after.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
            if (now == null || !before.contains(now)) {
                dropped |= found.remove(name) != null;
                reported.remove(name);
                failing.remove(name);
            }
        }
        if (dropped) {
            onChange.accept(Map.copyOf(found));
            onCapabilities.accept(capabilities());
        }
        if (task != null && !closed) {
            after.stream().filter(p -> !before.contains(p)).forEach(p -> timer.execute(() -> fetch(p)));
        }
    }

    private void fetchAll() {
        for (ProviderConfig p : providers) {
            fetch(p);
        }
    }

    private void fetch(ProviderConfig p) {
        if (!providers.contains(p)) {
            return; // reconfigured away since this fetch was planned
        }
        String base = p.baseUrl().toString();
        URI uri = URI.create(base + p.descriptor().modelsPath());
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).GET()
                .header("Accept", "application/json").header("User-Agent", "sluice/0.1");
        String key = p.apiKeys().isEmpty() ? null : p.apiKeys().get(0);
        Auth.apply(Dialects.byName(p.dialect()), p.descriptor().auth(), key, req::setHeader);
        p.descriptor().headers().forEach(req::setHeader);
        p.headers().forEach(req::setHeader);
        sender.send(p, req.build()).whenComplete((res, err) -> {
            if (closed || !providers.contains(p)) {
                return;
            }
            try {
                if (err != null) {
                    throw new IOException(String.valueOf(err.getCause() != null ? err.getCause() : err));
                }
                if (res.statusCode() != 200) {
                    throw new IOException("HTTP " + res.statusCode());
                }
                if (res.body().length() > MAX_BODY_CHARS) {
                    throw new IOException("model list larger than " + MAX_BODY_CHARS + " characters");
                }
                ModelList list = ModelList.parse(res.body(), MAX_MODELS);
                List<String> ids = list.ids();
                if (!list.capabilities().equals(reported.put(p.name(), list.capabilities()))) {
                    onCapabilities.accept(capabilities());
                }
                if (failing.remove(p.name()) != null) {
                    LOG.info("provider {}: model list at {} is back ({} models)", p.name(), uri, ids.size());
                }
                if (!ids.equals(found.put(p.name(), ids))) {
                    LOG.info("provider {}: {} models from {}", p.name(), ids.size(), uri);
                    onChange.accept(Map.copyOf(found));
                }
            } catch (IOException | RuntimeException e) {
                if (failing.put(p.name(), Boolean.TRUE) == null) {
                    LOG.warn("provider {}: cannot list models at {}: {} (serving the configured list{})", p.name(),
                            uri, e.getMessage(), found.containsKey(p.name()) ? " and the last one fetched" : "");
                }
            }
        });
    }

    /** Provider name → its last fetched model ids. */
    public Map<String, List<String>> found() {
        return Map.copyOf(found);
    }

    /** Provider name → what its model list reported of each model (lowercased id), for providers that did. */
    public Map<String, Map<String, ModelCapabilities>> capabilities() {
        return Map.copyOf(reported);
    }

    /** The ids of a model list ({@link ModelList}). */
    static List<String> parse(String body) throws IOException {
        return ModelList.parse(body, MAX_MODELS).ids();
    }

    @Override
    public void close() {
        closed = true;
        if (task != null) {
            task.cancel(false);
        }
    }
}
