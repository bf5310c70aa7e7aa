package io.sluice.proxy.upstream;

import static io.sluice.proxy.testing.Embedded.drain;
import static io.sluice.proxy.testing.Embedded.feed;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * {@link UpstreamHandler} behind the upstream pipeline of {@link UpstreamPools#initPipeline} (UpstreamResponseDecoder,
 * pool idle handler) on an EmbeddedChannel with AUTO_READ off, fed raw response bytes.
 */
class UpstreamHandlerTest {

    static final long POOL_IDLE_MS = 60_000;
    static final long LONG = TimeUnit.SECONDS.toNanos(10);

    static final String SSE = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
            + "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n"
            + "data: [DONE]\n\n";

    /** Records what the handler dispatches; owns (and releases) every message it gets. */
    static final class Recorder implements UpstreamHandler.Listener {
        final List<HttpResponse> heads = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final List<Throwable> failures = new ArrayList<>();
        int contents;
        int lasts;
        int readCompletes;
        Consumer<HttpResponse> onHead = h -> { };

        @Override
        public void onHead(HttpResponse head) {
            heads.add(head);
            onHead.accept(head);
        }

        @Override
        public void onContent(ByteBuf b, boolean last) {
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), bytes);
                body.writeBytes(bytes);
                contents++;
                lasts += last ? 1 : 0;
            } finally {
                b.release();
            }
        }

        @Override
        public void onReadComplete() {
            readCompletes++;
        }

        @Override
        public void onFailure(Throwable cause) {
            failures.add(cause);
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private EmbeddedChannel ch;
    private UpstreamHandler handler;
    private final Recorder rec = new Recorder();

    @BeforeEach
    void setUp() {
        ch = new EmbeddedChannel();
        ch.config().setAutoRead(false);
        ch.freezeTime();
        UpstreamPools.initPipeline(ch.pipeline(), null, POOL_IDLE_MS);
        handler = ch.pipeline().get(UpstreamHandler.class);
    }

    @AfterEach
    void tearDown() {
        ch.finishAndReleaseAll();
    }

    /** Sends a request the way an exchange does, so the client codec pairs the response with it. */
    private void sendRequest() {
        ch.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions",
                Unpooled.EMPTY_BUFFER));
        assertThat(new String(drain(ch), StandardCharsets.US_ASCII)).startsWith("POST /v1/chat/completions HTTP/1.1");
    }

    static String sseResponse(String body) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n");
        // Three chunks cut mid-event, as upstreams do.
        int a = body.length() / 3;
        int b = 2 * body.length() / 3;
        for (String part : new String[] {body.substring(0, a), body.substring(a, b), body.substring(b)}) {
            sb.append(Integer.toHexString(part.getBytes(StandardCharsets.UTF_8).length)).append("\r\n").append(part)
                    .append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString();
    }

    private static void advance(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runPendingTasks();
    }

    // ---- framing and dispatch ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void chunkedSseResponseReachesTheListenerByteForByte(int size) {
        sendRequest();
        handler.begin(rec, LONG, LONG);

        feed(ch, sseResponse(SSE), size);

        assertThat(rec.heads).hasSize(1);
        assertThat(rec.heads.get(0).status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(rec.heads.get(0).headers().get("content-type")).isEqualTo("text/event-stream");
        assertThat(rec.text()).isEqualTo(SSE);
        assertThat(rec.lasts).isEqualTo(1);
        assertThat(rec.readCompletes).isPositive();
        assertThat(rec.failures).isEmpty();
        assertThat(ch.isOpen()).isTrue();
    }

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void contentLengthResponseReachesTheListenerWhole(int size) {
        String json = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[]}";
        sendRequest();
        handler.begin(rec, LONG, LONG);

        feed(ch, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + json.length()
                + "\r\n\r\n" + json, size);

        assertThat(rec.heads).hasSize(1);
        assertThat(rec.text()).isEqualTo(json);
        assertThat(rec.lasts).isEqualTo(1);
        assertThat(rec.failures).isEmpty();
    }

    @Test
    void keepAliveChannelServesTheNextExchangeWithItsOwnListener() {
        Recorder second = new Recorder();
        sendRequest();
        handler.begin(rec, LONG, LONG);
        feed(ch, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst", 7);
        handler.finish();

        sendRequest();
        handler.begin(second, LONG, LONG);
        feed(ch, "HTTP/1.1 201 Created\r\nContent-Length: 6\r\n\r\nsecond", 7);

        assertThat(rec.text()).isEqualTo("first");
        assertThat(rec.heads).hasSize(1);
        assertThat(second.text()).isEqualTo("second");
        assertThat(second.heads).extracting(HttpResponse::status).containsExactly(HttpResponseStatus.CREATED);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void fullResponseGoesToHeadAndContent() {
        handler.begin(rec, LONG, LONG);
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer().writeBytes("whole".getBytes(StandardCharsets.UTF_8));

        ch.pipeline().context("poolIdle").fireChannelRead(
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body));

        assertThat(rec.heads).hasSize(1);
        assertThat(rec.text()).isEqualTo("whole");
        assertThat(rec.lasts).isEqualTo(1);
        assertThat(body.refCnt()).isZero();
    }

    @Test
    void fullResponseIsReleasedWhenTheListenerLetGoInOnHead() {
        handler.begin(rec, LONG, LONG);
        rec.onHead = h -> handler.finish();
        ByteBuf body = ByteBufAllocator.DEFAULT.buffer().writeBytes("dropped".getBytes(StandardCharsets.UTF_8));

        ch.pipeline().context("poolIdle").fireChannelRead(
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body));

        assertThat(rec.heads).hasSize(1);
        assertThat(rec.contents).isZero();
        assertThat(body.refCnt()).isZero();
    }

    @Test
    void unexpectedMessageTypesAreReleased() {
        handler.begin(rec, LONG, LONG);
        ByteBuf stray = ByteBufAllocator.DEFAULT.buffer().writeByte(1);

        ch.pipeline().context("poolIdle").fireChannelRead(stray);

        assertThat(stray.refCnt()).isZero();
        assertThat(rec.heads).isEmpty();
        assertThat(rec.failures).isEmpty();
    }

    // ---- idle in the pool ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void bytesOnAnIdlePooledChannelCloseIt(int size) {
        sendRequest();

        feed(ch, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", size);

        assertThat(ch.isOpen()).as("out of sync: never reused").isFalse();
        assertThat(rec.heads).isEmpty();
    }

    @Test
    void poolIdleTimeoutClosesAnUnusedChannel() {
        advance(ch, POOL_IDLE_MS - 1);
        assertThat(ch.isOpen()).isTrue();
        advance(ch, 1);

        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void poolIdleTimeoutLeavesABusyChannelAlone() {
        handler.begin(rec, TimeUnit.MILLISECONDS.toNanos(10 * POOL_IDLE_MS), TimeUnit.MILLISECONDS.toNanos(
                10 * POOL_IDLE_MS));

        advance(ch, POOL_IDLE_MS);

        assertThat(ch.isOpen()).isTrue();
        assertThat(rec.failures).isEmpty();
    }

    // ---- timeouts (the handler reads the event loop's clock, which the frozen EmbeddedChannel time drives) ----

    @Test
    void firstByteTimeoutCountsFromTheRequestNotFromTheTimer() {
        handler.begin(rec, TimeUnit.MILLISECONDS.toNanos(500), LONG);

        advance(ch, 499); // just short of the timeout since begin(): nothing may fail yet

        assertThat(rec.failures).isEmpty();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void firstByteTimeoutFailsOnceAndCloses() {
        sendRequest();
        handler.begin(rec, TimeUnit.MILLISECONDS.toNanos(30), LONG);

        advance(ch, 30);

        assertThat(rec.failures).hasSize(1);
        assertThat(rec.failures.get(0)).isInstanceOf(UpstreamHandler.UpstreamTimeoutException.class)
                .hasMessage("upstream did not answer within 30 ms");
        assertThat(((UpstreamHandler.UpstreamTimeoutException) rec.failures.get(0)).firstByte()).isTrue();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void idleTimeoutTakesOverOnceTheHeadArrived() {
        sendRequest();
        handler.begin(rec, LONG, TimeUnit.MILLISECONDS.toNanos(30));
        feed(ch, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "6\r\ndata: \r\n", Integer.MAX_VALUE);

        advance(ch, 30); // not the 10 s first-byte timer: the head re-armed it to the idle timeout

        assertThat(rec.failures).hasSize(1);
        assertThat(rec.failures.get(0)).isInstanceOf(UpstreamHandler.UpstreamTimeoutException.class)
                .hasMessage("upstream sent nothing for 30 ms");
        assertThat(((UpstreamHandler.UpstreamTimeoutException) rec.failures.get(0)).firstByte()).isFalse();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void everyChunkPushesTheIdleTimeoutBack() {
        sendRequest();
        handler.begin(rec, LONG, TimeUnit.MILLISECONDS.toNanos(80));
        feed(ch, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", Integer.MAX_VALUE);
        advance(ch, 70);
        feed(ch, "2\r\nhi\r\n", Integer.MAX_VALUE); // a chunk 70 ms after the head...

        advance(ch, 70); // ...so 140 ms since the head, longer than the idle timeout, is fine

        assertThat(rec.failures).isEmpty();
        assertThat(ch.isOpen()).isTrue();
        assertThat(rec.text()).isEqualTo("hi");
    }

    @Test
    void aStreamThatNeverEndsIsCutAtTheRequestTimeout() {
        sendRequest();
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        handler.begin(rec, 50 * ms, 50 * ms, 300 * ms);
        feed(ch, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
                Integer.MAX_VALUE);
        for (int i = 0; i < 9; i++) { // a keep-alive comment every 30 ms: never idle
            advance(ch, 30);
            feed(ch, "4\r\n:\n\n\n\r\n", Integer.MAX_VALUE);
        }
        assertThat(rec.failures).as("270 ms: within the limit").isEmpty();

        advance(ch, 30);

        assertThat(rec.failures).hasSize(1);
        assertThat(rec.failures.get(0)).isInstanceOf(UpstreamHandler.UpstreamTimeoutException.class)
                .hasMessage("upstream exchange exceeded upstream.requestTimeout (300 ms)");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theRequestTimeoutRunsWhileReadsArePausedForASlowClient() {
        sendRequest();
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        handler.begin(rec, 50 * ms, 50 * ms, 300 * ms);
        feed(ch, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", Integer.MAX_VALUE);
        handler.pauseIdle();

        advance(ch, 290);
        assertThat(rec.failures).as("paused: the idle timeout does not run").isEmpty();
        handler.resumeIdle();
        advance(ch, 10);

        assertThat(rec.failures).hasSize(1);
        assertThat(rec.failures.get(0)).hasMessageContaining("requestTimeout");
    }

    @Test
    void finishCancelsTheTimeout() {
        handler.begin(rec, TimeUnit.MILLISECONDS.toNanos(20), LONG);
        handler.finish();

        advance(ch, 20);

        assertThat(rec.failures).isEmpty();
        assertThat(ch.isOpen()).isTrue();
    }

    // ---- transport failures ----

    @ParameterizedTest
    @FieldSource("io.sluice.codec.testing.Chunks#SIZES")
    void upstreamCloseMidResponseFailsTheListenerOnce(int size) {
        sendRequest();
        handler.begin(rec, LONG, LONG);
        feed(ch, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", size);

        ch.close();

        assertThat(rec.text()).isEqualTo("hello");
        assertThat(rec.failures).hasSize(1);
        assertThat(rec.failures.get(0)).isInstanceOf(UpstreamHandler.UpstreamClosedException.class);
    }

    @Test
    void closeAfterTheExchangeFinishedIsNotAFailure() {
        handler.begin(rec, LONG, LONG);
        handler.finish();

        ch.close();

        assertThat(rec.failures).isEmpty();
    }

    @Test
    void exceptionFailsTheListenerAndClosesTheChannel() {
        handler.begin(rec, LONG, LONG);
        IOException reset = new IOException("Connection reset by peer");

        ch.pipeline().fireExceptionCaught(reset);

        assertThat(rec.failures).containsExactly(reset);
        assertThat(ch.isOpen()).isFalse();
    }
}
