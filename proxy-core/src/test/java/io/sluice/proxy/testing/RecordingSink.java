package io.sluice.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.hub.HubError;
import io.sluice.proxy.exchange.Outcome;
import io.sluice.proxy.exchange.ResponseSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ResponseSink} on an {@link EmbeddedChannel}'s event loop (time frozen: it moves with {@link #advance})
 * that records the response and, as an {@link Outcome.Listener}, the outcomes it hears; it owns and releases every
 * buffer handed to it. An early failure's answer is written into it, as a scheduler that gives up would.
 */
public final class RecordingSink implements ResponseSink, Outcome.Listener {

    public final EmbeddedChannel loop = new EmbeddedChannel();
    public final List<Outcome> outcomes = new ArrayList<>();
    public final StringBuilder body = new StringBuilder();
    public HttpResponse head;
    public int flushes;
    public boolean ended;
    public boolean writable = true;
    public boolean done;
    public HttpResponseStatus failStatus;
    public String failMessage;
    public String failCode;
    public long retryAfterSeconds = -1;

    public RecordingSink() {
        loop.freezeTime();
    }

    @Override
    public EventLoop eventLoop() {
        return loop.eventLoop();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ByteBufAllocator.DEFAULT;
    }

    @Override
    public void head(HttpResponse h) {
        assertThat(head).as("one head").isNull();
        head = h;
        if (h instanceof FullHttpResponse full) {
            append(full.content());
            ended = true;
            done = true;
        }
    }

    @Override
    public void content(ByteBuf chunk) {
        assertThat(ended).as("content after end").isFalse();
        append(chunk);
    }

    private void append(ByteBuf b) {
        try {
            body.append(b.toString(StandardCharsets.UTF_8));
        } finally {
            b.release();
        }
    }

    @Override
    public void flush() {
        flushes++;
    }

    @Override
    public void end(ByteBuf lastOrNull) {
        if (lastOrNull != null) {
            if (head instanceof FullHttpResponse) {
                lastOrNull.release();
                return;
            }
            append(lastOrNull);
        }
        ended = true;
        done = true;
    }

    @Override
    public void fail(HttpResponseStatus status, String message, String code) {
        failStatus = status;
        failMessage = message;
        failCode = code;
        done = true;
    }

    @Override
    public void failRetryAfter(HttpResponseStatus status, String message, String code, long seconds) {
        retryAfterSeconds = seconds;
        fail(status, message, code);
    }

    @Override
    public void endWithError(HubError error) {
        fail(HttpResponseStatus.valueOf(error.status()), error.message(), error.code());
    }

    @Override
    public boolean headSent() {
        return head != null;
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public boolean isDone() {
        return done;
    }

    /** As a scheduler that gives up would: an early failure's answer goes to the client. */
    @Override
    public void outcome(Outcome o) {
        outcomes.add(o);
        if (o instanceof Outcome.FailedEarly f) {
            f.answer().writeTo(this);
        }
    }

    /** Moves the loop's clock by {@code millis} and runs what became due. */
    public void advance(long millis) {
        loop.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        loop.runPendingTasks();
    }

    /** The SSE events' data lines, for a streamed body. */
    public List<String> events() {
        List<String> out = new ArrayList<>();
        for (String e : body.toString().split("\n\n")) {
            assertThat(e).startsWith("data: ");
            out.add(e.substring("data: ".length()));
        }
        return out;
    }
}
