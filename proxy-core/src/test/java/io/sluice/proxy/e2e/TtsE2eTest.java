package io.sluice.proxy.e2e;

import static io.sluice.proxy.testing.HttpWire.json;
import static io.sluice.proxy.testing.Prometheus.gauge;
import static io.sluice.proxy.testing.Prometheus.sample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.config.ConfigLoader;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.Prometheus;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.Socks5Peer;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 9: {@code GET /tts?text=...&voice=...} against a loopback speech upstream. Audio streams through as
 * it comes (the first bytes reach the client while the upstream still speaks), a finished file answers
 * {@code Range} with 206 / 416 from the cache, the cache is bounded in files and bytes, the text is capped, and an
 * unconfigured or failing upstream gets a clear 503 / 502. PARANOID leak detection fails any leaked buffer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TtsE2eTest {

    private static final String SERVER = "server: {host: 127.0.0.1, port: 0, ioThreads: 2, shutdownGrace: 100ms}\n";
    private static final String KEY = "sk-tts-0123456789abcdef";
    /** Eight bytes of "audio" in two parts. */
    private static final String PART1 = "ID3\u0001AAAA";
    private static final String PART2 = "BBBBCCCC";
    private static final String AUDIO = PART1 + PART2;

    private final AtomicReference<Function<TestUpstream.Received, Reply>> answer = new AtomicReference<>(
            r -> Reply.status(200).header("content-type", "audio/mpeg").part(PART1).part(PART2));
    private TestUpstream speech;
    private SluiceServer sluice;

    @BeforeEach
    void start() throws InterruptedException {
        speech = new TestUpstream(r -> answer.get().apply(r));
    }

    private void serve(String tts) throws InterruptedException {
        sluice = SluiceServer.start(ConfigLoader.parse(SERVER + "tts:\n  baseUrl: http://127.0.0.1:" + speech.port()
                + "/v1\n  apiKey: " + KEY + "\n" + tts, Map.of()));
    }

    @AfterEach
    void stop() {
        if (sluice != null) {
            sluice.close();
        }
        speech.close();
    }

    private static String tts(String text, String... more) {
        return "/tts?text=" + URLEncoder.encode(text, StandardCharsets.UTF_8) + String.join("", more);
    }

    @Test
    void withoutAnUpstreamA503SaysWhatToSet() throws Exception {
        sluice = SluiceServer.start(ConfigLoader.parse(SERVER, Map.of()));
        HttpResponse<String> res = Http.get(sluice, tts("привіт"));
        assertThat(res.statusCode()).isEqualTo(503);
        JsonNode e = json(res.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("tts_not_configured");
        assertThat(e.get("message").asText()).contains("tts.baseUrl").contains("TTS_PROXY_TARGET");
    }

    /** The seed's {@code GET /tts?text=...&voice=...}: an OpenAI-compatible upstream, audio streamed through. */
    @Test
    void audioStreamsThroughBeforeTheUpstreamFinishes() throws Exception {
        answer.set(r -> Reply.status(200).header("content-type", "audio/mpeg").part(PART1)
                .pause(Duration.ofMillis(1500)).part(PART2));
        serve("");
        try (RawHttp c = RawHttp.connect(sluice)) {
            c.send("GET", tts("Привіт, світе", "&voice=nova"));
            RawHttp.Head head = c.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-type")).isEqualTo("audio/mpeg");
            assertThat(head.header("x-sluice-cache")).isEqualTo("miss");
            assertThat(head.header("accept-ranges")).isEqualTo("bytes");
            assertThat(head.chunked()).isTrue();
            byte[] first = c.readChunk();
            // The first part is here while the upstream is still pausing before its second.
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(PART1);
            // ... and the upstream has not written its second (its count of the first may still be on its way: it is
            // taken when the write completes, which can be after the client already read the bytes)
            assertThat(speech.partsWritten()).isLessThanOrEqualTo(1);
            byte[] second = c.readChunk();
            assertThat(new String(second, StandardCharsets.UTF_8)).isEqualTo(PART2);
            assertThat(c.readChunk()).isNull();
        }
        TestUpstream.Received got = speech.take();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.uri()).isEqualTo("/v1/audio/speech");
        assertThat(got.header("authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = json(got.body());
        assertThat(body.get("input").asText()).isEqualTo("Привіт, світе");
        assertThat(body.get("voice").asText()).isEqualTo("nova");
        assertThat(body.get("model").asText()).isEqualTo("tts-1");
        assertThat(body.get("response_format").asText()).isEqualTo("mp3");
    }

    @Test
    void aFinishedFileAnswersRangesFromTheCache() throws Exception {
        serve("");
        HttpResponse<String> whole = Http.get(sluice, tts("hello"));
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(AUDIO);

        HttpResponse<String> part = Http.get(sluice, tts("hello"), "Range", "bytes=2-5");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("content-range")).hasValue("bytes 2-5/" + AUDIO.length());
        assertThat(part.headers().firstValue("content-length")).hasValue("4");
        assertThat(part.headers().firstValue("x-sluice-cache")).hasValue("hit");
        assertThat(part.body()).isEqualTo(AUDIO.substring(2, 6));

        HttpResponse<String> suffix = Http.get(sluice, tts("hello"), "Range", "bytes=-3");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(AUDIO.substring(AUDIO.length() - 3));
        HttpResponse<String> open = Http.get(sluice, tts("hello"), "Range", "bytes=0-");
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.body()).isEqualTo(AUDIO);
        HttpResponse<String> past = Http.get(sluice, tts("hello"), "Range", "bytes=" + AUDIO.length() + "-");
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("content-range")).hasValue("bytes */" + AUDIO.length());
        assertThat(json(past.body()).at("/error/code").asText()).isEqualTo("range_not_satisfiable");
        HttpResponse<String> several = Http.get(sluice, tts("hello"), "Range", "bytes=0-1,4-5");
        assertThat(several.statusCode()).isEqualTo(200); // several ranges: the whole file (RFC 9110 allows it)
        assertThat(several.body()).isEqualTo(AUDIO);
        HttpResponse<String> again = Http.get(sluice, tts("hello"));
        assertThat(again.headers().firstValue("x-sluice-cache")).hasValue("hit");
        assertThat(again.headers().firstValue("content-length")).hasValue(Integer.toString(AUDIO.length()));

        assertThat(speech.take()).isNotNull();
        assertThat(speech.requestsWaiting()).as("one upstream call for all of them").isZero();
        String scrape = Prometheus.scrape(sluice);
        assertThat(sample(scrape, "http_requests_total", "GET", "/tts", "206")).hasValue(3.0);
        assertThat(sample(scrape, "tts_requests_total", "cache", "hit")).hasValue(5.0);
        assertThat(sample(scrape, "tts_requests_total", "cache", "miss")).hasValue(1.0);
        assertThat(gauge(scrape, "tts_upstream_calls_total")).hasValue(1.0);
    }

    /**
     * While the file is being made: a second client joins the one upstream call (coalesced) and gets the bytes so
     * far, then the rest; a range waits for the whole file and is answered 206.
     */
    @Test
    void requestsDuringGenerationShareOneUpstreamCall() throws Exception {
        answer.set(r -> Reply.status(200).header("content-type", "audio/mpeg").part(PART1)
                .pause(Duration.ofMillis(800)).part(PART2));
        serve("");
        try (RawHttp a = RawHttp.connect(sluice); RawHttp b = RawHttp.connect(sluice)) {
            a.send("GET", tts("shared"));
            assertThat(a.readHead().header("x-sluice-cache")).isEqualTo("miss");
            assertThat(new String(a.readChunk(), StandardCharsets.UTF_8)).isEqualTo(PART1);
            b.send("GET", tts("shared"));
            CompletableFuture<HttpResponse<String>> ranged = Http.client(sluice).sendAsync(
                    Http.request(sluice, "GET", tts("shared"), null, "Range", "bytes=9-"),
                    HttpResponse.BodyHandlers.ofString());
            RawHttp.Head hb = b.readHead();
            assertThat(hb.header("x-sluice-cache")).isEqualTo("coalesced");
            assertThat(new String(b.readBody(hb), StandardCharsets.UTF_8)).isEqualTo(AUDIO);
            assertThat(new String(a.readBody(new RawHttp.Head("HTTP/1.1 200 OK", Map.of("transfer-encoding",
                    "chunked"))), StandardCharsets.UTF_8)).isEqualTo(PART2);
            HttpResponse<String> r = ranged.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(206);
            assertThat(r.headers().firstValue("content-range")).hasValue("bytes 9-15/16");
            assertThat(r.body()).isEqualTo(AUDIO.substring(9));
        }
        speech.take();
        assertThat(speech.requestsWaiting()).isZero();
    }

    @Test
    void theCacheIsBoundedInFilesAndBytes() throws Exception {
        serve("  cache: {maxEntries: 2, maxBytes: 40, maxEntryBytes: 20}\n");
        for (String t : new String[] {"one", "two", "three"}) {
            assertThat(Http.get(sluice, tts(t)).body()).isEqualTo(AUDIO);
            speech.take();
        }
        // Two files of 16 bytes fit in 40; the third evicted the least recently used.
        assertThat(Http.get(sluice, tts("three")).headers().firstValue("x-sluice-cache")).hasValue("hit");
        assertThat(Http.get(sluice, tts("one")).headers().firstValue("x-sluice-cache")).hasValue("miss");
        speech.take();
        String scrape = Prometheus.scrape(sluice);
        assertThat(gauge(scrape, "tts_cache_entries")).hasValue(2.0);
        assertThat(gauge(scrape, "tts_cache_bytes").orElseThrow()).isLessThanOrEqualTo(40.0);
        assertThat(gauge(scrape, "tts_cache_evictions_total").orElseThrow()).isGreaterThanOrEqualTo(2.0);

        // A file larger than maxEntryBytes streams through whole, uncached; a range on it gets the whole file.
        String big = "X".repeat(30);
        answer.set(r -> Reply.status(200).header("content-type", "audio/wav").part(big.substring(0, 15))
                .part(big.substring(15)));
        HttpResponse<String> large = Http.get(sluice, tts("long text"), "Range", "bytes=5-9");
        assertThat(large.statusCode()).isEqualTo(200);
        assertThat(large.body()).isEqualTo(big);
        assertThat(large.headers().firstValue("content-type")).hasValue("audio/wav");
        speech.take();
        assertThat(Http.get(sluice, tts("long text")).body()).isEqualTo(big);
        speech.take(); // made again: it was never cached
    }

    @Test
    void theTextIsCappedAndTheVoiceChecked() throws Exception {
        serve("  maxTextChars: 10\n  voices: [anatol, natalia]\n  voice: anatol\n");
        HttpResponse<String> longText = Http.get(sluice, tts("Привіт, світе!")); // 14 characters
        assertThat(longText.statusCode()).isEqualTo(400);
        JsonNode e = json(longText.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("text_too_long");
        assertThat(e.get("param").asText()).isEqualTo("text");
        assertThat(e.get("message").asText()).isEqualTo("text: 14 characters (expected: at most 10, tts.maxTextChars)");
        assertThat(Http.get(sluice, tts("Привіт, св")).statusCode()).isEqualTo(200); // 10: Cyrillic counts as one
        assertThat(json(speech.take().body()).get("voice").asText()).isEqualTo("anatol"); // the default

        HttpResponse<String> noText = Http.get(sluice, "/tts?voice=natalia");
        assertThat(noText.statusCode()).isEqualTo(400);
        assertThat(json(noText.body()).at("/error/param").asText()).isEqualTo("text");
        HttpResponse<String> voice = Http.get(sluice, tts("hi", "&voice=bob"));
        assertThat(voice.statusCode()).isEqualTo(400);
        assertThat(json(voice.body()).at("/error/message").asText())
                .isEqualTo("voice: bob (expected: one of anatol, natalia)");
        assertThat(Http.send(sluice, "POST", "/tts", "{}").statusCode()).isEqualTo(405);
        assertThat(speech.requestsWaiting()).isZero();
    }

    /** The seed's own variable: its TTS server gets the query it forwarded, without Sluice's client key. */
    @Test
    void theSeedsTtsProxyTargetGetsTheQuery() throws Exception {
        sluice = SluiceServer.start(ConfigLoader.parse(SERVER + "access:\n  clientKeys:\n    web: " + KEY + "\n",
                Map.of("TTS_PROXY_TARGET", "http://127.0.0.1:" + speech.port())));
        assertThat(Http.get(sluice, tts("привіт", "&voice=natalia")).statusCode()).isEqualTo(401);
        HttpResponse<String> res = Http.get(sluice, tts("привіт", "&voice=natalia&scale=1.2&key=" + KEY));
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(AUDIO);
        TestUpstream.Received got = speech.take();
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.uri()).isEqualTo("/?text=%D0%BF%D1%80%D0%B8%D0%B2%D1%96%D1%82&voice=natalia&scale=1.2");
        assertThat(got.header("authorization")).isNull();
        // Or with the key as a header.
        assertThat(Http.get(sluice, tts("привіт", "&voice=natalia&scale=1.2"), "Authorization", "Bearer " + KEY)
                .headers().firstValue("x-sluice-cache")).hasValue("hit");
    }

    @Test
    void upstreamFailuresAreClear502s() throws Exception {
        answer.set(r -> Reply.json(500, "{\"error\":{\"message\":\"model overloaded, key " + KEY + "\"}}"));
        serve("");
        HttpResponse<String> res = Http.get(sluice, tts("fail"));
        assertThat(res.statusCode()).isEqualTo(502);
        JsonNode e = json(res.body()).get("error");
        assertThat(e.get("code").asText()).isEqualTo("tts_upstream_error");
        assertThat(e.get("message").asText()).contains("answered HTTP 500").contains("model overloaded")
                .doesNotContain(KEY);
        speech.take();
        // A failure is not cached: the next request calls again.
        answer.set(r -> Reply.status(200).header("content-type", "text/html").part("<html>login</html>"));
        HttpResponse<String> html = Http.get(sluice, tts("fail"));
        assertThat(html.statusCode()).isEqualTo(502);
        assertThat(json(html.body()).at("/error/message").asText()).contains("answered text/html, not audio");
        speech.take();

        sluice.close();
        sluice = SluiceServer.start(ConfigLoader.parse(SERVER + "tts:\n  urlTemplate: http://127.0.0.1:"
                + RawHttp.closedPort() + "/speak?text={text}\n", Map.of()));
        HttpResponse<String> down = Http.get(sluice, tts("down"));
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(json(down.body()).at("/error/message").asText()).contains("unreachable: connection refused");
    }

    /**
     * Uncached audio is a pipe with backpressure: a client that reads nothing stops Sluice reading the upstream, and
     * then gets every byte in order. (As BackpressureTest does it for chat streams.)
     */
    @Test
    void aSlowClientOfUncachedAudioHoldsTheUpstreamBack() throws Exception {
        int parts = 3_000; // 24 MiB
        answer.set(r -> Reply.status(200).header("content-type", "audio/wav").repeat(parts, TtsE2eTest::audioPart));
        speech.sendBufferSize(64 * 1024);
        serve("  cache: {maxEntries: 0}\n");
        try (RawHttp client = RawHttp.connect(sluice, 16 * 1024)) {
            client.send("GET", tts("a very long text"));
            Await.until("the upstream to start writing", Duration.ofSeconds(10), () -> speech.partsWritten() > 0);
            long stalled = Await.steady("the upstream's writes to stall", Duration.ofMillis(500),
                    Duration.ofSeconds(10), speech::partsWritten);
            assertThat(stalled).as("parts written while the client read nothing (of %d)", parts)
                    .isLessThan(parts / 2);
            RawHttp.Head head = client.readHead();
            assertThat(head.header("x-sluice-cache")).isEqualTo("uncached");
            byte[] body = client.readBody(head);
            assertThat(body.length).isEqualTo(parts * AUDIO_PART);
            for (int i = 0; i < parts; i += 500) {
                assertThat(new String(body, i * AUDIO_PART, 12, StandardCharsets.US_ASCII))
                        .isEqualTo(audioPart(i).substring(0, 12));
            }
        }
        assertThat(speech.partsWritten()).isEqualTo(parts);
    }

    /** A cached file is read to its end whatever the client's pace: the file is bounded, the client drains it. */
    @Test
    void aCachedFileIsMadeWholeWhileItsClientIsSlow() throws Exception {
        int parts = 200; // 1.6 MiB
        answer.set(r -> Reply.status(200).header("content-type", "audio/wav").repeat(parts, TtsE2eTest::audioPart));
        speech.sendBufferSize(64 * 1024);
        serve("");
        try (RawHttp client = RawHttp.connect(sluice, 16 * 1024)) {
            client.send("GET", tts("cache me"));
            Await.until("the upstream to finish", Duration.ofSeconds(10), () -> speech.partsWritten() == parts);
            RawHttp.Head head = client.readHead();
            assertThat(client.readBody(head).length).isEqualTo(parts * AUDIO_PART);
        }
        HttpResponse<String> tail = Http.get(sluice, tts("cache me"), "Range", "bytes=-" + AUDIO_PART);
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(audioPart(parts - 1));
        speech.take();
        assertThat(speech.requestsWaiting()).isZero();
    }

    private static final int AUDIO_PART = 8 * 1024;

    /** Part {@code i} of a long "audio" body: numbered, so that a reorder shows. */
    static String audioPart(int i) {
        String head = String.format(java.util.Locale.ROOT, "PART%08d", i);
        return head + "x".repeat(AUDIO_PART - head.length());
    }

    /** The speech upstream is reached through the global outbound proxy (issue 17 item 5) when one is set. */
    @Test
    void theSpeechUpstreamGoesThroughTheOutboundProxy() throws Exception {
        try (Socks5Peer socks = new Socks5Peer("u", "p4ssw0rd")) {
            sluice = SluiceServer.start(ConfigLoader.parse(SERVER + "upstream: {proxy: \"" + socks.url("socks5h", "u",
                    "p4ssw0rd") + "\"}\ntts:\n  baseUrl: http://127.0.0.1:" + speech.port() + "/v1\n", Map.of()));
            HttpResponse<String> res = Http.get(sluice, tts("via the proxy"));
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            assertThat(res.body()).isEqualTo(AUDIO);
            TestUpstream.Received got = speech.take();
            assertThat(speech.peer(got.connection())).isEqualTo(Socks5Peer.OUTGOING);
            assertThat(socks.connects()).containsExactly("DOMAIN 127.0.0.1:" + speech.port());
            sluice.close();
            sluice = null;
        }
    }

    /** The opt-in request log shows each /tts answer; a client key given as ?key= is masked in its URI. */
    @Test
    void theRequestLogShowsTts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requests.jsonl");
        serve("logs: {requests: {enabled: true, file: " + file + "}}\n"
                + "access:\n  clientKeys:\n    web: sk-web-0123456789abcdef\n");
        assertThat(Http.get(sluice, tts("logged", "&key=sk-web-0123456789abcdef")).statusCode()).isEqualTo(200);
        sluice.close();
        sluice = null;
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        JsonNode line = json(lines.get(0));
        assertThat(line.get("uri").asText()).startsWith("/tts?text=logged");
        assertThat(line.get("provider").asText()).isEqualTo("tts");
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(lines.get(0)).doesNotContain("sk-web-0123456789abcdef").doesNotContain(KEY);
    }

    /** A client that leaves an uncached file stops its upstream call; the cached one is finished for the next. */
    @Test
    void aClientLeavingMidStream() throws Exception {
        answer.set(r -> Reply.status(200).header("content-type", "audio/mpeg").part(PART1)
                .pause(Duration.ofMillis(500)).part(PART2));
        serve("  cache: {maxEntries: 0}\n");
        try (RawHttp c = RawHttp.connect(sluice)) {
            c.send("GET", tts("bye"));
            assertThat(c.readHead().header("x-sluice-cache")).isEqualTo("uncached");
            c.readChunk();
        }
        Await.until("the upstream connection closed", () -> speech.closedConnections() == 1);
        speech.take();
    }
}
