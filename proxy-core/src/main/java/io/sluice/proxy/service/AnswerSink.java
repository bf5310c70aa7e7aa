package io.sluice.proxy.service;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.hub.FinishReason;
import io.sluice.codec.hub.HubError;
import io.sluice.codec.hub.HubListenerAdapter;
import io.sluice.codec.json.Usage;
import io.sluice.proxy.exchange.ResponseSink;

/**
 * Where a helper route's chat request answers: the whole non-streamed chat completion (or its error) is kept, bounded,
 * and read when it ends, so that {@code /v1/simple-chat} and {@code /v1/test-model} can answer in their own shapes.
 * Runs on the client's event loop; every buffer handed in is released here.
 */
final class AnswerSink implements ResponseSink {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(AnswerSink.class);
    /** A chat completion is kilobytes; past this the answer is refused rather than held. */
    static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

    /** What came back: a 2xx answer's text and usage, or an error. */
    record Answer(int status, String text, String finishReason, Usage usage, HubError error, HttpHeaders headers,
                  long retryAfterSeconds) {
        boolean ok() {
            return error == null;
        }
    }

    interface Done {
        void done(Answer answer);
    }

    private final ResponseSink client;
    private final Done done;
    private HttpResponse head;
    private CompositeByteBuf body;
    private boolean tooLarge;
    private boolean finished;

    AnswerSink(ResponseSink client, Done done) {
        this.client = client;
        this.done = done;
    }

    @Override
    public EventLoop eventLoop() {
        return client.eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return client.alloc();
    }

    @Override
    public void head(HttpResponse h) {
        if (finished) {
            if (h instanceof FullHttpResponse full) {
                full.release();
            }
            return;
        }
        head = h;
        body = client.alloc().compositeBuffer(64);
        if (h instanceof FullHttpResponse full) {
            content(full.content());
        }
    }

    @Override
    public void content(ByteBuf chunk) {
        if (finished || body == null || tooLarge) {
            chunk.release();
            return;
        }
        if (body.readableBytes() + chunk.readableBytes() > MAX_ANSWER_BYTES) {
            tooLarge = true;
            chunk.release();
            return;
        }
        body.addComponent(true, chunk);
    }

    @Override
    public void flush() {
    }

    @Override
    public void end(ByteBuf lastOrNull) {
        if (lastOrNull != null) {
            content(lastOrNull);
        }
        if (finished) {
            return;
        }
        int status = head == null ? 502 : head.status().code();
        HttpHeaders headers = head == null ? null : head.headers();
        if (tooLarge) {
            finish(new Answer(502, null, null, null, HubError.of(502, "the answer is over "
                    + MAX_ANSWER_BYTES + " bytes").withCode("answer_too_large", null), headers, -1));
        } else if (status < 200 || status >= 300) {
            HubError e = Dialects.OPENAI.decodeError(status, body);
            finish(new Answer(status, null, null, null, e, headers, -1));
        } else {
            Reader r = new Reader();
            try {
                Dialects.OPENAI.decodeResponse(body, r);
            } catch (RuntimeException e) {
                r.error = HubError.of(502, "unreadable answer: " + e.getMessage());
            }
            finish(new Answer(status, r.text.toString(), r.finish, r.usage, r.error, headers, -1));
        }
    }

    @Override
    public void fail(HttpResponseStatus status, String message, String code) {
        failRetryAfter(status, message, code, -1);
    }

    @Override
    public void failRetryAfter(HttpResponseStatus status, String message, String code, long retryAfterSeconds) {
        if (!finished) {
            finish(new Answer(status.code(), null, null, null, HubError.of(status.code(), message)
                    .withCode(code, null), head == null ? null : head.headers(), retryAfterSeconds));
        }
    }

    @Override
    public void endWithError(HubError error) {
        if (!finished) {
            finish(new Answer(error.status(), null, null, null, error, head == null ? null : head.headers(), -1));
        }
    }

    private void finish(Answer a) {
        finished = true;
        if (body != null) {
            body.release();
            body = null;
        }
        try {
            done.done(a);
        } catch (RuntimeException e) {
            // A bug in a helper's answer must not leave its client hanging.
            LOG.warn("a helper route's answer failed", e);
            if (!client.isDone()) {
                client.fail(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error", "internal_error");
            }
        }
    }

    @Override
    public boolean headSent() {
        return head != null;
    }

    /** The answer is held here, not written: the exchange never waits for the client. */
    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public boolean isDone() {
        return finished || client.isDone();
    }

    /** Releases what is held: the client left before the answer ended. */
    void abort() {
        if (!finished) {
            finished = true;
            if (body != null) {
                body.release();
                body = null;
            }
        }
    }

    /** The answer's text, finish reason, usage and error. */
    private static final class Reader extends HubListenerAdapter {
        final StringBuilder text = new StringBuilder();
        String finish;
        Usage usage;
        HubError error;

        @Override
        public void onText(String delta) {
            text.append(delta);
        }

        @Override
        public void onFinish(FinishReason reason, String stopSequence) {
            finish = reason == null ? null : switch (reason) { // OpenAI's words, as the seed's clients read them
                case LENGTH -> "length";
                case TOOL_CALLS -> "tool_calls";
                case CONTENT_FILTER -> "content_filter";
                default -> "stop";
            };
        }

        @Override
        public void onUsage(Usage u) {
            usage = u;
        }

        @Override
        public void onError(HubError e) {
            error = e;
        }
    }
}
