package io.sluice.proxy.logs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.proxy.config.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RequestLoggerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Not an sk- key: only the configured secrets list can catch it. */
    private static final String PROVIDER_KEY = "AIzaSyProviderKey0123456789";
    private static final String CLIENT_KEY = "client-key-abcdefgh-9876";
    private static final String STRAY_KEY = "sk-proj-straykeynotconfigured42";

    @TempDir
    Path dir;

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static List<String> rawLines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    private RequestLogger logger(int maxCapture) throws IOException {
        return new RequestLogger(dir.resolve("logs/requests.log"), 1 << 20, 2, maxCapture,
                List.of(PROVIDER_KEY, CLIENT_KEY));
    }

    @Test
    void oneExchangeBecomesOneMaskedJsonLine() throws IOException {
        Path file;
        try (RequestLogger logger = logger(RequestLogger.DEFAULT_MAX_CAPTURE_BYTES)) {
            file = logger.file();
            HttpHeaders headers = new DefaultHttpHeaders()
                    .add("Authorization", "Bearer " + CLIENT_KEY)
                    .add("x-api-key", CLIENT_KEY)
                    .add("Content-Type", "application/json")
                    .add("Accept", "text/event-stream")
                    .add("Accept", "application/json");
            RequestLogger.Capture c = logger.begin("req-1", "POST", "/v1/chat/completions?key=" + CLIENT_KEY,
                    headers);
            ByteBuf clientReq = buf("{\"model\":\"gpt-4o\",");
            ByteBuf clientReq2 = buf("\"messages\":[]}");
            ByteBuf upstreamReq = buf("{\"model\":\"gpt-4o\",\"api_key\":\"" + PROVIDER_KEY + "\"}");
            ByteBuf upstreamRes = buf("{\"error\":\"bad key " + STRAY_KEY + "\",\"auth\":\"Bearer abc.def.ghijkl\"}");
            ByteBuf clientRes = buf("{\"error\":{\"message\":\"upstream failed\"}}");
            try {
                c.clientRequest(clientReq);
                c.clientRequest(clientReq2);
                c.upstreamTarget("POST", "https://api.example.com/v1/chat?key=" + PROVIDER_KEY, 401);
                c.upstreamRequest(upstreamReq);
                c.upstreamResponse(upstreamRes);
                c.clientResponse(clientRes);
                c.finish(502, "openai", "gpt-4o", 321);
            } finally {
                clientReq.release();
                clientReq2.release();
                upstreamReq.release();
                upstreamRes.release();
                clientRes.release();
            }
            assertThat(c.isFinished()).isTrue();
            assertThat(logger.flush()).isTrue();
            assertThat(logger.written()).isEqualTo(1);
        }

        List<String> lines = rawLines(file);
        assertThat(lines).hasSize(1);
        String text = lines.get(0);
        assertThat(text).doesNotContain(PROVIDER_KEY, CLIENT_KEY, STRAY_KEY, "abc.def.ghijkl")
                .contains(Secrets.mask(PROVIDER_KEY), Secrets.mask(CLIENT_KEY), Secrets.mask(STRAY_KEY));

        JsonNode n = JSON.readTree(text);
        assertThat(n.get("timestamp").asLong()).isPositive();
        assertThat(n.get("id").asText()).isEqualTo("req-1");
        assertThat(n.get("method").asText()).isEqualTo("POST");
        assertThat(n.get("uri").asText()).isEqualTo("/v1/chat/completions?key=cli...9876");
        assertThat(n.get("status").asInt()).isEqualTo(502);
        assertThat(n.get("provider").asText()).isEqualTo("openai");
        assertThat(n.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(n.get("latencyMs").asLong()).isEqualTo(321);

        JsonNode clientRequest = n.get("clientRequest");
        JsonNode h = clientRequest.get("headers");
        assertThat(h.get("Authorization").asText()).isEqualTo("Bearer cli...9876");
        assertThat(h.get("x-api-key").asText()).isEqualTo("cli...9876");
        assertThat(h.get("Content-Type").asText()).isEqualTo("application/json");
        assertThat(h.get("Accept").asText()).isEqualTo("text/event-stream, application/json");
        assertThat(clientRequest.get("body").asText()).isEqualTo("{\"model\":\"gpt-4o\",\"messages\":[]}");
        assertThat(clientRequest.get("bytes").asInt()).isEqualTo(32);
        assertThat(clientRequest.get("truncated").asBoolean()).isFalse();

        JsonNode upstreamRequest = n.get("upstreamRequest");
        assertThat(upstreamRequest.get("method").asText()).isEqualTo("POST");
        assertThat(upstreamRequest.get("url").asText()).isEqualTo("https://api.example.com/v1/chat?key=AIz...6789");
        assertThat(upstreamRequest.get("body").asText())
                .isEqualTo("{\"model\":\"gpt-4o\",\"api_key\":\"AIz...6789\"}");

        JsonNode upstreamResponse = n.get("upstreamResponse");
        assertThat(upstreamResponse.get("status").asInt()).isEqualTo(401);
        assertThat(upstreamResponse.get("body").asText())
                .isEqualTo("{\"error\":\"bad key sk-...ed42\",\"auth\":\"Bearer abc...ijkl\"}");

        assertThat(n.get("clientResponse").get("body").asText())
                .isEqualTo("{\"error\":{\"message\":\"upstream failed\"}}");
        assertThat(n.get("clientResponse").get("truncated").asBoolean()).isFalse();
    }

    @Test
    void bodiesAreCutAtMaxCaptureBytesButCountedWhole() throws IOException {
        Path file;
        try (RequestLogger logger = logger(16)) {
            file = logger.file();
            RequestLogger.Capture c = logger.begin("req-2", "POST", "/v1/messages", null);
            ByteBuf a = buf("0123456789");
            ByteBuf b = buf("abcdefghij");
            ByteBuf big = buf("x".repeat(100));
            try {
                c.clientRequest(a);
                c.clientRequest(b);
                c.upstreamResponse(big);
                c.finish(200, "anthropic", "claude", 5);
            } finally {
                a.release();
                b.release();
                big.release();
            }
            assertThat(logger.flush()).isTrue();
        }
        JsonNode n = JSON.readTree(rawLines(file).get(0));
        assertThat(n.get("clientRequest").get("body").asText()).isEqualTo("0123456789abcdef");
        assertThat(n.get("clientRequest").get("bytes").asInt()).isEqualTo(20);
        assertThat(n.get("clientRequest").get("truncated").asBoolean()).isTrue();
        assertThat(n.get("upstreamResponse").get("body").asText()).isEqualTo("x".repeat(16));
        assertThat(n.get("upstreamResponse").get("bytes").asInt()).isEqualTo(100);
        assertThat(n.get("upstreamResponse").get("status").isNull()).isTrue();
        assertThat(n.get("upstreamRequest").get("url").isNull()).isTrue();
        assertThat(n.get("upstreamRequest").get("bytes").asInt()).isZero();
        assertThat(n.get("clientRequest").get("headers").size()).isZero();
    }

    @Test
    void capturingLeavesTheBufferAlone() throws IOException {
        try (RequestLogger logger = logger(8)) {
            RequestLogger.Capture c = logger.begin("req-3", "GET", "/v1/models", new DefaultHttpHeaders());
            ByteBuf buf = Unpooled.buffer(64)
                    .writeBytes("ignored-prefix|payload-bytes".getBytes(StandardCharsets.UTF_8));
            try {
                buf.readerIndex(15);
                int writer = buf.writerIndex();
                c.clientResponse(buf);
                c.clientResponse(buf);
                assertThat(buf.readerIndex()).isEqualTo(15);
                assertThat(buf.writerIndex()).isEqualTo(writer);
                assertThat(buf.refCnt()).isEqualTo(1);
                c.finish(200, null, null, 1);
            } finally {
                assertThat(buf.release()).isTrue();
            }
            assertThat(logger.flush()).isTrue();
            JsonNode n = JSON.readTree(rawLines(logger.file()).get(0));
            assertThat(n.get("clientResponse").get("body").asText()).isEqualTo("payload-");
            assertThat(n.get("clientResponse").get("bytes").asInt()).isEqualTo(26);
            assertThat(n.get("provider").isNull()).isTrue();
            assertThat(n.get("model").isNull()).isTrue();
        }
    }

    @Test
    void callsAfterFinishAreIgnored() throws IOException {
        try (RequestLogger logger = logger(1024)) {
            RequestLogger.Capture c = logger.begin("req-4", "POST", "/v1/chat/completions", null);
            ByteBuf first = buf("first");
            ByteBuf late = buf("late");
            try {
                c.clientResponse(first);
                c.finish(200, "openai", "gpt-4o", 10);
                c.clientResponse(late);
                c.clientRequest(late);
                c.upstreamTarget("POST", "https://late", 500);
                c.finish(500, "late", "late", 99);
            } finally {
                first.release();
                late.release();
            }
            assertThat(logger.flush()).isTrue();
            assertThat(logger.written()).isEqualTo(1);
            List<String> lines = rawLines(logger.file());
            assertThat(lines).hasSize(1);
            JsonNode n = JSON.readTree(lines.get(0));
            assertThat(n.get("status").asInt()).isEqualTo(200);
            assertThat(n.get("clientResponse").get("body").asText()).isEqualTo("first");
            assertThat(n.get("clientRequest").get("bytes").asInt()).isZero();
            assertThat(n.get("upstreamRequest").get("url").isNull()).isTrue();
        }
    }

    @Test
    void theNoneCaptureRecordsNothing() {
        ByteBuf b = buf("x");
        try {
            RequestLogger.Capture.NONE.clientRequest(b);
            RequestLogger.Capture.NONE.finish(200, "p", "m", 1);
            assertThat(RequestLogger.Capture.NONE.isFinished()).isTrue();
            assertThat(b.refCnt()).isEqualTo(1);
        } finally {
            b.release();
        }
    }

    @Test
    void invalidUtf8IsReplacedNotFatal() throws IOException {
        try (RequestLogger logger = logger(1024)) {
            RequestLogger.Capture c = logger.begin("req-5", "POST", "/x", null);
            ByteBuf b = Unpooled.wrappedBuffer(new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28, (byte) 0xFF});
            try {
                c.upstreamResponse(b);
                c.finish(200, "p", "m", 1);
            } finally {
                b.release();
            }
            assertThat(logger.flush()).isTrue();
            JsonNode n = JSON.readTree(rawLines(logger.file()).get(0));
            assertThat(n.get("upstreamResponse").get("body").asText()).isEqualTo("ok\uFFFD(\uFFFD");
        }
    }

    @Test
    void masksCredentialHeadersKeepingTheScheme() throws IOException {
        try (RequestLogger logger = logger(16)) {
            assertThat(logger.maskHeader("authorization", "Bearer sk-ant-api03-abcdefghijklmn"))
                    .isEqualTo("Bearer sk-...klmn");
            assertThat(logger.maskHeader("Proxy-Authorization", "Basic dXNlcjpwYXNzd29yZA=="))
                    .isEqualTo("Basic dXN...ZA==");
            assertThat(logger.maskHeader("Authorization", "short")).isEqualTo("****");
            assertThat(logger.maskHeader("X-Goog-Api-Key", "AIzaSyAbcdefghijklmnop")).isEqualTo("AIz...mnop");
            assertThat(logger.maskHeader("api-key", "azurekey0123456789")).isEqualTo("azu...6789");
            assertThat(logger.maskHeader("Cookie", "session=abcdefghijklmnop")).isEqualTo("ses...mnop");
            assertThat(logger.maskHeader("X-Custom", "carries " + CLIENT_KEY)).isEqualTo("carries cli...9876");
            assertThat(logger.maskHeader("User-Agent", "curl/8.0")).isEqualTo("curl/8.0");
        }
        assertThat(Secrets.mask("sk-proj-0123456789abcd")).isEqualTo("sk-...abcd");
    }

    @Test
    void rotatesLikeTheProviderFiles() throws IOException {
        Path file = dir.resolve("r.log");
        try (RequestLogger logger = new RequestLogger(file, 600, 1, 64, List.of())) {
            for (int i = 0; i < 10; i++) {
                RequestLogger.Capture c = logger.begin("id-" + i, "GET", "/v1/models", null);
                c.finish(200, "p", "m", i);
            }
            assertThat(logger.flush()).isTrue();
            assertThat(logger.dropped()).isZero();
        }
        assertThat(file.resolveSibling("r.log.1")).exists();
        assertThat(file.resolveSibling("r.log.2")).doesNotExist();
        List<String> current = rawLines(file);
        assertThat(JSON.readTree(current.get(current.size() - 1)).get("id").asText()).isEqualTo("id-9");
    }
}
