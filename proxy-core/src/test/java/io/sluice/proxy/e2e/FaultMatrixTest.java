package io.sluice.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proxy.SluiceServer;
import io.sluice.proxy.testing.Await;
import io.sluice.proxy.testing.Http;
import io.sluice.proxy.testing.HttpWire;
import io.sluice.proxy.testing.RawHttp;
import io.sluice.proxy.testing.Sockets;
import io.sluice.proxy.testing.TestConfig;
import io.sluice.proxy.testing.TestUpstream;
import io.sluice.proxy.testing.TestUpstream.Reply;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 20's fault matrix: every client dialect × {passthrough, translated} × {stream, not} against each upstream
 * fault. Each case asserts the client's status (or, once a stream has started, its dialect's error event), an error in
 * the client's own shape, no upstream connection left in use, no request left in flight, its usage recorded exactly
 * once, and no descriptor left behind (no Sluice socket in CLOSE_WAIT, no file or pipe more than at the start); the
 * suite's PARANOID leak detector fails it on any leaked buffer. Timeouts are 300 ms (idle), 500 ms (a client's
 * request) and 2 s (a whole upstream exchange), so stalls cost little.
 */
class FaultMatrixTest {

    /** What the scripted upstreams do to the next request. */
    enum Fault {
        /** A stream the provider keeps sending, slowly, until the client leaves (the client fault row). */
        CLIENT_LEAVES,
        REFUSED, RESET_BEFORE_HEAD, STALL_BEFORE_HEAD, RESET_MID_STREAM, STALL_MID_STREAM, STORM_500, STORM_429,
        STORM_401, ERROR_IN_200, EMPTY_200, HTML_200,
        /** A 200 JSON answer cut off (framed whole: the HTTP layer cannot tell). */
        TRUNCATED_200,
        /** A 200 JSON answer whose brackets do not match, and binary junk after it. */
        GARBAGE_200,
        /** An answer that keeps coming (a keep-alive every 50 ms) and never ends: upstream.requestTimeout cuts it. */
        NEVER_ENDING,
        /** Client fault: reads the first event, then nothing for longer than the upstream idle timeout. */
        SLOW_READER,
        /** Client fault: sends its request head a byte at a time and never finishes it. */
        SLOWLORIS_HEAD,
        /** Client fault: sends the head, then its body a byte at a time, never finishing it. */
        SLOWLORIS_BODY
    }

    /** A client dialect: its route and a request body for a model. */
    enum Client {
        OPENAI, ANTHROPIC, RESPONSES, GEMINI;

        String path(String model, boolean stream) {
            return switch (this) {
                case OPENAI -> "/v1/chat/completions";
                case ANTHROPIC -> "/v1/messages";
                case RESPONSES -> "/v1/responses";
                case GEMINI -> "/v1beta/models/" + model + (stream ? ":streamGenerateContent?alt=sse"
                        : ":generateContent");
            };
        }

        String body(String model, boolean stream) {
            return switch (this) {
                case OPENAI -> "{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                case ANTHROPIC -> "{\"model\":\"" + model + "\",\"max_tokens\":32,\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                case RESPONSES -> "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":\"hi\"}";
                case GEMINI -> "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
            };
        }

        /** The provider of this dialect (passthrough) and one of another (translated). */
        String model(boolean translated) {
            String provider = switch (this) {
                case OPENAI -> translated ? "an" : "oa";
                case ANTHROPIC, RESPONSES, GEMINI -> translated ? "oa"
                        : name().toLowerCase(Locale.ROOT).substring(0, 2);
            };
            return provider + "/m";
        }

        /** Whether {@code body} is an error in this dialect's own shape. */
        boolean isError(String body) {
            return switch (this) {
                case ANTHROPIC -> body.contains("\"type\":\"error\"");
                case GEMINI -> body.contains("\"error\"") && body.contains("\"status\"");
                default -> body.contains("\"error\"");
            };
        }
    }

    private static final String OPENAI_CHUNK = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n";
    private static final String ANTHROPIC_START = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
            + "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
            + "\"stop_reason\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
            + "{\"type\":\"text\",\"text\":\"\"}}\n\nevent: content_block_delta\ndata: {\"type\":"
            + "\"content_block_delta\","
            + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"par\"}}\n\n";
    private static final String GEMINI_CHUNK = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
            + "[{\"text\":\"par\"}]}}],\"modelVersion\":\"m\"}\n\n";
    private static final String RESPONSES_START = "event: response.created\ndata: {\"type\":\"response.created\","
            + "\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":"
            + "\"in_progress\","
            + "\"model\":\"m\",\"output\":[]}}\n\n";

    /** One content event of 8 KB per upstream dialect: a long stream of them fills every buffer on the way. */
    private static final String TEXT = "x".repeat(8 * 1024);
    private static final int SLOW_READER_EVENTS = 1_000;
    private static final Map<String, String> DELTA = Map.of(
            "openai", OPENAI_CHUNK.replace("\"par\"", "\"" + TEXT + "\""),
            "anthropic", "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + TEXT + "\"}}\n\n",
            "gemini", GEMINI_CHUNK.replace("\"par\"", "\"" + TEXT + "\""),
            "responses", "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                    + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"" + TEXT + "\"}\n\n");
    private static final Map<String, String> END = Map.of(
            "openai", "data: [DONE]\n\n",
            "anthropic", "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                    + "\"end_turn\"},\"usage\":{\"output_tokens\":9}}\n\nevent: message_stop\ndata: {\"type\":"
                    + "\"message_stop\"}\n\n",
            "gemini", "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"\"}]},"
                    + "\"finishReason\":\"STOP\"}],\"modelVersion\":\"m\"}\n\n",
            "responses", "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":"
                    + "\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"m\","
                    + "\"output\":[]}}\n\n");

    private static final String KEY_PREFIX = "sk-fault-matrix-";
    private static volatile Fault fault = Fault.STORM_500;
    private static final List<TestUpstream> upstreams = new ArrayList<>();
    private static SluiceServer sluice;
    /** The same providers with a 1 s upstream.requestTimeout, for the never-ending answers. */
    private static SluiceServer shortLived;
    /** The server of the case running. */
    private static SluiceServer target;
    private static int nonSocketBaseline;

    /** An error body in a provider dialect's own shape (a passthrough relays it as it is). */
    private static String error(String dialect, int status, String message) {
        return switch (dialect) {
            case "anthropic" -> "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\""
                    + message + "\"}}";
            case "gemini" -> "{\"error\":{\"code\":" + status + ",\"message\":\"" + message
                    + "\",\"status\":\"INTERNAL\"}}";
            default -> "{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\"}}";
        };
    }

    private static Reply reply(String dialect, String firstEvent, TestUpstream.Received r) {
        boolean stream = r.body().contains("\"stream\":true") || r.uri().contains("streamGenerateContent");
        return switch (fault) {
            case RESET_BEFORE_HEAD -> Reply.status(200).then(Reply.Ending.CLOSE_BEFORE_HEAD);
            case STALL_BEFORE_HEAD -> Reply.status(200).then(Reply.Ending.HANG_BEFORE_HEAD);
            case RESET_MID_STREAM -> Reply.sse(firstEvent).then(Reply.Ending.RESET);
            case STALL_MID_STREAM -> Reply.sse(firstEvent).then(Reply.Ending.HANG);
            case STORM_500 -> Reply.json(500, error(dialect, 500, "boom"));
            case STORM_429 -> Reply.json(429, error(dialect, 429, "slow down")).header("retry-after", "1");
            case STORM_401 -> Reply.json(401, error(dialect, 401, "bad key"));
            case ERROR_IN_200 -> Reply.json(200, error(dialect, 500, "upstream exploded"));
            case EMPTY_200 -> Reply.json(200, "");
            case TRUNCATED_200 -> Reply.json(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{"
                    + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"par");
            case GARBAGE_200 -> Reply.json(200, "{\"id\":\"x\",\"choices\":[}]\u0000\u00ff\u0001");
            case HTML_200 -> Reply.json(200, "<html><body>502 Bad Gateway (nginx)</body></html>")
                    .header("content-type", "text/html");
            // More than any buffer holds: once the client stops reading, backpressure stalls it until the close.
            case CLIENT_LEAVES -> Reply.sse(firstEvent).repeat(100_000, i -> ": keep going\n\n" + firstEvent);
            case NEVER_ENDING -> {
                Reply reply = stream ? Reply.sse(firstEvent) : Reply.status(200).header("content-type",
                        "application/json").part("{\"id\":\"x\",\"data\":[");
                for (int i = 0; i < 80; i++) {
                    reply.pause(Duration.ofMillis(50)).part(stream ? ": still going\n\n" : "0,");
                }
                yield reply;
            }
            // 8 MB: more than the client's window, the proxy's socket buffer (autotuned to megabytes) and its
            // water mark hold (BackpressureTest measured the stall at ~4.4 MB).
            case SLOW_READER -> Reply.sse(firstEvent).repeat(SLOW_READER_EVENTS, i -> DELTA.get(dialect))
                    .part(END.get(dialect));
            case REFUSED, SLOWLORIS_HEAD, SLOWLORIS_BODY ->
                    throw new IllegalStateException(fault + " never reaches an upstream");
        };
    }

    @BeforeAll
    static void start() throws Exception {
        TestUpstream oa = new TestUpstream(r -> reply("openai", OPENAI_CHUNK, r));
        TestUpstream an = new TestUpstream(r -> reply("anthropic", ANTHROPIC_START, r));
        TestUpstream ge = new TestUpstream(r -> reply("gemini", GEMINI_CHUNK, r));
        TestUpstream re = new TestUpstream(r -> reply("responses", RESPONSES_START, r));
        upstreams.addAll(List.of(oa, an, ge, re));
        // Fixed upstream send buffers: what the proxy does not read stays with the upstream, not in its kernel.
        upstreams.forEach(u -> u.sendBufferSize(64 * 1024));
        int closed = RawHttp.closedPort();
        // Many keys per provider: 429s and 401s cool the key they hit, and every case must reach the upstream.
        StringBuilder keys = new StringBuilder("[");
        for (int i = 0; i < 40; i++) {
            keys.append(i == 0 ? "" : ", ").append(KEY_PREFIX).append(String.format(Locale.ROOT, "%04d", i));
        }
        String key = keys.append(']').toString();
        String providers =
                "resilience: {maxAttempts: 1, breakerFailures: 1000}\n"
                + "providers:\n"
                + "  oa: {type: openai-compatible, baseUrl: 'http://127.0.0.1:" + oa.port() + "/v1', apiKeys: " + key
                + ", models: [m]}\n"
                + "  an: {type: anthropic, baseUrl: 'http://127.0.0.1:" + an.port() + "/v1', apiKeys: " + key
                + ", models: [m]}\n"
                + "  ge: {type: gemini, baseUrl: 'http://127.0.0.1:" + ge.port() + "/v1beta', apiKeys: " + key
                + ", models: [m]}\n"
                + "  re: {type: openai-compatible, dialect: responses, baseUrl: 'http://127.0.0.1:" + re.port()
                + "/v1', apiKeys: " + key + ", models: [m]}\n"
                + "  dead: {type: openai-compatible, baseUrl: 'http://127.0.0.1:" + closed + "/v1', apiKeys: " + key
                + ", models: [m]}\n";
        String server = "server: {host: 127.0.0.1, port: 0, ioThreads: 1, shutdownGrace: 100ms, readTimeout: 500ms}\n"
                + "providersFromEnv: false\n";
        // The slow reader's stream takes seconds under PARANOID leak detection: no whole-exchange limit in its way.
        sluice = TestConfig.startYaml(server + "upstream: {firstByteTimeout: 300ms, idleTimeout: 300ms,"
                + " connectTimeout: 1s, requestTimeout: 60s}\n" + providers);
        shortLived = TestConfig.startYaml(server + "upstream: {firstByteTimeout: 300ms, idleTimeout: 300ms,"
                + " connectTimeout: 1s, requestTimeout: 1s}\n" + providers);
        // Event loops, selectors and jars are open by now; what the cases open must be closed again.
        Http.get(sluice, "/health");
        nonSocketBaseline = Sockets.available() ? Sockets.nonSocketDescriptors() : 0;
    }

    @AfterAll
    static void stop() {
        if (sluice != null) {
            sluice.close();
        }
        if (shortLived != null) {
            shortLived.close();
        }
        upstreams.forEach(TestUpstream::close);
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Client c : Client.values()) {
            for (boolean translated : new boolean[] {false, true}) {
                for (boolean stream : new boolean[] {false, true}) {
                    for (Fault f : Fault.values()) {
                        String only = System.getProperty("sluice.faults", "");
                        if (!only.isEmpty() && !List.of(only.split(",")).contains(f.name())) {
                            continue; // -Dsluice.faults=SLOW_READER,NEVER_ENDING runs those rows only
                        }
                        boolean midStream = f == Fault.RESET_MID_STREAM || f == Fault.STALL_MID_STREAM
                                || f == Fault.CLIENT_LEAVES || f == Fault.SLOW_READER;
                        if (midStream && !stream || f == Fault.REFUSED && translated) {
                            continue; // no stream to break / the refused provider has one dialect
                        }
                        out.add(Arguments.of(c, translated, stream, f));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} translated={1} stream={2} {3}")
    @MethodSource("cases")
    void everyFaultEndsCleanlyInTheClientsDialect(Client client, boolean translated, boolean stream, Fault f)
            throws Exception {
        fault = f;
        // The refused provider speaks OpenAI's dialect: passthrough for OpenAI clients, translated for the rest.
        String model = f == Fault.REFUSED ? "dead/m" : client.model(translated);
        target = f == Fault.NEVER_ENDING ? shortLived : sluice;
        long recorded = target.ops().usage().snapshot().total().requests();
        switch (f) {
            case CLIENT_LEAVES -> clientLeavesMidStream(client, model);
            case SLOW_READER -> slowReader(client, model);
            case SLOWLORIS_HEAD, SLOWLORIS_BODY -> slowloris(client, model, stream, f == Fault.SLOWLORIS_BODY);
            default -> everyOtherFault(client, model, stream, f);
        }
        // A request the proxy never got whole picked no provider: nothing to record.
        long expected = recorded + (f == Fault.SLOWLORIS_HEAD || f == Fault.SLOWLORIS_BODY ? 0 : 1);
        Await.until("no upstream exchange left, nothing in flight, usage recorded once", Duration.ofSeconds(5), () ->
                target.metrics().upstreamActive().get() == 0 && target.ops().inFlightCount() == 0
                        && target.ops().usage().snapshot().total().requests() == expected);
        Thread.sleep(50); // a second record would be late, not early
        assertThat(target.ops().usage().snapshot().total().requests()).as("usage recorded once").isEqualTo(expected);
        if (Sockets.available()) {
            Set<Integer> ports = Set.of(sluice.localAddress().getPort(), shortLived.localAddress().getPort());
            Set<Integer> upstreamPorts = upstreams.stream().map(TestUpstream::port).collect(Collectors.toSet());
            Await.until("no Sluice socket left in CLOSE_WAIT", Duration.ofSeconds(5), () ->
                    Sockets.closeWait(ports::contains, upstreamPorts::contains).isEmpty());
            assertThat(Sockets.nonSocketDescriptors()).as("files, pipes and event fds: as many as at the start")
                    .isLessThanOrEqualTo(nonSocketBaseline + 16);
        }
    }

    private static void everyOtherFault(Client client, String model, boolean stream, Fault f) throws Exception {
        HttpResponse<String> res = Http.send(target, "POST", client.path(model, stream), client.body(model, stream),
                "content-type", "application/json", "anthropic-version", "2023-06-01");
        int status = res.statusCode();
        String body = res.body();
        switch (f) {
            case RESET_MID_STREAM, STALL_MID_STREAM -> {
                assertThat(status).as(body).isEqualTo(200);
                assertThat(body).as("the stream ends with the dialect's error event").contains("error");
            }
            case NEVER_ENDING -> {
                if (stream) {
                    assertThat(status).as(body).isEqualTo(200);
                    assertThat(body).as("the stream ends with the dialect's error event").contains("error")
                            .contains("requestTimeout");
                } else {
                    assertThat(status).as(body).isEqualTo(504);
                    assertThat(client.isError(body)).as(body).isTrue();
                }
            }
            default -> {
                int expected = switch (f) {
                    case STALL_BEFORE_HEAD -> 504;
                    case STORM_500 -> 500;
                    case STORM_429 -> 429;
                    case STORM_401 -> 401;
                    default -> 502;
                };
                if (f == Fault.ERROR_IN_200) {
                    // Never a success; a translated provider error keeps the status its type maps to (500, 502).
                    assertThat(status).as(body).isBetween(500, 599);
                } else {
                    assertThat(status).as(body).isEqualTo(expected);
                }
                assertThat(client.isError(body)).as("an error in the client's shape: " + body).isTrue();
                assertThat(body).doesNotContain(KEY_PREFIX);
            }
        }
    }

    /**
     * The client reads the first event, then nothing for 700 ms, more than the upstream idle timeout, while the
     * provider has megabytes more to send: the proxy stops reading the provider and must not count the silence
     * against it. Then the client reads on, and the whole stream arrives, without an error event.
     */
    private static void slowReader(Client client, String model) throws Exception {
        try (RawHttp raw = RawHttp.connect(target, 16 * 1024)) {
            raw.postJson(client.path(model, true), client.body(model, true), "anthropic-version", "2023-06-01");
            assertThat(raw.readHead().status()).isEqualTo(200);
            assertThat(raw.readChunk()).isNotEmpty();
            Thread.sleep(700);
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            byte[] c;
            while ((c = raw.readChunk()) != null) {
                rest.write(c);
            }
            String body = rest.toString(StandardCharsets.UTF_8);
            assertThat(body).as("no error event").doesNotContain("\"error\":{").doesNotContain("event: error");
            assertThat(body.length()).as("the whole stream arrived").isGreaterThan(SLOW_READER_EVENTS * TEXT.length());
        }
    }

    /**
     * A client that sends its request a byte every 100 ms and stops short: answered 408 when server.readTimeout
     * (500 ms) runs out, and closed. Before the head is whole there is no route, so no dialect: OpenAI's shape.
     */
    private static void slowloris(Client client, String model, boolean stream, boolean inBody) throws Exception {
        String body = client.body(model, stream);
        String head = "POST " + client.path(model, stream) + " HTTP/1.1\r\nHost: sluice\r\nContent-Type: "
                + "application/json\r\nanthropic-version: 2023-06-01\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n";
        try (RawHttp raw = RawHttp.connect(target)) {
            raw.write(inBody ? head + "\r\n" : head.substring(0, 20));
            String rest = inBody ? body : head.substring(20);
            // Four bytes in 400 ms, then nothing: never more after the deadline (a write to the closed socket
            // would make the kernel drop the 408 waiting to be read).
            for (int i = 0; i < 4; i++) {
                raw.write(rest.substring(i, i + 1));
                Thread.sleep(100);
            }
            HttpWire.Message res = raw.readResponse();
            assertThat(res.status()).isEqualTo(408);
            String text = new String(res.body(), StandardCharsets.UTF_8);
            assertThat(inBody ? client.isError(text) : text.contains("\"error\"")).as(text).isTrue();
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    /**
     * The client reads the head and the first bytes of a stream that would go on for long, then closes its socket:
     * the upstream connection must be closed (it cannot be reused mid-response), nothing left in flight.
     */
    private static void clientLeavesMidStream(Client client, String model) throws Exception {
        int closedBefore = upstreams.stream().mapToInt(TestUpstream::closedConnections).sum();
        try (RawHttp raw = RawHttp.connect(target)) {
            raw.postJson(client.path(model, true), client.body(model, true), "anthropic-version", "2023-06-01");
            assertThat(raw.readHead().status()).isEqualTo(200);
            assertThat(raw.readChunk()).isNotEmpty();
        }
        Await.until("the upstream connection closed after the client left", Duration.ofSeconds(5), () ->
                upstreams.stream().mapToInt(TestUpstream::closedConnections).sum() > closedBefore);
    }
}
