package io.sluice.proxy.testing;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import java.util.Map;

/**
 * YAML config of a {@link SluiceServer} for tests on real sockets: a loopback server on a free port, one event loop,
 * short shutdown grace, and the providers the test adds. Parsed by the real {@link ConfigLoader} with an empty
 * environment.
 */
public final class TestConfig {

    /** The upstream credential the providers added here are configured with; long enough to be partially masked. */
    public static final String UPSTREAM_KEY = "sk-upstream-e2e-0123456789abcdef";

    private final StringBuilder server = new StringBuilder();
    private final StringBuilder upstream = new StringBuilder();
    private final StringBuilder providers = new StringBuilder();

    private TestConfig() {
    }

    /** An empty config: the loopback server and nothing else. */
    public static TestConfig config() {
        return new TestConfig();
    }

    /** Starts a server from a whole YAML config, parsed with an empty environment. */
    public static SluiceServer startYaml(String yaml) throws InterruptedException {
        return SluiceServer.start(ConfigLoader.parse(yaml, Map.of()));
    }

    /** Adds {@code key: value} to the {@code server:} section. */
    public TestConfig server(String key, Object value) {
        server.append("  ").append(key).append(": ").append(value).append('\n');
        return this;
    }

    /** Adds {@code key: value} to the {@code upstream:} section. */
    public TestConfig upstream(String key, Object value) {
        upstream.append("  ").append(key).append(": ").append(value).append('\n');
        return this;
    }

    /** An openai-compatible provider relaying to {@code up}, with {@link #UPSTREAM_KEY}. */
    public TestConfig openAiCompatible(String name, TestUpstream up, String... models) {
        return openAiCompatible(name, up.port(), models);
    }

    /** An openai-compatible provider relaying to 127.0.0.1:{@code port}, with {@link #UPSTREAM_KEY}. */
    public TestConfig openAiCompatible(String name, int port, String... models) {
        providers.append("  ").append(name).append(":\n")
                .append("    type: openai-compatible\n")
                .append("    baseUrl: http://127.0.0.1:").append(port).append("/v1\n")
                .append("    apiKey: ").append(UPSTREAM_KEY).append('\n')
                .append("    models: [").append(String.join(", ", models)).append("]\n");
        return this;
    }

    /** A provider of {@code type} (anthropic, gemini, …) relaying to {@code up} at {@code basePath}. */
    public TestConfig provider(String name, String type, TestUpstream up, String basePath, String... models) {
        providers.append("  ").append(name).append(":\n")
                .append("    type: ").append(type).append('\n')
                .append("    baseUrl: http://127.0.0.1:").append(up.port()).append(basePath).append('\n')
                .append("    apiKey: ").append(UPSTREAM_KEY).append('\n')
                .append("    models: [").append(String.join(", ", models)).append("]\n");
        return this;
    }

    /** Provider entries as YAML lines, indented two spaces (a name line, then its keys). */
    public TestConfig providersYaml(String yaml) {
        providers.append(yaml);
        return this;
    }

    /** The built-in mock, streaming as fast as the client reads. */
    public TestConfig mock() {
        providers.append("  mock:\n    type: mock\n    mock: { chunkDelay: 0ms, chunkWords: 1 }\n");
        return this;
    }

    /** The config as YAML; more top-level sections may be appended to it. */
    public String yaml() {
        return "server:\n  host: 127.0.0.1\n  port: 0\n  ioThreads: 1\n  shutdownGrace: 200ms\n" + server
                + (upstream.length() == 0 ? "" : "upstream:\n" + upstream)
                + (providers.length() == 0 ? "" : "providers:\n" + providers);
    }

    /** The parsed and validated config. */
    public SluiceConfig build() {
        return ConfigLoader.parse(yaml(), Map.of());
    }

    /** A server running this config. */
    public SluiceServer start() throws InterruptedException {
        return SluiceServer.start(build());
    }
}
