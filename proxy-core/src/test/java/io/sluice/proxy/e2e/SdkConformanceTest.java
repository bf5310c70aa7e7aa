package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.ScriptedLlm;
import io.sluice.proxy.testing.ScriptedProviders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official JS/TS client libraries (npm {@code openai}, {@code @anthropic-ai/sdk}, {@code @google/genai},
 * {@code ai} with {@code @ai-sdk/openai|anthropic|google}, LangChain JS), pinned in {@code src/test/node}'s lockfile,
 * each driven through Sluice against every provider dialect ({@link ScriptedLlm}: OpenAI chat, Anthropic, Gemini,
 * Responses), streaming and not, multi-turn and with a tool loop ({@code src/test/node/run.mjs}). Every cell must
 * pass; the matrix is written to {@code target/sdk-conformance.md} (README shows it).
 *
 * <p>Needs Node.js 20+ and npm. {@code npm ci} runs here when {@code node_modules} is missing or older than the
 * lockfile ({@code .ci/run} runs it before the build). Without Node.js the test fails under {@code CI=true} and is
 * skipped elsewhere.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SdkConformanceTest {

    static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ScriptedProviders providers;

    @BeforeAll
    static void start() throws Exception {
        providers = new ScriptedProviders();
    }

    @AfterAll
    static void stop() {
        if (providers != null) {
            providers.close();
        }
    }

    @Test
    void everyJsClientAgainstEveryProviderDialect() throws Exception {
        Path node = NodeTools.ready(NODE_DIR);
        ProcessBuilder pb = new ProcessBuilder(node.toString(), "run.mjs").directory(NODE_DIR.toFile())
                .redirectErrorStream(false);
        pb.environment().put("SLUICE_URL", Http.base(providers.sluice()));
        pb.environment().put("SLUICE_MODELS", JSON.writeValueAsString(providers.models()));
        pb.environment().put("SLUICE_EMBED_MODELS", JSON.writeValueAsString(providers.embedModels()));
        pb.environment().put("SLUICE_LISTED_IDS", JSON.writeValueAsString(providers.listedIds()));
        String only = System.getProperty("sdk.only", "");
        if (!only.isEmpty()) {
            pb.environment().put("ONLY", only);
        }
        NodeTools.Result run = NodeTools.run(pb, 480);
        List<JsonNode> cells = new ArrayList<>();
        for (String line : run.stdout().split("\n")) {
            if (line.startsWith("{")) {
                cells.add(JSON.readTree(line));
            }
        }
        String matrix = Matrix.markdown(cells, List.copyOf(providers.models().keySet()));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/sdk-conformance.md"), matrix, StandardCharsets.UTF_8);
        System.out.println(matrix);
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cells) {
            if (!c.path("ok").asBoolean()) {
                failures.add(c.path("cell").asText() + ": " + c.path("error").asText());
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cells.size() + " cells failed:\n" + String.join("\n", failures)
                    + "\n--- stderr ---\n" + tail(run.stderr()));
        }
        assertThat(run.exitCode()).as("node exit; stderr:\n" + tail(run.stderr())).isZero();
        assertThat(cells).as("cells run").hasSizeGreaterThanOrEqualTo(only.isEmpty() ? 150 : 1);
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : "…" + s.substring(s.length() - 4000);
    }

    /** Node.js and the lockfile's packages. */
    static final class NodeTools {
        record Result(int exitCode, String stdout, String stderr) {
        }

        static Path ready(Path dir) throws IOException, InterruptedException {
            Path node = which("node");
            Path npm = which("npm");
            if (node == null || npm == null) {
                if ("true".equals(System.getenv("CI"))) {
                    fail("Node.js and npm are needed for the SDK conformance suite (apt-get install nodejs npm)");
                }
                Assumptions.abort("no node/npm on PATH: the JS SDK conformance suite is skipped outside CI");
            }
            Path modules = dir.resolve("node_modules");
            Path stamp = modules.resolve(".package-lock.json");
            if (!Files.exists(stamp) || Files.getLastModifiedTime(stamp).compareTo(
                    Files.getLastModifiedTime(dir.resolve("package-lock.json"))) < 0) {
                Result r = run(new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund")
                        .directory(dir.toFile()), 300);
                assertThat(r.exitCode()).as("npm ci: " + r.stderr()).isZero();
            }
            return node;
        }

        static Path which(String name) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
            return null;
        }

        static Result run(ProcessBuilder pb, int seconds) throws IOException, InterruptedException {
            Path out = Files.createTempFile("sluice-node", ".out");
            Path err = Files.createTempFile("sluice-node", ".err");
            try {
                Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    fail(pb.command() + " ran over " + seconds + " s; output so far:\n" + Files.readString(out));
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        }
    }

    /** The cells as a client × provider table of passed/run counts. */
    static final class Matrix {
        static String markdown(List<JsonNode> cells, List<String> providers) {
            Map<String, Map<String, int[]>> rows = new LinkedHashMap<>();
            for (JsonNode c : cells) {
                int[] n = rows.computeIfAbsent(c.path("client").asText(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(c.path("provider").asText(), k -> new int[2]);
                n[1]++;
                if (c.path("ok").asBoolean()) {
                    n[0]++;
                }
            }
            StringBuilder s = new StringBuilder("| client \\ provider dialect |");
            providers.forEach(p -> s.append(' ').append(p).append(" |"));
            s.append("\n|---|").append("---|".repeat(providers.size())).append('\n');
            rows.forEach((client, byProvider) -> {
                s.append("| ").append(client).append(" |");
                for (String p : providers) {
                    int[] n = byProvider.get(p);
                    s.append(n == null ? " – |" : (n[0] == n[1] ? " ✓ " : " ✗ ") + n[0] + "/" + n[1] + " |");
                }
                s.append('\n');
            });
            return s.toString();
        }
    }
}
