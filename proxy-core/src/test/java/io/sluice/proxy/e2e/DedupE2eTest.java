package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.TestConfig.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Bodies;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Request dedup and in-flight coalescing on real sockets (issue 17 item 3): Sluice with two event loops (so clients
 * of one shared answer sit on different loops) in front of a scripted upstream whose stream waits at a gate the test
 * opens, so that "while it is in flight" is a fact, not a race.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DedupE2eTest {

    static final String MODEL = "up/gpt-4o-mini";
    static final String E1 = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},"
            + "\"finish_reason\":null}]}\n\n";
    static final String E2 = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},\"finish_reason\":null}]}\n\n";
    static final String E3 = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
    static final String USAGE = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,"
            + "\"total_tokens\":10}}\n\n";
    static final String DONE = "data: [DONE]\n\n";
    /** What a streaming client that asked for usage gets, whole. */
    static final String WHOLE = E1 + E2 + E3 + USAGE + DONE;

    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private TestUpstream upstream;
    private SluiceServer sluice;
    private final List<RawHttp> clients = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        gate.complete(null);
        for (RawHttp c : clients) {
            c.close();
        }
        if (sluice != null) {
            sluice.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** A stream that sends its first event, waits at the gate, then the rest. */
    private Reply gatedStream() {
        return Reply.sse(E1).waitFor(gate).part(E2 + E3).part(USAGE).part(DONE);
    }

    /** Sluice with two event loops and {@code dedup} (YAML lines under {@code dedup:}) after enabled: true. */
    private void start(Reply reply, String dedup, String more) throws InterruptedException {
        upstream = new TestUpstream(r -> reply);
        String yaml = config().openAiCompatible("up", upstream, "gpt-4o-mini", "gpt-4o").yaml()
                .replace("ioThreads: 1", "ioThreads: 2") + "dedup:\n  enabled: true\n" + dedup + more;
        sluice = TestConfig.startYaml(yaml);
    }

    private static String streaming(String text) {
        return "{\"model\":\"" + MODEL + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":" + Bodies.quote(text) + "}]}";
    }

    private RawHttp post(String body, String... headers) throws IOException {
        RawHttp c = RawHttp.connect(sluice);
        clients.add(c);
        c.postJson("/v1/chat/completions", body, headers);
        return c;
    }

    /** Reads chunks until {@code n} bytes of body came. */
    private static String read(RawHttp c, int n) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (b.size() < n) {
            byte[] chunk = c.readChunk();
            if (chunk == null) {
                break;
            }
            b.writeBytes(chunk);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static String rest(RawHttp c, RawHttp.Head head) throws IOException {
        return new String(c.readBody(head), StandardCharsets.UTF_8);
    }

    private double dedup(String result) throws Exception {
        return Prometheus.sample(Prometheus.scrape(sluice), "sluice_dedup_total", "result", result).orElse(-1.0);
    }

    @Test
    void identicalConcurrentStreamsMakeOneUpstreamCallAndGetTheSameBytes() throws Exception {
        start(gatedStream(), "", "");
        RawHttp a = post(streaming("hi"));
        RawHttp.Head ha = a.readHead();
        assertThat(ha.status()).isEqualTo(200);
        assertThat(ha.header("x-sluice-cache")).isEqualTo("miss");
        assertThat(read(a, E1.length())).isEqualTo(E1);

        // Same request, other key order and spacing, on another connection (so another event loop).
        RawHttp b = post("{ \"messages\": [ {\"content\": \"hi\", \"role\": \"user\"} ],\n \"stream_options\":"
                + " {\"include_usage\": true}, \"stream\": true, \"model\": \"" + MODEL + "\" }");
        RawHttp.Head hb = b.readHead();
        assertThat(hb.status()).isEqualTo(200);
        assertThat(hb.header("x-sluice-cache")).isEqualTo("coalesced");
        assertThat(hb.header("content-type")).isEqualTo(ha.header("content-type"));
        assertThat(read(b, E1.length())).as("replayed").isEqualTo(E1);

        gate.complete(null);
        String restA = rest(a, ha);
        String restB = rest(b, hb);
        assertThat(E1 + restA).isEqualTo(WHOLE);
        assertThat(E1 + restB).isEqualTo(WHOLE);
        upstream.take();
        assertThat(upstream.requestsWaiting()).as("one upstream call").isZero();
        assertThat(dedup("miss")).isEqualTo(1);
        assertThat(dedup("coalesced")).isEqualTo(1);

        // Finished and within the window: a hit, without asking upstream.
        HttpResponse<String> c = Http.chat(sluice, streaming("hi"));
        assertThat(c.headers().firstValue("x-sluice-cache")).hasValue("hit");
        assertThat(c.body()).isEqualTo(WHOLE);
        assertThat(upstream.requestsWaiting()).isZero();

        // Tokens counted once; every request counted, the shared ones marked.
        JsonNode stats = json(Http.get(sluice, "/v1/stats").body());
        assertThat(stats.at("/requests").asLong()).isEqualTo(3);
        assertThat(stats.at("/tokens/prompt").asLong()).isEqualTo(7);
        assertThat(stats.at("/tokens/completion").asLong()).isEqualTo(3);
        assertThat(stats.at("/dedupRequests").asLong()).isEqualTo(2);
        String scrape = Prometheus.scrape(sluice);
        assertThat(Prometheus.sample(scrape, "llm_tokens_total", "provider", "up", "model", "gpt-4o-mini", "kind",
                "prompt")).hasValue(7.0);
        assertThat(Prometheus.gauge(scrape, "sluice_dedup_entries")).hasValue(1.0);
        assertThat(Prometheus.gauge(scrape, "sluice_dedup_bytes")).hasValue((double) WHOLE.length());
        String logs = Http.get(sluice, "/api/monitoring/providers/logs/all?count=50").body();
        assertThat(logs).contains("cache hit (no upstream call)").contains("coalesced (no upstream call)");
    }

    @Test
    void manyClientsOnTwoLoopsShareOneCall() throws Exception {
        start(gatedStream(), "", "");
        int n = 40;
        List<RawHttp> all = new ArrayList<>();
        List<RawHttp.Head> heads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawHttp c = post(streaming("many"));
            RawHttp.Head h = c.readHead();
            assertThat(h.header("x-sluice-cache")).isEqualTo(i == 0 ? "miss" : "coalesced");
            assertThat(read(c, E1.length())).isEqualTo(E1);
            all.add(c);
            heads.add(h);
        }
        gate.complete(null);
        for (int i = 0; i < n; i++) {
            assertThat(E1 + rest(all.get(i), heads.get(i))).isEqualTo(WHOLE);
        }
        upstream.take();
        assertThat(upstream.requestsWaiting()).isZero();
    }

    @Test
    void aLateJoinerIsReplayedWhatCameThenGetsTheRestLive() throws Exception {
        start(Reply.sse(E1, E2).waitFor(gate).part(E3).part(USAGE).part(DONE), "", "");
        RawHttp a = post(streaming("late"));
        RawHttp.Head ha = a.readHead();
        assertThat(read(a, (E1 + E2).length())).isEqualTo(E1 + E2);
        RawHttp b = post(streaming("late"));
        RawHttp.Head hb = b.readHead();
        assertThat(hb.header("x-sluice-cache")).isEqualTo("coalesced");
        assertThat(read(b, (E1 + E2).length())).isEqualTo(E1 + E2);
        gate.complete(null);
        assertThat(E1 + E2 + rest(b, hb)).isEqualTo(WHOLE);
        assertThat(E1 + E2 + rest(a, ha)).isEqualTo(WHOLE);
        upstream.take();
        assertThat(upstream.requestsWaiting()).isZero();
    }

    @Test
    void clientsThatLeaveDoNotStopTheOthersEvenTheFirst() throws Exception {
        start(gatedStream(), "", "");
        RawHttp a = post(streaming("leave"));
        a.readHead();
        read(a, E1.length());
        RawHttp b = post(streaming("leave"));
        RawHttp.Head hb = b.readHead();
        read(b, E1.length());
        RawHttp c = post(streaming("leave"));
        c.readHead();
        read(c, E1.length());
        a.close(); // the one whose request went upstream
        c.close();
        Await.until("both departures seen", () -> Prometheus.sample(Prometheus.scrape(sluice),
                "http_requests_total", "method", "POST", "path", "/v1/chat/completions", "status", "200")
                .orElse(0.0) >= 2);
        assertThat(upstream.closedConnections()).as("the upstream call goes on").isZero();
        gate.complete(null);
        assertThat(E1 + rest(b, hb)).isEqualTo(WHOLE);
        upstream.take();
        assertThat(upstream.requestsWaiting()).isZero();
        // The first client's record carries the call's tokens, accounted when the call ended.
        Await.until("usage recorded", () -> json(Http.get(sluice, "/v1/stats").body())
                .at("/tokens/prompt").asLong() == 7);
        JsonNode stats = json(Http.get(sluice, "/v1/stats").body());
        assertThat(stats.at("/requests").asLong()).isEqualTo(3);
        assertThat(stats.at("/dedupRequests").asLong()).isEqualTo(2);
    }

    @Test
    void whenEveryClientLeavesTheUpstreamIsCancelled() throws Exception {
        start(gatedStream(), "", "");
        RawHttp a = post(streaming("bye"));
        a.readHead();
        read(a, E1.length());
        RawHttp b = post(streaming("bye"));
        b.readHead();
        read(b, E1.length());
        b.close();
        a.close();
        Await.until("the upstream sees its connection closed", Duration.ofSeconds(10),
                () -> upstream.closedConnections() == 1);
        Await.until("upstream_active_current back to 0", () -> sluice.metrics().upstreamActive().get() == 0);
        // Nothing was cached: the next one goes upstream again.
        upstream.script(r -> Reply.sse(E1, E2, E3, USAGE, DONE));
        HttpResponse<String> again = Http.chat(sluice, streaming("bye"));
        assertThat(again.headers().firstValue("x-sluice-cache")).hasValue("miss");
        assertThat(again.body()).isEqualTo(WHOLE);
        upstream.take();
        upstream.take();
    }

    @Test
    void aHitWithinTheWindowAndAMissAfterIt() throws Exception {
        start(Reply.json(200, Bodies.completion("cached")), "  window: 400ms\n", "");
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"w\"}],"
                + "\"temperature\":0.5,\"user\":\"alice\"}";
        HttpResponse<String> first = Http.chat(sluice, body);
        assertThat(first.headers().firstValue("x-sluice-cache")).hasValue("miss");
        assertThat(first.body()).isEqualTo(Bodies.completion("cached"));
        // Reordered keys, 5e-1 for 0.5, another end user: the same request.
        HttpResponse<String> second = Http.chat(sluice, "{\"user\":\"bob\",\"temperature\":5e-1,\"messages\":"
                + "[{\"content\":\"w\",\"role\":\"user\"}],\"model\":\"" + MODEL + "\"}");
        assertThat(second.headers().firstValue("x-sluice-cache")).hasValue("hit");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("content-type")).isEqualTo(first.headers().firstValue("content-type"));
        upstream.take();
        assertThat(upstream.requestsWaiting()).isZero();
        Thread.sleep(600); // the window passes: nothing to await but time
        HttpResponse<String> third = Http.chat(sluice, body);
        assertThat(third.headers().firstValue("x-sluice-cache")).hasValue("miss");
        upstream.take();
        assertThat(dedup("hit")).isEqualTo(1);
        assertThat(dedup("miss")).isEqualTo(2);
    }

    @Test
    void anotherClientKeyModelOrBodyIsAnotherRequest() throws Exception {
        start(Reply.json(200, Bodies.completion("x")), "", "access:\n  clientKeys:\n"
                + "    a: sk-client-a-0123456789\n    b: sk-client-b-0123456789\n");
        String body = Bodies.chat(MODEL, false, "k");
        String[] keyA = {"authorization", "Bearer sk-client-a-0123456789"};
        String[] keyB = {"authorization", "Bearer sk-client-b-0123456789"};
        assertThat(Http.chat(sluice, body, keyA).headers().firstValue("x-sluice-cache")).hasValue("miss");
        assertThat(Http.chat(sluice, body, keyA).headers().firstValue("x-sluice-cache")).hasValue("hit");
        assertThat(Http.chat(sluice, body, keyB).headers().firstValue("x-sluice-cache")).hasValue("miss");
        assertThat(Http.chat(sluice, Bodies.chat("up/gpt-4o", false, "k"), keyA).headers()
                .firstValue("x-sluice-cache")).hasValue("miss");
        assertThat(Http.chat(sluice, Bodies.chat(MODEL, false, "k!"), keyA).headers()
                .firstValue("x-sluice-cache")).hasValue("miss");
        assertThat(Http.chat(sluice, Bodies.chat(MODEL, true, "k"), keyA).headers()
                .firstValue("x-sluice-cache")).as("streamed: answered in another shape").hasValue("miss");
        HttpResponse<String> optOut = Http.chat(sluice, body, "authorization", keyA[1], "cache-control", "no-cache");
        assertThat(optOut.headers().firstValue("x-sluice-cache")).hasValue("bypass");
        for (int i = 0; i < 6; i++) {
            upstream.take();
        }
        assertThat(upstream.requestsWaiting()).isZero();
    }

    @Test
    void errorsAreSharedWhileInFlightButNeverCached() throws Exception {
        start(Reply.json(400, "{\"error\":{\"message\":\"bad thing\",\"type\":\"invalid_request_error\"}}"), "", "");
        String body = Bodies.chat(MODEL, false, "err");
        HttpResponse<String> first = Http.chat(sluice, body);
        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(first.headers().firstValue("x-sluice-cache")).hasValue("miss");
        HttpResponse<String> second = Http.chat(sluice, body);
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(second.headers().firstValue("x-sluice-cache")).hasValue("miss");
        upstream.take();
        upstream.take();
        // Sluice's own refusals before dedup (an unknown model) carry no header: dedup never saw them.
        HttpResponse<String> unknown = Http.chat(sluice, Bodies.chat("nobody-knows-this-model", false, "err"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("x-sluice-cache")).isEmpty();
        // A 5xx after the head: the stream ends with an error event; not cached.
        upstream.script(r -> Reply.sse(E1).then(Reply.Ending.RESET));
        HttpResponse<String> cut = Http.chat(sluice, streaming("cut"));
        assertThat(cut.body()).startsWith(E1).contains("error");
        HttpResponse<String> again = Http.chat(sluice, streaming("cut"));
        assertThat(again.headers().firstValue("x-sluice-cache")).hasValue("miss");
        // A 200 stream that carries an error event, or one that ends without [DONE]: relayed, never served again.
        upstream.script(r -> Reply.sse(E1, "data: {\"error\":{\"message\":\"overloaded\","
                + "\"type\":\"server_error\"}}\n\n"));
        assertThat(Http.chat(sluice, streaming("event")).body()).contains("overloaded");
        assertThat(Http.chat(sluice, streaming("event")).headers().firstValue("x-sluice-cache")).hasValue("miss");
        upstream.script(r -> Reply.sse(E1, E2));
        assertThat(Http.chat(sluice, streaming("short")).body()).isEqualTo(E1 + E2);
        assertThat(Http.chat(sluice, streaming("short")).headers().firstValue("x-sluice-cache")).hasValue("miss");
        // The same through translation (an Anthropic client): the hub sees the stream end before its terminal event.
        String messages = "{\"model\":\"" + MODEL + "\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"short\"}]}";
        assertThat(Http.post(sluice, "/v1/messages", messages).body()).contains("event: error");
        assertThat(Http.post(sluice, "/v1/messages", messages).headers().firstValue("x-sluice-cache"))
                .hasValue("miss");
    }

    @Test
    void aSystemPromptChangedAtRuntimeStartsNewSignatures() throws Exception {
        start(Reply.json(200, Bodies.completion("p")), "", "");
        String body = Bodies.chat(MODEL, false, "prompted");
        assertThat(Http.chat(sluice, body).headers().firstValue("x-sluice-cache")).hasValue("miss");
        assertThat(Http.chat(sluice, body).headers().firstValue("x-sluice-cache")).hasValue("hit");
        HttpResponse<String> put = Http.send(sluice, "PUT", "/api/settings/system-prompt",
                "{\"prompt\": \"Answer in French.\", \"mode\": \"prepend\"}");
        assertThat(put.statusCode()).isEqualTo(200);
        // The same client bytes now ask the provider something else: not the cached answer.
        assertThat(Http.chat(sluice, body).headers().firstValue("x-sluice-cache")).hasValue("miss");
        assertThat(upstream.take().body()).doesNotContain("French");
        assertThat(upstream.take().body()).contains("Answer in French.");
        assertThat(Http.chat(sluice, body).headers().firstValue("x-sluice-cache")).hasValue("hit");
        assertThat(upstream.requestsWaiting()).isZero();
    }

    @Test
    void offByDefault() throws Exception {
        upstream = new TestUpstream(r -> Reply.json(200, Bodies.completion("plain")));
        sluice = config().openAiCompatible("up", upstream, "gpt-4o-mini").start();
        String body = Bodies.chat(MODEL, false, "off");
        assertThat(Http.chat(sluice, body).headers().firstValue("x-sluice-cache")).isEmpty();
        assertThat(Http.chat(sluice, body).headers().firstValue("x-sluice-cache")).isEmpty();
        upstream.take();
        upstream.take();
        assertThat(Prometheus.scrape(sluice)).doesNotContain("sluice_dedup");
    }
}
