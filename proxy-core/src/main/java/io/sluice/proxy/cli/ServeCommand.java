package io.sluice.proxy.cli;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.ConfigSource;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.ServerConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.internal.SuppressForbidden;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the proxy.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--port", paramLabel = "N", description = "Listen on this port instead of server.port (0: any).")
    Integer port;

    @Option(names = "--host", paramLabel = "H", description = "Bind this address instead of server.host.")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        java.nio.file.Path file = config.resolve();
        SluiceConfig cfg = withOverrides(ConfigLoader.load(file), host, port);
        ConfigOption.checkExposure(cfg, file); // SluiceServer.start checks too, without the file's name
        ConfigOption.checkFiles(cfg, file);
        SluiceServer server = SluiceServer.start(cfg, ConfigSource.of(file, System.getenv(), Path.of("")));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sluice-shutdown"));
        onStopSignal(server, spec.commandLine().getErr());
        PrintWriter out = spec.commandLine().getOut();
        out.println(listeningLine(cfg.server().host(), server.localAddress().getPort(), cfg));
        out.flush();
        server.awaitClose();
        return Main.EXIT_OK;
    }

    /**
     * SIGTERM and SIGINT start the graceful close (stop accepting, let open streams finish up to
     * {@code server.shutdownGrace}, flush usage and logs) on a thread of its own; {@link #call} then returns and the
     * process exits 0. Without a handler the JVM would run the same close from the shutdown hook but exit 143.
     * {@code sun.misc.Signal} is in {@code jdk.unsupported}, there on every JDK since 9; where it is not, the hook
     * still closes gracefully. A second signal during the grace (the operator pressing Ctrl-C again) cuts it short.
     */
    @SuppressForbidden(reason = "sun.misc.Signal (jdk.unsupported) is the only way to handle SIGTERM/SIGINT")
    static void onStopSignal(SluiceServer server, PrintWriter err) {
        AtomicInteger signals = new AtomicInteger();
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name),
                        sig -> stopSignal(server, signals.incrementAndGet(), name.toLowerCase(Locale.ROOT), err));
            }
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // the shutdown hook closes instead
        }
    }

    /** The {@code count}th stop signal: the first starts the graceful close, the next ones cut its grace short. */
    static void stopSignal(SluiceServer server, int count, String name, PrintWriter err) {
        if (count == 1) {
            new Thread(server::close, "sluice-shutdown-" + name).start();
            return;
        }
        if (count == 2) {
            err.println("sluice: second stop signal: closing open connections now");
            err.flush();
        }
        server.closeNow();
    }

    /** The config with {@code --host}/{@code --port} applied; a bad value is reported as the option. */
    static SluiceConfig withOverrides(SluiceConfig cfg, String host, Integer port) {
        ServerConfig server = cfg.server();
        try {
            if (host != null) {
                server = server.withHost(host);
            }
            if (port != null) {
                server = server.withPort(port);
            }
        } catch (ConfigException e) {
            throw new ConfigException("--" + e.getMessage(), e); // "port: …" → "--port: …"
        }
        return cfg.withServer(server);
    }

    /** {@code Sluice listening on http://127.0.0.1:4000 (providers: mock, openai)}. */
    static String listeningLine(String host, int port, SluiceConfig cfg) {
        List<String> names = cfg.enabledProviders().stream().map(ProviderConfig::name).toList();
        return "Sluice listening on http://" + ConfigSummary.hostPort(host, port)
                + " (providers: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ")";
    }
}
