package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Flow control across the proxy: cancellation, a slow reader, connection reuse. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BackpressureTest {

    private static final int PART_BYTES = 8 * 1024;
    private static final int PARTS = 3_000; // 24 MiB; measured stall point: ~550 parts
    private static final String DONE = "data: [DONE]\n\n";

    private TestUpstream upstream;
    private SluiceServer sluice;

    @AfterEach
    void close() {
        if (sluice != null) {
            sluice.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(Reply reply) throws InterruptedException {
        upstream = new TestUpstream(r -> reply);
        sluice = config().openAiCompatible("up", upstream, "gpt-4o-mini").start();
    }

    @Test
    void clientDisconnectMidStreamClosesTheUpstreamConnection() throws Exception {
        String first = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"first\"}}]}\n\n";
        // The upstream would go on for a long time: only the proxy can end this connection.
        start(Reply.sse(first).pause(Duration.ofSeconds(60)).part(DONE));

        try (RawHttp client = RawHttp.connect(sluice)) {
            client.postJson("/v1/chat/completions", Bodies.chat("up/gpt-4o-mini", true, "hi"));
            RawHttp.Head head = client.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(new String(client.readChunk(), StandardCharsets.UTF_8)).isEqualTo(first);
            assertThat(sluice.metrics().upstreamActive().get()).isEqualTo(1);
        }

        Await.until("upstream connection closed by the proxy", Duration.ofSeconds(5),
                () -> upstream.closedConnections() == 1);
        assertThat(upstream.openConnections()).isZero();
        Await.until("upstream_active_current back to 0", Duration.ofSeconds(5),
                () -> sluice.metrics().upstreamActive().get() == 0);

        // The aborted connection was not pooled: the next exchange opens a new one.
        upstream.script(r -> Reply.json(200, "{\"ok\":true}"));
        HttpResponse<String> next = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", false, "again"));
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("{\"ok\":true}");
        assertThat(upstream.connections()).isEqualTo(2);
        assertThat(upstream.take().connection()).isEqualTo(1);
        assertThat(upstream.take().connection()).isEqualTo(2);
    }

    @Test
    void slowClientStopsTheProxyReadingUpstreamAndStillGetsEveryByteInOrder() throws Exception {
        start(Reply.sse().repeat(PARTS, BackpressureTest::part).part(DONE));
        // A fixed upstream send buffer keeps the kernel from buffering megabytes on the upstream's side, so what
        // the proxy does not read shows up as parts the upstream cannot write.
        upstream.sendBufferSize(64 * 1024);

        try (RawHttp client = RawHttp.connect(sluice, 16 * 1024)) {
            client.postJson("/v1/chat/completions", Bodies.chat("up/gpt-4o-mini", true, "flood me"));

            // Read nothing until the upstream's progress stalls.
            long stalledAt = awaitStall();
            assertThat(stalledAt)
                    .as("parts the upstream could write while the client read nothing (of %d)", PARTS)
                    .isLessThan(PARTS / 2);
            assertThat(stalledAt).as("the stream did start").isPositive();

            RawHttp.Head head = client.readHead();
            assertThat(head.status()).isEqualTo(200);
            byte[] body = client.readBody(head);

            ByteArrayOutputStream expected = new ByteArrayOutputStream(PARTS * PART_BYTES + DONE.length());
            for (int i = 0; i < PARTS; i++) {
                expected.writeBytes(part(i).getBytes(StandardCharsets.US_ASCII));
            }
            expected.writeBytes(DONE.getBytes(StandardCharsets.US_ASCII));
            byte[] want = expected.toByteArray();
            assertThat(body.length).isEqualTo(want.length);
            int mismatch = Arrays.mismatch(body, want);
            assertThat(mismatch).as("first differing byte (part %d)", mismatch / PART_BYTES).isEqualTo(-1);
        }
        assertThat(upstream.partsWritten()).isEqualTo(PARTS + 1L);
        Await.until("upstream_active_current back to 0", Duration.ofSeconds(5),
                () -> sluice.metrics().upstreamActive().get() == 0);
    }

    /**
     * Waits until the upstream's writes stall; returns the parts written by then. Time-based on purpose: nothing
     * reports that the proxy stopped reading, only that the upstream's progress stopped for a while, and 500 ms is
     * far longer than the few microseconds one 8 KiB write takes while the proxy does read.
     */
    private long awaitStall() throws InterruptedException {
        Await.until("the upstream to start writing", Duration.ofSeconds(10), () -> upstream.partsWritten() > 0);
        return Await.steady("the upstream's writes to stall", Duration.ofMillis(500), Duration.ofSeconds(10),
                upstream::partsWritten);
    }

    /** Part {@code i}: one SSE event of exactly {@link #PART_BYTES} bytes, numbered so a reorder shows. */
    static String part(int i) {
        String prefix = "data: {\"i\":" + String.format(Locale.ROOT, "%06d", i) + ",\"pad\":\"";
        String suffix = "\"}\n\n";
        return prefix + "x".repeat(PART_BYTES - prefix.length() - suffix.length()) + suffix;
    }

    @Test
    void sequentialRequestsReuseOneUpstreamConnection() throws Exception {
        start(null);
        upstream.script(r -> r.body().contains("\"stream\":true")
                ? Reply.sse("data: {\"choices\":[]}\n\n", DONE)
                : Reply.json(200, "{\"n\":1}"));

        HttpResponse<String> a = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", true, "one"));
        HttpResponse<String> b = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", false, "two"));
        HttpResponse<String> c = Http.chat(sluice, Bodies.chat("up/gpt-4o-mini", true, "three"));

        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.body()).isEqualTo("data: {\"choices\":[]}\n\n" + DONE);
        assertThat(b.statusCode()).isEqualTo(200);
        assertThat(b.body()).isEqualTo("{\"n\":1}");
        assertThat(c.statusCode()).isEqualTo(200);
        assertThat(upstream.connections()).isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            assertThat(upstream.take().connection()).isEqualTo(1);
        }
        assertThat(upstream.closedConnections()).isZero();
    }
}
