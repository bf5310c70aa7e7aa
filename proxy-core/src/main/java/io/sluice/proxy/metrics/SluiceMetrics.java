package io.sluice.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sluice's meters, named so Prometheus sees the seed's nine ({@code http_requests_total}, {@code http_errors_total}
 * (5xx, as the seed defines it), {@code rate_limit_exceeded_total}, {@code upstream_active_current},
 * {@code upstream_queue_length}, {@code http_request_duration_seconds}, {@code process_resident_memory_bytes},
 * {@code process_uptime_seconds}, {@code nodejs_active_handles}) on the first scrape, zero before any event, beside
 * Sluice's own and the JVM/process families.
 *
 * <p>Meters are looked up once per (method, route, status) and cached: the hot path does a map lookup and an add.
 * Gauges hold their source strongly: Micrometer keeps a weak reference by default, and a lambda nobody else holds
 * is collected, after which the gauge reads NaN.
 */
public final class SluiceMetrics implements AutoCloseable {

    private static final long PAGE_SIZE = 4096;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConcurrentHashMap<String, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> durations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> upstreamResponses = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> ttft = new ConcurrentHashMap<>();
    private final AtomicInteger upstreamActive = new AtomicInteger();
    /** Sources of function counters, held strongly. */
    private final java.util.List<Object> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    /** Scopes of {@link #rateLimited}, each at 0 from the start. */
    public static final java.util.List<String> RATE_LIMIT_SCOPES = java.util.List.of("global", "provider", "key",
            "client");
    /** Modes of {@link #systemPromptApplied} and {@link #thinkingBudgetApplied}, each at 0 from the start. */
    public static final java.util.List<String> SYSTEM_PROMPT_MODES = java.util.List.of("prepend", "append",
            "replace");
    public static final java.util.List<String> THINKING_MODES = java.util.List.of("auto", "custom", "adaptive");
    /** The series every scrape shows from the first: the model route's method and path. */
    private static final String FIRST_METHOD = "POST";
    private static final String FIRST_PATH = "/v1/chat/completions";

    public SluiceMetrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("process.resident.memory.bytes", SluiceMetrics::residentMemoryBytes)
                .description("Resident set size of the process")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("upstream.active.current", upstreamActive, AtomicInteger::get)
                .description("Upstream exchanges in flight")
                .strongReference(true)
                .register(registry);
        Gauge.builder("nodejs.active.handles", SluiceMetrics::openDescriptors)
                .description("Open I/O handles (file descriptors: sockets, files, pipes); the seed's name")
                .strongReference(true)
                .register(registry);
        // The seed's families exist from the first scrape, at zero.
        requestCounter(FIRST_METHOD, FIRST_PATH, 200);
        errorCounter(FIRST_METHOD, FIRST_PATH, 500);
        durationTimer(FIRST_METHOD, FIRST_PATH);
        RATE_LIMIT_SCOPES.forEach(this::rateLimitCounter);
        SYSTEM_PROMPT_MODES.forEach(this::systemPromptCounter);
        THINKING_MODES.forEach(this::thinkingCounter);
    }

    private Counter requestCounter(String method, String route, int status) {
        return requests.computeIfAbsent(method + ' ' + route + ' ' + status, k -> Counter.builder("http.requests")
                .description("Client requests by method, route and status")
                .tags("method", method, "path", route, "status", Integer.toString(status))
                .register(registry));
    }

    private Counter errorCounter(String method, String route, int status) {
        boolean server = status >= 500;
        return errors.computeIfAbsent(method + ' ' + route + ' ' + status, k -> Counter.builder(server
                        ? "http.errors" : "http.client.errors")
                .description(server ? "Client requests answered 5xx (the seed's http_errors_total)"
                        : "Client requests answered 4xx")
                .tags("method", method, "path", route, "status", Integer.toString(status))
                .register(registry));
    }

    private Timer durationTimer(String method, String route) {
        return durations.computeIfAbsent(method + ' ' + route, k -> Timer.builder("http.request.duration")
                .description("Time from request head to last response byte")
                .tags("method", method, "path", route)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry));
    }

    private Counter rateLimitCounter(String scope) {
        return counters.computeIfAbsent("rl " + scope, k -> Counter.builder("rate.limit.exceeded")
                .description("Requests refused by a configured rate limit, by scope")
                .tags("scope", scope)
                .register(registry));
    }

    /** One finished client request. {@code route} must be a low-cardinality template, never a raw path. */
    public void request(String method, String route, int status, long durationNanos) {
        requestCounter(method, route, status).increment();
        durationTimer(method, route).record(durationNanos, TimeUnit.NANOSECONDS);
        if (status >= 400) {
            errorCounter(method, route, status).increment(); // 5xx: http_errors_total; 4xx: http_client_errors_total
        }
    }

    /** One upstream response head (or a transport failure, status 0), per provider. */
    public void upstreamResponse(String provider, int status) {
        upstreamResponses.computeIfAbsent(provider + ' ' + status, k -> Counter.builder("upstream.responses")
                .description("Upstream responses by provider and status (0 = no response)")
                .tags("provider", provider, "status", Integer.toString(status))
                .register(registry)).increment();
    }

    /** Tokens reported by the upstream's usage object; {@code kind} is prompt or completion. */
    public void tokens(String provider, String model, String kind, long count) {
        if (count <= 0) {
            return;
        }
        tokens.computeIfAbsent(provider + ' ' + model + ' ' + kind, k -> Counter.builder("llm.tokens")
                .description("Tokens reported by upstream usage objects")
                .tags("provider", provider, "model", model, "kind", kind)
                .register(registry)).increment(count);
    }

    /**
     * Time from a streamed request's head to its first response event written to the client, per provider: the
     * time to first token a user feels (the provider's role chunk comes with its first token).
     */
    public void timeToFirstByte(String provider, long nanos) {
        ttft.computeIfAbsent(provider, k -> Timer.builder("llm.time.to.first.token")
                .description("Streamed requests: time from request head to the first event sent to the client")
                .tags("provider", provider)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A request refused by a rate limit; {@code scope} is global, provider, key or client. */
    public void rateLimited(String scope) {
        rateLimitCounter(scope).increment();
    }

    /**
     * A request refused by the access rules; {@code reason} is ip, missing_key, invalid_key, disabled_key or model.
     * The key itself never becomes a label.
     */
    public void accessDenied(String reason) {
        counters.computeIfAbsent("deny " + reason, k -> Counter.builder("access.denied")
                .description("Requests refused by the IP rules or for want of a valid client key, by reason")
                .tags("reason", reason)
                .register(registry)).increment();
    }

    /** A Claude Code housekeeping request answered locally; {@code kind} is warmup, quota, title or topic. */
    public void bypassed(String kind) {
        counters.computeIfAbsent("bypass " + kind, k -> Counter.builder("sluice.bypass")
                .description("Claude Code's warm-up, quota and title requests answered by Sluice without a provider"
                        + " call, by kind")
                .tags("kind", kind)
                .register(registry)).increment();
    }

    private Counter systemPromptCounter(String mode) {
        return counters.computeIfAbsent("sp " + mode, k -> Counter.builder("sluice.system.prompt.applied")
                .description("Requests given the global system prompt, by mode (prepend, append, replace)")
                .tags("mode", mode)
                .register(registry));
    }

    private Counter thinkingCounter(String mode) {
        return counters.computeIfAbsent("tb " + mode, k -> Counter.builder("sluice.thinking.budget.applied")
                .description("Requests whose thinking configuration the thinking budget changed, by mode (auto:"
                        + " stripped, custom, adaptive)")
                .tags("mode", mode)
                .register(registry));
    }

    /** A request was given the global system prompt; {@code mode} is prepend, append or replace. */
    public void systemPromptApplied(String mode) {
        systemPromptCounter(mode).increment();
    }

    /** The thinking budget changed a request; {@code mode} is auto, custom or adaptive. */
    public void thinkingBudgetApplied(String mode) {
        thinkingCounter(mode).increment();
    }

    /** A client connection refused for being over {@code server.maxConnections}. */
    public void connectionRefused() {
        counters.computeIfAbsent("connections refused", k -> Counter.builder("http.connections.refused")
                .description("Client connections answered 503 and closed for being over server.maxConnections")
                .register(registry)).increment();
    }

    /** Another upstream attempt for one client request: {@code reason} is the failure scope or status. */
    public void retry(String provider, String reason) {
        counters.computeIfAbsent("retry " + provider + ' ' + reason, k -> Counter.builder("upstream.retries")
                .description("Upstream attempts after a failure, before the first byte reached the client")
                .tags("provider", provider, "reason", reason)
                .register(registry)).increment();
    }

    /**
     * A connection through an outbound proxy: {@code result} is {@code ok} (tunnel open) or why it failed
     * ({@code connect_failed}, {@code auth_failed}, {@code rejected}, {@code timeout}, {@code error}); {@code proxy}
     * is its address without credentials ({@code http://proxy:3128}).
     */
    public void proxyConnection(String proxy, String result) {
        counters.computeIfAbsent("proxy " + proxy + ' ' + result, k -> Counter.builder("upstream.proxy.connections")
                .description("Upstream connections through an outbound proxy: tunnels opened, or why not")
                .tags("proxy", proxy, "result", result)
                .register(registry)).increment();
    }

    /** A provider key put to cool down; {@code key} is the key's name (its variable), never the key. */
    public void keyCooldown(String provider, String key, int status) {
        counters.computeIfAbsent("cool " + provider + ' ' + key + ' ' + status, k -> Counter.builder(
                        "upstream.key.cooldowns")
                .description("Provider keys put to cool down after an error, by key name and status")
                .tags("provider", provider, "key", key, "status", Integer.toString(status))
                .register(registry)).increment();
    }

    /** Registers the gauges of one provider's concurrency gate (a provider without one reads 0). */
    public void gate(String provider, java.util.function.IntSupplier active, java.util.function.IntSupplier queued) {
        Gauge.builder("upstream.gate.active", active, s -> s.getAsInt())
                .description("Upstream calls holding a concurrency permit, per provider")
                .tags("provider", provider).strongReference(true).register(registry);
        Gauge.builder("upstream.queue.length", queued, s -> s.getAsInt())
                .description("Requests waiting for an upstream concurrency permit, per provider")
                .tags("provider", provider).strongReference(true).register(registry);
    }

    /**
     * The shared-state link (issue 19): {@code sluice_state_redis_up} 1/0, {@code sluice_state_degraded} 1 while Redis
     * is unreachable, and counters of what could not be published or run there.
     */
    public void sharedState(java.util.function.BooleanSupplier up, java.util.function.LongSupplier unpublished,
                            java.util.function.LongSupplier failed) {
        held.add(up);
        held.add(unpublished);
        held.add(failed);
        Gauge.builder("sluice.state.redis.up", up, s -> s.getAsBoolean() ? 1 : 0)
                .description("1 while the shared-state Redis is reachable").strongReference(true).register(registry);
        Gauge.builder("sluice.state.degraded", up, s -> s.getAsBoolean() ? 0 : 1)
                .description("1 while shared state is configured and Redis is unreachable (serving from local state)")
                .strongReference(true).register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("sluice.state.unpublished", unpublished,
                s -> s.getAsLong()).description("State events that could not be published to Redis")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("sluice.state.failed.calls", failed,
                s -> s.getAsLong()).description("Redis commands that failed or were refused while it was down")
                .register(registry);
    }

    /** A {@code /tts} answer, by how its audio was found: hit, coalesced, miss or uncached. */
    public void ttsServed(String cache) {
        counters.computeIfAbsent("tts " + cache, k -> Counter.builder("tts.requests")
                .description("Speech answered by /tts, by how the audio was found: hit (cached), coalesced (joined"
                        + " a call in flight), miss (called the upstream), uncached (too large or no room)")
                .tags("cache", cache)
                .register(registry)).increment();
    }

    /** The speech cache's gauges and its upstream calls; registered once per server. */
    public void ttsCache(java.util.function.LongSupplier bytes, java.util.function.IntSupplier entries,
                         java.util.function.LongSupplier calls, java.util.function.LongSupplier evictions) {
        Gauge.builder("tts.cache.bytes", bytes, s -> s.getAsLong()).description("Bytes of audio the /tts cache"
                + " holds").baseUnit("bytes").strongReference(true).register(registry);
        Gauge.builder("tts.cache.entries", entries, s -> s.getAsInt()).description("Audio files cached or being"
                + " made").strongReference(true).register(registry);
        held.add(calls); // function counters hold their source weakly: a collected one would read NaN
        held.add(evictions);
        io.micrometer.core.instrument.FunctionCounter.builder("tts.upstream.calls", calls, s -> s.getAsLong())
                .description("Calls to the speech upstream").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("tts.cache.evictions", evictions, s -> s.getAsLong())
                .description("Audio files evicted from the /tts cache to make room").register(registry);
    }

    /**
     * A model request dedup judged ({@code sluice_dedup_total}): {@code hit} (a recent answer), {@code coalesced}
     * (attached to one in flight), {@code miss} (went upstream, others may attach), {@code bypass} (not eligible).
     */
    public void dedup(String result) {
        counters.computeIfAbsent("dedup " + result, k -> Counter.builder("sluice.dedup")
                .description("Model requests by what dedup did: hit, coalesced, miss, bypass")
                .tags("result", result)
                .register(registry)).increment();
    }

    /** A client cut from a shared answer for falling more than {@code dedup.maxLagBytes} behind. */
    public void dedupCut() {
        counters.computeIfAbsent("dedup cut", k -> Counter.builder("sluice.dedup.cut")
                .description("Clients cut from a shared (coalesced) answer for reading too slowly")
                .register(registry)).increment();
    }

    /**
     * Registers the dedup gauges and every result at zero: bytes held (cached answers and records of answers in
     * flight), cached answers, answers in flight that others may join.
     */
    public void dedupGauges(java.util.function.LongSupplier bytes, java.util.function.IntSupplier entries,
                            java.util.function.IntSupplier inFlight, java.util.List<String> results) {
        Gauge.builder("sluice.dedup.bytes", bytes, s -> s.getAsLong())
                .description("Bytes dedup holds: cached answers and the records of answers in flight")
                .strongReference(true).register(registry);
        Gauge.builder("sluice.dedup.entries", entries, s -> s.getAsInt())
                .description("Finished answers in the dedup cache")
                .strongReference(true).register(registry);
        Gauge.builder("sluice.dedup.inflight", inFlight, s -> s.getAsInt())
                .description("Upstream answers in flight that identical requests may join")
                .strongReference(true).register(registry);
        for (String r : results) {
            counters.computeIfAbsent("dedup " + r, k -> Counter.builder("sluice.dedup")
                    .description("Model requests by what dedup did: hit, coalesced, miss, bypass")
                    .tags("result", r)
                    .register(registry));
        }
        counters.computeIfAbsent("dedup cut", k -> Counter.builder("sluice.dedup.cut")
                .description("Clients cut from a shared (coalesced) answer for reading too slowly")
                .register(registry));
    }

    public AtomicInteger upstreamActive() {
        return upstreamActive;
    }

    /** Prometheus text exposition format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private static double openDescriptors() {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return 0; // no /proc (not Linux): a gauge never reads NaN
        }
    }

    private static double residentMemoryBytes() {
        try {
            String statm = Files.readString(Path.of("/proc/self/statm"));
            String[] parts = statm.trim().split("\\s+");
            return Long.parseLong(parts[1]) * PAGE_SIZE;
        } catch (IOException | RuntimeException e) {
            return 0; // no /proc (not Linux): a gauge never reads NaN
        }
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
