package io.sluice.proxy.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.exchange.HttpResponses;

/**
 * Answers {@code Expect: 100-continue}: 100 when the declared body fits, otherwise a 413 in OpenAI's shape before
 * the client sends a byte of the body.
 */
final class ExpectContinue extends HttpServerExpectContinueHandler {

    private final long maxBodyBytes;

    ExpectContinue(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest req && HttpUtil.is100ContinueExpected(req) && tooLarge(req)) {
            // Netty's handler keeps the connection open after a rejection, but the decoder still waits for the
            // declared body the client will not send: the next request would be read as that body. Close instead.
            HttpResponse res = rejectResponse(req);
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.channelRead(ctx, msg);
    }

    private boolean tooLarge(HttpRequest request) {
        return HttpUtil.getContentLength(request, -1L) > maxBodyBytes;
    }

    @Override
    protected HttpResponse acceptMessage(HttpRequest request) {
        if (tooLarge(request)) {
            return null;
        }
        return super.acceptMessage(request);
    }

    @Override
    protected HttpResponse rejectResponse(HttpRequest request) {
        return HttpResponses.error(Dialects.OPENAI, ByteBufAllocator.DEFAULT,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body of "
                        + HttpUtil.getContentLength(request, -1L) + " bytes exceeds the limit of " + maxBodyBytes
                        + " bytes", "request_too_large");
    }

}
