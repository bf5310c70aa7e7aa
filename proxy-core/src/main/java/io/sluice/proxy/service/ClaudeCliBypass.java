package io.sluice.proxy.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.codec.dialect.JsonIo;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.proxy.config.BypassConfig;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.logs.LogLevel;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.ops.Operations;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Claude Code's housekeeping requests answered by Sluice itself, in Anthropic's form, streamed or not, with no
 * provider call (the seed's {@code bypassHandler}, limited as there to Claude Code): the warm-up it sends at start and
 * when idle ({@code "Warmup"} as the only user message), the quota check ({@code "quota"}), and, when switched on, the
 * title and topic requests of its session list. {@code count_tokens} never reaches a provider anyway.
 */
final class ClaudeCliBypass {

    /** What a request is, when it is one of those. */
    enum Kind { WARMUP, QUOTA, TITLE, TOPIC }

    /** A recognised request and the text it is answered with. */
    record Match(Kind kind, String text) {
    }

    /** Longest text kept from a message while looking; the patterns are at its start or short. */
    private static final int MAX_TEXT = 16 * 1024;
    private static final int MAX_TITLE = 50;
    private static final AtomicLong IDS = new AtomicLong();

    private ClaudeCliBypass() {
    }

    /** Whether the request comes from Claude Code: its {@code User-Agent} or its {@code x-app: cli}. */
    static boolean fromClaudeCli(HttpHeaders h) {
        String ua = h.get(HttpHeaderNames.USER_AGENT);
        return ua != null && ua.startsWith("claude-cli/") || "cli".equals(h.get("x-app"));
    }

    /** The match for a {@code /v1/messages} body, or null to send it on as usual. Reads, does not consume. */
    static Match match(BypassConfig cfg, HttpHeaders headers, ByteBuf body) {
        if (!cfg.enabled() || !fromClaudeCli(headers)) {
            return null;
        }
        Scan s;
        try {
            s = scan(body);
        } catch (IOException | RuntimeException e) {
            return null; // not for us to judge: the usual path answers a malformed body
        }
        if (s.messages == 1 && s.firstIsUser) {
            String text = s.firstText.strip();
            if (cfg.warmup() && text.equalsIgnoreCase("warmup")) {
                return new Match(Kind.WARMUP, "OK");
            }
            if (cfg.quota() && text.equalsIgnoreCase("quota") && s.maxTokens >= 0 && s.maxTokens <= 16) {
                return new Match(Kind.QUOTA, "OK");
            }
        }
        if (!cfg.title()) {
            return null;
        }
        String all = (s.system + "\n" + s.firstText).toLowerCase(Locale.ROOT);
        if (all.contains("indicates a new conversation topic")) {
            return new Match(Kind.TOPIC, "{\"isNewTopic\": false, \"title\": null}");
        }
        if (all.contains("word title") || all.contains("summarize this coding conversation")
                || all.contains("summarize this conversation")) {
            return new Match(Kind.TITLE, title(s.firstText));
        }
        return null;
    }

    /** A title from the conversation the request quotes: its first {@code User:} line, cut to 50 characters. */
    static String title(String prompt) {
        String line = null;
        for (String l : prompt.split("\n")) {
            String t = l.strip();
            if (t.regionMatches(true, 0, "User:", 0, 5)) {
                line = t.substring(5).strip();
                break;
            }
        }
        if (line == null) { // no transcript: the last non-empty line that is not the instruction
            for (String l : prompt.split("\n")) {
                String t = l.strip();
                String low = t.toLowerCase(Locale.ROOT);
                boolean instruction = low.contains("title") || low.contains("summarize") || low.startsWith("respond");
                if (!t.isEmpty() && !instruction) {
                    line = t;
                }
            }
        }
        String t = line == null ? "" : line.replaceAll("\\s+", " ").replaceAll("^[\"'`]+|[\"'`]+$", "").strip();
        if (t.length() > MAX_TITLE) {
            int cut = t.lastIndexOf(' ', MAX_TITLE);
            t = t.substring(0, cut > 20 ? cut : MAX_TITLE).strip();
        }
        t = t.replaceAll("[\\s.,;:!?-]+$", "");
        return t.isEmpty() ? "New conversation" : t;
    }

    /** Writes the answer to {@code model}'s request as Anthropic would: a message, or its stream of events. */
    static void answer(Match m, String model, boolean stream, ResponseSink sink) {
        String id = "msg_sluice_" + Long.toHexString(System.nanoTime()) + IDS.incrementAndGet();
        int outputTokens = Math.max(1, (m.text().length() + 3) / 4);
        if (!stream) {
            JsonText j = new JsonText().begin().field("id", id).field("type", "message").field("role", "assistant")
                    .field("model", model).array("content").begin().field("type", "text").field("text", m.text())
                    .end().endArray().field("stop_reason", "end_turn").field("stop_sequence", (String) null)
                    .begin("usage").field("input_tokens", 0).field("output_tokens", outputTokens).end().end();
            SimpleHandler.json(sink, HttpResponseStatus.OK, j.toString());
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        HttpUtil.setTransferEncodingChunked(head, true);
        sink.head(head);
        StringBuilder sse = new StringBuilder(512);
        event(sse, "message_start", new JsonText().begin().field("type", "message_start").begin("message")
                .field("id", id).field("type", "message").field("role", "assistant").field("model", model)
                .array("content").endArray().field("stop_reason", (String) null)
                .field("stop_sequence", (String) null).begin("usage").field("input_tokens", 0)
                .field("output_tokens", 1).end().end().end());
        event(sse, "content_block_start", new JsonText().begin().field("type", "content_block_start")
                .field("index", 0).begin("content_block").field("type", "text").field("text", "").end().end());
        event(sse, "content_block_delta", new JsonText().begin().field("type", "content_block_delta")
                .field("index", 0).begin("delta").field("type", "text_delta").field("text", m.text()).end().end());
        event(sse, "content_block_stop", new JsonText().begin().field("type", "content_block_stop")
                .field("index", 0).end());
        event(sse, "message_delta", new JsonText().begin().field("type", "message_delta").begin("delta")
                .field("stop_reason", "end_turn").field("stop_sequence", (String) null).end().begin("usage")
                .field("output_tokens", outputTokens).end().end());
        event(sse, "message_stop", new JsonText().begin().field("type", "message_stop").end());
        sink.end(HttpResponses.utf8(sink.alloc(), sse));
    }

    private static void event(StringBuilder sse, String name, JsonText data) {
        sse.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
    }

    /** What the patterns look at: the message count, the first message's role and text, the system text. */
    private static final class Scan {
        int messages;
        boolean firstIsUser;
        String firstText = "";
        String system = "";
        long maxTokens = -1;
    }

    private static Scan scan(ByteBuf body) throws IOException {
        Scan s = new Scan();
        try (JsonParser p = JsonIo.requestParser(body.duplicate())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals("messages") && v == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        s.messages++;
                        boolean first = s.messages == 1;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String mf = p.currentName();
                            JsonToken mv = p.nextToken();
                            if (first && mf.equals("role") && mv == JsonToken.VALUE_STRING) {
                                s.firstIsUser = p.getText().equals("user");
                            } else if (first && mf.equals("content")) {
                                s.firstText = text(p, mv);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                } else if (f.equals("system")) {
                    s.system = text(p, v);
                } else if (f.equals("max_tokens") && v.isNumeric()) {
                    s.maxTokens = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
        }
        return s;
    }

    /** A content or system value as text: a string, or the text blocks of a list joined by newlines. */
    private static String text(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            String t = p.getText();
            return t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT) : t;
        }
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return "";
        }
        StringBuilder sb = new StringBuilder();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String type = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String bf = p.currentName();
                JsonToken bv = p.nextToken();
                if (bf.equals("type") && bv == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if (bf.equals("text") && bv == JsonToken.VALUE_STRING) {
                    text = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if (text != null && (type == null || type.equals("text")) && sb.length() < MAX_TEXT) {
                sb.append(sb.length() == 0 ? "" : "\n").append(text);
            }
        }
        return sb.length() > MAX_TEXT ? sb.substring(0, MAX_TEXT) : sb.toString();
    }

    /**
     * Claude Code's warm-up, quota check or title request answered here, logged under {@link ChatService#BYPASS_LOG}
     * and counted; false (nothing done) for any other request.
     */
    static boolean answered(BypassConfig bypass, InboundRequest request, CompositeByteBuf body,
                            ChatRequestScanner scan, ResponseSink sink, SluiceMetrics metrics, Operations ops) {
        Match m = match(bypass, request.headers(), body);
        if (m == null) {
            return false;
        }
        body.release();
        String model = scan.model() == null ? "" : scan.model();
        String kind = m.kind().name().toLowerCase(java.util.Locale.ROOT);
        metrics.bypassed(kind);
        ops.log(ChatService.BYPASS_LOG, LogLevel.INFO, "bypass", "Claude Code's " + kind
                + " request answered by Sluice, no provider called", Text.printable(model), 200, 0L, null);
        answer(m, model, scan.stream(), sink);
        return true;
    }
}
