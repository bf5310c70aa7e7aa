package io.sluice.proxy.ops;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.config.OpsConfig;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.logs.LogEntry;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.logs.ProviderLogFiles;
import io.sluice.proxy.logs.ProviderLogs;
import io.sluice.proxy.logs.RequestLogger;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.usage.UsageLedger;
import io.sluice.proxy.usage.UsageRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Where every answered model request ends up: usage in the ledger (persisted off the event loop), an entry in its
 * provider's log ring, the live rate and latency, the client's session totals, time-to-first-byte in Prometheus, and
 * the request log when it is on. Requests in flight are listed for {@code /api/sessions}.
 *
 * <p>{@link #begin} and {@link #end} run on event loops: they touch concurrent maps, atomics, lock-free rings and
 * queues only. Files are written by the ledger's and the logs' own threads.
 */
public final class Operations implements AutoCloseable {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance("io.sluice.proxy");

    /** Client sessions tracked at most; past it the least recently seen is dropped. */
    static final int MAX_CLIENTS = 10_000;
    /**
     * Bytes (or characters) of text per token of the estimate used when a provider reports no usage (OpenAI's and
     * Anthropic's rule of thumb).
     */
    static final int BYTES_PER_TOKEN = 4;
    /** The name under which requests without a client key are grouped. */
    public static final String ANONYMOUS = "anonymous";

    private final SluiceMetrics metrics;
    private final LongSupplier epochMillis;
    private final LongSupplier nanoClock;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong captures = new AtomicLong();
    private final ConcurrentHashMap<Long, RequestTrace> active = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ClientSession> clients = new ConcurrentHashMap<>();
    private final LiveStats live = new LiveStats();
    private final RequestHistory history = new RequestHistory();
    private final ProviderLogs logs;
    private final UsageLedger usage;
    private final RequestLogger requestLog;
    /** Rolls every server's live stats; one daemon thread per process, idle between slices. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-ops");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.ScheduledFuture<?> roller;

    public Operations(SluiceConfig config, SluiceMetrics metrics, LongSupplier epochMillis, LongSupplier nanoClock) {
        this.metrics = metrics;
        this.epochMillis = epochMillis;
        this.nanoClock = nanoClock;
        OpsConfig o = config.ops();
        try {
            this.usage = UsageLedger.open(o.usageFile(), epochMillis);
        } catch (UsageLedger.InUseException e) {
            throw io.sluice.proxy.config.ConfigException.at("usage.file", "\"" + o.usageFile() + "\" is in use by"
                    + " another running Sluice (" + UsageLedger.lockFileOf(o.usageFile()) + " is locked; expected: a"
                    + " usage file of its own for each instance, e.g. SLUICE_DATA_DIR)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage ledger " + o.usageFile() + ": " + e.getMessage(),
                    e);
        }
        ProviderLogFiles files = null;
        try {
            files = o.logDir() == null ? null : new ProviderLogFiles(o.logDir(), o.logMaxBytes(), o.logKeep());
            this.requestLog = o.requestLogFile() == null ? null : new RequestLogger(o.requestLogFile(),
                    o.logMaxBytes(), o.logKeep(), o.maxCaptureBytes(), secrets(config));
        } catch (IOException e) {
            usage.close();
            if (files != null) {
                files.close();
            }
            throw new UncheckedIOException("cannot open the log files: " + e.getMessage(), e);
        }
        this.logs = new ProviderLogs(o.logCapacity(), files);
        long slice = LiveStats.SLICE_SECONDS;
        this.roller = TIMER.scheduleAtFixedRate(live::roll, slice, slice, TimeUnit.SECONDS);
    }

    /** The request log masks the keys of {@code next}'s providers too (keys set at runtime). */
    public void reconfigure(SluiceConfig next) {
        if (requestLog != null) {
            List<String> keys = new ArrayList<>();
            next.providers().forEach(p -> keys.addAll(p.apiKeys()));
            requestLog.addSecrets(keys);
        }
    }

    /** Every secret the request log must never show: provider keys and client keys. */
    private static Collection<String> secrets(SluiceConfig config) {
        List<String> s = new ArrayList<>();
        for (ProviderConfig p : config.providers()) {
            s.addAll(p.apiKeys());
        }
        if (config.server().adminKey() != null) {
            s.add(config.server().adminKey());
        }
        for (io.sluice.proxy.config.ClientKeyConfig k : config.access().clientKeys()) {
            if (k.key() != null) { // a hashed key is not known in plain text; headers and ?key= are masked anyway
                s.add(k.key());
            }
        }
        return s;
    }

    /**
     * A model request was routed and is about to be answered.
     *
     * @param client the client key's name, or null
     */
    public RequestTrace begin(long startNanos, String route, String model, boolean stream, String client,
                              String provider, String upstreamModel, long requestBytes) {
        long now = epochMillis.getAsLong() - (nanoClock.getAsLong() - startNanos) / 1_000_000;
        RequestTrace t = new RequestTrace(ids.incrementAndGet(), startNanos, now, route, model, stream, client,
                provider, upstreamModel, requestBytes);
        active.put(t.id(), t);
        return t;
    }

    /** The request log's capture of one exchange, or null when the request logger is off. */
    public RequestLogger.Capture capture(String method, String uri, HttpHeaders headers) {
        return requestLog == null ? null : requestLog.begin("req-" + captures.incrementAndGet(), method, uri, headers);
    }

    /** The request is answered (or the client left, {@code status} 499): account for it everywhere. */
    public void end(RequestTrace t, int status, RequestLogger.Capture capture) {
        if (active.remove(t.id()) == null) {
            return; // accounted already
        }
        t.status = status;
        long now = nanoClock.getAsLong();
        long latency = now - t.startNanos();
        long firstByte = t.firstByteAfterNanos();
        boolean failed = status >= 400 || status == 0;
        live.record(now, failed, latency, firstByte);
        String provider = t.provider();
        String model = t.upstreamModel() == null ? t.model() : t.upstreamModel();
        boolean shared = t.deduplicated(); // no upstream call of its own: no tokens, no TTFT of the provider
        if (t.stream() && firstByte >= 0 && !failed && provider != null && !shared) {
            metrics.timeToFirstByte(provider, firstByte);
        }
        long prompt = t.promptTokens();
        long completion = t.completionTokens();
        boolean estimated = false;
        if (!t.usageSeen() && !failed && status != 499 && !shared) {
            // The provider said nothing: estimate, and say so wherever it shows. The answer from its text alone
            // (a stream's SSE and JSON framing is most of its bytes); a body whose text was not measured, from bytes.
            estimated = true;
            prompt = (t.requestBytes() + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
            long text = t.stream() || t.contentLength() > 0 ? t.contentLength() : t.responseBytes();
            completion = (text + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
        }
        if (provider != null) {
            if (t.usageSeen()) {
                metrics.tokens(provider, model, "prompt", t.promptTokens());
                metrics.tokens(provider, model, "completion", t.completionTokens());
                metrics.tokens(provider, model, "cached", t.cachedTokens());
                metrics.tokens(provider, model, "reasoning", t.reasoningTokens());
            }
            usage.record(new UsageRecord(epochMillis.getAsLong(), provider, model, t.key(), t.client(), status,
                    prompt, completion, t.usageSeen() ? t.cachedTokens() : 0,
                    t.usageSeen() ? t.reasoningTokens() : 0, estimated, shared));
            logs.add(new LogEntry(epochMillis.getAsLong(), provider, levelOf(status), "response",
                    describe(t, status, latency, prompt, completion, estimated), model, status, latency / 1_000_000,
                    t.key()));
        }
        session(t.client()).add(epochMillis.getAsLong(), failed, prompt, completion);
        history.add(t, status, latency, prompt, completion, estimated);
        if (capture != null) {
            if (t.dedup() != null) {
                capture.cache(t.dedup());
            }
            capture.finish(status, provider, model, latency / 1_000_000);
        }
    }

    private static LogLevel levelOf(int status) {
        if (status == 0 || status >= 500) {
            return LogLevel.ERROR;
        }
        return status >= 400 ? LogLevel.WARN : LogLevel.INFO;
    }

    private static String describe(RequestTrace t, int status, long latencyNanos, long prompt, long completion,
                                   boolean estimated) {
        StringBuilder sb = new StringBuilder(96).append(t.route()).append(' ').append(t.model()).append(" -> ")
                .append(status == 499 ? "client left" : Integer.toString(status)).append(" in ")
                .append(latencyNanos / 1_000_000).append(" ms");
        if (prompt + completion > 0) {
            sb.append(", ").append(prompt).append('+').append(completion).append(" tokens");
            if (estimated) {
                sb.append(" (estimated)");
            }
        }
        if (t.deduplicated()) {
            sb.append(", ").append("hit".equals(t.dedup()) ? "cache hit" : "coalesced").append(" (no upstream call)");
        }
        if (t.attempts() > 1) {
            sb.append(", ").append(t.attempts()).append(" attempts");
        }
        if (t.rewrites() != null) {
            sb.append(", ").append(t.rewrites());
        }
        if (t.error() != null) {
            sb.append(": ").append(t.error());
        }
        return sb.toString();
    }

    private ClientSession session(String client) {
        String name = client == null ? ANONYMOUS : client;
        ClientSession s = clients.get(name);
        if (s != null) {
            return s;
        }
        if (clients.size() >= MAX_CLIENTS) {
            clients.values().stream().min(Comparator.comparingLong(ClientSession::lastSeen))
                    .ifPresent(old -> clients.remove(old.name));
        }
        return clients.computeIfAbsent(name, ClientSession::new);
    }

    /** An event of a provider's own: a cooldown, a retry, a rate-limit refusal, a rotation, a test call. */
    public void log(String provider, LogLevel level, String event, String message, String model, Integer status,
                    Long latencyMs, String key) {
        logs.add(new LogEntry(epochMillis.getAsLong(), provider, level, event, message, model, status, latencyMs,
                key));
    }

    /** Usage of a call Sluice made itself (a provider test), counted under {@code client}. */
    public void usage(UsageRecord r) {
        usage.record(r);
    }

    public ProviderLogs logs() {
        return logs;
    }

    /** The last answered requests, for {@code /v1/history}. */
    public RequestHistory history() {
        return history;
    }

    public UsageLedger usage() {
        return usage;
    }

    public LiveStats.Snapshot live() {
        return live.snapshot(nanoClock.getAsLong());
    }

    /** Requests in flight, oldest first. */
    public List<RequestTrace> inFlight() {
        List<RequestTrace> l = new ArrayList<>(active.values());
        l.sort(Comparator.comparingLong(RequestTrace::id));
        return l;
    }

    public int inFlightCount() {
        return active.size();
    }

    /** Per-client totals since start, most recently seen first. */
    public List<ClientSession> clients() {
        List<ClientSession> l = new ArrayList<>(clients.values());
        l.sort(Comparator.comparingLong(ClientSession::lastSeen).reversed());
        return l;
    }

    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    public long epochMillis() {
        return epochMillis.getAsLong();
    }

    /** Writes out what is queued (usage, logs) and stops the threads: the last step of a graceful shutdown. */
    @Override
    public void close() {
        roller.cancel(false);
        try {
            usage.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the usage ledger failed", e);
        }
        logs.close();
        if (requestLog != null) {
            requestLog.close();
        }
    }

    /** What one client (a client key's name, or {@link #ANONYMOUS}) did since start. */
    public static final class ClientSession {
        private final String name;
        private final LongAdder requests = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final LongAdder prompt = new LongAdder();
        private final LongAdder completion = new LongAdder();
        private volatile long lastSeen;

        ClientSession(String name) {
            this.name = name;
        }

        void add(long now, boolean failed, long promptTokens, long completionTokens) {
            requests.increment();
            if (failed) {
                errors.increment();
            }
            prompt.add(promptTokens);
            completion.add(completionTokens);
            lastSeen = now;
        }

        public String name() {
            return name;
        }

        public long requests() {
            return requests.sum();
        }

        public long errors() {
            return errors.sum();
        }

        public long promptTokens() {
            return prompt.sum();
        }

        public long completionTokens() {
            return completion.sum();
        }

        public long lastSeen() {
            return lastSeen;
        }
    }

}
