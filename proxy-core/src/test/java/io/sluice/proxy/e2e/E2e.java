package io.sluice.proxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.TestUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Shared pieces of the end-to-end tests: configs, a plain HTTP client, JSON, polling with a deadline. */
final class E2e {

    /** The upstream credential Sluice is configured with; long enough to be partially masked. */
    static final String UPSTREAM_KEY = "sk-upstream-e2e-0123456789abcdef";

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One client per server: a client shared across tests could send a request on a pooled connection to a port that
     * a previous test's server had, and that a new server got again.
     */
    private static final Map<SluiceServer, HttpClient> CLIENTS = java.util.Collections.synchronizedMap(
            new java.util.WeakHashMap<>());

    private E2e() {
    }

    /** YAML config builder: a loopback server on a free port, one event loop, short shutdown grace. */
    static final class Config {
        private final StringBuilder server = new StringBuilder();
        private final StringBuilder upstream = new StringBuilder();
        private final StringBuilder providers = new StringBuilder();

        Config server(String key, Object value) {
            server.append("  ").append(key).append(": ").append(value).append('\n');
            return this;
        }

        Config upstream(String key, Object value) {
            upstream.append("  ").append(key).append(": ").append(value).append('\n');
            return this;
        }

        /** An openai-compatible provider relaying to {@code up}, with {@link #UPSTREAM_KEY}. */
        Config openAiCompatible(String name, TestUpstream up, String... models) {
            return openAiCompatible(name, up.port(), models);
        }

        Config openAiCompatible(String name, int port, String... models) {
            providers.append("  ").append(name).append(":\n")
                    .append("    type: openai-compatible\n")
                    .append("    baseUrl: http://127.0.0.1:").append(port).append("/v1\n")
                    .append("    apiKey: ").append(UPSTREAM_KEY).append('\n')
                    .append("    models: [").append(String.join(", ", models)).append("]\n");
            return this;
        }

        /** A provider of {@code type} (anthropic, gemini, …) relaying to {@code up} at {@code basePath}. */
        Config provider(String name, String type, TestUpstream up, String basePath, String... models) {
            providers.append("  ").append(name).append(":\n")
                    .append("    type: ").append(type).append('\n')
                    .append("    baseUrl: http://127.0.0.1:").append(up.port()).append(basePath).append('\n')
                    .append("    apiKey: ").append(UPSTREAM_KEY).append('\n')
                    .append("    models: [").append(String.join(", ", models)).append("]\n");
            return this;
        }

        /** Provider entries as YAML lines, indented two spaces (a name line, then its keys). */
        Config providersYaml(String yaml) {
            providers.append(yaml);
            return this;
        }

        /** The built-in mock, streaming as fast as the client reads. */
        Config mock() {
            providers.append("  mock:\n    type: mock\n    mock: { chunkDelay: 0ms, chunkWords: 1 }\n");
            return this;
        }

        String yaml() {
            return "server:\n  host: 127.0.0.1\n  port: 0\n  ioThreads: 1\n  shutdownGrace: 200ms\n" + server
                    + (upstream.length() == 0 ? "" : "upstream:\n" + upstream)
                    + (providers.length() == 0 ? "" : "providers:\n" + providers);
        }

        SluiceConfig build() {
            return ConfigLoader.parse(yaml(), Map.of());
        }

        SluiceServer start() throws InterruptedException {
            return SluiceServer.start(build());
        }
    }

    static Config config() {
        return new Config();
    }

    static HttpClient http(SluiceServer s) {
        return CLIENTS.computeIfAbsent(s, k -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build());
    }

    static String base(SluiceServer s) {
        return "http://127.0.0.1:" + s.localAddress().getPort();
    }

    static HttpResponse<String> get(SluiceServer s, String path) throws IOException, InterruptedException {
        return http(s).send(HttpRequest.newBuilder(URI.create(base(s) + path)).timeout(Duration.ofSeconds(10)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(SluiceServer s, String path, String json)
            throws IOException, InterruptedException {
        return http(s).send(HttpRequest.newBuilder(URI.create(base(s) + path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> chat(SluiceServer s, String json) throws IOException, InterruptedException {
        return post(s, "/v1/chat/completions", json);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** A chat request body. */
    static String chatBody(String model, boolean stream, String userText) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + userText + "\"}]}";
    }

    /** Polls {@code condition} every 10 ms until it holds; fails with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** A port nothing listens on (bound once, then released). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
