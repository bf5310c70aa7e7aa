package io.sluice.proxy.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (Debian's package) on 127.0.0.1 for the shared-state tests: its own free port, no
 * persistence, a password when asked; stopped, killed and started again on the same port to test Redis going away.
 * Skipped without the binary, except under {@code CI}, where {@code .ci/run} installs it.
 */
public final class RedisServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final int port;
    private final String password;
    private final Path dir;
    /** TLS only ({@code --port 0 --tls-port}): its CA certificate (PEM), or null for plain TCP. */
    private Path caFile;
    private Process process;

    private RedisServer(int port, String password) throws IOException {
        this.port = port;
        this.password = password;
        this.dir = Files.createTempDirectory("sluice-redis");
    }

    /** A started server on a free port, no password. */
    public static RedisServer start() throws IOException, InterruptedException {
        return start(null);
    }

    /** A started server on a free port requiring {@code password} ({@code requirepass}), or none when null. */
    public static RedisServer start(String password) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("redis-server is needed for the shared-state tests (apt-get install redis-server)");
            }
            Assumptions.abort("no " + BINARY + ": the shared-state tests are skipped outside CI");
        }
        RedisServer r = new RedisServer(freePort(), password);
        r.launch();
        return r;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A started server speaking TLS only, with a certificate for 127.0.0.1 signed by a CA of its own
     * ({@link #caFile()}), made with {@code openssl}.
     */
    public static RedisServer startTls() throws IOException, InterruptedException {
        RedisServer probe = start(); // skips or fails the same way when there is no redis-server
        probe.close();
        RedisServer r = new RedisServer(freePort(), null);
        r.caFile = r.dir.resolve("ca.crt");
        String d = r.dir.toString();
        openssl(r.dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/ca.key", "-out",
                d + "/ca.crt", "-days", "2", "-subj", "/CN=sluice-test-ca");
        openssl(r.dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/server.key", "-out",
                d + "/server.csr", "-subj", "/CN=127.0.0.1");
        Files.writeString(r.dir.resolve("ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl(r.dir, "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                "-CAcreateserial", "-out", d + "/server.crt", "-days", "2", "-extfile", d + "/ext");
        r.launch();
        return r;
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("openssl " + String.join(" ", args) + " failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }

    /** The CA certificate (PEM) a TLS server's certificate is signed with; null for plain TCP. */
    public Path caFile() {
        return caFile;
    }

    private void launch() throws IOException, InterruptedException {
        if (caFile != null) {
            launch(List.of(BINARY.toString(), "--port", "0", "--tls-port", Integer.toString(port),
                    "--tls-cert-file", dir.resolve("server.crt").toString(), "--tls-key-file",
                    dir.resolve("server.key").toString(), "--tls-ca-cert-file", caFile.toString(),
                    "--tls-auth-clients", "no", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", dir.toString(), "--daemonize", "no", "--loglevel", "warning"));
            return;
        }
        launch(null);
    }

    private void launch(List<String> tls) throws IOException, InterruptedException {
        List<String> cmd = tls != null ? new ArrayList<>(tls) : new ArrayList<>(List.of(BINARY.toString(), "--port",
                Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no", "--loglevel", "warning"));
        if (password != null && tls == null) {
            cmd.addAll(List.of("--requirepass", password));
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            if (ping()) {
                return;
            }
            Thread.sleep(20);
        }
        fail("redis-server did not answer PING on port " + port + " within 10 s");
    }

    /** PING answered {@code +PONG} (authenticating first when there is a password). */
    public boolean ping() {
        if (caFile != null) {
            try {
                Process p = new ProcessBuilder("redis-cli", "--tls", "--cacert", caFile.toString(), "-h",
                        "127.0.0.1", "-p", Integer.toString(port), "ping").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return p.waitFor(5, TimeUnit.SECONDS) && out.contains("PONG");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        try {
            String reply = command(password == null ? List.of("PING") : List.of("AUTH", password), "PING");
            return reply.contains("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends {@code commands} (each one as an inline line; earlier lists of words first) and returns the raw replies
     * read until the last one arrived: for test assertions such as {@code KEYS} or {@code GET}.
     */
    public String command(List<String> first, String... last) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            StringBuilder req = new StringBuilder();
            if (first != null && !first.isEmpty()) {
                req.append(resp(first));
            }
            req.append(resp(List.of(last)));
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            StringBuilder got = new StringBuilder();
            int expected = (first != null && !first.isEmpty() ? 1 : 0) + 1;
            while (countReplies(got) < expected) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            return got.toString();
        }
    }

    private static String resp(List<String> words) {
        StringBuilder s = new StringBuilder("*").append(words.size()).append("\r\n");
        for (String w : words) {
            byte[] b = w.getBytes(StandardCharsets.UTF_8);
            s.append('$').append(b.length).append("\r\n").append(w).append("\r\n");
        }
        return s.toString();
    }

    /** Top-level replies in {@code s} (simple ones: enough for the status and bulk replies tests read). */
    private static int countReplies(StringBuilder s) {
        int n = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) {
                return n;
            }
            if (c == '$') {
                int len = Integer.parseInt(s.substring(i + 1, eol));
                i = len < 0 ? eol + 2 : eol + 2 + len + 2;
                if (i > s.length()) {
                    return n;
                }
            } else if (c == '*') {
                int len = Integer.parseInt(s.substring(i + 1, eol));
                i = eol + 2;
                for (int k = 0; k < len; k++) {
                    int e = s.indexOf("\r\n", i);
                    if (e < 0) {
                        return n;
                    }
                    if (s.charAt(i) == '$') {
                        int l = Integer.parseInt(s.substring(i + 1, e));
                        i = l < 0 ? e + 2 : e + 2 + l + 2;
                    } else {
                        i = e + 2;
                    }
                    if (i > s.length()) {
                        return n;
                    }
                }
            } else {
                i = eol + 2;
            }
            n++;
        }
        return n;
    }

    public int port() {
        return port;
    }

    /** {@code redis://[:password@]127.0.0.1:port}, or {@code rediss://127.0.0.1:port} for a TLS server. */
    public URI url() {
        return URI.create((caFile != null ? "rediss://" : "redis://") + (password == null ? "" : ":" + password + "@")
                + "127.0.0.1:" + port);
    }

    /** Kills the server at once (SIGKILL): clients see their connections reset. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts the server again on the same port, empty. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
