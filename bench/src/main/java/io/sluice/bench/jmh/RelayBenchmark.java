package io.sluice.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.sluice.proxy.ProxyContext;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.transport.Transport;
import io.sluice.proxy.upstream.OriginPool;
import io.sluice.proxy.upstream.UpstreamPools;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole passthrough path of one SSE chunk, in process: upstream bytes (one HTTP chunk holding one OpenAI event)
 * enter the upstream pipeline Sluice runs (HttpClientCodec → UpstreamHandler → UpstreamRelay: framing, usage scan),
 * go to the client pipeline (ClientHandler → HttpServerCodec, chunked encoding) and leave as bytes. Both sides are
 * {@link EmbeddedChannel}s with the production pipelines, so no socket cost is counted; {@code -prof gc} gives the
 * heap bytes allocated per relayed chunk. Score: chunks/s.
 */
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class RelayBenchmark extends JmhDefaults {

    private SluiceMetrics metrics;
    private UpstreamPools pools;
    private EmbeddedChannel client;
    private EmbeddedChannel upstream;
    /** One upstream HTTP chunk: size line, one SSE event, CRLF. Read-only; sent as retained duplicates. */
    private ByteBuf chunk;

    @Setup(Level.Iteration)
    public void setUp() {
        SluiceConfig config = ConfigLoader.parse("server:\n  host: 127.0.0.1\n  port: 0\n  ioThreads: 1\n"
                + "providers:\n  up:\n    type: openai-compatible\n    baseUrl: http://127.0.0.1:9/v1\n"
                + "    apiKey: sk-bench-0000000000000000\n    models: [gpt-4o-mini]\n", Map.of());
        metrics = new SluiceMetrics();
        pools = new UpstreamPools(config.upstream(), Transport.NIO);
        ProxyContext proxy = new ProxyContext(config, metrics, pools);
        client = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                SluiceServer.initClientChannel(c, proxy);
            }
        });
        upstream = new EmbeddedChannel();
        upstream.config().setAutoRead(false);
        UpstreamPools.initPipeline(upstream.pipeline(), null, 60_000);
        ProviderConfig up = config.provider("up").orElseThrow();
        OriginPool pool = pools.pool(client.eventLoop(), proxy.upstreams().origin(up));
        pool.release(upstream, true); // the relay finds it as a kept-alive connection

        String body = "{\"model\":\"up/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"hi\"}]}";
        client.writeInbound(Unpooled.copiedBuffer("POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body,
                StandardCharsets.UTF_8));
        drain(upstream); // the request the relay sent
        upstream.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n", StandardCharsets.US_ASCII));
        drain(client); // the response head
        String event = Fixtures.openAiChunk(1);
        String http = Integer.toHexString(event.length()) + "\r\n" + event + "\r\n";
        chunk = Fixtures.direct(http);
    }

    private static int drain(EmbeddedChannel ch) {
        int n = 0;
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof ByteBuf b) {
                n += b.readableBytes();
            }
            ReferenceCountUtil.release(o);
        }
        return n;
    }

    @TearDown(Level.Iteration)
    public void tearDown() {
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
        chunk.release();
        pools.close();
        metrics.close();
    }

    @Benchmark
    public int relayChunk() {
        upstream.pipeline().fireChannelRead(chunk.retainedDuplicate()); // as a socket read: no promise
        upstream.pipeline().fireChannelReadComplete();
        int n = drain(client);
        if (n == 0) {
            throw new IllegalStateException("nothing relayed");
        }
        return n;
    }
}
