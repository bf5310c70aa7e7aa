package io.sluice.proxy.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sections of {@code sluice.yaml} read from the file alone, with no environment fallback: {@code server},
 * {@code upstream}, {@code resilience}, {@code routing}, and {@code usage} with {@code logs}. Absent keys take the
 * records' named defaults.
 */
final class FileSections {

    static final List<String> SERVER_KEYS = List.of("host", "port", "maxBodyBytes", "readTimeout", "idleTimeout",
            "ioThreads", "shutdownGrace", "maxHeaderBytes", "adminKey", "maxConnections", "cors");
    static final List<String> CORS_KEYS = List.of("origins", "allowHeaders", "maxAge");
    /** Comma-separated origins, read when the file has no {@code server.cors.origins}. */
    static final String CORS_ENV = "SLUICE_CORS_ORIGINS";
    static final List<String> UPSTREAM_KEYS = List.of("connectTimeout", "firstByteTimeout", "idleTimeout",
            "maxConnectionsPerOrigin", "poolIdleTimeout", "insecureTls", "requestTimeout", "proxy", "noProxy");
    static final List<String> RESILIENCE_KEYS = List.of("maxAttempts", "breakerFailures", "breakerOpen",
            "sseKeepAlive", "keyWait");
    static final List<String> ROUTING_KEYS = List.of("aliases", "wildcards", "combos", "modelIds");
    static final List<String> USAGE_KEYS = List.of("file");
    static final List<String> LOGS_KEYS = List.of("capacity", "dir", "maxFileBytes", "keep", "requests");
    static final List<String> REQUEST_LOG_KEYS = List.of("enabled", "file", "maxCaptureBytes");
    /** Where the request logger writes when it is turned on without a file. */
    static final String DEFAULT_REQUEST_LOG = "logs/requests.jsonl";

    private FileSections() {
    }

    static ServerConfig server(ConfigNode n, Map<String, String> env) {
        n.object(SERVER_KEYS);
        CorsConfig cors = cors(n.get("cors"), env);
        String host = n.get("host").text(ServerConfig.DEFAULT_HOST);
        int port = n.get("port").intValue(ServerConfig.DEFAULT_PORT);
        int maxBodyBytes = n.get("maxBodyBytes").intValue(ServerConfig.DEFAULT_MAX_BODY_BYTES);
        Duration readTimeout = n.get("readTimeout").duration(ServerConfig.DEFAULT_READ_TIMEOUT);
        Duration idleTimeout = n.get("idleTimeout").duration(ServerConfig.DEFAULT_IDLE_TIMEOUT);
        int ioThreads = n.get("ioThreads").intValue(ServerConfig.DEFAULT_IO_THREADS);
        Duration shutdownGrace = n.get("shutdownGrace").duration(ServerConfig.DEFAULT_SHUTDOWN_GRACE);
        int maxHeaderBytes = n.get("maxHeaderBytes").intValue(ServerConfig.DEFAULT_MAX_HEADER_BYTES);
        String adminKey = n.get("adminKey").secret().text(null);
        int maxConnections = n.get("maxConnections").intValue(ServerConfig.DEFAULT_MAX_CONNECTIONS);
        return Records.build(n, () -> new ServerConfig(host, port, maxBodyBytes, readTimeout, idleTimeout, ioThreads,
                shutdownGrace, maxHeaderBytes, adminKey, maxConnections, cors));
    }

    /** {@code server.cors}; its origins else {@value #CORS_ENV}'s. */
    static CorsConfig cors(ConfigNode n, Map<String, String> env) {
        n.object(CORS_KEYS);
        List<String> origins = n.get("origins").strings();
        List<String> allowHeaders = n.get("allowHeaders").strings();
        java.time.Duration maxAge = n.get("maxAge").duration(CorsConfig.DEFAULT_MAX_AGE);
        if (origins == null) {
            String v = env.get(CORS_ENV);
            if (v != null && !v.isBlank()) {
                List<String> fromEnv = new java.util.ArrayList<>();
                for (String o : v.split(",")) {
                    if (!o.isBlank()) {
                        fromEnv.add(o.strip());
                    }
                }
                return Records.envBuild(CORS_ENV, () -> new CorsConfig(fromEnv, allowHeaders, maxAge));
            }
        }
        return Records.build(n, () -> new CorsConfig(origins, allowHeaders, maxAge));
    }

    /** {@code upstream}; {@code proxy} is what {@link ProxySection} read of its proxy keys. */
    static UpstreamConfig upstream(ConfigNode n, ProxySettings proxy) {
        n.object(UPSTREAM_KEYS);
        Duration connect = n.get("connectTimeout").duration(UpstreamConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration firstByte = n.get("firstByteTimeout").duration(UpstreamConfig.DEFAULT_FIRST_BYTE_TIMEOUT);
        Duration idle = n.get("idleTimeout").duration(UpstreamConfig.DEFAULT_IDLE_TIMEOUT);
        int maxConnections = n.get("maxConnectionsPerOrigin")
                .intValue(UpstreamConfig.DEFAULT_MAX_CONNECTIONS_PER_ORIGIN);
        Duration poolIdle = n.get("poolIdleTimeout").duration(UpstreamConfig.DEFAULT_POOL_IDLE_TIMEOUT);
        boolean insecureTls = n.get("insecureTls").bool(UpstreamConfig.DEFAULT_INSECURE_TLS);
        Duration total = n.get("requestTimeout").duration(UpstreamConfig.DEFAULT_REQUEST_TIMEOUT);
        return Records.build(n, () -> new UpstreamConfig(connect, firstByte, idle, maxConnections, poolIdle,
                insecureTls, total, proxy));
    }

    static ResilienceConfig resilience(ConfigNode n) {
        n.object(RESILIENCE_KEYS);
        int maxAttempts = n.get("maxAttempts").intValue(ResilienceConfig.DEFAULT_MAX_ATTEMPTS);
        int breakerFailures = n.get("breakerFailures").intValue(ResilienceConfig.DEFAULT_BREAKER_FAILURES);
        Duration breakerOpen = n.get("breakerOpen").duration(ResilienceConfig.DEFAULT_BREAKER_OPEN);
        Duration keepAlive = n.get("sseKeepAlive").duration(ResilienceConfig.DEFAULT_SSE_KEEP_ALIVE);
        Duration keyWait = n.get("keyWait").duration(ResilienceConfig.DEFAULT_KEY_WAIT);
        return Records.build(n,
                () -> new ResilienceConfig(maxAttempts, breakerFailures, breakerOpen, keepAlive, keyWait));
    }

    static RoutingConfig routing(ConfigNode n) {
        n.object(ROUTING_KEYS);
        Map<String, String> aliases = n.get("aliases").stringMap();
        Map<String, String> wildcards = n.get("wildcards").stringMap();
        Map<String, List<String>> combos = new LinkedHashMap<>();
        n.get("combos").entries("a mapping of combo name to a list of models")
                .forEach((name, list) -> combos.put(name, list.strings()));
        String ids = n.get("modelIds").text(RoutingConfig.SEED_IDS);
        return Records.build(n, () -> new RoutingConfig(aliases, wildcards, combos, ids));
    }

    static final List<String> METRICS_KEYS = List.of("enabled", "path");

    /** The file's {@code metrics}, else the seed's {@code METRICS_ENABLED} / {@code METRICS_PATH}. */
    static OpsConfig ops(ConfigNode usage, ConfigNode logs, ConfigNode metrics, ConfigNode dataDir,
                         Map<String, String> env) {
        OpsConfig o = ops(usage, logs);
        Path data = path(dataDir);
        metrics.object(METRICS_KEYS);
        // METRICS_ENABLED: on unless 0, false, no or off (the seed's default is 1).
        boolean enabled = metrics.get("enabled").bool(Records.envFlag(env, "METRICS_ENABLED", true));
        String path = metrics.get("path").text(env.getOrDefault("METRICS_PATH", OpsConfig.DEFAULT_METRICS_PATH));
        return Records.build(metrics, () -> new OpsConfig(o.usageFile(), o.logCapacity(), o.logDir(),
                o.logMaxBytes(), o.logKeep(), o.requestLogFile(), o.maxCaptureBytes(), enabled, path, data));
    }

    static final List<String> BYPASS_KEYS = List.of("enabled", "warmup", "quota", "title");

    /** {@code claudeCliBypass}; {@code SLUICE_CLAUDE_BYPASS=0} switches it off without a file. */
    static BypassConfig bypass(ConfigNode n, Map<String, String> env) {
        n.object(BYPASS_KEYS);
        BypassConfig d = BypassConfig.defaults();
        boolean on = Records.envFlag(env, "SLUICE_CLAUDE_BYPASS", d.enabled());
        return new BypassConfig(n.get("enabled").bool(on), n.get("warmup").bool(d.warmup()),
                n.get("quota").bool(d.quota()), n.get("title").bool(d.title()));
    }

    /** {@code usage} and {@code logs}: the ledger's file, the log rings, their files and the request logger. */
    static OpsConfig ops(ConfigNode usage, ConfigNode logs) {
        usage.object(USAGE_KEYS);
        logs.object(LOGS_KEYS);
        ConfigNode requests = logs.get("requests");
        requests.object(REQUEST_LOG_KEYS);
        Path usageFile = path(usage.get("file"));
        int capacity = logs.get("capacity").intValue(OpsConfig.DEFAULT_LOG_CAPACITY);
        Path dir = path(logs.get("dir"));
        long maxBytes = logs.get("maxFileBytes").intValue((int) OpsConfig.DEFAULT_LOG_MAX_BYTES);
        int keep = logs.get("keep").intValue(OpsConfig.DEFAULT_LOG_KEEP);
        Path requestLog = null;
        if (requests.get("enabled").bool(false)) {
            requestLog = path(requests.get("file"));
            requestLog = requestLog == null ? Path.of(DEFAULT_REQUEST_LOG) : requestLog;
        }
        int capture = requests.get("maxCaptureBytes").intValue(OpsConfig.DEFAULT_MAX_CAPTURE_BYTES);
        Path rl = requestLog;
        return Records.build(logs, () -> new OpsConfig(usageFile, capacity, dir, maxBytes, keep, rl, capture));
    }

    /** A file or directory setting; empty or absent is none. */
    private static Path path(ConfigNode n) {
        String text = n.text(null);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Path.of(text.strip());
        } catch (InvalidPathException e) {
            throw n.error("a file path");
        }
    }
}
