package io.sluice.bench.mock;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.codec.json.ChatRequestScanner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Answers one connection's requests, in order. What to answer is decided when a request is read ({@link Exchange});
 * bodies come from the templates, so a request costs one small spliced buffer (id and model) and no JSON encoding.
 * Delays are scheduled on the channel's event loop, never slept. Requests pipelined behind a delayed answer wait in
 * {@link #pending}, so answers never interleave; reading stops while too many wait or the channel is not writable.
 *
 * <p>Buffer ownership: constants are never released (see {@link Bytes#constant}); the one reference-counted buffer
 * per answer, the splice, is held by the current {@link Answer} from its head to its end and released there, or in
 * {@link #channelInactive} when the connection goes first.
 */
final class MockUpstreamHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** The model echoed when a request names none. */
    static final String DEFAULT_MODEL = "mock-model";

    private static final int MAX_PENDING = 256;
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    private static final AsciiString TEXT_EVENT_STREAM = AsciiString.cached("text/event-stream");
    private static final AsciiString NO_CACHE = AsciiString.cached("no-cache");
    private static final AsciiString ANTHROPIC_VERSION = AsciiString.cached("anthropic-version");
    // Our own header values are constants or numbers; validating them per response is wasted work.
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    /** One request's answer; holds no reference-counted buffer until it is being written. */
    private abstract static class Exchange {
        final HttpVersion version;
        boolean keepAlive;
        /** The request's number among model requests, or -1. */
        final long seq;

        Exchange(HttpVersion version, boolean keepAlive, long seq) {
            this.version = version;
            this.keepAlive = keepAlive;
            this.seq = seq;
        }

        abstract long headDelayMs();
    }

    /** A whole response from a constant (or per-request, unreleasable) body: errors, health, model lists. */
    private static final class Fixed extends Exchange {
        final HttpResponseStatus status;
        final ByteBuf body;
        final long delayMs;
        final int retryAfter;

        Fixed(HttpVersion version, boolean keepAlive, long seq, HttpResponseStatus status, ByteBuf body,
              long delayMs, int retryAfter) {
            super(version, keepAlive, seq);
            this.status = status;
            this.body = body;
            this.delayMs = delayMs;
            this.retryAfter = retryAfter;
        }

        @Override
        long headDelayMs() {
            return delayMs;
        }
    }

    /** A generated answer, JSON or stream, and while streaming where it is. */
    private static final class Answer extends Exchange {
        final DialectTemplates templates;
        final Behavior behavior;
        final boolean stream;
        final boolean includeUsage;
        final boolean reset;
        final byte[] modelJson;
        DialectTemplates.Stream events;
        ByteBuf splice;
        int next;
        int limit;
        ChannelFuture lastWrite;

        Answer(HttpVersion version, boolean keepAlive, long seq, DialectTemplates templates, Behavior behavior,
               boolean stream, boolean includeUsage, boolean reset, byte[] modelJson) {
            super(version, keepAlive, seq);
            this.templates = templates;
            this.behavior = behavior;
            this.stream = stream;
            this.includeUsage = includeUsage;
            this.reset = reset;
            this.modelJson = modelJson;
        }

        @Override
        long headDelayMs() {
            return stream ? behavior.latencyMs() : behavior.latencyMs() + behavior.ttfbMs();
        }

        void releaseSplice() {
            if (splice != null) {
                splice.release();
                splice = null;
            }
        }
    }

    private final MockState state;
    private final ArrayDeque<Exchange> pending = new ArrayDeque<>(4);
    private Exchange current;
    private ScheduledFuture<?> timer;
    /** No more answers on this connection: it is closing or closed. */
    private boolean closing;
    private boolean inactive;
    private boolean draining;
    private boolean needsFlush;
    /** Most connections ask for one model over and over: escape it once. */
    private String lastModel;
    private byte[] lastModelJson;

    MockUpstreamHandler(MockState state) {
        this.state = state;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        state.requests.increment();
        if (closing) {
            return;
        }
        pending.add(exchange(req));
        drain(ctx, false);
        updateAutoRead(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (needsFlush) {
            needsFlush = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        closing = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (current instanceof Answer a) {
            a.releaseSplice();
        }
        current = null;
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // resets from load generators are routine here; channelInactive releases what is held
    }

    // ---- deciding: runs once per request, in channelRead ----

    private Exchange exchange(FullHttpRequest req) {
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            return fixed(version, false, HttpResponseStatus.BAD_REQUEST,
                    FixedBodies.badRequest(Dialect.OPENAI, "malformed HTTP request"));
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        HttpMethod method = req.method();
        switch (path) {
            case "/v1/chat/completions", "/chat/completions" -> {
                return HttpMethod.POST.equals(method) ? generate(req, Dialect.OPENAI, null, false)
                        : notAllowed(req, Dialect.OPENAI);
            }
            case "/v1/messages" -> {
                return HttpMethod.POST.equals(method) ? generate(req, Dialect.ANTHROPIC, null, false)
                        : notAllowed(req, Dialect.ANTHROPIC);
            }
            case "/health" -> {
                return isGet(method) ? fixed(version, keepAlive, HttpResponseStatus.OK, FixedBodies.HEALTH)
                        : notAllowed(req, Dialect.OPENAI);
            }
            case "/v1/models", "/models" -> {
                if (!isGet(method)) {
                    return notAllowed(req, Dialect.OPENAI);
                }
                return fixed(version, keepAlive, HttpResponseStatus.OK, req.headers().contains(ANTHROPIC_VERSION)
                        ? FixedBodies.ANTHROPIC_MODELS : FixedBodies.OPENAI_MODELS);
            }
            case "/mock/stats" -> {
                // What the mock was asked, for the bench to count upstream calls (dedup: 1,000 requests, 1 call).
                return isGet(method) ? fixed(version, keepAlive, HttpResponseStatus.OK, FixedBodies.stats(
                        state.sequence.get(), state.requests.sum())) : notAllowed(req, Dialect.OPENAI);
            }
            case "/v1beta/models" -> {
                return isGet(method) ? fixed(version, keepAlive, HttpResponseStatus.OK, FixedBodies.GEMINI_MODELS)
                        : notAllowed(req, Dialect.GEMINI);
            }
            default -> {
                return gemini(req, path, q < 0 ? null : uri.substring(q + 1));
            }
        }
    }

    /** {@code /v1beta/models/{model}:generateContent} and {@code :streamGenerateContent?alt=sse}, else 404. */
    private Exchange gemini(FullHttpRequest req, String path, String query) {
        int prefix = path.startsWith("/v1beta/models/") ? 15 : path.startsWith("/v1/models/") ? 11 : -1;
        int colon = path.lastIndexOf(':');
        if (prefix < 0 || colon <= prefix) {
            return fixed(req.protocolVersion(), HttpUtil.isKeepAlive(req), HttpResponseStatus.NOT_FOUND,
                    FixedBodies.clientError(Dialect.OPENAI, 404, "no route for " + req.method() + " " + path
                            + "; the mock serves /v1/chat/completions, /v1/messages, "
                            + "/v1beta/models/{model}:generateContent, :streamGenerateContent, /v1/models, /health"));
        }
        String action = path.substring(colon + 1);
        boolean stream = action.equals("streamGenerateContent");
        if (!stream && !action.equals("generateContent")) {
            return fixed(req.protocolVersion(), HttpUtil.isKeepAlive(req), HttpResponseStatus.NOT_FOUND,
                    FixedBodies.clientError(Dialect.GEMINI, 404, "unknown method " + action
                            + "; the mock serves generateContent and streamGenerateContent"));
        }
        if (!HttpMethod.POST.equals(req.method())) {
            return notAllowed(req, Dialect.GEMINI);
        }
        if (stream && !hasParam(query, "alt=sse")) {
            return fixed(req.protocolVersion(), HttpUtil.isKeepAlive(req), HttpResponseStatus.BAD_REQUEST,
                    FixedBodies.badRequest(Dialect.GEMINI, "the mock streams Gemini answers only as SSE: "
                            + "add ?alt=sse"));
        }
        String model = path.substring(prefix, colon);
        if (model.indexOf('%') >= 0) {
            model = QueryStringDecoder.decodeComponent(model);
        }
        return generate(req, Dialect.GEMINI, model, stream);
    }

    /**
     * A model request: apply the header overrides, read {@code model} / {@code stream} /
     * {@code stream_options.include_usage} from the body (OpenAI, Anthropic), draw the fault.
     */
    private Exchange generate(FullHttpRequest req, Dialect dialect, String pathModel, boolean pathStream) {
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        Behavior b;
        try {
            b = state.defaults.with(req.headers());
        } catch (IllegalArgumentException e) {
            return fixed(version, keepAlive, HttpResponseStatus.BAD_REQUEST,
                    FixedBodies.badRequest(dialect, e.getMessage()));
        }
        String model = pathModel;
        boolean stream = pathStream;
        boolean includeUsage = false;
        if (dialect != Dialect.GEMINI) {
            ChatRequestScanner scanner = new ChatRequestScanner();
            scanner.feed(req.content());
            if (scanner.end() != ChatRequestScanner.Result.OK) {
                return fixed(version, keepAlive, HttpResponseStatus.BAD_REQUEST,
                        FixedBodies.badRequest(dialect, scanner.error()));
            }
            model = scanner.model();
            stream = scanner.stream();
            includeUsage = dialect == Dialect.OPENAI && scanner.includeUsage();
        }
        AnswerTemplates templates = state.templates(b.chunks(), b.chunkBytes());
        if (templates == null) {
            return fixed(version, keepAlive, HttpResponseStatus.BAD_REQUEST, FixedBodies.badRequest(dialect,
                    "x-mock-chunks x x-mock-chunk-bytes: " + b.chunks() + " x " + b.chunkBytes()
                            + " (expected: one of the " + AnswerTemplates.MAX_SHAPES + " shapes already served)"));
        }
        long seq = state.sequence.getAndIncrement();
        FaultPlan.Fault fault = b.forced() != null ? b.forced()
                : state.faults.decide(seq, b.error429Rate(), b.error500Rate(), b.resetRate());
        return switch (fault) {
            case RATE_LIMIT -> new Fixed(version, keepAlive, seq, HttpResponseStatus.TOO_MANY_REQUESTS,
                    FixedBodies.rateLimited(dialect), b.latencyMs(), state.settings.retryAfterSeconds());
            case SERVER_ERROR -> new Fixed(version, keepAlive, seq, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    FixedBodies.serverError(dialect), b.latencyMs(), -1);
            case NONE, RESET -> new Answer(version, keepAlive, seq, templates.of(dialect), b, stream, includeUsage,
                    fault == FaultPlan.Fault.RESET, modelJson(model));
        };
    }

    private byte[] modelJson(String model) {
        if (model == null || model.isEmpty()) {
            model = DEFAULT_MODEL;
        }
        if (!model.equals(lastModel)) {
            lastModel = model;
            lastModelJson = Bytes.jsonEscape(model).getBytes(StandardCharsets.UTF_8);
        }
        return lastModelJson;
    }

    private static Fixed fixed(HttpVersion version, boolean keepAlive, HttpResponseStatus status, ByteBuf body) {
        return new Fixed(version, keepAlive, -1, status, body, 0, -1);
    }

    private static Fixed notAllowed(FullHttpRequest req, Dialect dialect) {
        return fixed(req.protocolVersion(), HttpUtil.isKeepAlive(req), HttpResponseStatus.METHOD_NOT_ALLOWED,
                FixedBodies.clientError(dialect, 405, "method " + req.method() + " not allowed here"));
    }

    private static boolean isGet(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
    }

    private static boolean hasParam(String query, String param) {
        if (query == null) {
            return false;
        }
        for (int at = 0; at < query.length(); ) {
            int end = query.indexOf('&', at);
            if (end < 0) {
                end = query.length();
            }
            if (end - at == param.length() && query.startsWith(param, at)) {
                return true;
            }
            at = end + 1;
        }
        return false;
    }

    // ---- answering: in order, one exchange at a time ----

    /** Starts waiting exchanges while nothing is being answered. Re-entrant calls return: the outer loop goes on. */
    private void drain(ChannelHandlerContext ctx, boolean inTask) {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Exchange x;
            while (current == null && !closing && (x = pending.poll()) != null) {
                start(ctx, x, inTask);
            }
        } finally {
            draining = false;
        }
    }

    /** {@code inTask}: in a scheduled task rather than channelRead, so nobody else will flush. */
    private void start(ChannelHandlerContext ctx, Exchange x, boolean inTask) {
        current = x;
        long delay = x.headDelayMs();
        if (delay > 0) {
            schedule(ctx, () -> respond(ctx, x, true), delay);
        } else {
            respond(ctx, x, inTask);
        }
    }

    private void schedule(ChannelHandlerContext ctx, Runnable task, long delayMs) {
        timer = ctx.executor().schedule(() -> {
            timer = null;
            if (!inactive) {
                task.run();
                if (!inactive) {
                    drain(ctx, true);
                    updateAutoRead(ctx);
                }
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private void respond(ChannelHandlerContext ctx, Exchange x, boolean inTask) {
        if (x instanceof Fixed f) {
            fixed(ctx, f, inTask);
        } else {
            Answer a = (Answer) x;
            if (a.stream) {
                streamHead(ctx, a, inTask);
            } else {
                json(ctx, a, inTask);
            }
        }
    }

    private void fixed(ChannelHandlerContext ctx, Fixed f, boolean inTask) {
        FullHttpResponse res = new DefaultFullHttpResponse(f.version, f.status, f.body.duplicate(), HEADERS, HEADERS);
        HttpHeaders h = res.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, f.body.readableBytes());
        if (f.retryAfter >= 0) {
            h.setInt(HttpHeaderNames.RETRY_AFTER, f.retryAfter);
        }
        commonHeaders(f, h);
        finish(ctx, f, ctx.write(res), inTask);
    }

    private void json(ChannelHandlerContext ctx, Answer a, boolean inTask) {
        ByteBuf splice = a.templates.splice(ctx.alloc(), false, a.seq, a.modelJson, nowSeconds());
        ByteBuf body;
        try {
            body = a.templates.json().render(splice);
        } finally {
            splice.release();
        }
        int length = body.readableBytes();
        FullHttpResponse res = new DefaultFullHttpResponse(a.version, HttpResponseStatus.OK, body, HEADERS, HEADERS);
        HttpHeaders h = res.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        commonHeaders(a, h);
        if (a.reset) {
            body.writerIndex(body.readerIndex() + length / 2); // the head promises more than comes
            abort(ctx, ctx.write(res));
            return;
        }
        finish(ctx, a, ctx.write(res), inTask);
    }

    private void streamHead(ChannelHandlerContext ctx, Answer a, boolean inTask) {
        HttpResponse head = new DefaultHttpResponse(a.version, HttpResponseStatus.OK, HEADERS);
        HttpHeaders h = head.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, TEXT_EVENT_STREAM);
        h.set(HttpHeaderNames.CACHE_CONTROL, NO_CACHE);
        if (a.version == HttpVersion.HTTP_1_1) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else {
            a.keepAlive = false; // HTTP/1.0: the body ends when the connection does
        }
        commonHeaders(a, h);
        a.lastWrite = ctx.write(head);
        a.splice = a.templates.splice(ctx.alloc(), true, a.seq, a.modelJson, nowSeconds());
        a.events = a.templates.stream(a.includeUsage);
        int n = a.events.content().length;
        a.limit = a.reset ? n / 2 : n;
        long ttfb = a.behavior.ttfbMs();
        if (ttfb > 0) {
            ctx.flush();
            schedule(ctx, () -> streamBody(ctx, a, true), ttfb);
        } else {
            streamBody(ctx, a, inTask);
        }
    }

    private void streamBody(ChannelHandlerContext ctx, Answer a, boolean inTask) {
        for (Piece p : a.events.preamble()) {
            emit(ctx, a, p);
        }
        streamContent(ctx, a, inTask);
    }

    private void streamContent(ChannelHandlerContext ctx, Answer a, boolean inTask) {
        Piece[] content = a.events.content();
        long delay = a.behavior.chunkDelayMs();
        while (a.next < a.limit) {
            emit(ctx, a, content[a.next++]);
            if (delay > 0 && a.next < a.limit) {
                ctx.flush();
                schedule(ctx, () -> streamContent(ctx, a, true), delay);
                return;
            }
        }
        if (a.reset) {
            a.releaseSplice();
            abort(ctx, a.lastWrite);
            return;
        }
        for (Piece p : a.events.tail()) {
            emit(ctx, a, p);
        }
        ChannelFuture last = ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
        a.releaseSplice();
        finish(ctx, a, last, inTask);
    }

    /** One event, one HTTP chunk, as a real upstream sends them. */
    private static void emit(ChannelHandlerContext ctx, Answer a, Piece p) {
        a.lastWrite = ctx.write(new DefaultHttpContent(p.render(a.splice)));
    }

    /** The exchange is fully written: flush (or leave it to channelReadComplete); the caller drains the next. */
    private void finish(ChannelHandlerContext ctx, Exchange x, ChannelFuture lastWrite, boolean inTask) {
        current = null;
        if (!x.keepAlive) {
            closing = true;
            pending.clear();
            ctx.flush();
            lastWrite.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (inTask) {
            ctx.flush();
        } else {
            needsFlush = true;
        }
    }

    /** An injected reset: what was written goes out, then the connection closes without ending the answer. */
    private void abort(ChannelHandlerContext ctx, ChannelFuture lastWrite) {
        current = null;
        closing = true;
        pending.clear();
        ctx.flush();
        lastWrite.addListener(ChannelFutureListener.CLOSE);
    }

    private static void commonHeaders(Exchange x, HttpHeaders h) {
        if (x.seq >= 0) {
            h.set(MockHeaders.SEQUENCE, Long.toString(x.seq));
        }
        if (!x.keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (x.version == HttpVersion.HTTP_1_0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** Read while few requests wait and the peer keeps up with what we write. */
    private void updateAutoRead(ChannelHandlerContext ctx) {
        ChannelConfig config = ctx.channel().config();
        boolean want = !closing && pending.size() < MAX_PENDING && ctx.channel().isWritable();
        if (config.isAutoRead() != want) {
            config.setAutoRead(want);
        }
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
