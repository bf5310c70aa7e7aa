package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.json.ModelSplice;
import io.sluice.codec.json.Usage;
import io.sluice.codec.json.UsageScanner;
import io.sluice.codec.sse.SseFramer;
import io.sluice.codec.sse.SseListener;
import io.sluice.providers.AuthScheme;
import io.sluice.providers.Operation;
import io.sluice.providers.ProviderDescriptor;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.Outcome;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.logs.RequestLogger;
import io.sluice.proxy.ops.RequestTrace;
import java.net.ConnectException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One attempt at one provider: writes the request on a pooled upstream connection of the client's event loop and
 * streams the answer into a {@link ResponseSink}. A passthrough body goes out as retained slices with only the model
 * value spliced, and the upstream's body buffers reach the client as they arrive; SSE events are framed (slices, no
 * copies) only to pick out usage and {@code [DONE]}. A translated request's answer goes to a translating sink, which
 * reads usage itself. Embeddings and image generation take the same path to their own upstream paths.
 *
 * <p>Nothing reaches the client before the answer is known to be one: an error status, a 2xx whose first bytes are an
 * error (or that has no body), or a transport failure is reported as {@link Outcome.FailedEarly} and the relay ends
 * without a word to the client: whoever started it answers or tries again. The relay knows nothing of attempts.
 *
 * <p>Backpressure: the upstream channel has AUTO_READ off; the next read is issued after a read batch is flushed
 * to a writable client, or when the client becomes writable again.
 */
public final class UpstreamRelay implements Exchange, UpstreamHandler.Listener, SseListener {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(UpstreamRelay.class);

    private enum State { ACQUIRING, AWAITING_HEAD, STREAMING, BUFFERING_ERROR, DONE }

    /** Upstream error bodies are read up to this size, then cut: they end up in a client error message. */
    static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    static final int MAX_SSE_EVENT_BYTES = 8 * 1024 * 1024;

    private static final String[] FORWARDED_HEADERS = {
        "x-request-id", "openai-processing-ms", "openai-version", "openai-model", "openai-organization",
    };

    private final Upstreams upstreams;
    private final UpstreamRequest request;
    private final ResponseSink sink;
    private final ProviderConfig provider;
    private OriginPool pool;
    /** The API root requests go to: the provider's base URL, or the API host a Copilot token names. */
    private URI base;
    /** Index into the provider's keys of the key this exchange uses, -1 for none. */
    private final int keyIndex;
    /** Who hears how this attempt ended. */
    private final Outcome.Listener listener;
    /** A 2xx head held back until the first body bytes show the answer is not an error (so it can be retried). */
    private HttpResponse pendingHead;
    /** The {@code Retry-After} of an upstream error head, or null. */
    private String retryAfter;
    /** The outcome was reported: exactly one report per attempt. */
    private boolean reported;
    /** The provider's dialect: request path, auth headers, and how usage is read on passthrough. */
    private final Dialect dialect;
    /** Usage of a passthrough in a dialect other than OpenAI's, read by that dialect's decoder; else null. */
    private UsageTap tap;

    private State state = State.ACQUIRING;
    private Channel channel;
    private UpstreamHandler handler;
    private boolean upstreamKeepAlive;
    private boolean readPending;
    private boolean sse;
    private boolean doneSeen;
    private SseFramer framer;
    private final UsageScanner usage = new UsageScanner();
    private CompositeByteBuf errorBody;
    private int upstreamStatus;
    private String apiKey;
    private boolean bodyOwned = true;
    /** The request log's capture of this exchange, or null. */
    private RequestLogger.Capture capture;
    private String captureUrl;

    /**
     * @param keyIndex index of the provider key to use, -1 for none
     * @param listener hears the one {@link Outcome} of this attempt
     */
    public UpstreamRelay(Upstreams upstreams, UpstreamRequest request, ResponseSink sink, int keyIndex,
                         Outcome.Listener listener) {
        this.upstreams = upstreams;
        this.request = request;
        this.sink = sink;
        this.keyIndex = keyIndex;
        this.listener = listener;
        this.provider = request.provider();
        this.dialect = Dialects.byName(provider.dialect());
    }

    @Override
    public void start() {
        upstreams.metrics().upstreamActive().incrementAndGet();
        apiKey = keyIndex < 0 ? null : provider.apiKeys().get(keyIndex);
        if (provider.descriptor().auth() == AuthScheme.COPILOT_TOKEN_EXCHANGE && apiKey != null) {
            CompletableFuture<CopilotTokens.Token> token = upstreams.copilotTokens()
                    .token(provider.option(ProviderDescriptor.OPTION_TOKEN_URL), apiKey);
            if (token.isDone() && !token.isCompletedExceptionally()) {
                onCopilotToken(token.join(), null);
            } else {
                token.whenComplete((t, err) -> sink.eventLoop().execute(() -> onCopilotToken(t, err)));
            }
            return;
        }
        connect(provider.baseUrl());
    }

    /** The GitHub token was exchanged (or not): go on with the Copilot token in place of the configured key. */
    private void onCopilotToken(CopilotTokens.Token token, Throwable err) {
        if (state == State.DONE) {
            return; // the client left while the exchange ran
        }
        if (err != null) {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            upstreams.metrics().upstreamResponse(provider.name(), 0);
            int status = cause instanceof CopilotTokens.ExchangeException x && x.status() > 0 ? 401 : 0;
            failEarly(status, null, null, cause, new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY,
                    "provider " + provider.name() + ": exchanging GitHub token " + provider.keyNames().get(keyIndex)
                            + " for a Copilot token failed: " + cause.getMessage(), "upstream_auth_error"));
            return;
        }
        apiKey = token.token();
        connect(token.api() != null ? token.api() : provider.baseUrl());
    }

    private void connect(URI target) {
        base = target;
        pool = upstreams.pools().pool(sink.eventLoop(), upstreams.origin(provider, target));
        Future<Channel> f = pool.acquire();
        if (f.isDone()) {
            onAcquired(f);
        } else {
            f.addListener(this::onAcquired);
        }
    }

    private void onAcquired(Future<? super Channel> f) {
        if (state == State.DONE) {
            if (f.isSuccess()) {
                pool.release((Channel) f.getNow(), true);
            }
            return;
        }
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            upstreams.metrics().upstreamResponse(provider.name(), 0);
            failEarly(0, null, null, c, new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY,
                    "cannot connect to provider " + provider.name() + " at " + pool.origin() + ": " + describe(c),
                    "upstream_connect_error"));
            return;
        }
        channel = (Channel) f.getNow();
        handler = channel.pipeline().get(UpstreamHandler.class);
        state = State.AWAITING_HEAD;
        handler.begin(this, upstreams.config().firstByteTimeout().toNanos(),
                upstreams.config().idleTimeout().toNanos());
        channel.writeAndFlush(buildRequest()).addListener(w -> {
            if (!w.isSuccess() && state != State.DONE) {
                onFailure(w.cause());
            }
        });
        channel.read();
    }

    private FullHttpRequest buildRequest() {
        ByteBuf body = request.body();
        ByteBuf out;
        if (request.modelStart() >= 0) {
            out = ModelSplice.splice(channel.alloc(), body, request.modelStart(), request.modelEnd(),
                    request.upstreamModel());
            releaseBody();
        } else {
            // Translated, or a dialect without the model in the body (Gemini): the body goes as it is.
            out = body;
            bodyOwned = false;
        }
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        ProviderDescriptor d = provider.descriptor();
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                path + d.path(request.operation(), provider.dialect(), request.upstreamModel(),
                        request.stream(), provider.options()), out);
        HttpHeaders h = req.headers();
        h.set(HttpHeaderNames.HOST, pool.origin().hostHeader())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, out.readableBytes())
                .set(HttpHeaderNames.ACCEPT, request.stream() ? "text/event-stream" : "application/json")
                .set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY)
                .set(HttpHeaderNames.USER_AGENT, Upstreams.USER_AGENT);
        Auth.apply(dialect, d.auth(), apiKey, h);
        if (dialect == Dialects.ANTHROPIC && !request.translated()) {
            // Passthrough: the body was written for the client's API version and beta features.
            if (request.anthropicVersion() != null) {
                h.set("anthropic-version", request.anthropicVersion());
            }
            if (request.anthropicBeta() != null) {
                String own = h.get("anthropic-beta"); // the OAuth beta Auth may have set
                h.set("anthropic-beta", own == null || request.anthropicBeta().contains(own) ? request.anthropicBeta()
                        : own + "," + request.anthropicBeta());
            }
        }
        for (Map.Entry<String, String> e : d.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : provider.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        RequestTrace t = request.trace();
        capture = t == null ? null : t.capture();
        if (capture != null) {
            captureUrl = pool.origin() + req.uri();
            capture.upstreamTarget("POST", captureUrl, 0);
            capture.upstreamRequest(out);
        }
        return req;
    }

    // ---- upstream events ----

    @Override
    public void onHead(HttpResponse head) {
        if (state != State.AWAITING_HEAD) {
            return;
        }
        if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            // 100 Continue, 103 Early Hints...: the final response follows (RFC 9110 §15.2). Their empty last
            // content is released by onContent in this state.
            return;
        }
        upstreamStatus = head.status().code();
        if (capture != null) {
            capture.upstreamTarget("POST", captureUrl, upstreamStatus);
        }
        upstreamKeepAlive = HttpUtil.isKeepAlive(head);
        upstreams.metrics().upstreamResponse(provider.name(), upstreamStatus);
        if (upstreamStatus < 200 || upstreamStatus >= 300) {
            retryAfter = head.headers().get(HttpHeaderNames.RETRY_AFTER);
            state = State.BUFFERING_ERROR;
            errorBody = channel.alloc().compositeBuffer();
            return;
        }
        String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/json");
        sse = contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
        HttpHeaders h = out.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        for (String name : FORWARDED_HEADERS) {
            String v = head.headers().get(name);
            if (v != null) {
                h.set(name, v);
            }
        }
        for (Map.Entry<String, String> e : head.headers()) {
            if (e.getKey().regionMatches(true, 0, "x-ratelimit-", 0, 12)) {
                h.add(e.getKey(), e.getValue());
            }
        }
        if (!request.translated() && dialect != Dialects.OPENAI) {
            tap = new UsageTap(dialect, sse);
        }
        if (sse && !request.translated() && tap == null) {
            framer = new SseFramer(MAX_SSE_EVENT_BYTES);
            h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            h.set("X-Accel-Buffering", "no");
            HttpUtil.setTransferEncodingChunked(out, true);
        } else if (HttpUtil.isContentLengthSet(head) && !HttpUtil.isTransferEncodingChunked(head)) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, head.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        } else {
            HttpUtil.setTransferEncodingChunked(out, true);
        }
        state = State.STREAMING;
        pendingHead = out; // sent with the first body bytes, once they show no error
    }

    /**
     * First body bytes of a 2xx answer: an error in them (a 200 carrying {@code {"error":…}} or an SSE error event)
     * or no body at all is a provider failure that may still be retried. Returns false when it was one (the relay
     * has ended); otherwise the held head is sent.
     */
    private boolean commitHead(ByteBuf first, boolean last) {
        HttpResponse head = pendingHead;
        pendingHead = null;
        boolean empty = !first.isReadable() && last;
        if (empty || ErrorSniffer.looksLikeError(first, sse)) {
            String text = empty ? "" : first.toString(StandardCharsets.UTF_8);
            String masked = Secrets.maskAll(text, provider.apiKeys());
            Outcome.EarlyAnswer answer = looksLikeJsonError(masked)
                    ? new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY, null, null, masked, -1)
                    : new Outcome.EarlyAnswer(HttpResponseStatus.BAD_GATEWAY, "provider " + provider.name()
                            + " answered " + upstreamStatus + (empty ? " with an empty body"
                            : " with an error: " + snippet(masked)), "upstream_error");
            failEarly(200, null, text, null, answer);
            return false;
        }
        sink.head(head);
        return true;
    }

    /**
     * Reports an early failure and ends: nothing went to the client, so whoever started this attempt answers or tries
     * again. The upstream connection is closed unless its response was read whole.
     */
    private void failEarly(int status, String retryAfter, String body, Throwable cause, Outcome.EarlyAnswer answer) {
        if (errorBody != null) {
            errorBody.release();
            errorBody = null;
        }
        releaseChannel(false);
        state = State.DONE;
        finishAccounting();
        report(new Outcome.FailedEarly(status, retryAfter, body, cause, answer));
    }

    @Override
    public void onContent(ByteBuf buf, boolean last) {
        try {
            if (state == State.STREAMING) {
                if (pendingHead != null && (buf.isReadable() || last) && !commitHead(buf, last)) {
                    return;
                }
                if (capture != null) {
                    capture.upstreamResponse(buf);
                }
                if (buf.isReadable() && !request.translated()) { // a translating sink reads its own usage
                    if (tap != null) {
                        tap.feed(buf);
                    } else if (sse) {
                        framer.feed(buf, this);
                    } else if (request.operation() != Operation.IMAGES) {
                        // Images: megabytes of base64 that jackson would copy into char buffers, and a usage object
                        // (input_tokens/output_tokens) the scanner does not read: not scanned.
                        usage.scanJson(buf);
                    }
                }
                if (last) {
                    complete(buf.isReadable() ? buf.retain() : null);
                } else if (buf.isReadable()) {
                    sink.content(buf.retain());
                }
            } else if (state == State.BUFFERING_ERROR) {
                if (capture != null) {
                    capture.upstreamResponse(buf);
                }
                int room = MAX_ERROR_BODY_BYTES - errorBody.readableBytes();
                if (room > 0 && buf.isReadable()) {
                    errorBody.addComponent(true, buf.readRetainedSlice(Math.min(room, buf.readableBytes())));
                }
                if (last) {
                    relayUpstreamError();
                }
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void onReadComplete() {
        if (state == State.DONE) {
            return;
        }
        if (state == State.STREAMING) {
            sink.flush();
            if (!sink.isWritable()) {
                readPending = true;
                return;
            }
        }
        channel.read();
    }

    @Override
    public void clientWritable() {
        if (readPending && state != State.DONE) {
            readPending = false;
            channel.read();
        }
    }

    @Override
    public void onFailure(Throwable cause) {
        if (state == State.DONE) {
            return;
        }
        boolean timeout = cause instanceof UpstreamHandler.UpstreamTimeoutException;
        if (state == State.AWAITING_HEAD) {
            upstreams.metrics().upstreamResponse(provider.name(), 0);
        }
        HttpResponseStatus status = timeout ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY;
        String code = timeout ? "upstream_timeout" : "upstream_error";
        if (state != State.STREAMING || pendingHead != null) {
            pendingHead = null;
            failEarly(0, null, null, cause, new Outcome.EarlyAnswer(status,
                    "provider " + provider.name() + ": " + describe(cause), code));
            return;
        }
        releaseChannel(false);
        state = State.DONE;
        finishAccounting();
        report(new Outcome.FailedLate(cause));
        if (sse) {
            // After the first byte: tell the client in its own dialect and end the stream properly.
            String msg = "upstream stream from provider " + provider.name() + " failed: " + describe(cause);
            sink.endWithError(new HubError(status.code(), timeout ? HubError.TIMEOUT : HubError.API_ERROR, msg)
                    .withCode(code, null));
        } else {
            sink.fail(status, "provider " + provider.name() + ": " + describe(cause), code); // closes: body cut
        }
    }

    // ---- SSE events (passthrough scan only; the bytes themselves are forwarded untouched) ----

    @Override
    public void onEvent(String event, ByteBuf data) {
        try {
            if (UsageScanner.isDone(data)) {
                doneSeen = true;
            } else {
                usage.scanSseData(data);
            }
        } finally {
            data.release();
        }
    }

    // ---- completion ----

    private void complete(ByteBuf lastChunk) {
        boolean truncated = framer != null && framer.end();
        if (sse && !doneSeen && tap == null && !request.translated()) {
            LOG.debug("provider {} ended a stream without [DONE]{}", provider.name(),
                    truncated ? " (partial event discarded)" : "");
        }
        releaseChannel(upstreamKeepAlive);
        state = State.DONE;
        finishAccounting();
        report(Outcome.Committed.INSTANCE);
        sink.end(lastChunk);
    }

    /** A non-2xx answer read whole (its connection stays reusable): an early failure, with what to tell the client. */
    private void relayUpstreamError() {
        String text = errorBody.toString(StandardCharsets.UTF_8);
        errorBody.release();
        errorBody = null;
        releaseChannel(upstreamKeepAlive);
        String masked = Secrets.maskAll(text, provider.apiKeys());
        HttpResponseStatus status = HttpResponseStatus.valueOf(upstreamStatus);
        long retrySeconds = -1;
        Outcome.EarlyAnswer answer = looksLikeJsonError(masked)
                // An error body of the provider's own dialect: relayed as it is (or translated by the sink).
                ? new Outcome.EarlyAnswer(status, null, null, masked, retrySeconds)
                : new Outcome.EarlyAnswer(status, "provider " + provider.name() + " returned HTTP " + upstreamStatus
                        + (masked.isBlank() ? "" : ": " + snippet(masked)), "upstream_http_" + upstreamStatus);
        state = State.DONE;
        finishAccounting();
        report(new Outcome.FailedEarly(upstreamStatus, retryAfter, text, null, answer));
    }

    private static String snippet(String masked) {
        return (masked.length() > 512 ? masked.substring(0, 512) + "..." : masked).strip();
    }

    private static boolean looksLikeJsonError(String body) {
        String s = body.stripLeading();
        return s.startsWith("{") && s.contains("\"error\"");
    }

    /** Ends this relay's accounting: the usage a passthrough scanned goes to the request's trace. */
    private void finishAccounting() {
        upstreams.metrics().upstreamActive().decrementAndGet();
        if (framer != null) {
            framer.release();
            framer = null;
        }
        releaseBody();
        Usage u = null;
        if (tap != null) {
            u = tap.finish();
            tap = null;
        } else if (!request.translated()) {
            u = usage.usage();
        }
        RequestTrace t = request.trace();
        if (u != null && t != null) {
            t.usage(u.promptTokens(), u.completionTokens(), u.cachedTokens(), u.reasoningTokens());
        }
    }

    private void report(Outcome o) {
        if (!reported) {
            reported = true;
            listener.outcome(o);
        }
    }

    private void releaseBody() {
        if (bodyOwned) {
            bodyOwned = false;
            request.body().release();
        }
    }

    private void releaseChannel(boolean reusable) {
        if (channel == null) {
            return;
        }
        Channel ch = channel;
        channel = null;
        handler.finish();
        if (errorBody != null) {
            errorBody.release();
            errorBody = null;
        }
        if (reusable && ch.isActive()) {
            // Leave a read pending on the pooled connection: epoll keeps EPOLLIN registered instead of clearing it
            // now and setting it again on the next request (two epoll_ctl calls per request saved), and a close or
            // stray bytes while idle are noticed at once (UpstreamHandler closes on either).
            ch.read();
        }
        pool.release(ch, reusable);
    }

    @Override
    public void abort() {
        if (state == State.DONE) {
            return;
        }
        // Client left: this connection is mid-response, so it can never be reused.
        releaseChannel(false);
        state = State.DONE;
        finishAccounting();
        report(Outcome.Aborted.INSTANCE);
    }

    private static String describe(Throwable c) {
        if (c instanceof ConnectException || c instanceof ClosedChannelException) {
            return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        }
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m;
    }
}
