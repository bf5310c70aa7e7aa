package io.sluice.proxy.dedup;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.hub.HubError;
import io.sluice.proxy.exchange.ForwardingSink;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.ResponseSink;

/**
 * A client's sink that says what dedup did in {@code X-Sluice-Cache} on whatever head goes out, Sluice's own error
 * responses included: those it composes here, in the client's dialect, as the server edge would.
 */
final class TaggedSink extends ForwardingSink {

    private final Dialect dialect;
    private final String tag;

    TaggedSink(ResponseSink client, Dialect dialect, String tag) {
        super(client);
        this.dialect = dialect;
        this.tag = tag;
    }

    /** The client's own sink, untagged. */
    ResponseSink unwrap() {
        return client;
    }

    @Override
    public void head(HttpResponse head) {
        head.headers().set(Dedup.HEADER, tag);
        client.head(head);
    }

    @Override
    public void fail(HttpResponseStatus status, String message, String code) {
        failRetryAfter(status, message, code, -1);
    }

    @Override
    public void failRetryAfter(HttpResponseStatus status, String message, String code, long retryAfterSeconds) {
        if (client.headSent() || client.isDone()) {
            client.failRetryAfter(status, message, code, retryAfterSeconds);
            return;
        }
        FullHttpResponse res = HttpResponses.error(dialect, client.alloc(), status, message, code);
        if (retryAfterSeconds >= 0) {
            HttpResponses.retryAfter(res, retryAfterSeconds);
        }
        head(res);
    }

    @Override
    public void endWithError(HubError error) {
        if (client.headSent() || client.isDone()) {
            client.endWithError(error);
            return;
        }
        head(HttpResponses.error(dialect, client.alloc(), error));
    }
}
