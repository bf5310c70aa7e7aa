package io.sluice.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponse;
import io.sluice.codec.dialect.Dialect;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import java.nio.charset.StandardCharsets;

/**
 * The body of one 2xx answer on its way to the client, the part of an {@link UpstreamRelay} after the head. The
 * head is held until the first bytes rule out an error in disguise ({@link ErrorSniffer}), and a non-streamed JSON
 * answer until it is known whole ({@link WholeJson}); then the bytes go on as they came, with a passthrough's usage
 * read and its error events' keys masked on the way ({@link PassthroughUsage}).
 */
final class AnswerBody {

    private final UpstreamRelay relay;
    private final ResponseSink sink;
    private final ProviderConfig provider;
    private final int status;
    private final boolean sse;
    private HttpResponse pendingHead;
    /** Usage read from a passthrough answer's bytes; null for a translated one (its sink reads usage). */
    private PassthroughUsage usage;
    /** A non-streamed JSON answer's check that it arrived whole; null for event streams and other bodies. */
    private final WholeJson whole;

    AnswerBody(UpstreamRelay relay, UpstreamRequest request, Dialect dialect, ResponseSink sink, int status,
               HttpResponse clientHead, boolean sse, boolean json) {
        this.relay = relay;
        this.sink = sink;
        this.provider = request.provider();
        this.status = status;
        this.sse = sse;
        this.pendingHead = clientHead;
        this.usage = request.translated() ? null : new PassthroughUsage(dialect, sse, request);
        this.whole = !sse && json ? new WholeJson() : null;
    }

    boolean sse() {
        return sse;
    }

    /** Whether nothing went to the client yet (a failure now is still an early one). */
    boolean headHeld() {
        return pendingHead != null;
    }

    /** How a finished stream ended if not as its dialect ends one, for the log; null if well or not a stream. */
    String streamEndProblem() {
        return usage == null ? null : usage.streamEndProblem();
    }

    /** The next body bytes (not owned). */
    void content(ByteBuf buf, boolean last) {
        if (whole == null) {
            pass(buf, last);
            return;
        }
        if (whole.broken(buf, last)) {
            if (whole.holding()) { // nothing sent: an early failure, which may still be retried
                relay.failEarly(200, null, whole.snippet(buf), null,
                        EarlyAnswers.brokenJson(provider, status, whole.problem()));
            } else {
                relay.onFailure(new WholeJson.BrokenBodyException(whole.problem())); // the client's body is cut
            }
            return;
        }
        ByteBuf out = whole.next(buf, last);
        if (out == null) {
            if (last) {
                pass(Unpooled.EMPTY_BUFFER, true);
            }
            return;
        }
        try {
            pass(out, last);
        } finally {
            out.release();
        }
    }

    /** Body bytes (not owned) to the client, the held head first. */
    private void pass(ByteBuf buf, boolean last) {
        if (pendingHead != null && (buf.isReadable() || last) && !commitHead(buf, last)) {
            return;
        }
        // Sent on: the buffer itself, or its events with keys masked and an unasked-for usage chunk dropped
        ByteBuf out = usage != null ? usage.forward(buf, last) : buf.isReadable() ? buf.retain() : null;
        if (last) {
            relay.complete(out);
        } else if (out != null) {
            sink.content(out);
        }
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
            relay.failEarly(200, null, text, null, EarlyAnswers.errorIn2xx(provider, status, text));
            return false;
        }
        sink.head(head);
        return true;
    }

    /** Records the usage seen in the request's trace and releases whatever is held. Idempotent. */
    void finish() {
        pendingHead = null;
        if (whole != null) {
            whole.release();
        }
        if (usage != null) {
            usage.finish();
            usage = null;
        }
    }
}
