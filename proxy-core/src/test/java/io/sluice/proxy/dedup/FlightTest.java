package io.sluice.proxy.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.codec.dialect.Dialects;
import io.sluice.proxy.config.DedupConfig;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.testing.RecordingSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Dedup}, {@link Flight} and {@link Waiter} on {@link RecordingSink}s, each client on its own embedded event
 * loop: the producer writes into the flight, clients get their copies when their loop runs.
 */
class FlightTest {

    private static final String BODY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final SluiceMetrics metrics = new SluiceMetrics();
    private final List<RecordingSink> sinks = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    private long now;
    private Dedup dedup;

    @AfterEach
    void close() {
        settle();
        dedup.close();
        metrics.close();
    }

    /** The request's own way upstream, recorded: the sink it was started with and what became of it. */
    private final class Call implements Dedup.Call, Exchange {
        ResponseSink out;
        boolean released;
        boolean aborted;
        int resumed;

        @Override
        public Exchange start(ResponseSink o) {
            out = o;
            return this;
        }

        @Override
        public void release() {
            released = true;
        }

        @Override
        public void start() {
        }

        @Override
        public void clientWritable() {
            resumed++;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }

    private Dedup dedup(DedupConfig c) {
        dedup = new Dedup(c, metrics, () -> now);
        return dedup;
    }

    private static DedupConfig config(Duration window, int maxEntryBytes, int maxLagBytes) {
        return new DedupConfig(true, window, 100, 64 << 20, maxEntryBytes, maxLagBytes, 1 << 20, null);
    }

    /** A client asking the one request; its sink, call and exchange (null when answered at once). */
    private record Client(RecordingSink sink, Call call, Exchange exchange) {
    }

    private Client ask(String body) {
        RecordingSink sink = new RecordingSink();
        sinks.add(sink);
        Call call = new Call();
        calls.add(call);
        ByteBuf b = Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8));
        Exchange ex = dedup.answer(new Dedup.Request(null, "/v1/chat/completions", "/v1/chat/completions", "up", "m",
                "m", true, new DefaultHttpHeaders(), Dialects.OPENAI, null), b, sink, null, call);
        return new Client(sink, call, ex);
    }

    private Client ask() {
        return ask(BODY);
    }

    /** Runs every loop until no task is left. */
    private void settle() {
        for (int i = 0; i < 20; i++) {
            sinks.forEach(s -> s.loop.runPendingTasks());
        }
    }

    private static HttpResponse sseHead() {
        HttpResponse h = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        h.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        HttpUtil.setTransferEncodingChunked(h, true);
        return h;
    }

    private static ByteBuf event(int i) {
        return ByteBufAllocator.DEFAULT.directBuffer().writeBytes(("data: {\"n\":" + i + "}\n\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String events(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append("data: {\"n\":").append(i).append("}\n\n");
        }
        return sb.toString();
    }

    private static String tag(RecordingSink s) {
        return s.head.headers().get(Dedup.HEADER);
    }

    private double count(String result) {
        return metrics.registry().find("sluice.dedup").tag("result", result).counter().count();
    }

    @Test
    void identicalRequestsShareOneUpstreamCallAndTheAnswerIsCachedForTheWindow() {
        dedup(config(Duration.ofSeconds(30), 1 << 20, 4 << 20));
        Client a = ask();
        Client b = ask("{ \"messages\": [{\"content\":\"hi\",\"role\":\"user\"}], \"model\": \"m\" }");
        settle();
        assertThat(a.call.out).as("the first one goes upstream").isInstanceOf(Flight.class);
        assertThat(b.call.out).as("the second does not").isNull();
        assertThat(b.call.released).as("its body is released once it joined").isTrue();
        ResponseSink up = a.call.out;
        up.head(sseHead());
        up.content(event(0));
        up.content(event(1));
        up.flush();
        settle();
        assertThat(a.sink.body.toString()).isEqualTo(events(0, 2));
        assertThat(b.sink.body.toString()).isEqualTo(events(0, 2));
        up.end(event(2));
        settle();
        for (Client c : List.of(a, b)) {
            assertThat(c.sink.ended).isTrue();
            assertThat(c.sink.body.toString()).isEqualTo(events(0, 3));
        }
        assertThat(tag(a.sink)).isEqualTo("miss");
        assertThat(tag(b.sink)).isEqualTo("coalesced");

        Client c = ask();
        assertThat(c.exchange).as("answered at once").isNull();
        assertThat(c.call.released).isTrue();
        assertThat(c.sink.ended).isTrue();
        assertThat(tag(c.sink)).isEqualTo("hit");
        assertThat(c.sink.body.toString()).isEqualTo(events(0, 3));
        assertThat(count("hit")).isEqualTo(1);
        assertThat(count("coalesced")).isEqualTo(1);
        assertThat(count("miss")).isEqualTo(1);

        now += Duration.ofSeconds(30).toNanos();
        Client d = ask();
        assertThat(d.call.out).as("after the window: upstream again").isInstanceOf(Flight.class);
        d.call.out.fail(HttpResponseStatus.BAD_GATEWAY, "gone", "upstream_error");
        settle();
    }

    @Test
    void aLateJoinerGetsWhatCameSoFarThenTheRestLive() {
        dedup(config(Duration.ZERO, 1 << 20, 4 << 20));
        Client a = ask();
        ResponseSink up = a.call.out;
        up.head(sseHead());
        up.content(event(0));
        up.content(event(1));
        settle();
        Client late = ask();
        settle();
        assertThat(late.sink.body.toString()).isEqualTo(events(0, 2));
        up.content(event(2));
        up.end(null);
        settle();
        assertThat(late.sink.body.toString()).isEqualTo(events(0, 3));
        assertThat(a.sink.body.toString()).isEqualTo(events(0, 3));
        Client after = ask();
        assertThat(after.call.out).as("window 0: nothing cached").isInstanceOf(Flight.class);
        after.call.out.end(null);
        settle();
    }

    @Test
    void aClientThatLeavesDoesNotStopTheOthersAndTheLastOneCancelsTheUpstream() {
        dedup(config(Duration.ofSeconds(30), 1 << 20, 4 << 20));
        Client a = ask();
        Client b = ask();
        Client c = ask();
        settle();
        ResponseSink up = a.call.out;
        up.head(sseHead());
        up.content(event(0));
        settle();
        a.exchange.abort(); // the first client leaves: it started the call, the call goes on
        settle();
        up.content(event(1));
        settle();
        assertThat(a.call.aborted).isFalse();
        assertThat(b.sink.body.toString()).isEqualTo(events(0, 2));
        b.exchange.abort();
        settle();
        assertThat(a.call.aborted).isFalse();
        c.exchange.abort();
        settle();
        assertThat(a.call.aborted).as("the last one left").isTrue();
        assertThat(up.isDone()).isTrue();
        up.content(event(2)); // a producer that writes once more is released
        assertThat(dedup.config().enabled()).isTrue();
        Client d = ask();
        assertThat(d.call.out).as("a cancelled answer is neither joined nor cached").isNotSameAs(up)
                .isInstanceOf(Flight.class);
        d.call.out.end(null);
        settle();
    }

    @Test
    void aSlowClientIsCutWhileTheOthersGoOnAndAllSlowPausesTheUpstream() {
        dedup(config(Duration.ofSeconds(30), 1024, 4096));
        Client fast = ask();
        Client slow = ask();
        settle();
        ResponseSink up = fast.call.out;
        up.head(sseHead());
        settle();
        slow.sink.writable = false;
        String kb = "data: " + "x".repeat(1016) + "\n\n";
        for (int i = 0; i < 6; i++) {
            up.content(Unpooled.copiedBuffer(kb, StandardCharsets.UTF_8));
            assertThat(up.isWritable()).as("the fast client keeps it flowing").isTrue();
            settle();
        }
        assertThat(slow.sink.failCode).as("cut past maxLagBytes").isEqualTo("dedup_reader_too_slow");
        assertThat(slow.sink.failStatus.code()).isEqualTo(503);
        assertThat(fast.sink.body.length()).isEqualTo(6 * kb.length());
        assertThat(metrics.registry().find("sluice.dedup.cut").counter().count()).isEqualTo(1);

        fast.sink.writable = false; // now everyone is slow
        for (int i = 0; i < 300 && up.isWritable(); i++) {
            up.content(Unpooled.copiedBuffer(kb, StandardCharsets.UTF_8));
            settle();
        }
        assertThat(up.isWritable()).as("paused: every client is behind").isFalse();
        int resumed = fast.call.resumed;
        fast.sink.writable = true;
        fast.exchange.clientWritable();
        settle();
        assertThat(fast.call.resumed).as("a client that catches up resumes the upstream").isGreaterThan(resumed);
        up.end(null);
        settle();
        assertThat(fast.sink.ended).isTrue();
    }

    @Test
    void failuresGoToEveryClientInItsDialectAndAreNotCached() {
        dedup(config(Duration.ofSeconds(30), 1 << 20, 4 << 20));
        Client a = ask();
        Client b = ask();
        settle();
        a.call.out.failRetryAfter(HttpResponseStatus.TOO_MANY_REQUESTS, "slow down", "rate_limited", 3);
        settle();
        for (Client c : List.of(a, b)) {
            assertThat(c.sink.head.status().code()).isEqualTo(429);
            assertThat(c.sink.head.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("3");
            assertThat(c.sink.body.toString()).contains("slow down");
        }
        assertThat(tag(a.sink)).isEqualTo("miss");
        assertThat(tag(b.sink)).isEqualTo("coalesced");
        Client again = ask();
        assertThat(again.call.out).as("not cached").isInstanceOf(Flight.class);
        // A whole 4xx response from the provider is not cached either.
        again.call.out.head(HttpResponses.json(HttpResponseStatus.BAD_REQUEST, Unpooled.copiedBuffer("{}",
                StandardCharsets.UTF_8)));
        settle();
        assertThat(again.sink.head.status().code()).isEqualTo(400);
        Client third = ask();
        assertThat(third.call.out).isInstanceOf(Flight.class);
        third.call.out.head(HttpResponses.json(HttpResponseStatus.OK, Unpooled.copiedBuffer("{\"ok\":1}",
                StandardCharsets.UTF_8)));
        settle();
        Client hit = ask();
        assertThat(tag(hit.sink)).isEqualTo("hit");
        assertThat(hit.sink.body.toString()).isEqualTo("{\"ok\":1}");
    }

    @Test
    void anAnswerOverTheEntryCapIsSharedLiveButNotJoinedLateNorCached() {
        dedup(config(Duration.ofSeconds(30), 1024, 4096));
        Client a = ask();
        Client b = ask();
        settle();
        ResponseSink up = a.call.out;
        up.head(sseHead());
        up.content(Unpooled.copiedBuffer("data: " + "y".repeat(2000) + "\n\n", StandardCharsets.UTF_8));
        settle();
        Client late = ask();
        settle();
        assertThat(late.call.out).as("the start is gone: it goes on its own").isInstanceOf(Flight.class)
                .isNotSameAs(up);
        late.call.out.end(null);
        up.end(null);
        settle();
        assertThat(b.sink.body.length()).isEqualTo(a.sink.body.length()).isGreaterThan(2000);
        Client after = ask();
        assertThat(after.call.out).as("too large to cache").isInstanceOf(Flight.class);
        after.call.out.end(null);
        settle();
    }

    @Test
    void optingOutOrAnUnsignableBodyBypasses() {
        dedup(config(Duration.ofSeconds(30), 1 << 20, 4 << 20));
        RecordingSink sink = new RecordingSink();
        sinks.add(sink);
        Call call = new Call();
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        dedup.answer(new Dedup.Request(null, "/v1/chat/completions", "/v1/chat/completions", "up", "m", "m", true, h,
                Dialects.OPENAI, null), Unpooled.wrappedBuffer(BODY.getBytes(StandardCharsets.UTF_8)), sink, null,
                call);
        assertThat(call.out).isInstanceOf(TaggedSink.class);
        call.out.fail(HttpResponseStatus.BAD_GATEWAY, "down", "upstream_error");
        assertThat(tag(sink)).isEqualTo("bypass");
        assertThat(sink.head.status().code()).isEqualTo(502);
        Client broken = ask("{\"model\":\"m\",");
        assertThat(broken.call.out).isInstanceOf(TaggedSink.class);
        broken.call.out.end(null);
        assertThat(count("bypass")).isEqualTo(2);
    }
}
