package io.sluice.bench.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM the bench starts (Sluice or the mock), pinned to one CPU with {@code taskset} when asked. Its port is read
 * from the line it prints when listening; CPU time and RSS come from {@code /proc/<pid>}, so they are its own.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://[^ :]+:(\\d+)");
    /** Linux reports /proc/<pid>/stat times in clock ticks; USER_HZ is 100 on every mainstream kernel. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final String name;
    private final Process process;
    private final int port;
    private final List<String> output;
    private final java.util.concurrent.BlockingQueue<String> reports;

    private ChildProcess(String name, Process process, int port, List<String> output,
                         java.util.concurrent.BlockingQueue<String> reports) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.output = output;
        this.reports = reports;
    }

    /**
     * Starts {@code java <jvmArgs> <args>} and waits until it prints {@code listening on http://host:port}.
     *
     * @param cpu the CPU to pin the process to, or -1 for no pinning
     */
    public static ChildProcess start(String name, int cpu, List<String> jvmArgs, List<String> args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (cpu >= 0 && Files.isExecutable(Path.of("/usr/bin/taskset"))) {
            cmd.addAll(List.of("/usr/bin/taskset", "-c", Integer.toString(cpu)));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        java.util.concurrent.BlockingQueue<String> reports = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("hiccup ")) {
                        reports.offer(line);
                        continue;
                    }
                    synchronized (lines) {
                        if (lines.size() < 500) {
                            lines.add(line);
                        }
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        bound.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
            bound.completeExceptionally(new IOException(name + " exited before listening"));
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ChildProcess(name, p, bound.get(120, TimeUnit.SECONDS), lines, reports);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            synchronized (lines) {
                throw new IOException(name + " did not start (" + String.join(" ", cmd) + "):\n"
                        + String.join("\n", lines), e);
            }
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends {@code command} as a line on the process's stdin and, when {@code awaitReply}, returns the next
     * {@code hiccup ...} line it prints (null after 5 s without one).
     */
    public String command(String command, boolean awaitReply) {
        try {
            process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            return awaitReply ? reports.poll(5, TimeUnit.SECONDS) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** What the process printed (the first 500 lines). */
    public String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** User + system CPU seconds used so far; NaN when unknown. */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            // The command name may hold spaces: fields are counted after its closing ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime are fields 14 and 15 of the line: 12th and 13th after the name.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Resident set size now, bytes; -1 when unknown. */
    public long rssBytes() {
        return statusKb("VmRSS:") * 1024;
    }

    /** Peak resident set size since start, bytes; -1 when unknown. */
    public long peakRssBytes() {
        return statusKb("VmHWM:") * 1024;
    }

    private long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", port " + port + ")";
    }
}
