package io.sluice.proxy.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Where instances share state (DESIGN.md 6): nothing (the embedded single-instance state, the default) or a Redis
 * server (any server speaking RESP: Redis 7, Valkey) at {@code redisUrl}.
 *
 * @param redisUrl       {@code redis://[user:password@]host[:port][/db]} or {@code rediss://} for TLS; null: embedded
 * @param namespace      the prefix of every key and channel Sluice uses in Redis, so several deployments can share one
 * @param instanceId     this instance's name in shared state (usage per instance, who holds a probe)
 * @param commandTimeout how long a Redis command may take before it counts as failed (never on the request path)
 * @param maxBackoff     the longest wait between reconnect attempts while Redis is down
 * @param secret         the shared secret (at least {@value #MIN_SECRET_CHARS} characters) that seals what instances
 *                       share through Redis and must not hold in clear (provider keys in admin edits); null: such
 *                       changes stay on the instance that made them
 * @param caFile         PEM certificates to trust for {@code rediss://} (a private CA); null: the JDK's trust store
 */
public record StateConfig(URI redisUrl, String namespace, String instanceId, Duration commandTimeout,
                          Duration maxBackoff, String secret, java.nio.file.Path caFile) {

    public static final int MIN_SECRET_CHARS = 16;

    public static final String DEFAULT_NAMESPACE = "sluice";
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

    /** Without a CA file: the JDK's trust store for {@code rediss://}. */
    public StateConfig(URI redisUrl, String namespace, String instanceId, Duration commandTimeout, Duration maxBackoff,
                       String secret) {
        this(redisUrl, namespace, instanceId, commandTimeout, maxBackoff, secret, null);
    }

    public StateConfig {
        if (caFile != null && !java.nio.file.Files.isReadable(caFile)) {
            throw ConfigException.invalid("redis.caFile", caFile, "a readable PEM file of CA certificates");
        }
        namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
        if (namespace.isEmpty() || !namespace.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw ConfigException.invalid("namespace", namespace, "1 to 64 of A-Z a-z 0-9 _ . -");
        }
        instanceId = instanceId == null ? defaultInstanceId() : instanceId;
        if (instanceId.isEmpty() || !instanceId.matches("[A-Za-z0-9_.:-]{1,128}")) {
            throw ConfigException.invalid("instanceId", instanceId, "1 to 128 of A-Z a-z 0-9 _ . : -");
        }
        commandTimeout = commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : commandTimeout;
        maxBackoff = maxBackoff == null ? DEFAULT_MAX_BACKOFF : maxBackoff;
        Check.positive("commandTimeout", commandTimeout);
        Check.positive("maxBackoff", maxBackoff);
        if (secret != null && secret.length() < MIN_SECRET_CHARS) {
            throw ConfigException.invalid("secret", secret.length() + " characters", "at least " + MIN_SECRET_CHARS
                    + " characters (a long random string, the same on every instance)");
        }
        if (redisUrl != null) {
            String scheme = redisUrl.getScheme() == null ? "" : redisUrl.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("redis") && !scheme.equals("rediss")) {
                throw ConfigException.invalid("redis.url", masked(redisUrl),
                        "redis://[user:password@]host[:port][/db] or rediss://... for TLS");
            }
            if (redisUrl.getHost() == null || redisUrl.getHost().isEmpty()) {
                throw ConfigException.invalid("redis.url", masked(redisUrl), "a URL with a host");
            }
        }
    }

    /** The embedded single-instance state: nothing shared. */
    public static StateConfig embedded() {
        return new StateConfig(null, null, null, null, null, null);
    }

    public boolean shared() {
        return redisUrl != null;
    }

    /** {@link #redisUrl} with its password hidden, for logs, errors and the monitoring API. */
    public String redisUrlMasked() {
        return redisUrl == null ? null : masked(redisUrl);
    }

    static String masked(URI url) {
        String info = url.getRawUserInfo();
        if (info == null) {
            return url.toString();
        }
        int colon = info.indexOf(':');
        String shown = colon < 0 ? Secrets.HIDDEN : info.substring(0, colon) + ":" + Secrets.HIDDEN;
        return url.toString().replace(info + "@", shown + "@");
    }

    /** The host name and process id: unique among instances on one host and across hosts. */
    static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "sluice";
            }
        }
        String id = host.replaceAll("[^A-Za-z0-9_.-]", "-") + ":" + ProcessHandle.current().pid();
        return id.length() > 128 ? id.substring(0, 128) : id;
    }

    @Override
    public String toString() {
        return "StateConfig[redisUrl=" + redisUrlMasked() + ", namespace=" + namespace + ", instanceId=" + instanceId
                + ", commandTimeout=" + commandTimeout + ", maxBackoff=" + maxBackoff + ", secret="
                + (secret == null ? null : Secrets.HIDDEN) + "]";
    }
}
