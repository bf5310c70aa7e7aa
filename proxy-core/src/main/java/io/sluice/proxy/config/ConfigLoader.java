package io.sluice.proxy.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sluice.providers.EnvProviders;
import io.sluice.providers.ProviderCatalog;
import io.sluice.providers.ProviderDescriptor;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads {@code sluice.yaml}: YAML → tree → {@code ${VAR}} substitution → validated records. Every error is a
 * {@link ConfigException} naming the key path and value, e.g.
 * {@code providers.openai.baseUrl: "ftp://x" (expected: http or https URL)}.
 */
public final class ConfigLoader {

    static final List<String> ROOT_KEYS = List.of("server", "upstream", "providers", "routing", "providersFromEnv",
            "resilience", "rateLimits", "concurrency", "usage", "logs", "access");
    static final List<String> ACCESS_KEYS = List.of("clientKeys", "requireClientKey", "ipAllow", "ipDeny",
            "trustedProxies");
    static final List<String> CLIENT_KEY_KEYS = List.of("key", "keyHash", "models", "rateLimit", "enabled");
    /** Client keys from the environment alone: {@code SLUICE_CLIENT_KEY}, {@code SLUICE_CLIENT_KEY_1..}. */
    public static final String CLIENT_KEY_VAR = "SLUICE_CLIENT_KEY";
    static final List<String> USAGE_KEYS = List.of("file");
    static final List<String> LOGS_KEYS = List.of("capacity", "dir", "maxFileBytes", "keep", "requests");
    static final List<String> REQUEST_LOG_KEYS = List.of("enabled", "file", "maxCaptureBytes");
    /** Where the request logger writes when it is turned on without a file. */
    public static final String DEFAULT_REQUEST_LOG = "logs/requests.jsonl";
    static final List<String> RESILIENCE_KEYS = List.of("maxAttempts", "breakerFailures", "breakerOpen",
            "sseKeepAlive", "keyWait");
    static final List<String> RATE_LIMIT_KEYS = List.of("global", "perProvider", "perKey", "perClientKey");
    static final List<String> CONCURRENCY_KEYS = List.of("enabled", "maxConcurrent", "queueMax", "queueTimeout");
    static final List<String> ROUTING_KEYS = List.of("aliases", "wildcards", "combos");
    /** Whether {@code <P>_ENABLED} variables add providers the file does not name ({@link EnvProviders}). */
    public static final boolean DEFAULT_PROVIDERS_FROM_ENV = true;
    static final List<String> SERVER_KEYS = List.of("host", "port", "maxBodyBytes", "readTimeout", "idleTimeout",
            "ioThreads", "shutdownGrace", "maxHeaderBytes", "adminKey");
    static final List<String> UPSTREAM_KEYS = List.of("connectTimeout", "firstByteTimeout", "idleTimeout",
            "maxConnectionsPerOrigin", "poolIdleTimeout", "insecureTls");
    static final List<String> PROVIDER_KEYS = List.of("type", "baseUrl", "apiKey", "apiKeys", "models", "headers",
            "enabled", "mock", "dialect", "prefix", "options", "discoverModels", "strategy", "weights", "rateLimit",
            "maxConcurrent");
    static final List<String> MOCK_KEYS = List.of("chunkDelay", "chunkWords");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // "port:" twice is a mistake, not an override
            .build();

    private ConfigLoader() {
    }

    /** Loads {@code yamlFile} with the process environment and {@code .env} files ({@link Environment#system}). */
    public static SluiceConfig load(Path yamlFile) {
        return load(yamlFile, Environment.system(yamlFile));
    }

    /** Loads {@code yamlFile}, resolving {@code ${VAR}} from {@code env}. Errors are prefixed with the file. */
    public static SluiceConfig load(Path yamlFile, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(yamlFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(yamlFile + ": no such file", e);
        } catch (IOException e) {
            throw new ConfigException(yamlFile + ": cannot read (" + e + ")", e);
        }
        try {
            return parse(text, env);
        } catch (ConfigException e) {
            throw e.in(yamlFile);
        }
    }

    /** Parses YAML text, resolving {@code ${VAR}} from {@code env}. */
    public static SluiceConfig parse(String yaml, Map<String, String> env) {
        JsonNode tree = readTree(yaml);
        EnvSubstitutor.apply(tree, "", env);
        ConfigNode root = ConfigNode.root(tree).object(ROOT_KEYS);
        List<ProviderConfig> providers = providers(root.get("providers"));
        if (root.get("providersFromEnv").bool(DEFAULT_PROVIDERS_FROM_ENV)) {
            providers.addAll(fromEnv(providers, env));
        }
        SluiceConfig config = new SluiceConfig(server(root.get("server")), upstream(root.get("upstream")), providers,
                routing(root.get("routing")), resilience(root.get("resilience")),
                rateLimits(root.get("rateLimits"), env), concurrency(root.get("concurrency"), env),
                ops(root.get("usage"), root.get("logs")), access(root.get("access"), env));
        return config;
    }

    /**
     * Providers the environment turns on ({@code ANTHROPIC_ENABLED=1}, …) that the file does not already configure,
     * by name or by type: the file's entry always wins.
     */
    static List<ProviderConfig> fromEnv(List<ProviderConfig> configured, Map<String, String> env) {
        List<EnvProviders.EnvProvider> found;
        try {
            found = EnvProviders.read(ProviderCatalog.get(), env);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("environment: " + e.getMessage(), e);
        }
        List<ProviderConfig> out = new ArrayList<>();
        for (EnvProviders.EnvProvider e : found) {
            boolean inFile = configured.stream().anyMatch(p -> p.name().equals(e.name())
                    || (!e.type().compatibleFamily() && p.type().equals(e.type().id())));
            if (inFile) {
                continue;
            }
            String where = "environment (" + e.enabledBy() + ")";
            if (e.keys().isEmpty() && e.type().keyRequired()) {
                String p = e.type().envPrefixes().get(0);
                String also = e.type().keyVars().isEmpty() ? "" : " or " + String.join(", ", e.type().keyVars());
                throw new ConfigException(where + ": provider " + e.name() + " is enabled but has no key (expected: "
                        + p + "_API_KEY, " + p + "_TOKEN_1.." + also + ")");
            }
            URI baseUrl;
            try {
                baseUrl = e.baseUrl() == null ? null : new URI(e.baseUrl());
            } catch (URISyntaxException x) {
                throw new ConfigException(where + ": " + e.name() + ".baseUrl: \"" + e.baseUrl() + "\" (expected: "
                        + ProviderChecks.EXPECTED_URL + ")", x);
            }
            try {
                out.add(new ProviderConfig(e.name(), e.type().id(), baseUrl, e.keys(), e.models(), Map.of(), true,
                        null, null, e.keyNames(), null, e.options(), e.discoverModels()));
            } catch (ConfigException x) {
                throw new ConfigException(where + ": " + x.getMessage(), x);
            }
        }
        return out;
    }

    private static ResilienceConfig resilience(ConfigNode n) {
        n.object(RESILIENCE_KEYS);
        int maxAttempts = n.get("maxAttempts").intValue(ResilienceConfig.DEFAULT_MAX_ATTEMPTS);
        int breakerFailures = n.get("breakerFailures").intValue(ResilienceConfig.DEFAULT_BREAKER_FAILURES);
        Duration breakerOpen = n.get("breakerOpen").duration(ResilienceConfig.DEFAULT_BREAKER_OPEN);
        Duration keepAlive = n.get("sseKeepAlive").duration(ResilienceConfig.DEFAULT_SSE_KEEP_ALIVE);
        Duration keyWait = n.get("keyWait").duration(ResilienceConfig.DEFAULT_KEY_WAIT);
        return build(n, () -> new ResilienceConfig(maxAttempts, breakerFailures, breakerOpen, keepAlive, keyWait));
    }

    /** {@code usage} and {@code logs}: the ledger's file, the log rings, their files and the request logger. */
    private static OpsConfig ops(ConfigNode usage, ConfigNode logs) {
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
        return build(logs, () -> new OpsConfig(usageFile, capacity, dir, maxBytes, keep, rl, capture));
    }

    /**
     * {@code access}: client keys (the file's, then {@code SLUICE_CLIENT_KEY} and {@code SLUICE_CLIENT_KEY_<N>} from
     * the environment, named after the variable) and IP rules (the file's lists, else {@code SLUICE_IP_ALLOW},
     * {@code SLUICE_IP_DENY}, {@code SLUICE_TRUSTED_PROXIES}, comma-separated).
     */
    static AccessConfig access(ConfigNode n, Map<String, String> env) {
        n.object(ACCESS_KEYS);
        List<ClientKeyConfig> keys = new ArrayList<>();
        ConfigNode keysNode = n.get("clientKeys");
        keysNode.entries("a mapping of client key name to a key or settings").forEach((name, k) -> {
            if (k.isScalar()) { // "ci: ${CI_KEY}" is shorthand for "ci: {key: ${CI_KEY}}"
                String key = k.secret().text(null);
                keys.add(build(k, () -> new ClientKeyConfig(name, key, null, null, -1, true)));
                return;
            }
            k.object(CLIENT_KEY_KEYS);
            String key = k.get("key").secret().text(null);
            String hash = k.get("keyHash").text(null);
            List<String> models = k.get("models").strings();
            long rateLimit = k.get("rateLimit").intValue(-1);
            boolean enabled = k.get("enabled").bool(true);
            keys.add(build(k, () -> new ClientKeyConfig(name, key, hash, models, rateLimit, enabled)));
        });
        List<String> vars = new ArrayList<>(env.keySet());
        vars.removeIf(v -> !v.equals(CLIENT_KEY_VAR) && !v.matches(CLIENT_KEY_VAR + "_[0-9]+"));
        vars.sort(java.util.Comparator.comparingInt(String::length).thenComparing(java.util.Comparator.naturalOrder()));
        for (String var : vars) {
            String value = env.get(var);
            if (value != null && !value.isBlank()) {
                keys.add(envBuild(var, () -> new ClientKeyConfig(var, value, null, null, -1, true)));
            }
        }
        Boolean require = n.get("requireClientKey").isAbsent() ? null : n.get("requireClientKey").bool(true);
        List<Cidr> allow = cidrs(n.get("ipAllow"), env, "SLUICE_IP_ALLOW");
        List<Cidr> deny = cidrs(n.get("ipDeny"), env, "SLUICE_IP_DENY");
        List<Cidr> trusted = cidrs(n.get("trustedProxies"), env, "SLUICE_TRUSTED_PROXIES");
        return build(n, () -> new AccessConfig(keys, require, allow, deny, trusted));
    }

    /** A list of address blocks from the file, else from a comma-separated variable. */
    private static List<Cidr> cidrs(ConfigNode n, Map<String, String> env, String var) {
        List<Cidr> out = new ArrayList<>();
        List<String> listed = n.strings();
        if (listed != null) {
            for (int i = 0; i < listed.size(); i++) {
                String text = listed.get(i);
                try {
                    out.add(Cidr.parse(text));
                } catch (IllegalArgumentException e) {
                    throw ConfigException.invalid(n.path() + "[" + i + "]", text,
                            "an address or block like 10.0.0.0/8 or 2001:db8::/32; " + e.getMessage());
                }
            }
            return out;
        }
        String value = env.get(var);
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String text : value.split(",")) {
            if (text.isBlank()) {
                continue;
            }
            try {
                out.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("environment: " + var + ": \"" + text.strip() + "\" (expected: an address"
                        + " or block like 10.0.0.0/8; " + e.getMessage() + ")", e);
            }
        }
        return out;
    }

    /** A file or directory setting; empty or absent is none. */
    private static Path path(ConfigNode n) {
        String text = n.text(null);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Path.of(text.strip());
        } catch (java.nio.file.InvalidPathException e) {
            throw n.error("a file path");
        }
    }

    /** The file's {@code rateLimits}, else the seeds' {@code RATE_LIMIT_ENABLED} / {@code RATE_LIMIT_PER_MINUTE}. */
    private static RateLimitConfig rateLimits(ConfigNode n, Map<String, String> env) {
        if (n.isAbsent()) {
            if (!envFlag(env, "RATE_LIMIT_ENABLED")) {
                return RateLimitConfig.off();
            }
            long perMinute = envLong(env, "RATE_LIMIT_PER_MINUTE", RateLimitConfig.SEED_PER_PROVIDER);
            return envBuild("RATE_LIMIT_PER_MINUTE", () -> new RateLimitConfig(0, perMinute, 0, 0));
        }
        n.object(RATE_LIMIT_KEYS);
        long global = n.get("global").intValue(0);
        long perProvider = n.get("perProvider").intValue(0);
        long perKey = n.get("perKey").intValue(0);
        long perClientKey = n.get("perClientKey").intValue(0);
        return build(n, () -> new RateLimitConfig(global, perProvider, perKey, perClientKey));
    }

    /** The file's {@code concurrency}, else the seeds' {@code UPSTREAM_CONCURRENCY_ENABLED} and friends. */
    private static ConcurrencyConfig concurrency(ConfigNode n, Map<String, String> env) {
        if (n.isAbsent()) {
            if (!envFlag(env, "UPSTREAM_CONCURRENCY_ENABLED")) {
                return ConcurrencyConfig.off();
            }
            int max = (int) envLong(env, "UPSTREAM_MAX_CONCURRENT", ConcurrencyConfig.DEFAULT_MAX_CONCURRENT);
            int queue = (int) envLong(env, "UPSTREAM_QUEUE_MAX", ConcurrencyConfig.DEFAULT_QUEUE_MAX);
            long timeout = envLong(env, "UPSTREAM_QUEUE_TIMEOUT_MS",
                    ConcurrencyConfig.DEFAULT_QUEUE_TIMEOUT.toMillis());
            return envBuild("UPSTREAM_*", () -> new ConcurrencyConfig(true, max, queue, Duration.ofMillis(timeout)));
        }
        n.object(CONCURRENCY_KEYS);
        boolean enabled = n.get("enabled").bool(true);
        int max = n.get("maxConcurrent").intValue(ConcurrencyConfig.DEFAULT_MAX_CONCURRENT);
        int queue = n.get("queueMax").intValue(ConcurrencyConfig.DEFAULT_QUEUE_MAX);
        Duration timeout = n.get("queueTimeout").duration(ConcurrencyConfig.DEFAULT_QUEUE_TIMEOUT);
        return build(n, () -> new ConcurrencyConfig(enabled, max, queue, timeout));
    }

    private static boolean envFlag(Map<String, String> env, String var) {
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            return false;
        }
        try {
            return EnvProviders.truthy(var, v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("environment: " + e.getMessage(), e);
        }
    }

    private static long envLong(Map<String, String> env, String var, long fallback) {
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException("environment: " + var + ": \"" + v + "\" (expected: an integer)", e);
        }
    }

    private static <T> T envBuild(String var, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ConfigException e) {
            throw new ConfigException("environment (" + var + "): " + e.getMessage(), e);
        }
    }

    private static RoutingConfig routing(ConfigNode n) {
        n.object(ROUTING_KEYS);
        Map<String, String> aliases = n.get("aliases").stringMap();
        Map<String, String> wildcards = n.get("wildcards").stringMap();
        Map<String, List<String>> combos = new LinkedHashMap<>();
        n.get("combos").entries("a mapping of combo name to a list of models")
                .forEach((name, list) -> combos.put(name, list.strings()));
        return build(n, () -> new RoutingConfig(aliases, wildcards, combos));
    }

    private static JsonNode readTree(String yaml) {
        try {
            JsonNode tree = YAML.readTree(yaml);
            // An empty file, or one with only comments, is a valid all-defaults config.
            return tree == null || tree.isMissingNode() || tree.isNull() ? JsonNodeFactory.instance.objectNode() : tree;
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException("invalid YAML" + where + ": " + yamlProblem(e), e);
        }
    }

    /** The parser's one-line diagnosis, without the echoed source lines: they may hold a literal key. */
    private static String yamlProblem(JacksonException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblem() != null) {
                String context = marked.getContext();
                return marked.getProblem() + (context == null ? "" : " (" + context + ")");
            }
        }
        String message = e.getOriginalMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static ServerConfig server(ConfigNode n) {
        n.object(SERVER_KEYS);
        String host = n.get("host").text(ServerConfig.DEFAULT_HOST);
        int port = n.get("port").intValue(ServerConfig.DEFAULT_PORT);
        int maxBodyBytes = n.get("maxBodyBytes").intValue(ServerConfig.DEFAULT_MAX_BODY_BYTES);
        Duration readTimeout = n.get("readTimeout").duration(ServerConfig.DEFAULT_READ_TIMEOUT);
        Duration idleTimeout = n.get("idleTimeout").duration(ServerConfig.DEFAULT_IDLE_TIMEOUT);
        int ioThreads = n.get("ioThreads").intValue(ServerConfig.DEFAULT_IO_THREADS);
        Duration shutdownGrace = n.get("shutdownGrace").duration(ServerConfig.DEFAULT_SHUTDOWN_GRACE);
        int maxHeaderBytes = n.get("maxHeaderBytes").intValue(ServerConfig.DEFAULT_MAX_HEADER_BYTES);
        String adminKey = n.get("adminKey").secret().text(null);
        return build(n, () -> new ServerConfig(host, port, maxBodyBytes, readTimeout, idleTimeout, ioThreads,
                shutdownGrace, maxHeaderBytes, adminKey));
    }

    private static UpstreamConfig upstream(ConfigNode n) {
        n.object(UPSTREAM_KEYS);
        Duration connect = n.get("connectTimeout").duration(UpstreamConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration firstByte = n.get("firstByteTimeout").duration(UpstreamConfig.DEFAULT_FIRST_BYTE_TIMEOUT);
        Duration idle = n.get("idleTimeout").duration(UpstreamConfig.DEFAULT_IDLE_TIMEOUT);
        int maxConnections = n.get("maxConnectionsPerOrigin")
                .intValue(UpstreamConfig.DEFAULT_MAX_CONNECTIONS_PER_ORIGIN);
        Duration poolIdle = n.get("poolIdleTimeout").duration(UpstreamConfig.DEFAULT_POOL_IDLE_TIMEOUT);
        boolean insecureTls = n.get("insecureTls").bool(UpstreamConfig.DEFAULT_INSECURE_TLS);
        return build(n, () -> new UpstreamConfig(connect, firstByte, idle, maxConnections, poolIdle, insecureTls));
    }

    private static List<ProviderConfig> providers(ConfigNode n) {
        List<ProviderConfig> providers = new ArrayList<>();
        n.entries("a mapping of provider name to settings").forEach((name, settings) -> {
            ProviderConfig.checkName(n.path(), name);
            providers.add(provider(name, settings));
        });
        return providers;
    }

    private static ProviderConfig provider(String name, ConfigNode n) {
        n.object(PROVIDER_KEYS);
        // "mock:" or "openai:" alone is enough: a provider named after a type has that type unless told otherwise.
        // "openai-compatible-local:" is an openai-compatible provider.
        ProviderDescriptor inferred = ProviderCatalog.get().inferFromName(name);
        String type = n.get("type").text(inferred == null ? null : inferred.id());
        URI baseUrl = n.get("baseUrl").uri(ProviderChecks.EXPECTED_URL);
        List<String> apiKeys = apiKeys(n);
        List<String> models = n.get("models").strings();
        Map<String, String> headers = n.get("headers").secret().stringMap(); // e.g. Authorization
        boolean enabled = n.get("enabled").bool(ProviderConfig.DEFAULT_ENABLED);
        MockSettings mock = mock(n.get("mock"));
        String dialect = n.get("dialect").text(null);
        String prefix = n.get("prefix").text(null);
        Map<String, String> options = n.get("options").stringMap();
        Boolean discover = n.get("discoverModels").isAbsent() ? null : n.get("discoverModels").bool(false);
        String strategy = n.get("strategy").text(null);
        List<Integer> weights = new ArrayList<>();
        List<String> weightText = n.get("weights").strings();
        if (weightText != null) {
            for (String w : weightText) {
                try {
                    weights.add(Integer.valueOf(w.strip()));
                } catch (NumberFormatException e) {
                    throw ConfigException.invalid(n.path() + ".weights", w, "integers");
                }
            }
        }
        long rateLimit = n.get("rateLimit").intValue(-1);
        int maxConcurrent = n.get("maxConcurrent").intValue(0);
        return build(n, () -> new ProviderConfig(name, type, baseUrl, apiKeys, models, headers, enabled, mock,
                dialect, null, prefix, options, discover,
                new ProviderLimits(strategy, weights, rateLimit, maxConcurrent)));
    }

    /** {@code apiKey: x} is shorthand for {@code apiKeys: [x]}. */
    private static List<String> apiKeys(ConfigNode n) {
        ConfigNode single = n.get("apiKey").secret();
        ConfigNode list = n.get("apiKeys").secret();
        if (single.isAbsent()) {
            return list.strings();
        }
        if (!list.isAbsent()) {
            throw ConfigException.at(single.path(), "given together with apiKeys (expected: one of apiKey, apiKeys)");
        }
        List<String> keys = new ArrayList<>(1);
        keys.add(single.text(null));
        return keys;
    }

    private static MockSettings mock(ConfigNode n) {
        if (n.isAbsent()) {
            return null;
        }
        n.object(MOCK_KEYS);
        Duration chunkDelay = n.get("chunkDelay").duration(MockSettings.DEFAULT_CHUNK_DELAY);
        int chunkWords = n.get("chunkWords").intValue(MockSettings.DEFAULT_CHUNK_WORDS);
        return build(n, () -> new MockSettings(chunkDelay, chunkWords));
    }

    /** Runs a record constructor; its errors name keys relative to the record, so prefix them with the path. */
    private static <T> T build(ConfigNode n, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ConfigException e) {
            throw e.under(n.path());
        }
    }
}
