package io.sluice.proxy.server;

import static io.sluice.proxy.testing.Embedded.drain;
import static io.sluice.proxy.testing.Embedded.feed;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.config.ServerConfig;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.RequestRouter;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.HttpWire.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A bug behind the edge (a handler that throws) must still end the request with an answer: a 500 in the request's
 * dialect and a close, never a silent hang-up (as a count_tokens request over its work budget got, issue 20), with the
 * request counted once and its body released (PARANOID leak detection).
 */
class HandlerFailureTest {

    enum Where { OPEN, CHUNK, RESPOND }

    private static final ServerConfig SERVER = new ServerConfig("127.0.0.1", 0, 1 << 20, Duration.ofSeconds(5),
            Duration.ofSeconds(5), 1, Duration.ofMillis(100), 16 * 1024);

    private static EmbeddedChannel client(Where where, Dialect dialect, AtomicInteger finished) {
        RequestRouter router = new RequestRouter() {
            @Override
            public RequestHandler malformed(InboundRequest request) {
                throw new AssertionError("not malformed");
            }

            @Override
            public RequestHandler open(InboundRequest request) {
                if (where == Where.OPEN) {
                    throw new IllegalStateException("bug in open");
                }
                return new RequestHandler() {
                    @Override
                    public String route() {
                        return "test";
                    }

                    @Override
                    public Dialect dialect() {
                        return dialect;
                    }

                    @Override
                    public boolean readsBody() {
                        return true;
                    }

                    @Override
                    public void onChunk(ByteBuf chunk) {
                        if (where == Where.CHUNK) {
                            throw new IllegalStateException("bug in onChunk");
                        }
                    }

                    @Override
                    public void respond(CompositeByteBuf body, ResponseSink sink) {
                        body.release();
                        throw new IllegalStateException("bug in respond");
                    }

                    @Override
                    public void finished(int status, long nanos) {
                        finished.incrementAndGet();
                    }
                };
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                ClientPipeline.init(c, SERVER, router, ConnectionLimit.UNLIMITED);
            }
        });
        ch.freezeTime();
        return ch;
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void aThrowingHandlerGetsThe500InItsDialectAndTheConnectionCloses(Where where) {
        for (Dialect dialect : List.of(Dialects.OPENAI, Dialects.ANTHROPIC)) {
            AtomicInteger finished = new AtomicInteger();
            EmbeddedChannel ch = client(where, dialect, finished);
            String body = "{\"model\":\"m\"}";
            feed(ch, "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body, 7);

            byte[] wire = drain(ch);
            ch.runPendingTasks();
            if (where == Where.OPEN) {
                // No handler, no dialect: nothing to answer with but the close.
                assertThat(wire).isEmpty();
            } else {
                List<Message> res = HttpWire.responses(wire);
                assertThat(res).hasSize(1);
                assertThat(res.get(0).status()).isEqualTo(500);
                String text = new String(res.get(0).body(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(text).contains("internal error").doesNotContain("bug in").doesNotContain("Exception");
                if (dialect == Dialects.ANTHROPIC) {
                    assertThat(text).contains("\"type\":\"error\"");
                }
                assertThat(finished.get()).as("counted once").isEqualTo(1);
            }
            assertThat(ch.isOpen()).isFalse();
            ch.finishAndReleaseAll();
        }
    }
}
