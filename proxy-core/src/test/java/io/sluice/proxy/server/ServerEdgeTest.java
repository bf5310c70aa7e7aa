package io.sluice.proxy.server;

import static io.sluice.proxy.server.ClientHandlerTest.chat;
import static io.sluice.proxy.server.ClientHandlerTest.chatBody;
import static io.sluice.proxy.server.ClientHandlerTest.get;
import static io.sluice.proxy.testing.Embedded.drain;
import static io.sluice.proxy.testing.Embedded.feed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.proxy.ProxyContext;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.HttpWire.Message;
import io.sluice.proxy.transport.Transport;
import io.sluice.proxy.upstream.UpstreamPools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The edge against hostile or broken clients, on the real client pipeline: slow heads (slowloris), the connection
 * cap, malformed chunked bodies, too much pipelining, request smuggling framings, and {@code Expect: 100-continue}
 * before admission. Raw bytes in, split 1 byte, 7 bytes and whole.
 */
class ServerEdgeTest {

    private static final String TEAM = "sk-team-0123456789abcdef";
    private static final String BASE = "server:\n  host: 127.0.0.1\n  port: 0\n  ioThreads: 1\n  maxBodyBytes: 1024\n"
            + "  readTimeout: 5s\n  idleTimeout: 30s\nprovidersFromEnv: false\n"
            + "providers:\n  mock:\n    mock: {chunkDelay: 10ms, chunkWords: 1}\n";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A proxy context from YAML, and client channels on its pipeline with a connection limit of our choosing. */
    private final class Edge implements AutoCloseable {
        final SluiceMetrics metrics = new SluiceMetrics();
        final UpstreamPools pools;
        final ProxyContext proxy;

        Edge(String yaml) {
            SluiceConfig config = ConfigLoader.parse(yaml, Map.of());
            pools = new UpstreamPools(config.upstream(), Transport.NIO);
            proxy = new ProxyContext(config, metrics, pools);
            open.add(this);
        }

        EmbeddedChannel client(ConnectionLimit limit) {
            EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel c) {
                    ClientPipeline.init(c, proxy.config().server(), proxy.dispatcher(), limit);
                }
            });
            ch.freezeTime();
            channels.add(ch);
            return ch;
        }

        EmbeddedChannel client() {
            return client(ConnectionLimit.UNLIMITED);
        }

        @Override
        public void close() {
            pools.close();
            metrics.close();
        }
    }

    private static List<Message> send(EmbeddedChannel ch, String wire, int size) {
        feed(ch, wire, size);
        return HttpWire.responses(drain(ch));
    }

    private static void advance(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
    }

    private static void assertClosingError(Message res, int status, String code) {
        assertThat(res.status()).isEqualTo(status);
        assertThat(res.complete()).isTrue();
        assertThat(res.header("content-length")).isEqualTo(Integer.toString(res.body().length));
        assertThat(res.header("connection")).isEqualTo("close");
        assertThat(res.error().get("code").asText()).isEqualTo(code);
    }

    // ---- 1. slow heads and the connection cap ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void headNotReceivedWithinTheReadTimeoutOfItsFirstByteIs408(int size) {
        EmbeddedChannel ch = new Edge(BASE).client();
        feed(ch, "P", size);
        advance(ch, 3000);
        // More bytes do not restart the clock: a slowloris client sends one byte at a time forever.
        feed(ch, "OST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nX-Slow: 1", size);
        advance(ch, 1999);
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.isOpen()).isTrue();

        advance(ch, 1);

        List<Message> res = HttpWire.responses(drain(ch));
        assertThat(res).hasSize(1);
        assertClosingError(res.get(0), 408, "request_timeout");
        assertThat(res.get(0).error().get("type").asText()).isEqualTo("timeout_error");
        assertThat(res.get(0).error().get("message").asText())
                .isEqualTo("request headers not received within 5000 ms");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theHeadClockStartsAtTheNextRequestsFirstByteNotWhileIdle() {
        EmbeddedChannel ch = new Edge(BASE).client();
        assertThat(send(ch, get("/health"), Integer.MAX_VALUE)).extracting(Message::status).containsExactly(200);
        advance(ch, 20_000); // idle, under idleTimeout: no read timeout runs
        assertThat(ch.isOpen()).isTrue();

        feed(ch, "GET /health HTTP/1.1\r\n", 1);
        advance(ch, 4999);
        assertThat(drain(ch)).isEmpty();
        advance(ch, 1);

        assertThat(HttpWire.responses(drain(ch))).extracting(Message::status).containsExactly(408);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aHeadThatArrivesInTimeLeavesNoTimerBehind() {
        EmbeddedChannel ch = new Edge(BASE).client();
        feed(ch, "GET /health HTTP/1.1\r\n", 1);
        advance(ch, 4000);
        feed(ch, "Host: sluice\r\n\r\n", 1);
        assertThat(HttpWire.responses(drain(ch))).extracting(Message::status).containsExactly(200);

        advance(ch, 10_000);
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void connectionsOverTheCapGet503AndAreClosedAtOnce() {
        Edge edge = new Edge(BASE);
        ConnectionLimit limit = new ConnectionLimit(2, edge.metrics);
        EmbeddedChannel a = edge.client(limit);
        EmbeddedChannel b = edge.client(limit);
        assertThat(limit.open()).isEqualTo(2);

        EmbeddedChannel over = edge.client(limit);

        List<Message> res = HttpWire.responses(drain(over));
        assertThat(res).hasSize(1);
        assertClosingError(res.get(0), 503, "too_many_connections");
        assertThat(res.get(0).header("retry-after")).isEqualTo("1");
        assertThat(over.isOpen()).isFalse();
        assertThat(limit.open()).isEqualTo(2);
        Counter refused = edge.metrics.registry().find("http.connections.refused").counter();
        assertThat(refused).isNotNull();
        assertThat(refused.count()).isEqualTo(1.0);
        assertThat(send(a, get("/health"), 7)).extracting(Message::status).containsExactly(200);

        b.close();
        assertThat(limit.open()).isEqualTo(1);
        EmbeddedChannel next = edge.client(limit);
        assertThat(send(next, get("/health"), 7)).extracting(Message::status).containsExactly(200);
        assertThat(limit.open()).isEqualTo(2);
    }

    @Test
    void maxConnectionsIsReadAndChecked() {
        assertThat(ConfigLoader.parse("server:\n  maxConnections: 3\n", Map.of()).server().maxConnections())
                .isEqualTo(3);
        assertThat(ConfigLoader.parse("server:\n  port: 1\n", Map.of()).server().maxConnections())
                .isEqualTo(10_000);
        assertThatThrownBy(() -> ConfigLoader.parse("server:\n  maxConnections: -1\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("maxConnections");
    }

    // ---- 2. malformed chunks, too much pipelining ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void malformedChunkSizeIs400AndCloses(int size) {
        EmbeddedChannel ch = new Edge(BASE).client();
        String body = chatBody("mock/echo", false, "hi");
        String wire = "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "zz\r\n" + body + "\r\n0\r\n\r\n" + get("/health");

        List<Message> res = send(ch, wire, size);

        assertThat(res).hasSize(1);
        assertClosingError(res.get(0), 400, "bad_request");
        assertThat(res.get(0).error().get("message").asText()).isEqualTo("malformed HTTP request body");
        assertThat(ch.isOpen()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void malformedChunkSizeAfterGoodChunksIs400(int size) {
        EmbeddedChannel ch = new Edge(BASE).client();
        String wire = "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"mod\r\n-3\r\nxyz\r\n0\r\n\r\n";

        List<Message> res = send(ch, wire, size);

        assertThat(res).hasSize(1);
        assertClosingError(res.get(0), 400, "bad_request");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void pipeliningPastTheLimitIsAnswered503AfterTheResponseInFlight() {
        EmbeddedChannel ch = new Edge(BASE).client();
        // Each GET is two messages (head, last content); 64 held messages is the cap.
        feed(ch, chat(chatBody("mock/echo", true, "a b c")) + get("/health").repeat(40), Integer.MAX_VALUE);
        assertThat(ch.isOpen()).isTrue();

        StringBuilder wire = new StringBuilder(new String(drain(ch), java.nio.charset.StandardCharsets.UTF_8));
        for (int i = 0; i < 10 && ch.isOpen(); i++) {
            advance(ch, 10);
            wire.append(new String(drain(ch), java.nio.charset.StandardCharsets.UTF_8));
        }

        List<Message> res = HttpWire.responses(wire.toString());
        assertThat(res).extracting(Message::status).containsExactly(200, 503);
        assertThat(res.get(0).text()).endsWith("data: [DONE]\n\n");
        assertClosingError(res.get(1), 503, "too_many_pipelined_requests");
        assertThat(res.get(1).error().get("type").asText()).isNotEmpty();
        assertThat(ch.isOpen()).isFalse();
    }

    // ---- 3. smuggling framings ----

    static final List<String> BAD_FRAMINGS = List.of(
            "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
            "Content-Length: 5\r\nContent-Length: 6\r\n",
            "Content-Length: 5\r\nContent-Length: 5\r\n",
            "Content-Length: 5, 6\r\n",
            "Content-Length: abc\r\n",
            "Content-Length: -5\r\n");

    @ParameterizedTest
    @FieldSource("BAD_FRAMINGS")
    void ambiguousFramingIs400AndCloses(String framing) {
        for (int size : new int[] {1, 7, Integer.MAX_VALUE}) {
            EmbeddedChannel ch = new Edge(BASE).client();
            String wire = "POST /v1/chat/completions HTTP/1.1\r\nHost: sluice\r\n" + framing + "\r\n0\r\n\r\n"
                    + get("/health");

            List<Message> res = send(ch, wire, size);

            assertThat(res).as("%s in %d-byte reads", framing, size).hasSize(1);
            assertClosingError(res.get(0), 400, "bad_request");
            assertThat(ch.isOpen()).isFalse();
        }
    }

    // ---- 4. Expect: 100-continue after admission ----

    private static final String KEYS = "access:\n  clientKeys:\n    team: " + TEAM + "\n";

    private static String expecting(String path, String auth, int length) {
        return "POST " + path + " HTTP/1.1\r\nHost: sluice\r\nContent-Type: application/json\r\n" + auth
                + "Expect: 100-continue\r\nContent-Length: " + length + "\r\n\r\n";
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void withoutAValidKeyTheAnswerIs401InsteadOf100(int size) {
        EmbeddedChannel ch = new Edge(BASE + KEYS).client();

        List<Message> res = send(ch, expecting("/v1/chat/completions", "", 100), size);

        assertThat(res).hasSize(1);
        assertClosingError(res.get(0), 401, "missing_api_key");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theRefusalIsInTheRoutesDialect() {
        EmbeddedChannel ch = new Edge(BASE + KEYS).client();

        List<Message> res = send(ch, expecting("/v1/messages", "x-api-key: sk-wrong-000000000000\r\n", 100),
                Integer.MAX_VALUE);

        assertThat(res).hasSize(1);
        assertThat(res.get(0).status()).isEqualTo(401);
        assertThat(res.get(0).json().get("type").asText()).isEqualTo("error");
        assertThat(res.get(0).json().at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(res.get(0).header("connection")).isEqualTo("close");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aDeniedAddressGets403InsteadOf100() {
        EmbeddedChannel ch = new Edge(BASE + "access:\n  ipDeny: [\"0.0.0.0/0\", \"::/0\"]\n").client();

        List<Message> res = send(ch, expecting("/v1/chat/completions", "", 100), Integer.MAX_VALUE);

        assertThat(res).extracting(Message::status).containsExactly(403);
        assertThat(ch.isOpen()).isFalse();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void withAValidKeyTheClientGets100ThenTheAnswer(int size) {
        EmbeddedChannel ch = new Edge(BASE + KEYS).client();
        String body = chatBody("mock/echo", false, "after continue");

        List<Message> interim = send(ch, expecting("/v1/chat/completions", "Authorization: Bearer " + TEAM + "\r\n",
                body.length()), size);
        assertThat(interim).extracting(Message::status).containsExactly(100);

        feed(ch, body, size);
        advance(ch, 100);
        List<Message> res = HttpWire.responses(drain(ch));
        assertThat(res).extracting(Message::status).containsExactly(200);
        assertThat(res.get(0).json().at("/choices/0/message/content").asText()).isEqualTo("after continue");
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void anOversizedBodyOfAnAdmittedRequestIs413InTheRoutesDialectBefore100() {
        EmbeddedChannel ch = new Edge(BASE + KEYS).client();

        List<Message> res = send(ch, expecting("/v1/messages", "x-api-key: " + TEAM + "\r\n", 5000),
                Integer.MAX_VALUE);

        assertThat(res).extracting(Message::status).containsExactly(413);
        assertThat(res.get(0).json().at("/error/type").asText()).isEqualTo("request_too_large");
        assertThat(ch.isOpen()).isFalse();
    }
}
