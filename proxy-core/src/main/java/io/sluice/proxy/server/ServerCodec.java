package io.sluice.proxy.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Netty's {@code HttpServerCodec} (request decoder, response encoder that knows which request each response answers,
 * for HEAD and CONNECT), with two changes: a request carrying both {@code Content-Length} and
 * {@code Transfer-Encoding} is a decoding failure, so the reader answers it 400 and closes, where Netty would drop the
 * Content-Length and go on (RFC 9112 §6.1 lets a server reject it; a proxy must not, as a front end and a back end
 * that frame it differently are how requests get smuggled); and an interim 1xx (100 Continue) does not use up the
 * request's place in the method queue, so the final response to a HEAD is still written without a body.
 * <p>Duplicate or invalid Content-Length values Netty already refuses ({@code allowDuplicateContentLengths} off).
 */
final class ServerCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {

    /** The message of the decoding failure for a request with both framings. */
    static final String BOTH_FRAMINGS = "Content-Length together with Transfer-Encoding";

    /** Methods of the requests decoded and not answered yet, oldest first. */
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

    ServerCodec(int maxInitialLineBytes, int maxHeaderBytes, int maxChunkBytes) {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLineBytes)
                .setMaxHeaderSize(maxHeaderBytes)
                .setMaxChunkSize(maxChunkBytes);
        init(new Decoder(config), new Encoder());
    }

    private final class Decoder extends HttpRequestDecoder {
        Decoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                if (out.get(i) instanceof HttpRequest req) {
                    methods.add(req.method());
                }
            }
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            // Thrown while the headers are read: the decoder turns it into a failed request and stops decoding.
            throw new IllegalArgumentException(BOTH_FRAMINGS + ": " + message.headers().get(
                    HttpHeaderNames.TRANSFER_ENCODING));
        }
    }

    private final class Encoder extends HttpResponseEncoder {
        private HttpMethod method;

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return super.isContentAlwaysEmpty(msg); // the final response is still to come
            }
            method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method)
                    && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // RFC 9110 §9.3.6: no body framing
                return;
            }
            super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
        }
    }
}
