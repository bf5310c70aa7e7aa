package io.sluice.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.codec.hub.HubError;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The client side of a scheduled request: keeps a streaming response alive with SSE comments ({@code : ping}) while
 * the provider is silent, so proxies and load balancers in between do not cut it (comments are ignored by every SSE
 * client, whatever the dialect), and reports the provider's concurrency gate in {@code X-Upstream-Active} /
 * {@code X-Upstream-Queue} on the head.
 */
public final class KeepAliveSink extends ForwardingSink {

    private static final ByteBuf PING = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(": ping\n\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private final long keepAliveNanos;
    private IntSupplier active;
    private IntSupplier queued;
    private ScheduledFuture<?> pinger;
    private long lastWrite;
    /** The last four bytes written, to ping only between events (a passthrough may stall mid-event). */
    private int tail = 0x0a0a;
    /** The provider's Retry-After, in seconds, for a 429 or 503 answer relayed to the client; -1 for none. */
    private long retryAfterSeconds = -1;

    public KeepAliveSink(ResponseSink client, long keepAliveNanos) {
        super(client);
        this.keepAliveNanos = keepAliveNanos;
    }

    /** The gate counts that go into the response head; null suppliers for none. */
    public void gate(IntSupplier active, IntSupplier queued) {
        this.active = active;
        this.queued = queued;
    }

    /**
     * A provider's 429 or 503 is about to be relayed: it goes out with {@code Retry-After: seconds} (whether the
     * provider's error body is relayed, translated, or replaced by Sluice's error).
     */
    public void retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
    }

    private boolean tellsRetryAfter(HttpResponseStatus status) {
        int code = status.code();
        return retryAfterSeconds >= 0 && (code == 429 || code == 503);
    }

    public void stopPings() {
        if (pinger != null) {
            pinger.cancel(false);
            pinger = null;
        }
    }

    private void ping() {
        if (client.isDone()) {
            stopPings();
            return;
        }
        boolean betweenEvents = (tail & 0xffff) == 0x0a0a || tail == 0x0d0a0d0a; // "\n\n" or "\r\n\r\n"
        if (betweenEvents && System.nanoTime() - lastWrite >= keepAliveNanos && client.isWritable()) {
            client.content(PING.duplicate());
            client.flush();
            lastWrite = System.nanoTime();
        }
    }

    @Override
    public void head(HttpResponse head) {
        if (active != null) {
            head.headers().set("X-Upstream-Active", active.getAsInt()).set("X-Upstream-Queue", queued.getAsInt());
        }
        if (tellsRetryAfter(head.status()) && !head.headers().contains(HttpHeaderNames.RETRY_AFTER)) {
            head.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (keepAliveNanos > 0 && type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17)) {
            lastWrite = System.nanoTime();
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), keepAliveNanos / 2);
            pinger = client.eventLoop().scheduleAtFixedRate(this::ping, period, period, TimeUnit.NANOSECONDS);
        }
        client.head(head);
    }

    @Override
    public void content(ByteBuf chunk) {
        lastWrite = System.nanoTime();
        for (int i = Math.max(chunk.readerIndex(), chunk.writerIndex() - 4); i < chunk.writerIndex(); i++) {
            tail = tail << 8 | (chunk.getByte(i) & 0xff);
        }
        client.content(chunk);
    }

    @Override
    public void end(ByteBuf lastOrNull) {
        stopPings();
        client.end(lastOrNull);
    }

    @Override
    public void fail(HttpResponseStatus status, String message, String code) {
        stopPings();
        if (tellsRetryAfter(status)) {
            client.failRetryAfter(status, message, code, retryAfterSeconds);
            return;
        }
        client.fail(status, message, code);
    }

    @Override
    public void failRetryAfter(HttpResponseStatus status, String message, String code, long retryAfterSeconds) {
        stopPings();
        client.failRetryAfter(status, message, code, retryAfterSeconds);
    }

    @Override
    public void endWithError(HubError error) {
        stopPings();
        client.endWithError(error);
    }

}
