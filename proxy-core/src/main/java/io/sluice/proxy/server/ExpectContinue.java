package io.sluice.proxy.server;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;

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
    protected HttpResponse acceptMessage(HttpRequest request) {
        if (HttpUtil.getContentLength(request, -1L) > maxBodyBytes) {
            return null;
        }
        return super.acceptMessage(request);
    }

    @Override
    protected HttpResponse rejectResponse(HttpRequest request) {
        HttpResponse res = OpenAiErrors.response(io.netty.buffer.ByteBufAllocator.DEFAULT,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body of "
                        + HttpUtil.getContentLength(request, -1L) + " bytes exceeds the limit of " + maxBodyBytes
                        + " bytes", "invalid_request_error", "request_too_large");
        return res;
    }

}
