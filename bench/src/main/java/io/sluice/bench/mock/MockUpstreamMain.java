package io.sluice.bench.mock;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice-mock}: runs a {@link MockUpstream} until killed. */
@Command(name = "sluice-mock", mixinStandardHelpOptions = true,
        description = "Fake LLM provider for benchmarks: OpenAI chat, Anthropic messages, Gemini; JSON and SSE.",
        footer = {"", "Per-request header overrides: x-mock-chunks, x-mock-chunk-bytes, x-mock-chunk-delay-ms,",
                "x-mock-ttfb-ms, x-mock-latency-ms, x-mock-error-429-rate, x-mock-error-500-rate,",
                "x-mock-reset-rate, x-mock-error: 429|500|reset|none."})
public final class MockUpstreamMain implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host = MockUpstreamSettings.DEFAULT_HOST;

    @Option(names = "--port", description = "Port to bind, 0 for any (default: ${DEFAULT-VALUE}).")
    int port = MockUpstreamSettings.DEFAULT_PORT;

    @Option(names = "--threads", description = "Event loop threads (default: ${DEFAULT-VALUE}).")
    int threads = MockUpstreamSettings.DEFAULT_THREADS;

    @Option(names = "--chunks", description = "Content events per answer (default: ${DEFAULT-VALUE}).")
    int chunks = MockUpstreamSettings.DEFAULT_CHUNKS;

    @Option(names = "--chunk-bytes", description = "Text bytes per content event (default: ${DEFAULT-VALUE}).")
    int chunkBytes = MockUpstreamSettings.DEFAULT_CHUNK_BYTES;

    @Option(names = "--chunk-delay-ms", description = "Pause between content events (default: ${DEFAULT-VALUE}).")
    long chunkDelayMs = MockUpstreamSettings.DEFAULT_CHUNK_DELAY_MS;

    @Option(names = "--ttfb-ms", description = "Pause between a stream's head and its first event "
            + "(default: ${DEFAULT-VALUE}).")
    long ttfbMs = MockUpstreamSettings.DEFAULT_TTFB_MS;

    @Option(names = "--latency-ms", description = "Pause before every response head (default: ${DEFAULT-VALUE}).")
    long latencyMs = MockUpstreamSettings.DEFAULT_LATENCY_MS;

    @Option(names = "--error-429-rate", paramLabel = "FRACTION",
            description = "Fraction of model requests answered 429 (default: ${DEFAULT-VALUE}).")
    double error429Rate = MockUpstreamSettings.DEFAULT_ERROR_429_RATE;

    @Option(names = "--error-500-rate", paramLabel = "FRACTION",
            description = "Fraction of model requests answered 500 (default: ${DEFAULT-VALUE}).")
    double error500Rate = MockUpstreamSettings.DEFAULT_ERROR_500_RATE;

    @Option(names = "--reset-rate", paramLabel = "FRACTION",
            description = "Fraction of model requests cut halfway by closing the connection "
                    + "(default: ${DEFAULT-VALUE}).")
    double resetRate = MockUpstreamSettings.DEFAULT_RESET_RATE;

    @Option(names = "--seed", description = "Seed of the fault draws (default: ${DEFAULT-VALUE}).")
    long seed = MockUpstreamSettings.DEFAULT_SEED;

    @Option(names = "--retry-after", paramLabel = "SECONDS",
            description = "Retry-After of injected 429s (default: ${DEFAULT-VALUE}).")
    int retryAfterSeconds = MockUpstreamSettings.DEFAULT_RETRY_AFTER_SECONDS;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MockUpstreamMain())
                .setExecutionExceptionHandler(MockUpstreamMain::handle)
                .execute(args));
    }

    /** The validated settings from the options. */
    MockUpstreamSettings settings() {
        return MockUpstreamSettings.builder().host(host).port(port).threads(threads).chunks(chunks)
                .chunkBytes(chunkBytes).chunkDelayMs(chunkDelayMs).ttfbMs(ttfbMs).latencyMs(latencyMs)
                .error429Rate(error429Rate).error500Rate(error500Rate).resetRate(resetRate).seed(seed)
                .retryAfterSeconds(retryAfterSeconds).build();
    }

    @Override
    public Integer call() throws InterruptedException {
        MockUpstreamSettings s = settings();
        MockUpstream mock = MockUpstream.start(s);
        Runtime.getRuntime().addShutdownHook(new Thread(mock::close, "sluice-mock-shutdown"));
        System.out.printf(Locale.ROOT, "sluice-mock listening on %s (%s, %d thread(s); %d chunks x %d bytes; "
                        + "latency %d ms, ttfb %d ms, chunk delay %d ms; 429 %.3f, 500 %.3f, reset %.3f, seed %d)%n",
                mock.baseUrl(), mock.transport().name().toLowerCase(Locale.ROOT), s.threads(), s.chunks(),
                s.chunkBytes(), s.latencyMs(), s.ttfbMs(), s.chunkDelayMs(), s.error429Rate(), s.error500Rate(),
                s.resetRate(), s.seed());
        System.out.flush();
        mock.awaitClose();
        return 0;
    }

    /** A bad option value or a taken port is the user's to fix: one line, no stack trace. */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            PrintWriter err = cmd.getErr();
            err.println("sluice-mock: " + e.getMessage());
            err.flush();
            return e instanceof IllegalArgumentException ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
        }
        throw e;
    }
}
