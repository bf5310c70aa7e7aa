package io.sluice.bench.mock;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.sluice.codec.testing.PooledChunks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The handler in an {@link EmbeddedChannel}, its requests split at every size the codec tests use. */
class MockUpstreamHandlerTest {

    private static final MockState STATE = new MockState(MockUpstreamSettings.builder().port(0).chunks(3)
            .chunkBytes(4).build());

    @ParameterizedTest
    @ValueSource(ints = {1, 7, Integer.MAX_VALUE})
    void answersPipelinedRequestsSplitAnywhere(int size) throws IOException {
        String requests = RawHttp.post("/v1/chat/completions", "{\"model\":\"split\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}")
                + RawHttp.post("/v1/messages", "{\"model\":\"second\"}")
                + RawHttp.post("/v1beta/models/third:streamGenerateContent?alt=sse", "{}")
                + RawHttp.get("/health");
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                new MockUpstreamHandler(STATE));
        try {
            List<ByteBuf> chunks = PooledChunks.split(requests, size, PooledChunks.Memory.MIXED);
            for (ByteBuf c : chunks) {
                ch.writeInbound(c); // the pipeline owns and releases it
            }
            byte[] out = drainOutbound(ch);
            try (RawHttp.Reader reader = new RawHttp.Reader(new ByteArrayInputStream(out))) {
                RawHttp.Response openai = reader.read();
                assertThat(openai.status()).isEqualTo(200);
                List<RawHttp.Event> events = RawHttp.events(openai.body());
                assertThat(events).hasSize(1 + 3 + 1 + 1 + 1); // role, content x3, finish, usage, [DONE]
                assertThat(events.get(0).data()).contains("\"model\":\"split\"");
                assertThat(events.get(5).data()).contains("\"choices\":[],\"usage\":{\"prompt_tokens\"");
                assertThat(events.get(6).data()).isEqualTo("[DONE]");

                RawHttp.Response anthropic = reader.read();
                assertThat(anthropic.body()).contains("\"model\":\"second\"")
                        .contains("\"text\":\"" + String.join("", AnswerTemplates.texts(3, 4)) + "\"");
                RawHttp.Response gemini = reader.read();
                assertThat(RawHttp.events(gemini.body())).hasSize(3);
                assertThat(gemini.body()).contains("\"modelVersion\":\"third\"");
                assertThat(reader.read().body()).isEqualTo("{\"status\":\"ok\"}");
                assertThat(reader.read()).isNull();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, Integer.MAX_VALUE})
    void garbageIsRefusedAndTheConnectionClosed(int size) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                new MockUpstreamHandler(STATE));
        try {
            for (ByteBuf c : PooledChunks.split("NOT HTTP AT ALL\r\n\r\n", size, PooledChunks.Memory.HEAP)) {
                if (ch.isOpen()) {
                    ch.writeInbound(c);
                } else {
                    c.release(); // refused and closed: the rest never arrives
                }
            }
            String out = new String(drainOutbound(ch), StandardCharsets.UTF_8);
            assertThat(out).startsWith("HTTP/1.");
            assertThat(ch.isOpen()).isFalse();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Everything written so far, as bytes; every outbound buffer released. */
    private static byte[] drainOutbound(EmbeddedChannel ch) {
        ch.runPendingTasks();
        if (ch.isOpen()) {
            ch.flushOutbound();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                out.writeBytes(bytes);
            } finally {
                b.release();
            }
        }
        return out.toByteArray();
    }
}
