package io.sluice.proxy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ByteProcessor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.codec.hub.HubError;
import io.sluice.proxy.exchange.ForwardingSink;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.state.ResponseStore;
import io.sluice.proxy.state.StoredResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A Responses client's sink that keeps the answer the client sees: the non-streaming body, or the response carried by
 * the stream's {@code response.completed} (or {@code response.incomplete}) event, stored before that event is passed
 * on, so that a client that goes on at once finds it. Failed, cut or error answers store nothing. Bytes are copied to
 * the heap as they pass (the client's buffers are never held); a capture larger than the cap is given up.
 */
final class ResponseCapture extends ForwardingSink implements ByteProcessor {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(ResponseCapture.class);

    private enum Mode { WAITING, JSON, SSE, OFF }

    /** What the stored copy of the answer says of the request that the live answer may not. */
    record Request(String scope, StoredInput input, String previousResponseId, String instructions) {
    }

    /** The expanded input as stored (a JSON array) and the ids of its items. */
    record StoredInput(byte[] json, List<String> itemIds) {
    }

    private final ResponseStore store;
    private final Request request;
    private final int maxBytes;
    private final LongSupplier clock;
    private Mode mode = Mode.WAITING;
    /** JSON: the body so far; SSE: the current line. */
    private byte[] buf = new byte[256];
    private int len;
    /** SSE: the current event's name and its data lines. */
    private String event;
    private byte[] data;
    private int dataLen;
    private boolean dataSeen;

    ResponseCapture(ResponseSink client, ResponseStore store, Request request, int maxBytes, LongSupplier clock) {
        super(client);
        this.store = store;
        this.request = request;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    @Override
    public void head(HttpResponse head) {
        if (mode == Mode.WAITING) {
            int status = head.status().code();
            String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "").toLowerCase(Locale.ROOT);
            mode = status != HttpResponseStatus.OK.code() ? Mode.OFF
                    : type.startsWith("text/event-stream") ? Mode.SSE : Mode.JSON;
            if (head instanceof FullHttpResponse full) {
                take(full.content());
                if (mode == Mode.JSON) {
                    finishJson();
                }
            }
        }
        client.head(head);
    }

    @Override
    public void content(ByteBuf chunk) {
        take(chunk);
        client.content(chunk);
    }

    @Override
    public void end(ByteBuf lastOrNull) {
        if (lastOrNull != null) {
            take(lastOrNull);
        }
        if (mode == Mode.JSON) {
            finishJson();
        }
        mode = Mode.OFF;
        client.end(lastOrNull);
    }

    @Override
    public void fail(HttpResponseStatus status, String message, String code) {
        mode = Mode.OFF;
        client.fail(status, message, code);
    }

    @Override
    public void failRetryAfter(HttpResponseStatus status, String message, String code, long retryAfterSeconds) {
        mode = Mode.OFF;
        client.failRetryAfter(status, message, code, retryAfterSeconds);
    }

    @Override
    public void endWithError(HubError error) {
        mode = Mode.OFF;
        client.endWithError(error);
    }

    private void take(ByteBuf chunk) {
        if (mode == Mode.JSON) {
            int n = chunk.readableBytes();
            if (!room(len + (long) n)) {
                return;
            }
            chunk.getBytes(chunk.readerIndex(), buf, len, n);
            len += n;
        } else if (mode == Mode.SSE && chunk.isReadable()) {
            chunk.forEachByte(chunk.readerIndex(), chunk.readableBytes(), this);
        }
    }

    /** Grows {@link #buf} to hold {@code need} bytes; false (and capture given up) past the cap. */
    private boolean room(long need) {
        if (need > maxBytes) {
            giveUp();
            return false;
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(maxBytes, Math.max(need, 2L * buf.length)));
        }
        return true;
    }

    private void giveUp() {
        mode = Mode.OFF;
        buf = null;
        data = null;
    }

    // ---- SSE: lines, then events (https://html.spec.whatwg.org/multipage/server-sent-events.html) ----

    @Override
    public boolean process(byte b) {
        if (b == '\n') {
            line();
            return mode == Mode.SSE;
        }
        if (room(len + 1L)) {
            buf[len++] = b;
            return true;
        }
        return false;
    }

    private void line() {
        int n = len > 0 && buf[len - 1] == '\r' ? len - 1 : len;
        len = 0;
        if (n == 0) {
            dispatch();
            return;
        }
        if (startsWith(n, "event:")) {
            event = new String(buf, 6, n - 6, StandardCharsets.UTF_8).strip();
        } else if (startsWith(n, "data:") && (event == null || terminal(event))) {
            int from = n > 5 && buf[5] == ' ' ? 6 : 5;
            int add = n - from + (dataSeen ? 1 : 0);
            if (dataLen + (long) add > maxBytes) {
                giveUp();
                return;
            }
            if (data == null || data.length < dataLen + add) {
                data = Arrays.copyOf(data == null ? new byte[256] : data, Math.max(dataLen + add, 2 * dataLen));
            }
            if (dataSeen) {
                data[dataLen++] = '\n';
            }
            System.arraycopy(buf, from, data, dataLen, n - from);
            dataLen += n - from;
            dataSeen = true;
        }
    }

    private boolean startsWith(int n, String prefix) {
        if (n < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (buf[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean terminal(String event) {
        return event.equals("response.completed") || event.equals("response.incomplete");
    }

    private void dispatch() {
        String name = event;
        event = null;
        if (!dataSeen) {
            return;
        }
        dataSeen = false;
        int n = dataLen;
        dataLen = 0;
        if (name != null && !terminal(name) || n == 0 || data[0] != '{') {
            return;
        }
        JsonNode ev = parse(data, n);
        if (ev != null && terminal(ev.path("type").asText(""))) {
            keep(ev.get("response"));
            giveUp(); // one answer per stream
        }
    }

    // ---- storing ----

    private void finishJson() {
        JsonNode body = mode == Mode.JSON ? parse(buf, len) : null;
        giveUp();
        if (body != null && "response".equals(body.path("object").asText(null))) {
            keep(body);
        }
    }

    private static JsonNode parse(byte[] bytes, int n) {
        try {
            return ResponseInput.JSON.readTree(bytes, 0, n);
        } catch (IOException e) {
            return null;
        }
    }

    private void keep(JsonNode response) {
        if (!(response instanceof ObjectNode r) || !r.path("id").isTextual()) {
            return;
        }
        String status = r.path("status").asText("");
        if (!status.equals("completed") && !status.equals("incomplete")) {
            return;
        }
        // As OpenAI's retrieve shows it: stored, with the request's own chain and instructions.
        r.put("store", true);
        if (request.previousResponseId() != null) {
            r.put("previous_response_id", request.previousResponseId());
        }
        if (request.instructions() != null && r.path("instructions").isNull()) {
            r.put("instructions", request.instructions());
        }
        List<String> items = new ArrayList<>(request.input().itemIds());
        ResponseInput.ids(r.path("output"), items);
        try {
            store.put(new StoredResponse(request.scope(), r.get("id").textValue(), clock.getAsLong(),
                    request.input().json(), ResponseInput.bytes(r), items));
        } catch (RuntimeException e) {
            // Storing must never cost the client its answer.
            LOG.warn("a Responses answer could not be stored: {}", e.toString());
        }
    }
}
