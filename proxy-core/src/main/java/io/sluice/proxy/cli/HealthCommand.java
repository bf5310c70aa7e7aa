package io.sluice.proxy.cli;

import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice health}: the health check of a running Sluice for places without curl, such as the OCI image (no
 * shell, no tools) in a compose healthcheck, and systemd's ExecStartPost. {@code GET /health}; 200 is healthy.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "GET /health of a running Sluice: exit 0 when it answers 200, else 1 with one line.")
final class HealthCommand implements Callable<Integer> {

    static final String PORT_VARIABLE = "SLUICE_PORT";
    static final int DEFAULT_PORT = 4000;
    /** Pause between tries with {@code --wait}. */
    static final Duration RETRY_EVERY = Duration.ofMillis(250);

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "Default: http://127.0.0.1:$SLUICE_PORT/health (port 4000 when SLUICE_PORT is unset).")
    String url;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s",
            description = "Longest wait for one answer (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "0s",
            description = "Keep trying this long (a service starting) before failing; default: one try.")
    String waitFor;

    @Override
    public Integer call() throws InterruptedException {
        URI target = target(url, System.getenv());
        Duration perTry = duration("--timeout", timeout);
        long deadline = System.nanoTime() + duration("--wait", waitFor).toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(perTry).proxy(HttpClient.Builder.NO_PROXY).build();
        String failure;
        while (true) {
            failure = probe(http, target, perTry);
            if (failure == null) {
                return Main.EXIT_OK;
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            Thread.sleep(RETRY_EVERY.toMillis()); // a CLI thread, not an event loop
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("sluice: " + target + ": " + failure);
        err.flush();
        return Main.EXIT_FAILURE;
    }

    /** Null when {@code target} answers 200, else what went wrong, in a few words. */
    static String probe(HttpClient http, URI target, Duration timeout) throws InterruptedException {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200 ? null : "status " + r.statusCode() + " (expected: 200)";
        } catch (IOException e) {
            String message = e.getMessage();
            return (message == null || message.isBlank()) ? e.getClass().getSimpleName() : message;
        }
    }

    /** {@code --url} if given, else loopback on {@code SLUICE_PORT} (the image's and the unit's variable). */
    static URI target(String url, Map<String, String> env) {
        if (url != null) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--url: " + url + " (expected: http://host:port/health)", e);
            }
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException("--url: " + url + " (expected: http://host:port/health)");
            }
            return uri;
        }
        String port = env.getOrDefault(PORT_VARIABLE, "");
        if (port.isBlank()) {
            port = Integer.toString(DEFAULT_PORT);
        }
        try {
            int p = Integer.parseInt(port.trim());
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return URI.create("http://127.0.0.1:" + p + "/health");
        } catch (NumberFormatException e) {
            throw new ConfigException(PORT_VARIABLE + ": " + port + " (expected: a port 1-65535, or --url)", e);
        }
    }

    private static Duration duration(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option + ": " + e.getMessage(), e);
        }
    }
}
