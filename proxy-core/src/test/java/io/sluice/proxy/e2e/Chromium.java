package io.sluice.proxy.e2e;

import static io.sluice.proxy.e2e.CdpClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.proxy.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A headless Chromium child process driven over the DevTools protocol ({@link CdpClient}). Started with
 * {@code --remote-debugging-port=0}: the browser picks a port and prints {@code DevTools listening on ws://...} on
 * stderr, which is read (and then drained, so the browser never blocks on a full pipe). {@link #close()} kills the
 * browser and its helper processes and deletes the throwaway profile.
 */
final class Chromium implements AutoCloseable {

    /** Debian's launcher, else the first {@code chromium} on the PATH (what {@code .ci/run} checks for). */
    static final Path BINARY = find();
    private static final String LISTENING = "DevTools listening on ";
    private static final int STDERR_LINES = 60;

    private final Process process;
    private final Path profile;
    private final ArrayDeque<String> stderr;
    private final CdpClient cdp;

    private Chromium(Process process, Path profile, ArrayDeque<String> stderr, CdpClient cdp) {
        this.process = process;
        this.profile = profile;
        this.stderr = stderr;
        this.cdp = cdp;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    private static Path find() {
        Path debian = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return debian;
    }

    static Chromium launch(int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("sluice-chromium-");
        Process process;
        try {
            process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--remote-debugging-port=0", "--window-size=" + width + "," + height, "about:blank")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            deleteTree(profile);
            throw e;
        }
        ArrayDeque<String> stderr = new ArrayDeque<>();
        CompletableFuture<URI> devtools = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (stderr) {
                        if (stderr.size() == STDERR_LINES) {
                            stderr.poll();
                        }
                        stderr.add(line);
                    }
                    int at = line.indexOf(LISTENING);
                    if (at >= 0) {
                        devtools.complete(URI.create(line.substring(at + LISTENING.length()).strip()));
                    }
                }
            } catch (IOException ignored) {
                // the browser is gone
            }
            devtools.completeExceptionally(new IllegalStateException("chromium exited before DevTools listened"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            CdpClient cdp = CdpClient.connect(devtools.get(30, TimeUnit.SECONDS));
            return new Chromium(process, profile, stderr, cdp);
        } catch (Exception e) {
            kill(process);
            deleteTree(profile);
            String tail;
            synchronized (stderr) {
                tail = String.join("\n", stderr);
            }
            throw new AssertionError("chromium did not start: " + e + "\nstderr:\n" + tail, e);
        }
    }

    /** The tab Chromium opened on about:blank, attached as a flat session. */
    Page page() {
        String targetId = null;
        for (JsonNode t : cdp.send("Target.getTargets", params()).path("targetInfos")) {
            if (t.path("type").asText().equals("page")) {
                targetId = t.path("targetId").asText();
                break;
            }
        }
        if (targetId == null) {
            targetId = cdp.send("Target.createTarget", params().put("url", "about:blank")).path("targetId").asText();
        }
        String session = cdp.send("Target.attachToTarget", params().put("targetId", targetId).put("flatten", true))
                .path("sessionId").asText();
        return new Page(cdp, session);
    }

    String stderrTail() {
        synchronized (stderr) {
            return String.join("\n", stderr);
        }
    }

    @Override
    public void close() {
        try {
            cdp.sendAsync(null, "Browser.close", params()).get(3, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // killed below either way
        }
        cdp.close();
        kill(process);
        deleteTree(profile);
    }

    private static void kill(Process process) {
        // Renderer, GPU and zygote helpers first: they would outlive a killed parent (and keep writing the profile).
        List<ProcessHandle> helpers = process.descendants().toList();
        helpers.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            for (ProcessHandle h : helpers) {
                h.onExit().get(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ignored) {
            // gone or stuck: nothing more a test can do
        }
    }

    private static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // a helper still writing: try again
            }
        }
    }

    /** One page (tab): navigation, script evaluation, screenshots, and the exceptions its scripts threw. */
    static final class Page {
        private final CdpClient cdp;
        private final String session;
        private final List<String> exceptions = new CopyOnWriteArrayList<>();

        Page(CdpClient cdp, String session) {
            this.cdp = cdp;
            this.session = session;
            onEvent(e -> {
                if (e.path("method").asText().equals("Runtime.exceptionThrown")) {
                    JsonNode d = e.path("params").path("exceptionDetails");
                    exceptions.add(d.path("exception").path("description").asText(d.path("text").asText()));
                }
            });
            send("Runtime.enable", params());
            send("Page.enable", params());
        }

        /** This page's events, on the socket thread: answer with {@link #sendAsync}, never wait there. */
        void onEvent(Consumer<JsonNode> listener) {
            cdp.onEvent(e -> {
                if (session.equals(e.path("sessionId").asText())) {
                    listener.accept(e);
                }
            });
        }

        JsonNode send(String method, ObjectNode params) {
            return cdp.send(session, method, params);
        }

        void sendAsync(String method, ObjectNode params) {
            cdp.sendAsync(session, method, params);
        }

        /**
         * Makes the viewport exactly {@code width} x {@code height} CSS pixels at scale 1: {@code --window-size} sizes
         * the window, and headless Chromium still takes some of it for (invisible) browser UI.
         */
        void viewport(int width, int height) {
            send("Emulation.setDeviceMetricsOverride", params().put("width", width).put("height", height)
                    .put("deviceScaleFactor", 1).put("mobile", false));
        }

        void navigate(String url) {
            JsonNode r = send("Page.navigate", params().put("url", url));
            if (r.hasNonNull("errorText")) {
                throw new AssertionError("cannot navigate to " + url + ": " + r.get("errorText").asText());
            }
        }

        /** The value of a JavaScript expression (promises awaited); a thrown exception fails. */
        JsonNode eval(String expression) {
            JsonNode r = send("Runtime.evaluate", params().put("expression", expression).put("returnByValue", true)
                    .put("awaitPromise", true));
            if (r.has("exceptionDetails")) {
                JsonNode d = r.get("exceptionDetails");
                throw new CdpClient.CdpException("`" + expression + "` threw "
                        + d.path("exception").path("description").asText(d.path("text").asText()));
            }
            return r.path("result").path("value");
        }

        String text(String expression) {
            return eval(expression).asText();
        }

        /**
         * Runs {@code source} in every document this page loads from now on, before the page's own scripts: the place
         * for a test probe. Call it before {@link #navigate}.
         */
        void addScriptOnNewDocument(String source) {
            send("Page.addScriptToEvaluateOnNewDocument", params().put("source", source));
        }

        /**
         * Polls {@code expression} until it is truthy (true, a non-empty string, a number not 0), and returns that
         * value. Errors while a navigation replaces the page are retried until the deadline.
         */
        JsonNode await(String what, Duration timeout, String expression) throws InterruptedException {
            return Await.value(what, timeout, () -> eval(expression), Page::truthy);
        }

        private static boolean truthy(JsonNode v) {
            return v.isBoolean() ? v.asBoolean() : v.isTextual() ? !v.asText().isEmpty()
                    : v.isNumber() ? v.asDouble() != 0 : !v.isMissingNode() && !v.isNull();
        }

        /** The viewport as PNG. */
        byte[] screenshot() {
            String data = send("Page.captureScreenshot", params().put("format", "png")).path("data").asText();
            return Base64.getDecoder().decode(data);
        }

        List<String> exceptions() {
            return exceptions;
        }
    }
}
