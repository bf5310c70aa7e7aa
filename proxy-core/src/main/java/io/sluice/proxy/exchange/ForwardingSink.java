package io.sluice.proxy.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.hub.HubError;

/** A {@link ResponseSink} that passes everything to another; subclasses override what they add to. */
public abstract class ForwardingSink implements ResponseSink {

    protected final ResponseSink client;

    protected ForwardingSink(ResponseSink client) {
        this.client = client;
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
    public void head(HttpResponse head) {
        client.head(head);
    }

    @Override
    public void content(ByteBuf chunk) {
        client.content(chunk);
    }

    @Override
    public void flush() {
        client.flush();
    }

    @Override
    public void end(ByteBuf lastOrNull) {
        client.end(lastOrNull);
    }

    @Override
    public void fail(HttpResponseStatus status, String message, String code) {
        client.fail(status, message, code);
    }

    @Override
    public void failRetryAfter(HttpResponseStatus status, String message, String code, long retryAfterSeconds) {
        client.failRetryAfter(status, message, code, retryAfterSeconds);
    }

    @Override
    public void endWithError(HubError error) {
        client.endWithError(error);
    }

    @Override
    public boolean headSent() {
        return client.headSent();
    }

    @Override
    public boolean isWritable() {
        return client.isWritable();
    }

    @Override
    public boolean isDone() {
        return client.isDone();
    }
}
