package io.sluice.proxy.ops;

/**
 * What Sluice learns about one client request to a model while answering it: the route, the provider and key that
 * served it, how many attempts it took, when the first body byte went out, the status and the usage. Written by the
 * client's event loop only (the handler, the scheduler and the relay all run there); read by the admin API from other
 * threads for {@code /api/sessions}, where a slightly stale view is fine.
 */
public final class RequestTrace {

    private final long id;
    private final long startNanos;
    private final long startMillis;
    private final String route;
    private final String model;
    private final boolean stream;
    private final String client;
    private final long requestBytes;

    volatile String provider;
    volatile String upstreamModel;
    volatile String key;
    volatile int attempts;
    volatile long firstByteNanos;
    volatile int status;
    private long responseBytes;
    /** Length of the answer's text (content, reasoning, tool arguments) as far as it was read; for estimates. */
    private long contentLength;
    private boolean usageSeen;
    private long promptTokens;
    private long completionTokens;
    private long cachedTokens;
    private long reasoningTokens;
    private String error;
    private volatile String rewrites;
    /** The answer carried an error event or ended without its terminal event: it must not be served again. */
    private volatile boolean broken;
    /** What dedup did for this request ({@code hit}, {@code coalesced}, {@code miss}, {@code bypass}), or null. */
    private volatile String dedup;
    private io.sluice.proxy.logs.RequestLogger.Capture capture;

    RequestTrace(long id, long startNanos, long startMillis, String route, String model, boolean stream,
                 String client, String provider, String upstreamModel, long requestBytes) {
        this.id = id;
        this.startNanos = startNanos;
        this.startMillis = startMillis;
        this.route = route;
        this.model = model;
        this.stream = stream;
        this.client = client;
        this.provider = provider;
        this.upstreamModel = upstreamModel;
        this.requestBytes = requestBytes;
    }

    /** One attempt begins on {@code provider} with the key named {@code keyName} (null without keys). */
    public void attempt(String provider, String upstreamModel, String keyName) {
        this.provider = provider;
        this.upstreamModel = upstreamModel;
        this.key = keyName;
        attempts++;
        contentLength = 0;
    }

    /** The answer carried {@code length} more characters (or bytes) of text: what an estimate is made from. */
    public void content(long length) {
        contentLength += length;
    }

    public long contentLength() {
        return contentLength;
    }

    /** Usage the provider reported (or the mock's own count; -1 where absent): replaces any estimate. */
    public void usage(long prompt, long completion, long cached, long reasoning) {
        usageSeen = true;
        promptTokens = Math.max(0, prompt); // -1: the provider did not say
        completionTokens = Math.max(0, completion);
        cachedTokens = Math.max(0, cached);
        reasoningTokens = Math.max(0, reasoning);
    }

    /** A body chunk of {@code bytes} went to the client; the first one marks the time to first byte. */
    public void sent(int bytes, long nowNanos) {
        if (firstByteNanos == 0) {
            firstByteNanos = nowNanos;
        }
        responseBytes += bytes;
    }

    /**
     * Dedup's verdict. A {@code hit} or {@code coalesced} request made no upstream call of its own: it is counted
     * with no tokens and marked, the tokens belong to the request whose call answered it.
     */
    public void dedup(String result) {
        this.dedup = result;
    }

    public String dedup() {
        return dedup;
    }

    /** Answered by dedup without an upstream call of its own. */
    public boolean deduplicated() {
        String d = dedup;
        return "hit".equals(d) || "coalesced".equals(d);
    }

    /** The answer carried an error event or was cut short: dedup does not keep it. */
    public void broken() {
        broken = true;
    }

    public boolean isBroken() {
        return broken;
    }

    public void error(String message) {
        this.error = message;
    }

    /** What the system prompt and thinking budget did to the request ({@code system prompt append, ...}). */
    public void rewrites(String description) {
        this.rewrites = description;
    }

    /** What the system prompt and thinking budget did to the request, or null when nothing. */
    public String rewrites() {
        return rewrites;
    }

    public long id() {
        return id;
    }

    public long startNanos() {
        return startNanos;
    }

    public long startMillis() {
        return startMillis;
    }

    public String route() {
        return route;
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** The client key's name, or null when client keys are not in use. */
    public String client() {
        return client;
    }

    public String provider() {
        return provider;
    }

    public String upstreamModel() {
        return upstreamModel;
    }

    public String key() {
        return key;
    }

    public int attempts() {
        return attempts;
    }

    public int status() {
        return status;
    }

    /** Nanos from the request head to the first response body byte, or -1 when none went out. */
    public long firstByteAfterNanos() {
        long f = firstByteNanos;
        return f == 0 ? -1 : f - startNanos;
    }

    public boolean usageSeen() {
        return usageSeen;
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long completionTokens() {
        return completionTokens;
    }

    public long cachedTokens() {
        return cachedTokens;
    }

    public long reasoningTokens() {
        return reasoningTokens;
    }

    public long requestBytes() {
        return requestBytes;
    }

    public long responseBytes() {
        return responseBytes;
    }

    public String error() {
        return error;
    }

    /** The request log's capture of this exchange, or null when the request logger is off. */
    public io.sluice.proxy.logs.RequestLogger.Capture capture() {
        return capture;
    }

    public void capture(io.sluice.proxy.logs.RequestLogger.Capture c) {
        this.capture = c;
    }
}
