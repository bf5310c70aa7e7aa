package io.sluice.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.access.Cors;
import io.sluice.proxy.config.ServerConfig;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.RequestRouter;

/**
 * The pipeline of one client connection, each handler one job: the request's first byte (starts its read timeout) →
 * HTTP codec ({@link ServerCodec}) → {@link ConnectionGuard} (idle timeout, pipelining) → {@link RequestReader} (one
 * request at a time, {@code Expect: 100-continue} once admitted, answered through its {@link ResponseWriter} by the
 * handler the {@link RequestRouter} picks). A connection over {@code server.maxConnections} gets only a 503 and a
 * close.
 */
public final class ClientPipeline {

    /** Initial line limit of client requests (method + URI + version). */
    static final int MAX_INITIAL_LINE_BYTES = 8192;
    /** Body chunks are handed on at this size; the body itself is bounded by maxBodyBytes. */
    static final int MAX_CHUNK_BYTES = 65_536;
    static final WriteBufferWaterMark CLIENT_WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private ClientPipeline() {
    }

    /** Sets up one client connection: its write water marks and handlers, or its refusal when over the cap. */
    public static void init(Channel ch, ServerConfig sc, RequestRouter dispatcher, ConnectionLimit connections) {
        init(ch, sc, dispatcher, connections, Cors.of(sc.cors()));
    }

    /** As {@link #init(Channel, ServerConfig, RequestRouter, ConnectionLimit)} with the process's CORS policy. */
    public static void init(Channel ch, ServerConfig sc, RequestRouter dispatcher, ConnectionLimit connections,
                            Cors cors) {
        ch.config().setWriteBufferWaterMark(CLIENT_WATER_MARK);
        ChannelPipeline p = ch.pipeline();
        if (!connections.admit(ch)) {
            p.addLast("http", new HttpResponseEncoder());
            p.addLast("refuse", new TooManyConnections());
            return;
        }
        RequestReader reader = new RequestReader(dispatcher, sc.maxBodyBytes(), sc.readTimeout().toNanos(), cors);
        p.addLast("arrival", reader.arrivals());
        p.addLast("http", new ServerCodec(MAX_INITIAL_LINE_BYTES, sc.maxHeaderBytes(), MAX_CHUNK_BYTES));
        p.addLast("guard", new ConnectionGuard(sc.idleTimeout().toNanos()));
        p.addLast("reader", reader);
    }

    /** Answers a connection over the cap with a 503 at once, before reading its request, and closes it. */
    private static final class TooManyConnections extends ChannelInboundHandlerAdapter {
        private boolean refused;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            if (ctx.channel().isActive()) {
                refuse(ctx);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            refuse(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        private void refuse(ChannelHandlerContext ctx) {
            if (refused) {
                return;
            }
            refused = true;
            FullHttpResponse res = HttpResponses.error(Dialects.OPENAI, ctx.alloc(),
                    HttpResponseStatus.SERVICE_UNAVAILABLE, "too many connections to this proxy; retry shortly",
                    "too_many_connections");
            HttpResponses.retryAfter(res, 1);
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
