package io.sluice.proxy.config;

import java.time.Duration;

/**
 * The client-facing HTTP listener.
 *
 * @param host           address to bind; {@value #DEFAULT_HOST} keeps the proxy private to this machine
 * @param port           port to bind, 0 picks a free one
 * @param maxBodyBytes   largest request body accepted; larger gets 413
 * @param readTimeout    longest time to receive a whole request, headers and body
 * @param idleTimeout    how long a keep-alive connection may sit idle between requests
 * @param ioThreads      event loop threads; 0 means one per core (see {@link #effectiveIoThreads()})
 * @param shutdownGrace  how long open exchanges may run on after a shutdown request
 * @param maxHeaderBytes largest request line plus headers accepted; larger gets 431
 * @param adminKey       the key the admin API ({@code /api/...}) wants as {@code Authorization: Bearer}; null for none,
 *                       which leaves the admin API open on a loopback bind and closed on any other
 * @param maxConnections most client connections open at once, process-wide; one over it gets 503 and is closed;
 *                       0 means unlimited
 * @param cors           which other origins' pages may call Sluice from a browser
 */
public record ServerConfig(String host, int port, int maxBodyBytes, Duration readTimeout, Duration idleTimeout,
                           int ioThreads, Duration shutdownGrace, int maxHeaderBytes, String adminKey,
                           int maxConnections, CorsConfig cors) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 4000;
    public static final int DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_IO_THREADS = 0;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /** More threads than this is a typo, not a tuning choice. */
    public static final int MAX_IO_THREADS = 1024;

    public ServerConfig {
        if (host == null || host.isBlank()) {
            throw ConfigException.invalid("host", host, "a host name or IP address");
        }
        Check.range("port", port, 0, 65535);
        Check.atLeast("maxBodyBytes", maxBodyBytes, 1);
        Check.positive("readTimeout", readTimeout);
        Check.positive("idleTimeout", idleTimeout);
        Check.range("ioThreads", ioThreads, 0, MAX_IO_THREADS);
        Check.notNegative("shutdownGrace", shutdownGrace);
        Check.atLeast("maxHeaderBytes", maxHeaderBytes, 1);
        Check.atLeast("maxConnections", maxConnections, 0);
        adminKey = adminKey == null || adminKey.isBlank() ? null : adminKey.strip();
        cors = cors == null ? CorsConfig.off() : cors;
    }

    public ServerConfig(String host, int port, int maxBodyBytes, Duration readTimeout, Duration idleTimeout,
                        int ioThreads, Duration shutdownGrace, int maxHeaderBytes, String adminKey,
                        int maxConnections) {
        this(host, port, maxBodyBytes, readTimeout, idleTimeout, ioThreads, shutdownGrace, maxHeaderBytes, adminKey,
                maxConnections, CorsConfig.off());
    }

    public ServerConfig(String host, int port, int maxBodyBytes, Duration readTimeout, Duration idleTimeout,
                        int ioThreads, Duration shutdownGrace, int maxHeaderBytes, String adminKey) {
        this(host, port, maxBodyBytes, readTimeout, idleTimeout, ioThreads, shutdownGrace, maxHeaderBytes, adminKey,
                DEFAULT_MAX_CONNECTIONS);
    }

    public ServerConfig(String host, int port, int maxBodyBytes, Duration readTimeout, Duration idleTimeout,
                        int ioThreads, Duration shutdownGrace, int maxHeaderBytes) {
        this(host, port, maxBodyBytes, readTimeout, idleTimeout, ioThreads, shutdownGrace, maxHeaderBytes, null);
    }

    /** Whether the listener is bound to a loopback address only (127.0.0.0/8, ::1, localhost). */
    public boolean loopbackOnly() {
        String h = host.strip();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    /** Like the record's, but the admin key is masked: this string ends up in logs. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes + ", readTimeout="
                + readTimeout + ", idleTimeout=" + idleTimeout + ", ioThreads=" + ioThreads + ", shutdownGrace="
                + shutdownGrace + ", maxHeaderBytes=" + maxHeaderBytes + ", adminKey="
                + (adminKey == null ? null : Secrets.mask(adminKey)) + ", maxConnections=" + maxConnections + ", cors="
                + cors + "]";
    }

    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_READ_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_IO_THREADS, DEFAULT_SHUTDOWN_GRACE, DEFAULT_MAX_HEADER_BYTES);
    }

    public ServerConfig withHost(String newHost) {
        return new ServerConfig(newHost, port, maxBodyBytes, readTimeout, idleTimeout, ioThreads, shutdownGrace,
                maxHeaderBytes, adminKey, maxConnections, cors);
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxBodyBytes, readTimeout, idleTimeout, ioThreads, shutdownGrace,
                maxHeaderBytes, adminKey, maxConnections, cors);
    }

    /** {@link #ioThreads()} with 0 resolved to the number of available processors. */
    public int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }
}
