package io.sluice.bench.run;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench}: starts the mock and Sluice as separate JVMs pinned to their CPUs, runs every scenario against
 * both (straight to the mock, then through Sluice), prints the table and the target verdicts, writes JSON and HTML.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures Sluice against a direct-to-mock baseline in the same run.")
public final class BenchMain implements Callable<Integer> {

    static final List<String> ALL = List.of("capacity", "sweep", "half-knee", "stream", "slow-streams", "prompts",
            "dedup", "cluster");

    @Option(names = "--sluice-jar", required = true, description = "The shaded proxy-core jar.")
    Path sluiceJar;

    @Option(names = "--bench-jar", required = true, description = "The shaded bench jar (runs the mock).")
    Path benchJar;

    @Option(names = "--out", description = "Directory for the JSON and HTML reports (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("bench/results");

    @Option(names = "--proxy-cpu", description = "CPU Sluice is pinned to, -1 for none (default: ${DEFAULT-VALUE}).")
    int proxyCpu = 0;

    @Option(names = "--load-cpu", description = "CPU the mock is pinned to, -1 for none (default: ${DEFAULT-VALUE}); "
            + "bin/bench pins this load generator there too.")
    int loadCpu = 1;

    @Option(names = "--scale", description = "Multiplies every run's duration; 0.3 for a quick look "
            + "(default: ${DEFAULT-VALUE}).")
    double scale = 1.0;

    @Option(names = "--streams", description = "Concurrent slow streams; capped by the open-file limit "
            + "(default: ${DEFAULT-VALUE}).")
    int streams = 10_000;

    @Option(names = "--fd-limit", description = "Open files per process (ulimit -n), as bin/bench reads it "
            + "(default: ${DEFAULT-VALUE}).")
    int fdLimit = 20_000;

    /** Identical streaming requests of the dedup scenario (issue 17 item 3). */
    static final int DEDUP_STREAMS = 1000;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    List<String> only = new ArrayList<>(ALL);

    @Option(names = "--only", split = ",", paramLabel = "SCENARIO", description = "Scenarios to run, of: "
            + "${COMPLETION-CANDIDATES}; default all. The sweep and half-knee need capacity.",
            completionCandidates = Names.class)
    void only(List<String> names) {
        for (String name : names) {
            if (!ALL.contains(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--only: unknown scenario " + name
                        + " (expected: " + String.join(", ", ALL) + ")");
            }
        }
        only = names;
    }

    @Option(names = "--sluice-opts", description = "JVM options for Sluice (default: ${DEFAULT-VALUE}).")
    String sluiceOpts = "-XX:+UseParallelGC -Xms64m -Xmx1g -XX:+ExitOnOutOfMemoryError";

    static final class Names extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Names() {
            super(ALL);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream o = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Set<String> run = Set.copyOf(only);
        // Sluice holds two sockets per stream (client + upstream); leave room for the JVM's own files.
        int slow = Math.min(streams, (fdLimit - 300) / 2);
        String javaVm = System.getProperty("java.vm.name") + " " + System.getProperty("java.version");
        String setup = String.format(Locale.ROOT, "%d CPUs; Sluice pinned to CPU %d (1 event loop), mock + load "
                        + "generator pinned to CPU %d; %s; Sluice JVM: %s; durations x%.2f",
                onlineCpus(), proxyCpu, loadCpu, javaVm, sluiceOpts, scale);
        o.println("Sluice bench: " + setup);
        List<String> mockJvm = List.of("-XX:+UseParallelGC", "-Xms64m", "-Xmx1g", "-cp", benchJar.toString());
        try (ChildProcess mock = ChildProcess.start("mock", loadCpu, mockJvm,
                List.of("io.sluice.bench.mock.MockUpstreamMain", "--port", "0", "--threads", "1", "--chunks", "20",
                        "--chunk-bytes", "12"))) {
            Path config = Files.createTempFile("sluice-bench-", ".yaml");
            try {
                Files.writeString(config, sluiceConfig(mock.port(), slow + 100), StandardCharsets.UTF_8);
                Scenarios s = new Scenarios(null, mock, o, scale);
                // Wake-up lateness on Sluice's CPU, to tell the machine's tail from Sluice's.
                ChildProcess hiccup = proxyCpu >= 0 ? ChildProcess.start("hiccup", proxyCpu, List.of("-Xmx32m",
                        "-XX:+UseSerialGC", "-cp", benchJar.toString()), List.of(HiccupMeter.class.getName()))
                        : null;
                s.hiccup = hiccup;
                // slow-streams and dedup start fresh Sluices of their own.
                boolean shared = run.stream().anyMatch(x -> !x.equals("slow-streams") && !x.equals("dedup")
                        && !x.equals("cluster"));
                try (ChildProcess sluice = shared ? startSluice(config) : null) {
                    if (sluice != null) {
                        o.println("mock: " + mock + ", sluice: " + sluice);
                        s.withSluice(sluice);
                        o.println("[warm-up] JIT compilers of all three processes, not recorded");
                        s.warmUp();
                    }
                    double capacity = Double.NaN;
                    if (run.contains("capacity") || run.contains("sweep") || run.contains("half-knee")) {
                        o.println("[capacity] closed loop, small non-streaming requests");
                        capacity = s.capacity();
                    }
                    double knee = capacity * 0.5;
                    if (run.contains("sweep") || run.contains("half-knee")) {
                        o.println("[sweep] open loop at fractions of Sluice's capacity, direct and through Sluice");
                        knee = s.sweep(capacity);
                    }
                    if (run.contains("half-knee")) {
                        o.println("[half-knee] open loop at half the knee");
                        s.halfKnee(knee);
                    }
                    if (run.contains("stream")) {
                        o.println("[stream] 200 streams/s, 20 events 10 ms apart");
                        s.streaming();
                    }
                    if (run.contains("prompts")) {
                        o.println("[prompts] 100 KiB and 1 MiB request bodies, closed loop, 4 connections");
                        s.largePrompts();
                    }
                }
                if (run.contains("slow-streams")) {
                    // A fresh Sluice, so the memory figure is what the streams cost, not what earlier runs left.
                    try (ChildProcess sluice = startSluice(config)) {
                        o.printf(Locale.ROOT, "[slow-streams] %d streams, 1 event/s, opened over 10 s, fresh Sluice "
                                + "%s%s%n", slow, sluice, slow < streams ? " (capped: Sluice needs 2 sockets per "
                                + "stream and ulimit -n is " + fdLimit + ")" : "");
                        s.withSluice(sluice);
                        s.slowStreams(slow);
                    }
                }
                if (run.contains("dedup")) {
                    o.println("[dedup] 1,000 identical concurrent streams (20 events 100 ms apart), each on a"
                            + " connection of its own: direct, then a fresh Sluice with dedup off, then one with"
                            + " it on");
                    Path on = Files.createTempFile("sluice-bench-dedup-", ".yaml");
                    try {
                        Files.writeString(on, sluiceConfig(mock.port(), slow + 100) + "dedup:\n  enabled: true\n",
                                StandardCharsets.UTF_8);
                        s.dedup = new DedupScenario(mock, o, this::startSluice).run(config, on, DEDUP_STREAMS);
                    } finally {
                        Files.deleteIfExists(on);
                    }
                }
                List<ClusterScenario.Run> cluster = List.of();
                if (run.contains("cluster")) {
                    o.println("[cluster] closed loop, 32 connections: direct, one Sluice (embedded state), two Sluice"
                            + " instances sharing a redis-server (same CPU)");
                    cluster = new ClusterScenario(mock, o, this::startSluice, scale)
                            .run(sluiceConfig(mock.port(), slow + 100));
                }
                {
                    Report report = new Report(s, setup);
                    o.println();
                    o.print(report.table());
                    if (s.dedup != null) {
                        o.println();
                        o.print(DedupScenario.text(s.dedup));
                    }
                    if (!cluster.isEmpty()) {
                        o.println();
                        o.print(ClusterScenario.text(cluster));
                    }
                    o.println();
                    o.println("Targets (issue 3):");
                    o.print(report.targetsText());
                    String stamp = LocalDateTime.now(ZoneId.systemDefault())
                            .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
                    report.write(out, stamp);
                    o.println();
                    o.println("wrote " + out.resolve("bench-" + stamp + ".json") + " and .html");
                }
                if (hiccup != null) {
                    hiccup.close();
                }
            } finally {
                Files.deleteIfExists(config);
            }
        }
        return 0;
    }

    private ChildProcess startSluice(Path config) throws java.io.IOException, InterruptedException {
        List<String> jvm = new ArrayList<>();
        for (String opt : sluiceOpts.trim().split("\\s+")) {
            if (!opt.isEmpty()) {
                jvm.add(opt);
            }
        }
        jvm.addAll(List.of("-jar", sluiceJar.toString()));
        return ChildProcess.start("sluice", proxyCpu, jvm, List.of("serve", "-c", config.toString(), "--port", "0"));
    }

    /** Sluice's config: one event loop (it has one core), the mock behind three providers that steer it. */
    static String sluiceConfig(int mockPort, int maxUpstreamConnections) {
        StringBuilder b = new StringBuilder();
        b.append("server:\n  host: 127.0.0.1\n  port: 0\n  ioThreads: 1\n  shutdownGrace: 1s\n")
                .append("  maxBodyBytes: 8388608\n")
                .append("upstream:\n  connectTimeout: 5s\n  firstByteTimeout: 60s\n  idleTimeout: 60s\n")
                .append("  maxConnectionsPerOrigin: ").append(maxUpstreamConnections).append('\n')
                .append("providers:\n");
        provider(b, "bench", mockPort, new String[0][]);
        provider(b, "stream", mockPort, Scenarios.STREAM_HEADERS);
        provider(b, "slow", mockPort, Scenarios.SLOW_HEADERS);
        provider(b, "dedup", mockPort, DedupScenario.HEADERS);
        return b.toString();
    }

    private static void provider(StringBuilder b, String name, int port, String[][] headers) {
        b.append("  ").append(name).append(":\n    type: openai-compatible\n    baseUrl: http://127.0.0.1:")
                .append(port).append("/v1\n    apiKeys: [sk-bench-00000000000000000000]\n    models: [gpt-4o-mini]\n");
        if (headers.length > 0) {
            b.append("    headers:\n");
            for (String[] h : headers) {
                b.append("      ").append(h[0]).append(": \"").append(h[1]).append("\"\n");
            }
        }
    }

    /** CPUs of the machine; availableProcessors() would say 1, this JVM being pinned to one. */
    static int onlineCpus() {
        try {
            return (int) java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("processor")).count();
        } catch (java.io.IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
