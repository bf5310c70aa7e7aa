package io.sluice.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    private static final String CONFIG = """
            server:
              port: 4100
            providersFromEnv: false
            providers:
              mock:
                type: mock
              openai:
                type: openai
                enabled: false
                apiKeys: [sk-proj-0123456789abcd]
                models: [gpt-4o, gpt-4o-mini]
              local:
                type: openai-compatible
                baseUrl: http://127.0.0.1:8080/v1/
                apiKeys: ["local-key-0123456789wxyz", "tiny"]
                models: [llama-3]
                headers: { X-Custom: foo }
            """;

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(tmp.resolve(name), yaml);
    }

    @Test
    void checkConfigPrintsASummaryWithMaskedKeys() throws IOException {
        Path file = write("sluice.yaml", CONFIG);

        assertThat(run("check-config", "-c", file.toString())).isEqualTo(0);

        assertThat(err()).isEmpty();
        assertThat(out().lines()).contains(
                "Config OK: " + file,
                "providers: 3 (2 enabled)",
                "  mock    type mock, enabled, models echo, lorem, chunkDelay 20ms, chunkWords 1",
                "  openai  type openai, disabled, baseUrl https://api.openai.com/v1, keys 1 [sk-...abcd], "
                        + "models gpt-4o, gpt-4o-mini",
                "  local   type openai-compatible, enabled, baseUrl http://127.0.0.1:8080/v1, "
                        + "keys 2 [loc...wxyz, ****], headers X-Custom, models llama-3");
        assertThat(out()).contains("server:   127.0.0.1:4100, maxBodyBytes 33554432")
                .contains("upstream: connectTimeout 10s, firstByteTimeout 2m, idleTimeout 5m")
                .doesNotContain("0123456789")
                .doesNotContain("tiny")
                .doesNotContain("foo")
                .doesNotContain("warning");
    }

    @Test
    void checkConfigWarnsAboutLikelyMistakes() throws IOException {
        Path file = write("sluice.yaml", """
                upstream: { insecureTls: true }
                providers:
                  openai: { apiKeys: ["${SLUICE_TEST_SURELY_UNSET_VARIABLE}"] }
                """);
        assertThat(run("check-config", "--config", file.toString())).isEqualTo(0);
        assertThat(out().lines()).contains(
                "warning: provider openai is enabled but has no apiKeys (unset variable?)",
                "warning: upstream.insecureTls is true: provider certificates are not checked");

        out.reset();
        Path empty = write("empty.yaml", "");
        assertThat(run("check-config", "-c", empty.toString())).isEqualTo(0);
        assertThat(out().lines()).contains("providers: 0 (0 enabled)",
                "warning: no provider is enabled: every model request will fail");
    }

    @Test
    void checkConfigShowsTheOutboundProxyWithItsPasswordMasked() throws IOException {
        Path file = write("proxy.yaml", "providersFromEnv: false\nupstream:\n  proxy: http://bob:hunter2-secret@proxy"
                + ".corp:3128\n  noProxy: [localhost, .internal]\nproviders:\n  local: {type: openai-compatible, "
                + "baseUrl: \"http://127.0.0.1:8080/v1\", proxy: none}\n");
        assertThat(run("check-config", "-c", file.toString())).isEqualTo(0);
        assertThat(out().lines()).contains("proxy:    upstream.proxy http://bob:****@proxy.corp:3128;"
                + " noProxy localhost, .internal; local none");
        assertThat(out()).doesNotContain("hunter2");

        out.reset();
        Path bad = write("bad-proxy.yaml", "upstream:\n  proxy: ftp://bob:hunter2-secret@proxy.corp\n");
        assertThat(run("check-config", "-c", bad.toString())).isEqualTo(2);
        assertThat(err()).startsWith("sluice: " + bad + ": upstream.proxy: \"ftp://****@proxy.corp\" (expected: ")
                .doesNotContain("hunter2");
    }

    @Test
    void checkConfigReportsErrorsWithoutStackTrace() throws IOException {
        Path file = write("bad.yaml", "server:\n  port: 70000\n");

        assertThat(run("check-config", "-c", file.toString())).isEqualTo(2);

        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("sluice: " + file + ": server.port: 70000 (expected: 0..65535)"
                + System.lineSeparator());
    }

    @Test
    void checkConfigRefusesAnOpenRelayAndShowsAccessWithoutKeys() throws IOException {
        Path open = write("open.yaml", "server:\n  host: 0.0.0.0\nprovidersFromEnv: false\n");
        assertThat(run("check-config", "-c", open.toString())).isEqualTo(2);
        assertThat(err()).startsWith("sluice: " + open + ": access: server.host 0.0.0.0 is reachable from other"
                + " machines but no client keys are configured");
        assertThat(run("serve", "-c", open.toString(), "--port", "0")).isEqualTo(2);

        out.reset();
        Path keyed = write("keyed.yaml", "server:\n  host: 0.0.0.0\nprovidersFromEnv: false\naccess:\n  clientKeys:\n"
                + "    team: {key: sk-team-0123456789abcdef, models: [gpt-4o], rateLimit: 60}\n"
                + "    ci: sk-ci-0123456789abcdefgh\n"
                + "  ipAllow: [10.0.0.0/8]\n");
        assertThat(run("check-config", "-c", keyed.toString())).isEqualTo(0);
        assertThat(out().lines()).contains("access:   client keys team (1 model, 60/min), ci; ipAllow 10.0.0.0/8;"
                + " ipDeny none");
        assertThat(out()).doesNotContain("0123456789");
    }

    @Test
    void unknownKeyIsAConfigError() throws IOException {
        Path file = write("typo.yaml", "server:\n  prot: 4000\n");
        assertThat(run("check-config", "-c", file.toString())).isEqualTo(2);
        assertThat(err()).startsWith("sluice: " + file + ": server.prot: unknown key (did you mean port?");
    }

    @Test
    void errorsAboutKeysAreMasked() throws IOException {
        Path file = write("key.yaml", "providers:\n  openai:\n    apiKeys: [sk-proj-0123456789abcd, "
                + "sk-proj-0123456789abcd]\n");
        assertThat(run("check-config", "-c", file.toString())).isEqualTo(2);
        assertThat(err()).contains("providers.openai.apiKeys[1]: \"sk-...abcd\" (expected: unique keys)")
                .doesNotContain("0123456789");
    }

    @Test
    void missingConfigFileIsAConfigError() {
        Path missing = tmp.resolve("nope.yaml");
        assertThat(run("check-config", "-c", missing.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("sluice: " + missing + ": no such file" + System.lineSeparator());
    }

    @Test
    void invalidYamlIsAConfigError() throws IOException {
        Path file = write("broken.yaml", "server:\n  port: [\n");
        assertThat(run("check-config", "-c", file.toString())).isEqualTo(2);
        assertThat(err()).startsWith("sluice: " + file + ": invalid YAML at line ")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void modelsListsEnabledProvidersModels() throws IOException {
        Path file = write("sluice.yaml", CONFIG);

        assertThat(run("models", "-c", file.toString())).isEqualTo(0);

        assertThat(out().lines()).containsExactly("mock/echo", "mock/lorem", "ext-local-llama-3");
        assertThat(err()).isEmpty();
    }

    @Test
    void modelsAllIncludesDisabledProviders() throws IOException {
        Path file = write("sluice.yaml", CONFIG);
        assertThat(run("models", "--all", "-c", file.toString())).isEqualTo(0);
        assertThat(out().lines())
                .containsExactly("mock/echo", "mock/lorem", "ext-openai-gpt-4o", "ext-openai-gpt-4o-mini",
                        "ext-local-llama-3");
    }

    @Test
    void modelsReportsConfigErrors() throws IOException {
        Path file = write("bad.yaml", "providers:\n  x:\n    type: bedrock\n");
        assertThat(run("models", "-c", file.toString())).isEqualTo(2);
        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("sluice: " + file
                + ": providers.x.type: \"bedrock\" (expected: one of mock, openai, anthropic, gemini, azure, ollama, "
                + "openrouter, xai, litellm, github-models, github-copilot, claude-code, cursor-agent, lead-worker, "
                + "openai-compatible, anthropic-compatible)"
                + System.lineSeparator());
    }

    @Test
    void serveReportsConfigErrorsBeforeStarting() throws IOException {
        Path file = write("bad.yaml", "server:\n  readTimeout: soon\n");
        assertThat(run("serve", "-c", file.toString())).isEqualTo(2);
        assertThat(err()).startsWith("sluice: " + file + ": server.readTimeout: \"soon\" (expected: a duration");
    }

    @Test
    void aPortInUseIsOneLineAndExitsOne() throws IOException {
        Path file = write("sluice.yaml", "server: {host: 127.0.0.1, ioThreads: 1}\nprovidersFromEnv: false\n"
                + "providers:\n  mock: {}\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThat(run("serve", "-c", file.toString(), "--port", String.valueOf(port))).isEqualTo(1);
            assertThat(err()).isEqualTo("sluice: cannot listen on 127.0.0.1:" + port + ": the port is already in use"
                    + " (expected: a free port in server.port or --port)" + System.lineSeparator());
        }
    }

    @Test
    void anUnusableUsageFileFailsCheckConfigAndServeAlike() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("usage-dir"));
        Path notADir = write("plain.txt", "x");
        String[][] cases = {
            {dir.toString(), "\"" + dir + "\" is a directory (expected: a file Sluice can create or append to)"},
            {notADir.resolve("sub/usage.jsonl").toString(), "cannot be created: " + notADir + " is not a directory"},
        };
        for (String[] c : cases) {
            Path file = write("sluice.yaml", "providersFromEnv: false\nusage: {file: \"" + c[0] + "\"}\n"
                    + "providers:\n  mock: {}\n");
            for (String command : new String[] {"check-config", "serve"}) {
                out.reset();
                err.reset();
                assertThat(run(command, "-c", file.toString())).as(command + " " + c[0]).isEqualTo(2);
                assertThat(err()).as(command).startsWith("sluice: " + file + ": usage.file: ").contains(c[1])
                        .doesNotContain("\tat ").hasLineCount(1);
            }
        }
        // A usage file whose directory can be created is fine.
        Path ok = write("sluice.yaml", "providersFromEnv: false\nusage: {file: \"" + tmp.resolve("new/usage.jsonl")
                + "\"}\nproviders:\n  mock: {}\n");
        out.reset();
        assertThat(run("check-config", "-c", ok.toString())).isZero();
    }

    @Test
    void anAdminKeyThatIsAlsoAClientKeyIsRefused() throws IOException {
        Path file = write("sluice.yaml", "server: {adminKey: sk-same-0123456789abcdef}\nproviders:\n  mock: {}\n"
                + "access:\n  clientKeys: {team: sk-same-0123456789abcdef}\n");
        assertThat(run("check-config", "-c", file.toString())).isEqualTo(2);
        assertThat(err()).contains("access.clientKeys.team: the same key as server.adminKey")
                .doesNotContain("sk-same-0123456789abcdef");
    }

    @Test
    void servePortOverrideIsValidated() throws IOException {
        Path file = write("sluice.yaml", "");
        assertThat(run("serve", "-c", file.toString(), "--port", "70000")).isEqualTo(2);
        assertThat(err()).isEqualTo("sluice: --port: 70000 (expected: 0..65535)" + System.lineSeparator());
    }

    @Test
    void nonNumericPortIsAUsageError() throws IOException {
        Path file = write("sluice.yaml", "");
        assertThat(run("serve", "-c", file.toString(), "--port", "http")).isEqualTo(2);
        assertThat(err()).contains("--port").contains("http");
    }

    @Test
    void versionAndHelp() {
        assertThat(run("--version")).isEqualTo(0);
        assertThat(out()).startsWith("sluice ");

        out.reset();
        assertThat(run("-h")).isEqualTo(0);
        assertThat(out()).contains("Usage: sluice").contains("serve").contains("check-config").contains("models");

        out.reset();
        assertThat(run("serve", "--help")).isEqualTo(0);
        assertThat(out()).contains("Usage: sluice serve").contains("--config=<file>").contains("--port=N")
                .contains("--host=H");
    }

    @Test
    void missingOrUnknownSubcommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("Missing required subcommand").contains("Usage: sluice");

        err.reset();
        assertThat(run("serv")).isEqualTo(2);
        assertThat(err()).contains("serv");
    }
}
