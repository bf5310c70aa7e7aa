package io.sluice.bench.run;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dedup scenario (issue 17 item 3): {@code n} identical streaming requests sent at once, each on a connection of
 * its own and read whole, straight to the mock (the baseline), then through a fresh Sluice with dedup off, then
 * through a fresh Sluice with dedup on. The upstream calls are the mock's own count ({@code GET /mock/stats}); CPU
 * time and RSS are Sluice's, from {@code /proc}, over the measured burst. Before it, each path gets two warm-up bursts
 * of other prompts (a new signature each), so the measured one is a first request for dedup too.
 */
final class DedupScenario {

    /** Mock behaviour of the dedup provider: 20 events 100 ms apart, so a stream lasts 2 s and the burst fits in it. */
    static final String[][] HEADERS = {{"x-mock-chunks", "20"}, {"x-mock-chunk-delay-ms", "100"}};
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern MODEL_REQUESTS = Pattern.compile("\"modelRequests\":(\\d+)");

    /** Starts a Sluice process serving {@code config}. */
    interface Starter {
        ChildProcess start(Path config) throws IOException, InterruptedException;
    }

    /**
     * One measured burst.
     *
     * @param tags      X-Sluice-Cache values seen (hit, coalesced, miss, none)
     * @param distinct  distinct response bodies
     * @param wallSeconds from the first request written (every connection open already) to the last answer read
     * @param cpuSeconds Sluice's user + system CPU over the burst; NaN for the direct path
     */
    record Burst(String via, int sent, int ok, long upstreamCalls, TreeMap<String, Integer> tags, int distinct,
                 double events, double wallSeconds, double p50Seconds, double maxSeconds, double cpuSeconds,
                 long rssBytes, long peakRssBytes) {
    }

    private final ChildProcess mock;
    private final PrintStream out;
    private final Starter starter;

    DedupScenario(ChildProcess mock, PrintStream out, Starter starter) {
        this.mock = mock;
        this.out = out;
        this.starter = starter;
    }

    /** The three bursts: direct, Sluice with {@code off}, Sluice with {@code on}. */
    List<Burst> run(Path off, Path on, int n) throws IOException, InterruptedException {
        List<Burst> bursts = new ArrayList<>();
        bursts.add(measure("direct", null, n));
        try (ChildProcess s = starter.start(off)) {
            bursts.add(measure("dedup off", s, n));
        }
        try (ChildProcess s = starter.start(on)) {
            bursts.add(measure("dedup on", s, n));
        }
        return bursts;
    }

    private Burst measure(String via, ChildProcess sluice, int n) throws IOException, InterruptedException {
        URI target = URI.create("http://127.0.0.1:" + (sluice == null ? mock.port() : sluice.port())
                + "/v1/chat/completions");
        String model = sluice == null ? "gpt-4o-mini" : "dedup/gpt-4o-mini";
        String[][] headers = sluice == null ? HEADERS : new String[0][];
        for (int w = 0; w < 2; w++) {
            fire(target, body(model, "warm-up " + w + " " + via), headers, n);
        }
        long calls0 = modelRequests();
        double cpu0 = sluice == null ? Double.NaN : sluice.cpuSeconds();
        Fired f = fire(target, body(model, "the measured burst"), headers, n);
        double wall = f.max; // from the first request written to the last answer read whole
        double cpu = sluice == null ? Double.NaN : sluice.cpuSeconds() - cpu0;
        long calls = modelRequests() - calls0;
        Burst b = new Burst(via, n, f.ok, calls, f.tags, f.bodies.size(), f.events, wall, f.p50, f.max, cpu,
                sluice == null ? -1 : sluice.rssBytes(), sluice == null ? -1 : sluice.peakRssBytes());
        out.printf(Locale.ROOT, "  %-10s %d sent, %d ok, %d upstream calls, X-Sluice-Cache %s, %d distinct bodies,"
                        + " %.1f s wall%s%n", via, n, f.ok, calls, f.tags, f.bodies.size(), wall,
                sluice == null ? "" : String.format(Locale.ROOT, ", Sluice CPU %.2f s, RSS %.0f MiB", cpu,
                        b.rssBytes() / 1048576.0));
        return b;
    }

    private static String body(String model, String prompt) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],\"temperature\":0}";
    }

    private record Fired(int ok, TreeMap<String, Integer> tags, Set<String> bodies, double events, double p50,
                         double max) {
    }

    /**
     * Opens {@code n} connections, then writes the request on each (a few milliseconds for all of them), then reads
     * every answer whole with one selector: the requests are concurrent by construction, not by a client's pace.
     */
    private static Fired fire(URI target, String body, String[][] headers, int n) throws IOException {
        StringBuilder head = new StringBuilder("POST ").append(target.getPath()).append(" HTTP/1.1\r\nhost: ")
                .append(target.getHost()).append(':').append(target.getPort())
                .append("\r\ncontent-type: application/json\r\nauthorization: Bearer sk-bench-client\r\n");
        for (String[] h : headers) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        byte[] request = (head + "content-length: " + b.length + "\r\nconnection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
        InetSocketAddress address = new InetSocketAddress(target.getHost(), target.getPort());
        SocketChannel[] conns = new SocketChannel[n];
        ByteArrayOutputStream[] got = new ByteArrayOutputStream[n];
        double[] took = new double[n];
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < n; i++) {
                conns[i] = SocketChannel.open(address);
                conns[i].setOption(StandardSocketOptions.TCP_NODELAY, true);
                got[i] = new ByteArrayOutputStream(4096);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ByteBuffer req = ByteBuffer.wrap(request);
                while (req.hasRemaining()) {
                    conns[i].write(req);
                }
                conns[i].configureBlocking(false);
                conns[i].register(selector, SelectionKey.OP_READ, i);
            }
            ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
            byte[] bytes = new byte[buf.capacity()];
            int open = n;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (open > 0 && System.nanoTime() < deadline) {
                selector.select(1000);
                for (SelectionKey k : selector.selectedKeys()) {
                    int i = (Integer) k.attachment();
                    buf.clear();
                    int r;
                    try {
                        r = conns[i].read(buf);
                    } catch (IOException e) {
                        r = -1;
                    }
                    if (r > 0) {
                        buf.flip();
                        buf.get(bytes, 0, r);
                        got[i].write(bytes, 0, r);
                    }
                    if (r < 0) { // connection: close ends every answer
                        took[i] = (System.nanoTime() - t0) / 1e9;
                        k.cancel();
                        conns[i].close();
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (SocketChannel c : conns) {
                if (c != null) {
                    c.close();
                }
            }
        }
        int ok = 0;
        long events = 0;
        TreeMap<String, Integer> tags = new TreeMap<>();
        Set<String> bodies = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String[] answer = parse(got[i].toString(StandardCharsets.UTF_8));
            if (answer[0].equals("200") && answer[2].endsWith("data: [DONE]\n\n")) {
                ok++;
            }
            tags.merge(answer[1], 1, Integer::sum);
            bodies.add(answer[2]);
            events += answer[2].split("\n\n").length;
        }
        Arrays.sort(took);
        return new Fired(ok, tags, bodies, (double) events / n, took[n / 2], took[n - 1]);
    }

    /** Status, X-Sluice-Cache (or none) and the de-chunked body of one raw answer. */
    private static String[] parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (!raw.startsWith("HTTP/1.1 ") || end < 0) {
            return new String[] {"none", "failed", ""};
        }
        String status = raw.substring(9, 12);
        String tag = "none";
        boolean chunked = false;
        for (String line : raw.substring(0, end).split("\r\n")) {
            String low = line.toLowerCase(Locale.ROOT);
            if (low.startsWith("x-sluice-cache:")) {
                tag = line.substring(15).trim();
            } else if (low.startsWith("transfer-encoding:") && low.contains("chunked")) {
                chunked = true;
            }
        }
        String rest = raw.substring(end + 4);
        if (!chunked) {
            return new String[] {status, tag, rest};
        }
        StringBuilder body = new StringBuilder(rest.length());
        int at = 0;
        while (at < rest.length()) {
            int eol = rest.indexOf("\r\n", at);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(rest.substring(at, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            // Sizes count bytes; these bodies are ASCII, so characters are bytes.
            body.append(rest, eol + 2, Math.min(rest.length(), eol + 2 + size));
            at = eol + 2 + size + 2;
        }
        return new String[] {status, tag, body.toString()};
    }

    /** The mock's count of model requests. */
    private long modelRequests() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String stats = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port()
                + "/mock/stats")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = MODEL_REQUESTS.matcher(stats);
        if (!m.find()) {
            throw new IOException("the mock's /mock/stats said " + stats);
        }
        return Long.parseLong(m.group(1));
    }

    /** The scenario's lines of the report. */
    static String text(List<Burst> bursts) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "%-10s %6s %6s %9s %-34s %8s %7s %7s %8s %8s %9s%n", "dedup", "sent", "ok", "upstream",
                "X-Sluice-Cache", "distinct", "p50 s", "wall s", "CPU s", "RSS MiB", "peak MiB"));
        for (Burst x : bursts) {
            boolean direct = Double.isNaN(x.cpuSeconds());
            b.append(String.format(Locale.ROOT, "%-10s %6d %6d %9d %-34s %8d %7.2f %7.2f %8s %8s %9s%n",
                    x.via(), x.sent(), x.ok(), x.upstreamCalls(), x.tags(), x.distinct(), x.p50Seconds(),
                    x.wallSeconds(), direct ? "" : String.format(Locale.ROOT, "%.2f", x.cpuSeconds()),
                    direct ? "" : String.format(Locale.ROOT, "%.0f", x.rssBytes() / 1048576.0),
                    direct ? "" : String.format(Locale.ROOT, "%.0f", x.peakRssBytes() / 1048576.0)));
        }
        if (bursts.size() == 3) {
            Burst d = bursts.get(0);
            Burst off = bursts.get(1);
            Burst on = bursts.get(2);
            b.append(String.format(Locale.ROOT, "dedup on vs off: upstream calls %d vs %d, CPU %.2fx, RSS %.2fx, peak"
                            + " RSS %.2fx, wall %.2fx; wall vs direct: on %.2fx, off %.2fx%n", on.upstreamCalls(),
                    off.upstreamCalls(), on.cpuSeconds() / off.cpuSeconds(),
                    (double) on.rssBytes() / off.rssBytes(), (double) on.peakRssBytes() / off.peakRssBytes(),
                    on.wallSeconds() / off.wallSeconds(), on.wallSeconds() / d.wallSeconds(),
                    off.wallSeconds() / d.wallSeconds()));
        }
        return b.toString();
    }

    /** The target verdict: every request answered whole and alike, with one upstream call. */
    static String[] target(List<Burst> bursts) {
        Burst on = bursts.get(bursts.size() - 1);
        boolean met = on.upstreamCalls() == 1 && on.ok() == on.sent() && on.distinct() == 1;
        return new String[] {on.sent() + " identical concurrent streams, dedup on", "1 upstream call, all whole",
            on.upstreamCalls() + " upstream call(s), " + on.ok() + " ok, " + on.distinct() + " distinct body",
            met ? "met" : "missed"};
    }

    static String json(List<Burst> bursts) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < bursts.size(); i++) {
            Burst x = bursts.get(i);
            b.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT, "    {\"via\": \"%s\", \"sent\": %d,"
                            + " \"ok\": %d, \"upstreamCalls\": %d, \"distinctBodies\": %d, \"eventsPerStream\": %.1f,"
                            + " \"wallSeconds\": %.3f, \"p50Seconds\": %.3f, \"maxSeconds\": %.3f, \"cpuSeconds\": %s,"
                            + " \"rssBytes\": %d, \"peakRssBytes\": %d, \"tags\": \"%s\"}", x.via(), x.sent(), x.ok(),
                    x.upstreamCalls(), x.distinct(), x.events(), x.wallSeconds(), x.p50Seconds(), x.maxSeconds(),
                    Double.isNaN(x.cpuSeconds()) ? "null" : String.format(Locale.ROOT, "%.3f", x.cpuSeconds()),
                    x.rssBytes(), x.peakRssBytes(), x.tags()));
        }
        return b.append("\n  ]").toString();
    }
}
