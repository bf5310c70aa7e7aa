package io.sluice.proxy.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's tinyproxy ({@code apt-get install tinyproxy}) as a child process on 127.0.0.1: a real HTTP proxy for the
 * outbound-proxy tests, optionally with BasicAuth. Its outgoing connections are bound to {@value #OUTGOING}, so an
 * upstream can tell a connection that came through it from one Sluice made itself (127.0.0.1). Every port is open to
 * CONNECT (no {@code ConnectPort} line). {@link #close()} stops it and waits for it.
 *
 * <p>Missing tinyproxy skips the test on a developer machine and fails it in CI ({@code CI} set), where
 * {@code .ci/run} installs it.
 */
public final class Tinyproxy implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/tinyproxy");
    /** The address tinyproxy's connections to upstreams come from. */
    public static final String OUTGOING = "127.0.0.2";
    private static final Pattern CONNECT_LINE = Pattern.compile("Request \\(file descriptor \\d+\\): CONNECT (\\S+)");

    private final Process process;
    private final Path log;
    private final int port;

    private Tinyproxy(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Skips the calling test without tinyproxy, unless in CI, where that is a failure. */
    public static void require() {
        if (!installed()) {
            if (System.getenv("CI") != null) {
                fail(BINARY + " is missing; .ci/run installs it (apt-get install tinyproxy)");
            }
            Assumptions.assumeTrue(false, BINARY + " is missing: outbound proxy test skipped");
        }
    }

    /** Starts tinyproxy in {@code dir}; with {@code user} non-null it demands that user and password. */
    public static Tinyproxy start(Path dir, String user, String password) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // a free port may be taken between the probe and the bind
            int port = freePort();
            Path conf = dir.resolve("tinyproxy-" + port + ".conf");
            Path log = dir.resolve("tinyproxy-" + port + ".log");
            Files.writeString(conf, "Port " + port + "\nListen 127.0.0.1\nBind " + OUTGOING + "\nTimeout 60\n"
                    + "MaxClients 64\nAllow 127.0.0.1\nLogLevel Connect\nDisableViaHeader Yes\n"
                    + (user == null ? "" : "BasicAuth " + user + " " + password + "\n"), StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(BINARY.toString(), "-d", "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Tinyproxy t = new Tinyproxy(p, log, port);
            if (t.awaitListening()) {
                return t;
            }
            t.close();
            last = new IOException("tinyproxy did not listen on " + port + ": " + t.logText());
        }
        throw last;
    }

    private boolean awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                Thread.sleep(20); // a child process gives no readiness signal but its port
            }
        }
        return false;
    }

    /** A port nothing listens on now (a proxy that is down). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code http://user:password@127.0.0.1:<port>}. */
    public String url(String user, String password) {
        return "http://" + user + ":" + password + "@127.0.0.1:" + port;
    }

    /** What tinyproxy logged so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The CONNECT requests it received so far, as {@code host:port} targets. */
    public java.util.List<String> connects() {
        java.util.List<String> out = new java.util.ArrayList<>();
        Matcher m = CONNECT_LINE.matcher(logText());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
