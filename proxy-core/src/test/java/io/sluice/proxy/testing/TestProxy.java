package io.sluice.proxy.testing;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.proxy.ProxyContext;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.transport.Transport;
import io.sluice.proxy.upstream.UpstreamPools;
import java.util.Map;

/**
 * A {@link ProxyContext} built from YAML through the real config loader, and client channels running the very
 * pipeline {@link SluiceServer} installs, on {@link EmbeddedChannel}s. For handler tests in any package.
 */
public final class TestProxy implements AutoCloseable {

    /** Builds the YAML of a config; every section optional. */
    public static final class Builder {
        private final StringBuilder server = new StringBuilder();
        private final StringBuilder upstream = new StringBuilder();
        private final StringBuilder providers = new StringBuilder();
        private final StringBuilder more = new StringBuilder();

        public Builder server(String key, Object value) {
            server.append("  ").append(key).append(": ").append(value).append('\n');
            return this;
        }

        public Builder upstream(String key, Object value) {
            upstream.append("  ").append(key).append(": ").append(value).append('\n');
            return this;
        }

        /** The built-in mock provider named {@code mock}. */
        public Builder mock(String chunkDelay, int chunkWords) {
            providers.append("  mock:\n    type: mock\n    mock: { chunkDelay: ").append(chunkDelay)
                    .append(", chunkWords: ").append(chunkWords).append(" }\n");
            return this;
        }

        /** An openai-compatible provider at {@code baseUrl} with one key. */
        public Builder openAiCompatible(String name, String baseUrl, String apiKey, String... models) {
            providers.append("  ").append(name).append(":\n    type: openai-compatible\n    baseUrl: ")
                    .append(baseUrl).append('\n').append("    apiKey: ").append(apiKey).append('\n')
                    .append("    models: [").append(String.join(", ", models)).append("]\n");
            return this;
        }

        /** A provider of catalog type {@code type} (anthropic, azure, cursor-agent, …) at {@code baseUrl}. */
        public Builder provider(String name, String type, String baseUrl, String apiKey, String... models) {
            providers.append("  ").append(name).append(":\n    type: ").append(type).append("\n    baseUrl: ")
                    .append(baseUrl).append('\n').append("    apiKey: ").append(apiKey).append('\n')
                    .append("    models: [").append(String.join(", ", models)).append("]\n");
            return this;
        }

        /** Top-level sections after the others, as YAML text ({@code "dedup:\n  enabled: true\n"}). */
        public Builder sections(String yaml) {
            more.append(yaml);
            return this;
        }

        /** Provider entries as YAML lines, indented two spaces (a name line, then its keys). */
        public Builder providersYaml(String yaml) {
            providers.append(yaml);
            return this;
        }

        public String yaml() {
            return "server:\n  host: 127.0.0.1\n  port: 0\n  ioThreads: 1\n" + server
                    + (upstream.length() == 0 ? "" : "upstream:\n" + upstream)
                    + (providers.length() == 0 ? "" : "providers:\n" + providers) + more;
        }

        public TestProxy build() {
            return new TestProxy(ConfigLoader.parse(yaml(), Map.of()));
        }
    }

    private final SluiceMetrics metrics = new SluiceMetrics();
    private final UpstreamPools pools;
    private final ProxyContext proxy;

    private TestProxy(SluiceConfig config) {
        this.pools = new UpstreamPools(config.upstream(), Transport.NIO);
        this.proxy = new ProxyContext(config, metrics, pools);
    }

    public static Builder builder() {
        return new Builder();
    }

    public ProxyContext context() {
        return proxy;
    }

    public SluiceMetrics metrics() {
        return metrics;
    }

    /**
     * A client connection with SluiceServer's pipeline and water marks, already active. Its clock is frozen: timers
     * move only with {@link EmbeddedChannel#advanceTimeBy}, however long feeding 1-byte chunks takes.
     */
    public EmbeddedChannel client() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                SluiceServer.initClientChannel(c, proxy);
            }
        });
        ch.freezeTime();
        return ch;
    }

    /** {@code http_requests_total{method,path,status}}, 0 when never counted. */
    public double requests(String method, String route, int status) {
        Counter c = metrics.registry().find("http.requests")
                .tags("method", method, "path", route, "status", Integer.toString(status)).counter();
        return c == null ? 0 : c.count();
    }

    /** {@code llm_tokens_total{provider,model,kind}}, 0 when never counted. */
    public double tokens(String provider, String model, String kind) {
        Counter c = metrics.registry().find("llm.tokens")
                .tags("provider", provider, "model", model, "kind", kind).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        proxy.close();
        pools.close();
        metrics.close();
    }
}
