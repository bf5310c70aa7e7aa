package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.json.ModelSplice;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.Outcome;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.logs.RequestLogger;
import io.sluice.proxy.ops.RequestTrace;
import java.net.URI;
import java.util.Locale;

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
public final class UpstreamRelay implements Exchange, UpstreamHandler.Listener {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(UpstreamRelay.class);

    private enum State { ACQUIRING, AWAITING_HEAD, STREAMING, BUFFERING_ERROR, DONE }

    private final Upstreams upstreams;
    private final UpstreamRequest request;
    private final ResponseSink sink;
    private final ProviderConfig provider;
    private OriginPool pool;
    /** The API root requests go to: the provider's base URL, or the API host a Copilot token names. */
    private URI base;
    private final int keyIndex;
    private final Outcome.Listener listener;
    private String retryAfter; // of an upstream error head, or null
    private boolean reported; // exactly one outcome per attempt
    private final Dialect dialect;
    /** The 2xx answer's body on its way, once its head is in; null before and for an error status. */
    private AnswerBody answer;

    private State state = State.ACQUIRING;
    private Channel channel;
    private UpstreamHandler handler;
    private boolean upstreamKeepAlive;
    private boolean readPending;
    private ErrorBody errorBody;
    private int upstreamStatus;
    private String apiKey;
    private boolean bodyOwned = true;
    private RequestLogger.Capture capture; // the request log's, or null
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
        upstreams.credential(provider, keyIndex, sink.eventLoop(), this::connect);
    }

    /** Where to and with which key (a Copilot token in place of the GitHub token), or why there is none. */
    private void connect(Upstreams.Credential c, Throwable err) {
        if (state == State.DONE) {
            return; // the client left while a token exchange ran
        }
        if (err != null) {
            upstreams.metrics().upstreamResponse(provider.name(), 0);
            int status = err instanceof CopilotTokens.ExchangeException x && x.status() > 0 ? 401 : 0;
            failEarly(status, null, null, err, EarlyAnswers.tokenExchange(provider, keyIndex, err));
            return;
        }
        apiKey = c.apiKey();
        base = c.base();
        pool = upstreams.pools().pool(sink.eventLoop(), upstreams.route(provider, upstreams.origin(provider, base)));
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
            failEarly(0, null, null, c, EarlyAnswers.connect(provider, pool.origin(), c));
            return;
        }
        channel = (Channel) f.getNow();
        handler = channel.pipeline().get(UpstreamHandler.class);
        state = State.AWAITING_HEAD;
        handler.begin(this, upstreams.config().firstByteTimeout().toNanos(),
                upstreams.config().idleTimeout().toNanos(), upstreams.config().requestTimeout().toNanos());
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
        FullHttpRequest req = UpstreamHttp.request(request, base, pool.origin(), apiKey, out);
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
            errorBody = new ErrorBody(channel.alloc());
            return;
        }
        String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/json");
        String type = contentType.toLowerCase(Locale.ROOT);
        boolean sse = type.startsWith("text/event-stream");
        state = State.STREAMING;
        // The client's head is sent once the first bytes show no error (AnswerBody)
        answer = new AnswerBody(this, request, dialect, sink, upstreamStatus,
                UpstreamHttp.clientHead(head, contentType, sse), sse, type.contains("json"));
    }

    /**
     * Reports an early failure and ends: nothing went to the client, so whoever started this attempt answers or tries
     * again. The upstream connection is closed unless its response was read whole.
     */
    void failEarly(int status, String retryAfter, String body, Throwable cause, Outcome.EarlyAnswer answer) {
        end(false);
        report(new Outcome.FailedEarly(status, retryAfter, body, cause, answer));
    }

    @Override
    public void onContent(ByteBuf buf, boolean last) {
        try {
            if (capture != null && (state == State.STREAMING || state == State.BUFFERING_ERROR)) {
                capture.upstreamResponse(buf);
            }
            if (state == State.STREAMING) {
                answer.content(buf, last);
            } else if (state == State.BUFFERING_ERROR) {
                errorBody.add(buf);
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
                handler.pauseIdle(); // the client's stall, not the provider's silence
                return;
            }
        }
        channel.read();
    }

    @Override
    public void clientWritable() {
        if (readPending && state != State.DONE) {
            readPending = false;
            handler.resumeIdle();
            channel.read();
        }
    }

    @Override
    public void onFailure(Throwable cause) { // also AnswerBody's, for a body that broke after it was sent in part
        if (state == State.DONE) {
            return;
        }
        boolean timeout = cause instanceof UpstreamHandler.UpstreamTimeoutException;
        if (state == State.AWAITING_HEAD) {
            upstreams.metrics().upstreamResponse(provider.name(), 0);
        }
        HttpResponseStatus status = timeout ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY;
        String code = timeout ? "upstream_timeout" : "upstream_error";
        if (state != State.STREAMING || answer.headHeld()) {
            failEarly(0, null, null, cause, new Outcome.EarlyAnswer(status, EarlyAnswers.transport(provider, cause),
                    code));
            return;
        }
        end(false);
        report(new Outcome.FailedLate(cause, readPending)); // paused for the client: not the provider's failure
        if (answer.sse()) {
            sink.endWithError(EarlyAnswers.lateStreamError(provider, cause, timeout)); // client's dialect, ended well
        } else {
            sink.fail(status, EarlyAnswers.transport(provider, cause), code); // closes: the body was cut
        }
    }

    // ---- completion ----

    void complete(ByteBuf lastChunk) {
        String problem = answer.streamEndProblem();
        if (problem != null) {
            LOG.debug("provider {} ended a stream {}", provider.name(), problem);
            if (request.trace() != null) {
                request.trace().broken(); // relayed as it came, but not served again by dedup
            }
        }
        end(upstreamKeepAlive);
        // The sink first: a translating sink decodes a whole answer (and a stream's last chunk) here, so the
        // provider's usage is in the trace before the outcome counts it for the key and dedup accounts the call.
        sink.end(lastChunk);
        report(Outcome.Committed.INSTANCE);
    }

    /** A non-2xx answer read whole (its connection stays reusable): an early failure, with what to tell the client. */
    private void relayUpstreamError() {
        String text = errorBody.take();
        errorBody = null;
        end(upstreamKeepAlive); // read whole: reusable
        report(new Outcome.FailedEarly(upstreamStatus, retryAfter, text, null,
                EarlyAnswers.errorStatus(provider, upstreamStatus, text)));
    }

    /**
     * Ends this relay: the connection back to its pool (or closed), the request body released, and the usage a
     * passthrough scanned into the request's trace.
     */
    private void end(boolean reusable) {
        releaseChannel(reusable);
        state = State.DONE;
        upstreams.metrics().upstreamActive().decrementAndGet();
        releaseBody();
        if (answer != null) {
            answer.finish(); // usage into the request's trace
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
        end(false); // the client left: this connection is mid-response, so it can never be reused
        report(Outcome.Aborted.INSTANCE);
    }
}
