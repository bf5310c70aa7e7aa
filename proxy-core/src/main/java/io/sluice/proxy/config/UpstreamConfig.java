package io.sluice.proxy.config;

import java.time.Duration;

/**
 * Connections from the proxy to providers.
 *
 * @param connectTimeout          longest time to open a TCP (and TLS) connection
 * @param firstByteTimeout        longest wait for the first response byte after the request is sent
 * @param idleTimeout             longest silence between two chunks of a response
 * @param maxConnectionsPerOrigin pooled connections per origin, per event loop
 * @param poolIdleTimeout         how long an unused pooled connection is kept open
 * @param insecureTls             skip certificate checks; for tests against self-signed upstreams only
 * @param requestTimeout          longest time one upstream exchange may take, request to last byte, however busy
 *                                the provider keeps it (a stream that never ends); 10 minutes, as the OpenAI SDKs
 * @param proxy                   the outbound proxies ({@code upstream.proxy}, {@code upstream.noProxy},
 *                                {@code providers.<name>.proxy}, {@code HTTPS_PROXY}, ...): the start value of the
 *                                runtime setting {@code proxy}
 */
public record UpstreamConfig(Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout,
                             int maxConnectionsPerOrigin, Duration poolIdleTimeout, boolean insecureTls,
                             Duration requestTimeout, ProxySettings proxy) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FIRST_BYTE_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ORIGIN = 256;
    public static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final boolean DEFAULT_INSECURE_TLS = false;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);

    public UpstreamConfig {
        Check.positive("connectTimeout", connectTimeout);
        Check.positive("firstByteTimeout", firstByteTimeout);
        Check.positive("idleTimeout", idleTimeout);
        Check.atLeast("maxConnectionsPerOrigin", maxConnectionsPerOrigin, 1);
        Check.positive("poolIdleTimeout", poolIdleTimeout);
        Check.positive("requestTimeout", requestTimeout);
        proxy = proxy == null ? ProxySettings.none() : proxy;
    }

    public UpstreamConfig(Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout,
                          int maxConnectionsPerOrigin, Duration poolIdleTimeout, boolean insecureTls,
                          Duration requestTimeout) {
        this(connectTimeout, firstByteTimeout, idleTimeout, maxConnectionsPerOrigin, poolIdleTimeout, insecureTls,
                requestTimeout, null);
    }

    public UpstreamConfig(Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout,
                          int maxConnectionsPerOrigin, Duration poolIdleTimeout, boolean insecureTls) {
        this(connectTimeout, firstByteTimeout, idleTimeout, maxConnectionsPerOrigin, poolIdleTimeout, insecureTls,
                DEFAULT_REQUEST_TIMEOUT);
    }

    public static UpstreamConfig defaults() {
        return new UpstreamConfig(DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_BYTE_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS_PER_ORIGIN, DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_INSECURE_TLS);
    }
}
