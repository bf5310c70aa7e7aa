package io.sluice.bench.load;

import io.sluice.proxy.config.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The load generator on its own:
 * {@code sluice-load http://127.0.0.1:8080/v1/chat/completions --rate 2000 -c 64 -d 30s --body-file req.json --stream}.
 * Prints progress to stderr each second, then the one-line summary to stdout, and the JSON result where
 * {@code --json} says.
 */
@Command(name = "sluice-load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Open- or closed-loop HTTP/1.1 load with coordinated-omission-corrected latency.")
public final class LoadMain implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    /** The run went but no request succeeded. */
    public static final int EXIT_NO_SUCCESS = 1;
    /** Bad arguments; a one-line message is printed. */
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "URL", description = "Target, e.g. http://127.0.0.1:8080/v1/chat/completions.")
    String url;

    @Option(names = "--mode", paramLabel = "open|closed", converter = ModeConverter.class,
            description = "open: fixed arrival rate (default); closed: fixed concurrency.")
    LoadMode mode = LoadSpec.DEFAULT_MODE;

    @Option(names = {"-r", "--rate"}, paramLabel = "N", description = "Open loop: requests per second.")
    double rate;

    @Option(names = {"-c", "--connections", "--concurrency"}, paramLabel = "N",
            description = "Connections; closed loop: also requests in flight (default: ${DEFAULT-VALUE}).")
    int connections = LoadSpec.DEFAULT_CONNECTIONS;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Event loop threads (default: min(connections, cores)).")
    int threads;

    @Option(names = {"-d", "--duration"}, paramLabel = "D", converter = DurationConverter.class,
            description = "Measured duration, e.g. 30s (default: 10s).")
    Duration duration = LoadSpec.DEFAULT_DURATION;

    @Option(names = {"-w", "--warmup"}, paramLabel = "D", converter = DurationConverter.class,
            description = "Unmeasured warmup before it (default: 2s).")
    Duration warmup = LoadSpec.DEFAULT_WARMUP;

    @Option(names = "--timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "Per request, connect included (default: 30s).")
    Duration timeout = LoadSpec.DEFAULT_TIMEOUT;

    @Option(names = {"-X", "--method"}, paramLabel = "M", description = "Default: POST with a body, else GET.")
    String method;

    @Option(names = {"-H", "--header"}, paramLabel = "'Name: value'", description = "Request header; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--body", paramLabel = "TEXT", description = "Request body; repeatable, used in turn.")
    List<String> bodies = new ArrayList<>();

    @Option(names = "--body-file", paramLabel = "PATH", description = "Request body from a file; repeatable.")
    List<Path> bodyFiles = new ArrayList<>();

    @Option(names = "--stream", description = "Read SSE streams: time to first event, gaps, events per stream.")
    boolean streaming;

    @Option(names = "--no-require-stream-end",
            description = "Accept streams without data: [DONE] / event: message_stop (e.g. Gemini).")
    boolean noRequireStreamEnd;

    @Option(names = "--keep-alive", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Reuse connections (default); --no-keep-alive opens one per request.")
    boolean keepAlive;

    @Option(names = "--allow-remote", description = "Allow a target that is not loopback.")
    boolean allowRemote;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON result there ('-': stdout).")
    String json;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines.")
    boolean quiet;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line and returns the exit code instead of exiting, for tests. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new LoadMain());
        // The platform charset, as the JDK 17 System.out uses; PrintStream.charset() needs Java 18.
        cli.setOut(new PrintWriter(out, true, Charset.defaultCharset()));
        cli.setErr(new PrintWriter(err, true, Charset.defaultCharset()));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("sluice-load: " + e.getMessage());
                cmd.getErr().flush();
                return EXIT_USAGE;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        LoadSpec.Builder b = LoadSpec.builder(url)
                .mode(mode).rate(rate).connections(connections).threads(threads)
                .duration(duration).warmup(warmup).timeout(timeout)
                .keepAlive(keepAlive).streaming(streaming).requireStreamEnd(!noRequireStreamEnd)
                .allowRemote(allowRemote);
        if (method != null) {
            b.method(method);
        }
        for (String h : headers) {
            LoadSpec.Header header = LoadSpec.Header.parse(h);
            b.header(header.name(), header.value());
        }
        for (String body : bodies) {
            b.body(body);
        }
        for (Path p : bodyFiles) {
            b.body(Files.readAllBytes(p));
        }
        LoadSpec spec = b.build();
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        LoadResult result = LoadGenerator.run(spec, p -> {
            if (!quiet) {
                err.println(p.line());
                err.flush();
            }
        });
        out.println(result.summary());
        if ("-".equals(json)) {
            out.println(result.toJson());
        } else if (json != null) {
            Files.writeString(Path.of(json), result.toJson() + "\n", StandardCharsets.UTF_8);
        }
        out.flush();
        return result.successes() > 0 ? EXIT_OK : EXIT_NO_SUCCESS;
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Durations.parse(value);
        }
    }

    static final class ModeConverter implements ITypeConverter<LoadMode> {
        @Override
        public LoadMode convert(String value) {
            try {
                return LoadMode.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("\"" + value + "\" (expected: open or closed)");
            }
        }
    }
}
