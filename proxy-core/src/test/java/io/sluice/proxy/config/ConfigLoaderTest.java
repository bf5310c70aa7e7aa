package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    /** The root keys as error messages list them (the list grows with the config). */
    private static final String ROOTS = String.join(", ", ConfigLoader.ROOT_KEYS);

    private static final String EXAMPLE = """
            server:
              host: 127.0.0.1
              port: 4000
              maxBodyBytes: 33554432
              readTimeout: 60s
              idleTimeout: 120s
            upstream:
              connectTimeout: 10s
              firstByteTimeout: 120s
              idleTimeout: 300s
            providers:
              mock:
                type: mock
                mock: { chunkDelay: 20ms, chunkWords: 1 }
              openai:
                type: openai
                enabled: ${OPENAI_ENABLED:-false}
                apiKeys: [ "${OPENAI_API_KEY}" ]
                models: [gpt-4o, gpt-4o-mini]
              local:
                type: openai-compatible
                baseUrl: http://127.0.0.1:8080/v1
                headers: { X-Custom: foo }
            """;

    @TempDir
    Path tmp;

    private static SluiceConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertError(String yaml) {
        return assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class);
    }

    // --- shapes and defaults ---

    @ParameterizedTest
    @ValueSource(strings = {"", "# only a comment\n", "---\n", "server:\nupstream:\nproviders:\n", "{}"})
    void emptyDocumentsGiveDefaults(String yaml) {
        assertThat(parse(yaml)).isEqualTo(SluiceConfig.defaults());
    }

    @Test
    void defaultsAreTheNamedConstants() {
        ServerConfig s = ServerConfig.defaults();
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(4000);
        assertThat(s.maxBodyBytes()).isEqualTo(32 * 1024 * 1024);
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(s.ioThreads()).isZero();
        assertThat(s.effectiveIoThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxHeaderBytes()).isEqualTo(16384);

        UpstreamConfig u = UpstreamConfig.defaults();
        assertThat(u.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(u.firstByteTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(u.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(u.maxConnectionsPerOrigin()).isEqualTo(256);
        assertThat(u.poolIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(u.insecureTls()).isFalse();
    }

    @Test
    void readsTheDocumentedExample() {
        SluiceConfig config = ConfigLoader.parse(EXAMPLE, Map.of());

        assertThat(config.server()).isEqualTo(ServerConfig.defaults());
        assertThat(config.upstream()).isEqualTo(UpstreamConfig.defaults());
        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("mock", "openai", "local");

        ProviderConfig mock = config.provider("mock").orElseThrow();
        assertThat(mock.type()).isEqualTo("mock");
        assertThat(mock.models()).containsExactly("echo", "lorem");
        assertThat(mock.mock()).isEqualTo(new MockSettings(Duration.ofMillis(20), 1));
        assertThat(mock.baseUrl()).isNull();
        assertThat(mock.enabled()).isTrue();

        ProviderConfig openai = config.provider("openai").orElseThrow();
        assertThat(openai.enabled()).isFalse();
        assertThat(openai.apiKeys()).isEmpty(); // unset ${OPENAI_API_KEY} is dropped
        assertThat(openai.baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(openai.models()).containsExactly("gpt-4o", "gpt-4o-mini");
        assertThat(openai.mock()).isNull();

        ProviderConfig local = config.provider("local").orElseThrow();
        assertThat(local.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/v1"));
        assertThat(local.headers()).containsExactly(Map.entry("X-Custom", "foo"));
        assertThat(local.models()).isEmpty();
        assertThat(local.apiKeys()).isEmpty();

        assertThat(config.enabledProviders()).extracting(ProviderConfig::name).containsExactly("mock", "local");
        assertThat(config.provider("nope")).isEmpty();
    }

    @Test
    void exampleWithEnvironmentEnablesOpenAi() {
        SluiceConfig config = ConfigLoader.parse(EXAMPLE,
                Map.of("OPENAI_ENABLED", "true", "OPENAI_API_KEY", "sk-proj-0123456789abcd"));
        ProviderConfig openai = config.provider("openai").orElseThrow();
        assertThat(openai.enabled()).isTrue();
        assertThat(openai.apiKeys()).containsExactly("sk-proj-0123456789abcd");
    }

    @Test
    void readsEveryKey() {
        SluiceConfig config = parse("""
                server:
                  host: 0.0.0.0
                  port: 0
                  maxBodyBytes: 1024
                  readTimeout: 250ms
                  idleTimeout: 5m
                  ioThreads: 2
                  shutdownGrace: 0
                  maxHeaderBytes: 8192
                upstream:
                  connectTimeout: 1s
                  firstByteTimeout: 2s
                  idleTimeout: 1h
                  maxConnectionsPerOrigin: 8
                  poolIdleTimeout: 1500
                  insecureTls: true
                providers:
                  fake:
                    type: mock
                    enabled: false
                    models: [a, b/c]
                    mock: { chunkDelay: 0, chunkWords: 3 }
                  up:
                    type: openai-compatible
                    baseUrl: https://llm.internal:8443/api/v1/
                    apiKeys: [k-0123456789ab, "", k-0123456789cd]
                    headers:
                      X-A: "1"
                      X-B: 2
                """);
        assertThat(config.server()).isEqualTo(new ServerConfig("0.0.0.0", 0, 1024, Duration.ofMillis(250),
                Duration.ofMinutes(5), 2, Duration.ZERO, 8192));
        assertThat(config.upstream()).isEqualTo(new UpstreamConfig(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofHours(1), 8, Duration.ofMillis(1500), true));
        assertThat(config.providers()).containsExactly(
                new ProviderConfig("fake", "mock", null, List.of(), List.of("a", "b/c"), Map.of(), false,
                        new MockSettings(Duration.ZERO, 3)),
                new ProviderConfig("up", "openai-compatible", URI.create("https://llm.internal:8443/api/v1"),
                        List.of("k-0123456789ab", "k-0123456789cd"), List.of(), Map.of("X-A", "1", "X-B", "2"),
                        true, null, null, List.of("apiKeys[0]", "apiKeys[2]"), null, null));
    }

    @Test
    void keepsProviderAndHeaderOrder() {
        SluiceConfig config = parse("""
                providers:
                  zeta: { type: mock }
                  alpha: { type: mock }
                  mid:
                    type: openai
                    headers: { Z: "1", A: "2", M: "3" }
                """);
        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("zeta", "alpha", "mid");
        assertThat(config.provider("mid").orElseThrow().headers().keySet()).containsExactly("Z", "A", "M");
    }

    @Test
    void emptyProvidersMapIsValid() {
        assertThat(parse("providers: {}\n").providers()).isEmpty();
    }

    @Test
    void providerNamedAfterATypeGetsThatType() {
        SluiceConfig config = parse("providers:\n  mock:\n  openai: {}\n");
        assertThat(config.provider("mock").orElseThrow().type()).isEqualTo("mock");
        assertThat(config.provider("openai").orElseThrow().type()).isEqualTo("openai");
    }

    @Test
    void apiKeyIsShorthandForApiKeys() {
        SluiceConfig config = parse("providers:\n  openai:\n    apiKey: sk-proj-0123456789abcd\n");
        assertThat(config.provider("openai").orElseThrow().apiKeys()).containsExactly("sk-proj-0123456789abcd");
    }

    @Test
    void unsetApiKeyShorthandGivesNoKeys() {
        assertThat(parse("providers:\n  openai:\n    apiKey: ${NOPE}\n").providers().get(0).apiKeys()).isEmpty();
        assertThat(parse("providers:\n  openai:\n    apiKey:\n").providers().get(0).apiKeys()).isEmpty();
    }

    // --- environment substitution ---

    @Test
    void substitutesBeforeTypeConversion() {
        String yaml = """
                server:
                  host: ${HOST:-localhost}
                  port: ${PORT:-4000}
                  readTimeout: ${READ:-5s}
                upstream:
                  insecureTls: ${INSECURE:-false}
                providers:
                  mock:
                    enabled: ${MOCK:-true}
                    mock: { chunkWords: "${WORDS:-2}" }
                """;
        SluiceConfig defaults = ConfigLoader.parse(yaml, Map.of());
        assertThat(defaults.server().host()).isEqualTo("localhost");
        assertThat(defaults.server().port()).isEqualTo(4000);
        assertThat(defaults.server().readTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.upstream().insecureTls()).isFalse();
        assertThat(defaults.providers().get(0).enabled()).isTrue();
        assertThat(defaults.providers().get(0).mock().chunkWords()).isEqualTo(2);

        SluiceConfig set = ConfigLoader.parse(yaml, Map.of("HOST", "0.0.0.0", "PORT", "9000", "READ", "1m",
                "INSECURE", "TRUE", "MOCK", "False", "WORDS", "5"));
        assertThat(set.server().host()).isEqualTo("0.0.0.0");
        assertThat(set.server().port()).isEqualTo(9000);
        assertThat(set.server().readTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(set.upstream().insecureTls()).isTrue();
        assertThat(set.providers().get(0).enabled()).isFalse();
        assertThat(set.providers().get(0).mock().chunkWords()).isEqualTo(5);
    }

    @Test
    void substitutesInsideStringsListsAndHeaders() {
        SluiceConfig config = ConfigLoader.parse("""
                providers:
                  up:
                    type: openai-compatible
                    baseUrl: http://${UP_HOST}:${UP_PORT:-8080}/v1
                    apiKeys: ["${KEY1}", "${KEY2}", "${KEY3}"]
                    models: ["${MODEL:-llama}"]
                    headers:
                      Authorization: Bearer ${TOKEN}
                """, Map.of("UP_HOST", "gpu1", "KEY1", "key-0123456789ab", "KEY3", "key-0123456789cd",
                "TOKEN", "t0k3n"));
        ProviderConfig up = config.providers().get(0);
        assertThat(up.baseUrl()).isEqualTo(URI.create("http://gpu1:8080/v1"));
        assertThat(up.apiKeys()).containsExactly("key-0123456789ab", "key-0123456789cd");
        assertThat(up.models()).containsExactly("llama");
        assertThat(up.headers()).containsEntry("Authorization", "Bearer t0k3n");
    }

    @Test
    void unsetVariableWithoutDefaultIsEmptyNotAbsent() {
        // "port: ${PORT}" with PORT unset is an empty string, not 0.
        assertError("server:\n  port: ${PORT}\n").hasMessage("server.port: \"\" (expected: an integer)");
    }

    @Test
    void doesNotSubstituteInKeys() {
        assertError("server:\n  ${KEY}: 1\n").hasMessageStartingWith("server.${KEY}: unknown key");
    }

    @Test
    void malformedReferenceNamesThePath() {
        assertError("providers:\n  up:\n    type: openai-compatible\n    baseUrl: \"http://${HOST\"\n")
                .hasMessage("providers.up.baseUrl: \"http://${HOST\" (expected: ${VAR} or ${VAR:-default} "
                        + "with VAR like [A-Za-z_][A-Za-z0-9_]*)");
        assertError("providers:\n  openai:\n    models: [a, \"${}\"]\n")
                .hasMessageStartingWith("providers.openai.models[1]: \"${}\" (expected: ${VAR}");
    }

    // --- conversion errors ---

    @Test
    void rejectsNonIntegers() {
        assertError("server:\n  port: abc\n").hasMessage("server.port: \"abc\" (expected: an integer)");
        assertError("server:\n  port: 40.5\n").hasMessage("server.port: 40.5 (expected: an integer)");
        assertError("server:\n  port: 99999999999\n").hasMessage("server.port: 99999999999 (expected: an integer)");
        assertError("server:\n  port: [1]\n").hasMessage("server.port: a list (expected: an integer)");
        assertError("server:\n  maxBodyBytes: 32MiB\n")
                .hasMessage("server.maxBodyBytes: \"32MiB\" (expected: an integer)");
    }

    @Test
    void rejectsNonBooleans() {
        assertError("upstream:\n  insecureTls: maybe\n")
                .hasMessage(
                        "upstream.insecureTls: \"maybe\" (expected: true or false; 1/0, yes/no and on/off also work)");
        assertError("providers:\n  mock:\n    enabled: 2\n")
                .hasMessage("providers.mock.enabled: 2 (expected: true or false; 1/0, yes/no and on/off also work)");
        // The seeds write FOO_ENABLED=1; "enabled: ${FOO_ENABLED}" must take it.
        assertThat(ConfigLoader.parse("providers:\n  mock:\n    enabled: \"1\"\n", Map.of()).providers().get(0)
                .enabled()).isTrue();
        assertThat(ConfigLoader.parse("providers:\n  mock:\n    enabled: off\n", Map.of()).providers().get(0)
                .enabled()).isFalse();
    }

    @Test
    void rejectsBadDurations() {
        assertError("server:\n  readTimeout: 30 seconds\n").hasMessage(
                "server.readTimeout: \"30 seconds\" (expected: a duration like 250ms, 30s, 5m, 1h, or integer "
                        + "milliseconds)");
        assertError("upstream:\n  connectTimeout: 1.5s\n")
                .hasMessageStartingWith("upstream.connectTimeout: \"1.5s\" (expected: a duration like");
        assertError("providers:\n  mock:\n    mock: { chunkDelay: {} }\n")
                .hasMessageStartingWith("providers.mock.mock.chunkDelay: a mapping (expected: a duration like");
    }

    @Test
    void acceptsBareIntegerDurationsAsMilliseconds() {
        assertThat(parse("server:\n  readTimeout: 1500\n").server().readTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(parse("server:\n  readTimeout: '1500'\n").server().readTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void rejectsWrongShapes() {
        assertError("- a\n- b\n").hasMessage("(root): a list (expected: a mapping with keys " + ROOTS + ")");
        assertError("just text\n")
                .hasMessage("(root): \"just text\" (expected: a mapping with keys " + ROOTS + ")");
        assertError("server: 4000\n").hasMessage("server: 4000 (expected: a mapping with keys host, port, "
                + "maxBodyBytes, readTimeout, idleTimeout, ioThreads, shutdownGrace, maxHeaderBytes, adminKey, "
                + "maxConnections, cors)");
        assertError("providers:\n  - mock\n")
                .hasMessage("providers: a list (expected: a mapping of provider name to settings)");
        assertError("providers:\n  mock: yes-please\n")
                .hasMessageStartingWith("providers.mock: \"yes-please\" (expected: a mapping with keys type, baseUrl,");
        assertError("providers:\n  openai:\n    apiKeys: sk-0123456789abcd\n") // masked: it is a key
                .hasMessage("providers.openai.apiKeys: \"sk-...abcd\" (expected: a list of strings)");
        assertError("providers:\n  openai:\n    models: [[a]]\n")
                .hasMessage("providers.openai.models[0]: a list (expected: a string)");
        assertError("providers:\n  openai:\n    headers: [a]\n")
                .hasMessage("providers.openai.headers: a list (expected: a mapping of names to values)");
        assertError("providers:\n  openai:\n    headers: { X-A: { b: c } }\n")
                .hasMessage("providers.openai.headers.X-A: a mapping (expected: a string)");
        assertError("server:\n  host: [a]\n").hasMessage("server.host: a list (expected: a string)");
    }

    // --- unknown and duplicate keys ---

    @Test
    void corsOriginsFromTheFileElseTheEnvironment() {
        assertThat(parse("").server().cors().enabled()).isFalse();
        CorsConfig file = parse("server:\n  cors:\n    origins: [\"HTTPS://App.Example.com\", \"http://localhost:5173\"]\n"
                + "    allowHeaders: [authorization, content-type]\n    maxAge: 1h\n").server().cors();
        assertThat(file.origins()).containsExactly("https://app.example.com", "http://localhost:5173");
        assertThat(file.allowHeaders()).containsExactly("authorization", "content-type");
        assertThat(file.maxAge()).hasHours(1);
        Map<String, String> env = Map.of("SLUICE_CORS_ORIGINS", " https://a.example.com , * ");
        assertThat(ConfigLoader.parse("", env).server().cors().origins()).containsExactly("https://a.example.com", "*");
        assertThat(ConfigLoader.parse("", env).server().cors().anyOrigin()).isTrue();
        assertThat(ConfigLoader.parse("server:\n  cors: {origins: [\"https://b.example.com\"]}\n", env).server().cors()
                .origins()).containsExactly("https://b.example.com");
        assertError("server:\n  cors: {origins: [\"https://app.example.com/\"]}\n")
                .hasMessage("server.cors.origins[0]: \"https://app.example.com/\" (expected: an origin like "
                        + "https://app.example.com or http://localhost:5173 (no path), or *)");
        assertError("server:\n  cors: {origns: [x]}\n")
                .hasMessageStartingWith("server.cors.origns: unknown key (did you mean origins?");
        assertError("server:\n  cors: {allowHeaders: [\"bad header\"]}\n")
                .hasMessageStartingWith("server.cors.allowHeaders[0]: ");
        assertThatThrownBy(() -> ConfigLoader.parse("", Map.of("SLUICE_CORS_ORIGINS", "app.example.com")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("environment (SLUICE_CORS_ORIGINS): ");
    }

    @Test
    void unknownKeySuggestsTheClosestAllowedKey() {
        assertError("server:\n  prot: 4000\n").hasMessage("server.prot: unknown key (did you mean port? expected one "
                + "of: host, port, maxBodyBytes, readTimeout, idleTimeout, ioThreads, shutdownGrace, maxHeaderBytes, "
                + "adminKey, maxConnections, cors)");
        assertError("upstream:\n  connectTimout: 1s\n")
                .hasMessageStartingWith("upstream.connectTimout: unknown key (did you mean connectTimeout? expected");
        assertError("providers:\n  openai:\n    apikeys: [x]\n")
                .hasMessageStartingWith("providers.openai.apikeys: unknown key (did you mean apiKeys? expected");
        assertError("providers:\n  mock:\n    mock: { delay: 1s }\n")
                .hasMessage("providers.mock.mock.delay: unknown key (expected one of: chunkDelay, chunkWords)");
        assertError("sever:\n  port: 1\n")
                .hasMessage("sever: unknown key (did you mean server? expected one of: " + ROOTS + ")");
        assertError("listen: 1\n")
                .hasMessage("listen: unknown key (expected one of: " + ROOTS + ")");
    }

    @Test
    void duplicateKeysAreErrorsNotOverrides() {
        assertError("server:\n  port: 1\n  port: 2\n")
                .hasMessageStartingWith("invalid YAML at line 3, column ")
                .hasMessageContaining("Duplicate field 'port'");
        assertError("providers:\n  a: { type: mock }\n  a: { type: mock }\n")
                .hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertError("server:\n  port: 1\n bad indent: [\n").hasMessageStartingWith("invalid YAML at line ");
        assertError("providers:\n  openai:\n    apiKeys: [ ${KEY} ]\n").hasMessage("invalid YAML at line 3, "
                + "column 17: expected ',' or ']', but got { (while parsing a flow sequence)");
    }

    @Test
    void syntaxErrorsDoNotEchoTheSource() {
        assertError("providers:\n  openai:\n    apiKey: sk-proj-0123456789abcd\n   bad: [\n")
                .message().doesNotContain("0123456789").doesNotContain("\n");
    }

    // --- record validation, reported with the full path ---

    @Test
    void serverValidationNamesTheKeyAndRange() {
        assertError("server:\n  port: 70000\n").hasMessage("server.port: 70000 (expected: 0..65535)");
        assertError("server:\n  port: -1\n").hasMessage("server.port: -1 (expected: 0..65535)");
        assertError("server:\n  host: ''\n").hasMessage("server.host: \"\" (expected: a host name or IP address)");
        assertError("server:\n  host: ${HOST}\n").hasMessage("server.host: \"\" (expected: a host name or IP address)");
        assertError("server:\n  maxBodyBytes: 0\n").hasMessage("server.maxBodyBytes: 0 (expected: >= 1)");
        assertError("server:\n  readTimeout: 0s\n").hasMessage("server.readTimeout: 0ms (expected: > 0)");
        assertError("server:\n  idleTimeout: 0\n").hasMessage("server.idleTimeout: 0ms (expected: > 0)");
        assertError("server:\n  ioThreads: -1\n").hasMessage("server.ioThreads: -1 (expected: 0..1024)");
        assertError("server:\n  ioThreads: 5000\n").hasMessage("server.ioThreads: 5000 (expected: 0..1024)");
        assertError("server:\n  maxHeaderBytes: 0\n").hasMessage("server.maxHeaderBytes: 0 (expected: >= 1)");
    }

    @Test
    void upstreamValidationNamesTheKey() {
        assertError("upstream:\n  connectTimeout: 0\n").hasMessage("upstream.connectTimeout: 0ms (expected: > 0)");
        assertError("upstream:\n  firstByteTimeout: 0s\n").hasMessage("upstream.firstByteTimeout: 0ms (expected: > 0)");
        assertError("upstream:\n  idleTimeout: 0m\n").hasMessage("upstream.idleTimeout: 0ms (expected: > 0)");
        assertError("upstream:\n  poolIdleTimeout: 0h\n").hasMessage("upstream.poolIdleTimeout: 0ms (expected: > 0)");
        assertError("upstream:\n  maxConnectionsPerOrigin: 0\n")
                .hasMessage("upstream.maxConnectionsPerOrigin: 0 (expected: >= 1)");
    }

    @Test
    void mockValidationNamesTheKey() {
        assertError("providers:\n  mock:\n    mock: { chunkWords: 0 }\n")
                .hasMessage("providers.mock.mock.chunkWords: 0 (expected: >= 1)");
    }

    @Test
    void providerValidationNamesTheProvider() {
        assertError("providers:\n  openai:\n    baseUrl: ftp://x\n")
                .hasMessage("providers.openai.baseUrl: \"ftp://x\" (expected: http or https URL)");
        assertError("providers:\n  openai:\n    baseUrl: \"http://a b\"\n")
                .hasMessage("providers.openai.baseUrl: \"http://a b\" (expected: http or https URL)");
        assertError("providers:\n  local:\n    type: openai-compatible\n").hasMessage(
                "providers.local.baseUrl: missing (expected: http or https URL, required for type openai-compatible)");
        assertError("providers:\n  x:\n    type: bedrock\n")
                .hasMessage("providers.x.type: \"bedrock\" (expected: one of mock, openai, anthropic, gemini, azure, "
                        + "ollama, openrouter, xai, litellm, github-models, github-copilot, claude-code, cursor-agent, "
                        + "lead-worker, openai-compatible, anthropic-compatible)");
        assertError("providers:\n  x: {}\n")
                .hasMessage("providers.x.type: missing (expected: one of mock, openai, anthropic, gemini, azure, "
                        + "ollama, openrouter, xai, litellm, github-models, github-copilot, claude-code, cursor-agent, "
                        + "lead-worker, openai-compatible, anthropic-compatible)");
        assertError("providers:\n  claude:\n    type: anthropic-compatible\n").hasMessage(
                "providers.claude.baseUrl: missing (expected: http or https URL, required for type "
                        + "anthropic-compatible)");
        assertError("providers:\n  g:\n    type: gemini\n    dialect: openai\n")
                .hasMessage("providers.g.dialect: \"openai\" (expected: gemini for type gemini)");
        assertError("providers:\n  o:\n    type: openai\n    dialect: klingon\n")
                .hasMessage("providers.o.dialect: \"klingon\" (expected: one of openai, anthropic, gemini, responses)");
        assertError("providers:\n  openai:\n    mock: { chunkWords: 2 }\n")
                .hasMessage(
                        "providers.openai.mock: not allowed here (expected: only with type mock, this is type openai)");
        assertError("providers:\n  openai:\n    models: [a, a]\n")
                .hasMessage("providers.openai.models[1]: \"a\" (expected: unique model ids)");
        assertError("providers:\n  openai:\n    models: [a, '']\n")
                .hasMessage("providers.openai.models[1]: \"\" (expected: a model id without surrounding spaces)");
        assertError("providers:\n  openai:\n    headers: { Host: x }\n").hasMessage("providers.openai.headers: "
                + "\"Host\" (expected: a header the proxy does not set itself, not one of connection, "
                + "content-length, host, transfer-encoding, upgrade)");
    }

    @Test
    void apiKeyAndApiKeysTogetherIsAnError() {
        assertError("providers:\n  openai:\n    apiKey: a\n    apiKeys: [b]\n")
                .hasMessage("providers.openai.apiKey: given together with apiKeys (expected: one of apiKey, apiKeys)");
    }

    @Test
    void invalidApiKeysAreMaskedInErrors() {
        assertError("providers:\n  openai:\n    apiKeys: [\"sk-proj-01234 56789abcd\"]\n")
                .hasMessage("providers.openai.apiKeys[0]: \"sk-...abcd\" (expected: a key without whitespace or "
                        + "control characters)")
                .message().doesNotContain("01234");
        assertError("providers:\n  openai:\n    apiKeys: [sk-proj-0123456789abcd, sk-proj-0123456789abcd]\n")
                .hasMessage("providers.openai.apiKeys[1]: \"sk-...abcd\" (expected: unique keys)");
    }

    @Test
    void invalidProviderNames() {
        assertError("providers:\n  OpenAI: { type: openai }\n")
                .hasMessage("providers: \"OpenAI\" (expected: a provider name matching [a-z0-9][a-z0-9_-]*)");
        assertError("providers:\n  -x: { type: mock }\n")
                .hasMessage("providers: \"-x\" (expected: a provider name matching [a-z0-9][a-z0-9_-]*)");
        assertError("providers:\n  my provider: { type: mock }\n")
                .hasMessage("providers: \"my provider\" (expected: a provider name matching [a-z0-9][a-z0-9_-]*)");
    }

    @Test
    void validProviderNames() {
        assertThat(parse("providers:\n  a: { type: mock }\n  0-x_y: { type: mock }\n").providers())
                .extracting(ProviderConfig::name).containsExactly("a", "0-x_y");
    }

    // --- files ---

    @Test
    void loadsAFileAndPrefixesErrorsWithIt() throws IOException {
        Path good = Files.writeString(tmp.resolve("good.yaml"), "server:\n  port: ${PORT}\n");
        assertThat(ConfigLoader.load(good, Map.of("PORT", "5000")).server().port()).isEqualTo(5000);

        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "server:\n  port: 70000\n");
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(bad + ": server.port: 70000 (expected: 0..65535)");
    }

    @Test
    void missingFileIsAConfigError() {
        Path missing = tmp.resolve("missing.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void loadWithoutEnvironmentReadsDotEnvNextToTheFile() throws IOException {
        String name = "SLUICE_TEST_PORT_" + Long.toHexString(System.nanoTime()).toUpperCase(Locale.ROOT);
        Files.writeString(tmp.resolve(".env"), name + "=4321\n");
        Path file = Files.writeString(tmp.resolve("sluice.yaml"), "server:\n  port: ${" + name + "}\n");
        assertThat(ConfigLoader.load(file).server().port()).isEqualTo(4321);
    }

    // --- masking ---

    @Test
    void configToStringNeverShowsKeysOrHeaderValues() {
        SluiceConfig config = ConfigLoader.parse("""
                providers:
                  openai:
                    apiKeys: [sk-proj-0123456789abcd, short-key]
                    headers: { X-Api-Token: very-secret-token-value }
                """, Map.of());
        assertThat(config.toString())
                .contains("apiKeys=[sk-...abcd, ****]")
                .contains("headers={X-Api-Token=ver...alue}")
                .doesNotContain("0123456789")
                .doesNotContain("short-key")
                .doesNotContain("secret-token");
    }
}
