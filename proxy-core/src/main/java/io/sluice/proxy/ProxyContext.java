package io.sluice.proxy;

import io.sluice.proxy.access.Admission;
import io.sluice.proxy.access.Cors;
import io.sluice.proxy.admin.MonitoringApi;
import io.sluice.proxy.admin.ProviderProbe;
import io.sluice.proxy.admin.ProxyTestAction;
import io.sluice.proxy.config.ConfigSource;
import io.sluice.proxy.config.IpRules;
import io.sluice.proxy.config.LiveConfig;
import io.sluice.proxy.config.ProxySettings;
import io.sluice.proxy.config.ProxySettingsCodec;
import io.sluice.proxy.config.ResponseStoreConfig;
import io.sluice.proxy.config.Setting;
import io.sluice.proxy.config.SettingsStore;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.config.SystemPromptConfig;
import io.sluice.proxy.config.ThinkingBudgetConfig;
import io.sluice.proxy.dedup.Dedup;
import io.sluice.proxy.exchange.AttemptFactory;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.mock.MockExchange;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.rewrite.RequestRewrites;
import io.sluice.proxy.route.Routing;
import io.sluice.proxy.schedule.AttemptScheduler;
import io.sluice.proxy.schedule.KeyEvents;
import io.sluice.proxy.schedule.Limiters;
import io.sluice.proxy.service.AdminService;
import io.sluice.proxy.service.AdviceService;
import io.sluice.proxy.service.ChatService;
import io.sluice.proxy.service.CountTokensService;
import io.sluice.proxy.service.Dispatcher;
import io.sluice.proxy.service.HealthService;
import io.sluice.proxy.service.HelperService;
import io.sluice.proxy.service.MetricsService;
import io.sluice.proxy.service.ModelsService;
import io.sluice.proxy.service.ResponseState;
import io.sluice.proxy.service.SeedServices;
import io.sluice.proxy.service.TtsService;
import io.sluice.proxy.speech.SpeechCache;
import io.sluice.proxy.state.ClusterUsage;
import io.sluice.proxy.state.EmbeddedResponseStore;
import io.sluice.proxy.state.RedisResponseStore;
import io.sluice.proxy.state.ResponseStore;
import io.sluice.proxy.state.SharedAnswers;
import io.sluice.proxy.state.SharedLimits;
import io.sluice.proxy.state.SharedState;
import io.sluice.proxy.upstream.ProxyProbe;
import io.sluice.proxy.upstream.UpstreamPools;
import io.sluice.proxy.upstream.UpstreamRelay;
import io.sluice.proxy.upstream.Upstreams;

/**
 * The composition root: builds every service of one server once, from its config, and hands each what it needs.
 * Wiring only: nothing looks anything up here at request time.
 */
public final class ProxyContext {

    private final SluiceConfig config;
    private final LiveConfig live;
    private final SettingsStore settings;
    private final SluiceMetrics metrics;
    private final SharedState state;
    /** Dedup's cached answers shared with every instance; null without shared state. */
    private final SharedAnswers sharedAnswers;
    /** The usage of every instance; null without shared state. */
    private final ClusterUsage clusterUsage;
    /** Rate limits shared on Redis; null for the embedded state. */
    private final SharedLimits limits;
    private final Upstreams upstreams;
    private final Routing routing;
    private final Operations ops;
    private final AttemptScheduler scheduler;
    /** Key penalties and breaker transitions shared with the other instances; null in the embedded state. */
    private final KeyEvents keyEvents;
    private final Dispatcher dispatcher;
    private final Cors cors;
    private final SpeechCache speech;
    private final Dedup dedup;
    /** Responses API answers; null when not stored. */
    private final ResponseStore responses;

    public ProxyContext(SluiceConfig config, SluiceMetrics metrics, UpstreamPools pools) {
        this(config, ConfigSource.none(), metrics, pools);
    }

    /** @param source where {@code config} came from: the {@code .env} runtime provider edits are saved to */
    public ProxyContext(SluiceConfig config, ConfigSource source, SluiceMetrics metrics, UpstreamPools pools) {
        this.config = config;
        this.live = new LiveConfig(config);
        this.state = SharedState.start(config.state(), metrics); // connects in the background, never blocks
        this.settings = new SettingsStore(config.ops().dataDir()); // services register theirs as they are built
        this.metrics = metrics;
        this.upstreams = new Upstreams(config, pools, metrics);
        this.routing = new Routing(config);
        this.ops = new Operations(config, metrics, System::currentTimeMillis, System::nanoTime);
        this.clusterUsage = state.redis() == null ? null : ClusterUsage.start(state.redis(), ops.usage(),
                System::currentTimeMillis, ClusterUsage.INTERVAL_MILLIS);
        AttemptFactory attempts = (request, sink, key, listener) -> request.provider().isMock()
                ? new MockExchange(request, sink, request.provider().mock(), listener)
                : new UpstreamRelay(upstreams, request, sink, key, listener);
        // Rate limits: each instance's own, or budgets leased from Redis (issue 19), never a round trip per request
        this.limits = state.redis() == null ? null : SharedLimits.start(state.redis(), System::nanoTime,
                metrics.registry());
        Limiters limiters = Limiters.of(limits, System::nanoTime);
        this.scheduler = new AttemptScheduler(config, attempts, metrics, ops, limiters, System::currentTimeMillis);
        this.keyEvents = state.redis() == null ? null
                : new KeyEvents(state.redis(), scheduler, System::currentTimeMillis);
        if (keyEvents != null) {
            scheduler.share(keyEvents);
        }
        Admission admission = new Admission(config, metrics, limiters);
        Setting<IpRules> ipRules = settings.register("ip-filter", IpRules.of(config.access()), IpRules.CODEC);
        admission.access().ipRules(ipRules.get());
        ipRules.onChange(admission.access()::ipRules);
        // A PUT may send a masked password back: the codec takes it from the value in force.
        Setting<ProxySettings> proxy = settings.register("proxy", config.upstream().proxy(),
                new ProxySettingsCodec(upstreams::proxies));
        upstreams.proxies(proxy.get());
        proxy.onChange(upstreams::proxies);
        RequestRewrites rewrites = new RequestRewrites(
                settings.register("system-prompt", config.services().systemPrompt(), SystemPromptConfig.CODEC),
                settings.register("thinking-budget", config.services().thinkingBudget(),
                        ThinkingBudgetConfig.CODEC), metrics);
        this.dedup = new Dedup(config.services().dedup(), metrics, System::nanoTime);
        this.sharedAnswers = state.redis() == null ? null : SharedAnswers.start(state.redis(), dedup);
        // A provider edit reaches the scheduler first, so that no route names a provider without its runtime.
        live.subscribe(scheduler::reconfigure);
        live.subscribe(ops::reconfigure);
        live.subscribe(routing::reconfigure);
        MonitoringApi monitoring = new MonitoringApi(live, source, settings, scheduler::runtime, routing::router,
                System::currentTimeMillis, ops, new ProviderProbe(attempts, ops), clusterUsage);
        if (state.redis() != null) {
            monitoring.share(state.redis(), config.state().secret(), settings);
        }
        monitoring.settingAction("proxy", "test", new ProxyTestAction(live, upstreams::proxies,
                new ProxyProbe(pools)));
        ResponseStoreConfig stored = config.services().responses();
        this.responses = !stored.enabled() ? null : state.redis() != null
                ? new RedisResponseStore(stored, state.redis(), System::currentTimeMillis)
                : new EmbeddedResponseStore(stored, config.ops().dataDir(), System::currentTimeMillis);
        ChatService chat = new ChatService(admission, routing, scheduler, ops, metrics,
                config.services().claudeCliBypass(), rewrites, dedup,
                new ResponseState(stored, responses, System::currentTimeMillis));
        this.speech = new SpeechCache(config.services().tts(), upstreams);
        SeedServices seed = new SeedServices(new HelperService(chat, routing, metrics),
                new AdviceService(admission, routing, ops, metrics),
                new TtsService(speech, admission, ops, metrics));
        this.cors = Cors.of(config.server().cors());
        this.dispatcher = new Dispatcher(admission, cors, metrics, chat,
                new CountTokensService(ops, metrics),
                new ModelsService(routing, metrics),
                new HealthService(metrics, state),
                new MetricsService(metrics, config.ops().metricsEnabled(), config.ops().metricsPath()),
                new AdminService(config, monitoring, metrics), seed);
    }

    public SluiceConfig config() {
        return config;
    }

    /** The runtime settings ({@code /api/settings/*}), kept in the data directory. */
    public SettingsStore settings() {
        return settings;
    }

    /** The config in force, with its provider set as the admin API last changed it. */
    public LiveConfig live() {
        return live;
    }

    public SluiceMetrics metrics() {
        return metrics;
    }

    /** The pools, origins and token cache upstream relays share. */
    public Upstreams upstreams() {
        return upstreams;
    }

    /** The router in force; discovery swaps it. */
    public Routing routing() {
        return routing;
    }

    /** Usage, logs, sessions and live stats of this server. */
    public Operations ops() {
        return ops;
    }

    /** Keys, limits, breakers and gates of the providers. */
    public AttemptScheduler scheduler() {
        return scheduler;
    }

    /** The audio of {@code /tts}: cached files and those being made. */
    public SpeechCache speech() {
        return speech;
    }

    /** Frees what outlives requests (the cached audio, dedup's answers); once the event loops have stopped. */
    public void close() {
        if (limits != null) {
            limits.close();
        }
        if (keyEvents != null) {
            keyEvents.close();
        }
        if (clusterUsage != null) {
            clusterUsage.close(); // the last counts of this run, before the link goes
        }
        if (responses != null) {
            responses.close(); // answers still being written to Redis, before the link goes
        }
        if (sharedAnswers != null) {
            sharedAnswers.close();
        }
        state.close();
        speech.close();
        dedup.close();
    }

    /** Request dedup: the cache of recent answers and the answers in flight; closed after the event loops. */
    public Dedup dedup() {
        return dedup;
    }

    /** Where this instance shares state with others: nowhere (embedded) or Redis. */
    public SharedState state() {
        return state;
    }

    /** What answers each client request; the server edge calls it once per request head. */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** Cross-origin access for browser clients, built once from {@code server.cors}. */
    public Cors cors() {
        return cors;
    }
}
