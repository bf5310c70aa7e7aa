package io.sluice.proxy.logs;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.proxy.config.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opt-in exchange logger: one JSON line per client exchange with the client's request, what went upstream, what came
 * back and what the client got, bodies cut at {@code maxCaptureBytes} per part. Credentials are masked in headers,
 * URLs and bodies: the configured secrets (every provider key and client key), Bearer tokens and {@code sk-...}
 * keys.
 * <p>
 * A {@link Capture} only copies bytes on the event loop; decoding, masking and JSON happen on the writer thread
 * {@value #THREAD_NAME}, which also rotates the file by size like {@link ProviderLogFiles}.
 */
public final class RequestLogger implements AutoCloseable {

    public static final String THREAD_NAME = "sluice-request-log";
    public static final int DEFAULT_MAX_CAPTURE_BYTES = 64 * 1024;
    public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;
    public static final int DEFAULT_KEEP = 5;
    /** Each queued capture may hold 4 × maxCaptureBytes: keep the queue short. */
    public static final int DEFAULT_QUEUE_CAPACITY = 256;
    public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(5);

    /** Client headers whose whole value is a credential (compared lower-case). */
    static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "x-api-key",
            "x-goog-api-key", "api-key", "cookie");
    private static final Set<String> SCHEME_HEADERS = Set.of("authorization", "proxy-authorization");

    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)([A-Za-z0-9._~+/=-]{8,})");
    private static final Pattern SK_KEY = Pattern.compile("\\bsk-[A-Za-z0-9_-]{8,}");
    /** Gemini and others take the key as a query parameter. */
    private static final Pattern QUERY_KEY =
            Pattern.compile("(?i)([?&](?:key|api_key|api-key|apikey|access_token)=)([^&#]+)");
    private static final int FILE_BUFFER = 64 * 1024;

    private final Path file;
    private final int maxCaptureBytes;
    private volatile List<String> secrets;
    private final AsyncWriter<Capture> writer;

    public RequestLogger(Path file, long maxBytes, int keep, int maxCaptureBytes, Collection<String> secrets)
            throws IOException {
        this(file, maxBytes, keep, maxCaptureBytes, secrets, DEFAULT_QUEUE_CAPACITY);
    }

    /** Opens (creates) {@code file} now, so a bad path fails at startup, and starts the writer thread. */
    public RequestLogger(Path file, long maxBytes, int keep, int maxCaptureBytes, Collection<String> secrets,
                         int queueCapacity) throws IOException {
        ProviderLogFiles.checkLimits(maxBytes, keep);
        if (maxCaptureBytes < 0) {
            throw new IllegalArgumentException("maxCaptureBytes: " + maxCaptureBytes + " (expected: >= 0)");
        }
        if (queueCapacity < 2) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 2)");
        }
        this.file = file;
        this.maxCaptureBytes = maxCaptureBytes;
        this.secrets = ordered(secrets == null ? List.of() : secrets);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        RotatingFile out = new RotatingFile(file, maxBytes, keep, FILE_BUFFER);
        out.open();
        this.writer = new AsyncWriter<>(THREAD_NAME, queueCapacity, new LineSink(out));
    }

    public Path file() {
        return file;
    }

    /**
     * Starts recording one exchange; call on the event loop that owns it. The client headers are copied now (their
     * credentials are masked when the line is written).
     */
    public Capture begin(String id, String method, String uri, HttpHeaders clientHeaders) {
        List<String> headers = new ArrayList<>(clientHeaders == null ? 0 : clientHeaders.size() * 2);
        if (clientHeaders != null) {
            for (Iterator<Map.Entry<String, String>> it = clientHeaders.iteratorAsString(); it.hasNext(); ) {
                Map.Entry<String, String> h = it.next();
                headers.add(h.getKey());
                headers.add(h.getValue());
            }
        }
        return new Capture(this, System.currentTimeMillis(), id, method, uri, headers, maxCaptureBytes);
    }

    /** Exchanges dropped because the queue was full or the logger closed. */
    public long dropped() {
        return writer.dropped();
    }

    /** Exchanges written so far. */
    public long written() {
        return writer.written();
    }

    /** {@link #flush(Duration)} with {@link #DEFAULT_FLUSH_TIMEOUT}. */
    public boolean flush() {
        return flush(DEFAULT_FLUSH_TIMEOUT);
    }

    /** Waits until every finished capture before this call is in the file, at most {@code timeout}. Blocks. */
    public boolean flush(Duration timeout) {
        return writer.flush(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Writes what is queued and closes the file (bounded wait). Idempotent. */
    @Override
    public void close() {
        writer.close();
    }

    /** {@code text} with Bearer tokens, {@code sk-} keys and every configured secret masked. */
    String maskText(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        // Patterns first: masking a known secret first would leave "Bearer sk-...abcd" for BEARER to mask again.
        String s = BEARER.matcher(text)
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + Secrets.mask(m.group(2))));
        s = SK_KEY.matcher(s).replaceAll(m -> Matcher.quoteReplacement(Secrets.mask(m.group())));
        return Secrets.maskAll(s, secrets);
    }

    /** Longest first, so that a key containing another is masked whole. */
    private static List<String> ordered(Collection<String> secrets) {
        return secrets.stream().filter(s -> s != null && !s.isEmpty()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** Masks {@code more} too from now on (keys set at runtime through the admin API). */
    public synchronized void addSecrets(Collection<String> more) {
        secrets = ordered(java.util.stream.Stream.concat(secrets.stream(), more.stream()).toList());
    }

    /** A URL or request target with key-like query parameters and known secrets masked. */
    String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String s = QUERY_KEY.matcher(url)
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + Secrets.mask(m.group(2))));
        return maskText(s);
    }

    /** A client header value as logged: credentials masked, keeping an Authorization scheme readable. */
    String maskHeader(String name, String value) {
        if (value == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (SCHEME_HEADERS.contains(lower)) {
            String v = value.trim();
            int sp = v.indexOf(' ');
            return sp > 0 ? v.substring(0, sp + 1) + Secrets.mask(v.substring(sp + 1).trim()) : Secrets.mask(v);
        }
        if (SECRET_HEADERS.contains(lower)) {
            return Secrets.mask(value);
        }
        return maskText(value);
    }

    /**
     * What one exchange sent and received. Confined to the event loop that began it; {@link #finish} hands it to the
     * writer thread (the queue publishes it) and every later call is ignored. Buffers passed in are only read:
     * their indexes and reference counts are left alone, and the caller keeps ownership.
     */
    public static final class Capture {

        /** A capture that records nothing, for when request logging is off. */
        public static final Capture NONE = new Capture(null, 0, null, null, null, List.of(), 0);

        private final RequestLogger logger;
        private final long timestamp;
        private final String id;
        private final String method;
        private final String uri;
        private final List<String> headers;
        private final CapturePart clientRequest;
        private final CapturePart upstreamRequest;
        private final CapturePart upstreamResponse;
        private final CapturePart clientResponse;
        private String upstreamMethod;
        private String upstreamUrl;
        private int upstreamStatus = -1;
        private int status;
        private String provider;
        private String model;
        private long latencyMs;
        /** What the system prompt and thinking budget did ({@code system prompt append}), or null. */
        private String rewrites;
        /** What dedup did ({@code hit}, {@code coalesced}, {@code miss}, {@code bypass}), or null when it is off. */
        private String cache;
        private boolean finished;

        private Capture(RequestLogger logger, long timestamp, String id, String method, String uri,
                        List<String> headers, int maxCaptureBytes) {
            this.logger = logger;
            this.timestamp = timestamp;
            this.id = id;
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.clientRequest = new CapturePart(maxCaptureBytes);
            this.upstreamRequest = new CapturePart(maxCaptureBytes);
            this.upstreamResponse = new CapturePart(maxCaptureBytes);
            this.clientResponse = new CapturePart(maxCaptureBytes);
            this.finished = logger == null;
        }

        public void clientRequest(ByteBuf buf) {
            if (!finished) {
                clientRequest.append(buf);
            }
        }

        public void upstreamRequest(ByteBuf buf) {
            if (!finished) {
                upstreamRequest.append(buf);
            }
        }

        public void upstreamResponse(ByteBuf buf) {
            if (!finished) {
                upstreamResponse.append(buf);
            }
        }

        public void clientResponse(ByteBuf buf) {
            if (!finished) {
                clientResponse.append(buf);
            }
        }

        /** Where the exchange went and what it answered; a later call (a retry) replaces an earlier one. */
        public void upstreamTarget(String method, String url, int status) {
            if (!finished) {
                this.upstreamMethod = method;
                this.upstreamUrl = url;
                this.upstreamStatus = status;
            }
        }

        /** What the global system prompt and the thinking budget did; written as {@code "rewrites"}. */
        public void rewrites(String done) {
            if (!finished) {
                this.rewrites = done;
            }
        }

        /** What dedup did for this exchange; written as {@code "cache"}. */
        public void cache(String result) {
            if (!finished) {
                this.cache = result;
            }
        }

        /** Ends the capture and queues its line; never blocks. Later calls on this capture are ignored. */
        public void finish(int status, String provider, String model, long latencyMs) {
            if (finished) {
                return;
            }
            this.status = status;
            this.provider = provider;
            this.model = model;
            this.latencyMs = latencyMs;
            this.finished = true;
            logger.writer.offer(this);
        }

        public boolean isFinished() {
            return finished;
        }

        /** Writer thread: the line for this finished capture. */
        void writeJson(JsonGenerator g, RequestLogger l) throws IOException {
            g.writeStartObject();
            g.writeNumberField("timestamp", timestamp);
            g.writeStringField("id", id);
            g.writeStringField("method", method);
            g.writeStringField("uri", l.maskUrl(uri));
            g.writeNumberField("status", status);
            g.writeStringField("provider", provider);
            g.writeStringField("model", model);
            g.writeNumberField("latencyMs", latencyMs);
            if (rewrites != null) {
                g.writeStringField("rewrites", rewrites);
            }
            if (cache != null) {
                g.writeStringField("cache", cache);
            }

            g.writeObjectFieldStart("clientRequest");
            g.writeObjectFieldStart("headers");
            Map<String, String> joined = new LinkedHashMap<>();
            for (int i = 0; i + 1 < headers.size(); i += 2) {
                joined.merge(headers.get(i), headers.get(i + 1), (a, b) -> a + ", " + b);
            }
            for (Map.Entry<String, String> h : joined.entrySet()) {
                g.writeStringField(h.getKey(), l.maskHeader(h.getKey(), h.getValue()));
            }
            g.writeEndObject();
            clientRequest.writeFields(g, l);
            g.writeEndObject();

            g.writeObjectFieldStart("upstreamRequest");
            g.writeStringField("method", upstreamMethod);
            g.writeStringField("url", l.maskUrl(upstreamUrl));
            upstreamRequest.writeFields(g, l);
            g.writeEndObject();

            g.writeObjectFieldStart("upstreamResponse");
            if (upstreamStatus < 0) {
                g.writeNullField("status");
            } else {
                g.writeNumberField("status", upstreamStatus);
            }
            upstreamResponse.writeFields(g, l);
            g.writeEndObject();

            g.writeObjectFieldStart("clientResponse");
            clientResponse.writeFields(g, l);
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /** Writer-thread side: one rotating file. */
    private final class LineSink implements AsyncWriter.Sink<Capture> {

        private final RotatingFile out;
        private final LineBuffer line = new LineBuffer(4096);

        LineSink(RotatingFile out) {
            this.out = out;
        }

        @Override
        public void write(Capture c) throws IOException {
            try (JsonGenerator g = JsonLines.generator(line)) {
                c.writeJson(g, RequestLogger.this);
            }
            line.write('\n');
            out.write(line.array(), 0, line.size());
            if (line.array().length > 4 * FILE_BUFFER) {
                line.shrink(4096); // one huge exchange must not pin megabytes for the life of the process
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
