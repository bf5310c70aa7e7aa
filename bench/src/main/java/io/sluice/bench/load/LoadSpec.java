package io.sluice.bench.load;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What one load run does. Immutable and validated on construction; build one with {@link #builder(String)}.
 *
 * @param target           {@code http://host[:port]/path[?query]}; only loopback hosts unless {@code allowRemote}
 * @param method           the request method; HEAD and CONNECT are not supported (their responses have no body)
 * @param headers          extra request headers. {@code Host} may be overridden; {@code Content-Length},
 *                         {@code Transfer-Encoding} and {@code Connection} are the generator's
 * @param bodies           request bodies, used in turn; one empty body when none. The arrays are copies: do not modify
 * @param mode             {@link LoadMode#OPEN} (fixed arrival rate) or {@link LoadMode#CLOSED} (fixed concurrency)
 * @param rate             OPEN: requests per second; ignored in CLOSED mode
 * @param connections      connections to the target; in CLOSED mode also the number of requests in flight
 * @param threads          event loop threads (at most {@code connections} are used)
 * @param duration         how long the measured part of the run lasts
 * @param warmup           how long the run goes before measuring; requests due (OPEN) or sent (CLOSED) in it are not
 *                         recorded
 * @param timeout          per request, from its actual send (including connect); a late request counts as
 *                         {@link ErrorKind#TIMEOUT} and its connection is closed and reopened
 * @param keepAlive        reuse connections (HTTP/1.1 keep-alive); when off every request opens a new connection and
 *                         sends {@code Connection: close}
 * @param streaming        read responses as SSE streams: count events, record time to first event and the gaps
 * @param requireStreamEnd with {@code streaming}: a stream without {@code data: [DONE]} or {@code event: message_stop}
 *                         counts as {@link ErrorKind#TRUNCATED}
 * @param allowRemote      allow a target that is not loopback
 */
public record LoadSpec(
        URI target,
        String method,
        List<Header> headers,
        List<byte[]> bodies,
        LoadMode mode,
        double rate,
        int connections,
        int threads,
        Duration duration,
        Duration warmup,
        Duration timeout,
        boolean keepAlive,
        boolean streaming,
        boolean requireStreamEnd,
        boolean allowRemote) {

    public static final LoadMode DEFAULT_MODE = LoadMode.OPEN;
    public static final int DEFAULT_CONNECTIONS = 16;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int MAX_CONNECTIONS = 60_000;
    public static final double MAX_RATE = 10_000_000;

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> RESERVED_HEADERS = Set.of("content-length", "transfer-encoding", "connection");

    /** One request header. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (!TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("header name: \"" + name + "\" (expected: an HTTP token)");
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("header " + name + ": value contains CR, LF or NUL");
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name
                        + ": set by the generator (expected: any other header; see keepAlive and bodies)");
            }
        }

        /** Parses {@code "Name: value"}, the curl {@code -H} form. */
        public static Header parse(String line) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header: \"" + line + "\" (expected: Name: value)");
            }
            return new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
    }

    public LoadSpec {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(timeout, "timeout");
        headers = List.copyOf(headers);
        List<byte[]> copies = new ArrayList<>(bodies.size());
        for (byte[] body : bodies) {
            copies.add(body.clone());
        }
        bodies = copies.isEmpty() ? List.of(new byte[0]) : List.copyOf(copies);
        checkTarget(target, allowRemote);
        if (!TOKEN.matcher(method).matches()) {
            throw new IllegalArgumentException("method: \"" + method + "\" (expected: an HTTP token like GET or POST)");
        }
        if (method.equals("HEAD") || method.equals("CONNECT")) {
            throw new IllegalArgumentException("method: " + method
                    + " (expected: a method whose response has a body; HEAD and CONNECT are not supported)");
        }
        if (mode == LoadMode.OPEN && !(rate > 0 && rate <= MAX_RATE)) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: > 0 and <= " + (long) MAX_RATE
                    + " requests per second in OPEN mode)");
        }
        if (connections <= 0 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException(
                    "connections: " + connections + " (expected: 1.." + MAX_CONNECTIONS + ")");
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: > 0)");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        if (requireStreamEnd && !streaming) {
            requireStreamEnd = false; // only meaningful for streams; the builder's default is on
        }
    }

    /** A builder for {@code target}, with the defaults named above. */
    public static Builder builder(String target) {
        return new Builder().target(target);
    }

    /** The request target as sent on the request line: path (at least {@code /}) and query. */
    public String requestPath() {
        String path = target.getRawPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        return target.getRawQuery() == null ? path : path + "?" + target.getRawQuery();
    }

    /** The target's port, 80 when the URI has none. */
    public int port() {
        return target.getPort() < 0 ? 80 : target.getPort();
    }

    /** The target's host without IPv6 brackets. */
    public String host() {
        return stripBrackets(target.getHost());
    }

    /** The number of event loop threads a run uses. */
    public int effectiveThreads() {
        return Math.min(threads, connections);
    }

    private static void checkTarget(URI target, boolean allowRemote) {
        if (!"http".equalsIgnoreCase(target.getScheme())) {
            throw new IllegalArgumentException("target: " + target
                    + " (expected: an http:// URI; https is not supported)");
        }
        if (target.getHost() == null) {
            throw new IllegalArgumentException("target: " + target + " (expected: http://host[:port]/path)");
        }
        if (target.getPort() == 0 || target.getPort() > 65_535) {
            throw new IllegalArgumentException("target port: " + target.getPort() + " (expected: 1..65535)");
        }
        if (!allowRemote && !isLoopbackName(stripBrackets(target.getHost()))) {
            throw new IllegalArgumentException("target host: " + target.getHost()
                    + " (expected: localhost or a loopback address; allowRemote to load another host)");
        }
    }

    /** Loopback without a DNS lookup: {@code localhost} or a literal loopback address. */
    static boolean isLoopbackName(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal == null) {
            return false;
        }
        try {
            return InetAddress.getByAddress(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Builds a {@link LoadSpec}; every setter returns {@code this}. */
    public static final class Builder {
        private URI target;
        private String method;
        private final List<Header> headers = new ArrayList<>();
        private final List<byte[]> bodies = new ArrayList<>();
        private LoadMode mode = DEFAULT_MODE;
        private double rate;
        private int connections = DEFAULT_CONNECTIONS;
        private int threads;
        private Duration duration = DEFAULT_DURATION;
        private Duration warmup = DEFAULT_WARMUP;
        private Duration timeout = DEFAULT_TIMEOUT;
        private boolean keepAlive = true;
        private boolean streaming;
        private boolean requireStreamEnd = true;
        private boolean allowRemote;

        private Builder() {
        }

        public Builder target(String uri) {
            try {
                return target(new URI(uri));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("target: \"" + uri + "\" (expected: a URI like http://127.0.0.1:8080/v1/chat/completions)", e);
            }
        }

        public Builder target(URI uri) {
            this.target = uri;
            return this;
        }

        /** Default: POST when a body was given, GET otherwise. */
        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder header(String name, String value) {
            headers.add(new Header(name, value));
            return this;
        }

        public Builder body(byte[] body) {
            bodies.add(body);
            return this;
        }

        public Builder body(String utf8) {
            return body(utf8.getBytes(StandardCharsets.UTF_8));
        }

        public Builder mode(LoadMode mode) {
            this.mode = mode;
            return this;
        }

        /** OPEN: requests per second. */
        public Builder rate(double perSecond) {
            this.rate = perSecond;
            return this;
        }

        /** Connections; in CLOSED mode also the concurrency. */
        public Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        /** Event loop threads; default: min(connections, available processors). */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public Builder warmup(Duration warmup) {
            this.warmup = warmup;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder keepAlive(boolean keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        public Builder streaming(boolean streaming) {
            this.streaming = streaming;
            return this;
        }

        /** Default on: with {@link #streaming}, a stream without a terminal event is an error. */
        public Builder requireStreamEnd(boolean require) {
            this.requireStreamEnd = require;
            return this;
        }

        public Builder allowRemote(boolean allow) {
            this.allowRemote = allow;
            return this;
        }

        public LoadSpec build() {
            String m = method != null ? method : bodies.isEmpty() ? "GET" : "POST";
            int t = threads > 0
                    ? threads
                    : Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors()));
            return new LoadSpec(target, m, headers, bodies, mode, rate, connections, t, duration, warmup, timeout,
                    keepAlive, streaming, requireStreamEnd, allowRemote);
        }
    }
}
