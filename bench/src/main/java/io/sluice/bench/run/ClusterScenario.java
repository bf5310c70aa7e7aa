package io.sluice.bench.run;

import io.sluice.bench.load.LoadGenerator;
import io.sluice.bench.load.LoadMode;
import io.sluice.bench.load.LoadResult;
import io.sluice.bench.load.LoadSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The cluster scenario (issue 19): what sharing state on Redis costs. Closed-loop non-streaming load straight to the
 * mock (the baseline), then through one Sluice with the embedded state, then through two Sluice instances sharing a
 * real {@code redis-server} (load split evenly over them). Both Sluice setups run on the same CPU (Sluice's), so the
 * two instances share the core one instance had: the difference is the cost of sharing, not of more hardware. Every
 * Sluice has the same global rate limit (high enough never to refuse), so the shared setup leases budget from Redis
 * and publishes usage while it serves.
 */
final class ClusterScenario {

    /** A Sluice process serving a config file. */
    interface Starter {
        ChildProcess start(Path config) throws IOException, InterruptedException;
    }

    /** One measured setup. */
    record Run(String via, int instances, LoadResult result) {
        double rate() {
            return result.achievedRate();
        }

        double p50Ms() {
            return result.latency().getValueAtPercentile(50) / 1e6;
        }

        double p99Ms() {
            return result.latency().getValueAtPercentile(99) / 1e6;
        }
    }

    static final Path REDIS = Path.of("/usr/bin/redis-server");
    /** Never reached in the run: the limiter works (leases, counts) without refusing. */
    static final long GLOBAL_LIMIT = 100_000_000;

    private final ChildProcess mock;
    private final PrintStream out;
    private final Starter starter;
    private final double scale;

    ClusterScenario(ChildProcess mock, PrintStream out, Starter starter, double scale) {
        this.mock = mock;
        this.out = out;
        this.starter = starter;
        this.scale = scale;
    }

    /** The three runs, or an empty list when there is no {@code redis-server} here. */
    List<Run> run(String baseConfig) throws IOException, InterruptedException {
        List<Run> runs = new ArrayList<>();
        if (!Files.isExecutable(REDIS)) {
            out.println("  skipped: no " + REDIS + " (apt-get install redis-server)");
            return runs;
        }
        Duration d = Duration.ofMillis(Math.max(1000, Math.round(10_000 * scale)));
        String limits = "rateLimits:\n  global: " + GLOBAL_LIMIT + "\n";
        load(List.of(mock.port()), 32, Duration.ofSeconds(2)); // warm-up, not recorded
        runs.add(new Run("direct", 0, load(List.of(mock.port()), 32, d)));
        Path one = write(baseConfig + limits);
        try (ChildProcess s = starter.start(one)) {
            load(List.of(s.port()), 32, Duration.ofSeconds(2)); // warm-up, not recorded
            runs.add(new Run("sluice, embedded state", 1, load(List.of(s.port()), 32, d)));
        } finally {
            Files.deleteIfExists(one);
        }
        int port = freePort();
        Process redis = new ProcessBuilder(REDIS.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitPort(port);
            // Two instances on one CPU without sharing: what two processes cost; then with Redis state (the link,
            // shared key state, usage), then with shared limits leasing too.
            runs.add(shared(baseConfig + limits, -1, "", "sluice x2, embedded state", d));
            runs.add(shared(baseConfig, port, "", "sluice x2, Redis state", d));
            runs.add(shared(baseConfig, port, limits, "sluice x2, Redis + limits", d));
        } finally {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return runs;
    }

    private Run shared(String baseConfig, int port, String limits, String label, Duration d)
            throws IOException, InterruptedException {
        Path a = write(baseConfig + limits + (port < 0 ? "" : state(port, "bench-a")));
        Path b = write(baseConfig + limits + (port < 0 ? "" : state(port, "bench-b")));
        try (ChildProcess sa = starter.start(a); ChildProcess sb = starter.start(b)) {
            load(List.of(sa.port(), sb.port()), 32, Duration.ofSeconds(4)); // warm-up of both JVMs, not recorded
            return new Run(label, 2, load(List.of(sa.port(), sb.port()), 32, d));
        } finally {
            Files.deleteIfExists(a);
            Files.deleteIfExists(b);
        }
    }

    private static String state(int redisPort, String instance) {
        return "state:\n  instanceId: " + instance + "\n  redis:\n    url: redis://127.0.0.1:" + redisPort + "\n";
    }

    /** Closed loop, {@code connections} split evenly over {@code ports}, run at once; one merged result. */
    private LoadResult load(List<Integer> ports, int connections, Duration duration) {
        List<CompletableFuture<LoadResult>> parts = new ArrayList<>();
        for (int p : ports) {
            boolean direct = p == mock.port();
            LoadSpec spec = LoadSpec.builder("http://127.0.0.1:" + p + "/v1/chat/completions").method("POST")
                    .header("content-type", "application/json").header("authorization", "Bearer sk-bench-client")
                    .body(Scenarios.chatBody(direct ? "gpt-4o-mini" : "bench/gpt-4o-mini", false, 64)).threads(1)
                    .mode(LoadMode.CLOSED).connections(connections / ports.size()).duration(duration)
                    .warmup(Duration.ofMillis(500)).build();
            parts.add(CompletableFuture.supplyAsync(() -> LoadGenerator.run(spec)));
        }
        List<LoadResult> results = parts.stream().map(CompletableFuture::join).toList();
        return merge(results);
    }

    private static LoadResult merge(List<LoadResult> rs) {
        if (rs.size() == 1) {
            return rs.get(0);
        }
        LoadResult first = rs.get(0);
        Histogram latency = first.latency().copy();
        long requests = 0;
        long successes = 0;
        double rate = 0;
        for (LoadResult r : rs) {
            if (r != first) {
                latency.add(r.latency());
            }
            requests += r.requests();
            successes += r.successes();
            rate += r.achievedRate();
        }
        return new LoadResult(first.spec(), first.transport(), requests, successes, first.errors(),
                first.lateStarts(), first.connectionsOpened(), first.bytesReceived(), first.elapsed(), rate, latency,
                first.sendLag(), first.ttfb(), first.gap(), first.events());
    }

    private static Path write(String yaml) throws IOException {
        Path p = Files.createTempFile("sluice-bench-cluster-", ".yaml");
        Files.writeString(p, yaml, StandardCharsets.UTF_8);
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IOException("redis-server did not listen on " + port);
    }

    /** The table: req/s, p50, p99 of each setup, and ratios against the direct baseline and the embedded state. */
    static String text(List<Run> runs) {
        if (runs.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder("Cluster (closed loop, 32 connections, non-streaming; both Sluice setups"
                + " on Sluice's one CPU):\n");
        s.append(String.format(Locale.ROOT, "  %-26s %10s %9s %9s %12s %14s%n", "setup", "req/s", "p50 ms",
                "p99 ms", "vs direct", "vs embedded"));
        double direct = runs.get(0).rate();
        double embedded = runs.size() > 1 ? runs.get(1).rate() : Double.NaN;
        for (Run r : runs) {
            s.append(String.format(Locale.ROOT, "  %-26s %10.0f %9.3f %9.3f %11.2fx %13.2fx%n", r.via(), r.rate(),
                    r.p50Ms(), r.p99Ms(), r.rate() / direct, r.instances() == 0 ? Double.NaN : r.rate() / embedded));
            if (r.result().errorCount() > 0) {
                s.append("    errors: ").append(r.result().errorCount()).append('\n');
            }
        }
        return s.toString();
    }
}
