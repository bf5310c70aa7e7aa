package io.sluice.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.proxy.config.ServerConfig;
import io.sluice.proxy.service.Dispatcher;

/**
 * The pipeline of one client connection, each handler one job: HTTP codec → {@link ExpectContinue} (413 before the
 * body is sent) → {@link ConnectionGuard} (idle timeout, pipelining) → {@link RequestReader} (one request at a time,
 * answered through its {@link ResponseWriter} by the handler the {@link Dispatcher} picks).
 */
public final class ClientPipeline {

    /** Initial line limit of client requests (method + URI + version). */
    static final int MAX_INITIAL_LINE_BYTES = 8192;
    /** Body chunks are handed on at this size; the body itself is bounded by maxBodyBytes. */
    static final int MAX_CHUNK_BYTES = 65_536;
    static final WriteBufferWaterMark CLIENT_WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private ClientPipeline() {
    }

    /** Sets up one client connection: its write water marks and handlers. */
    public static void init(Channel ch, ServerConfig sc, Dispatcher dispatcher) {
        ch.config().setWriteBufferWaterMark(CLIENT_WATER_MARK);
        ChannelPipeline p = ch.pipeline();
        p.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE_BYTES, sc.maxHeaderBytes(), MAX_CHUNK_BYTES));
        p.addLast("continue", new ExpectContinue(sc.maxBodyBytes()));
        p.addLast("guard", new ConnectionGuard(sc.idleTimeout().toNanos()));
        p.addLast("reader", new RequestReader(dispatcher, sc.maxBodyBytes(), sc.readTimeout().toNanos()));
    }
}
