package io.sluice.proxy.mock;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.codec.sse.SseWriter;
import io.sluice.proxy.config.MockSettings;
import io.sluice.proxy.server.ChatRequest;
import io.sluice.proxy.server.Exchange;
import io.sluice.proxy.server.Json;
import io.sluice.proxy.server.ResponseSink;
import io.sluice.providers.Operation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in mock provider: answers in-process, in OpenAI's chat format, streamed one piece per
 * {@code chunkDelay} on the client's event loop, so {@code bin/sluice} works offline. Embeddings and image
 * generation are answered at once ({@link MockEmbeddings}, {@link MockImages}).
 */
public final class MockExchange implements Exchange {

    private static final AtomicLong IDS = new AtomicLong();

    private final ChatRequest request;
    private final ResponseSink sink;
    private final MockSettings settings;
    private final String id = "chatcmpl-mock-" + IDS.incrementAndGet();
    private final long created = System.currentTimeMillis() / 1000;

    private MockAnswer answer;
    private int next = -1; // -1: role chunk not yet sent
    private ScheduledFuture<?> tick;
    private boolean waitingForWritable;
    private boolean done;

    public MockExchange(ChatRequest request, ResponseSink sink, MockSettings settings) {
        this.request = request;
        this.sink = sink;
        this.settings = settings;
    }

    @Override
    public void start() {
        if (request.operation() != Operation.CHAT) {
            answerOperation();
            return;
        }
        try {
            answer = MockAnswer.of(request.route().upstreamModel(), request.body(), settings.chunkWords());
        } catch (IOException | RuntimeException e) {
            finish();
            sink.fail(HttpResponseStatus.BAD_REQUEST, "mock provider cannot read the request: " + e.getMessage(),
                    "invalid_request_error", "invalid_json");
            return;
        } finally {
            request.body().release();
        }
        io.sluice.proxy.ops.RequestTrace trace = sink.trace();
        if (trace != null) {
            trace.usage(answer.promptTokens(), answer.completionTokens(), 0, 0); // the mock's own count is real
        }
        if (request.stream()) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            HttpUtil.setTransferEncodingChunked(head, true);
            sink.head(head);
            step();
        } else {
            ByteBuf body = sink.alloc().buffer(256 + answer.text().length());
            body.writeCharSequence(completionJson(), StandardCharsets.UTF_8);
            finish();
            sink.head(Json.response(HttpResponseStatus.OK, body));
            sink.end(null);
        }
    }

    /** Embeddings and image generation: one JSON response, or 400 for a request OpenAI would refuse too. */
    private void answerOperation() {
        String json;
        try {
            JsonNode root = MockAnswer.readTree(request.body());
            json = request.operation() == Operation.EMBEDDINGS ? MockEmbeddings.answer(request.model(), root)
                    : MockImages.answer(root, created);
        } catch (MockRequestException e) {
            finish();
            sink.fail(HttpResponseStatus.BAD_REQUEST, e.getMessage(), "invalid_request_error", "invalid_request");
            return;
        } catch (IOException | RuntimeException e) {
            finish();
            sink.fail(HttpResponseStatus.BAD_REQUEST, "mock provider cannot read the request: " + e.getMessage(),
                    "invalid_request_error", "invalid_json");
            return;
        } finally {
            request.body().release();
        }
        ByteBuf body = sink.alloc().buffer(json.length());
        body.writeCharSequence(json, StandardCharsets.UTF_8);
        finish();
        sink.head(Json.response(HttpResponseStatus.OK, body));
        sink.end(null);
    }

    /** Writes the next event; schedules the one after it. */
    private void step() {
        tick = null;
        if (done || sink.isDone()) {
            return;
        }
        if (!sink.isWritable()) {
            waitingForWritable = true;
            return;
        }
        if (next < answer.pieces().size()) {
            sink.content(SseWriter.data(sink.alloc(), chunkJson(next)));
            sink.flush();
            next++;
            long delay = settings.chunkDelay().toNanos();
            if (delay <= 0) {
                sink.eventLoop().execute(this::step);
            } else {
                tick = sink.eventLoop().schedule(this::step, delay, TimeUnit.NANOSECONDS);
            }
            return;
        }
        sink.content(SseWriter.data(sink.alloc(), finishChunkJson()));
        if (request.includeUsage()) {
            sink.content(SseWriter.data(sink.alloc(), usageChunkJson()));
        }
        finish();
        sink.end(SseWriter.done());
    }

    @Override
    public void clientWritable() {
        if (waitingForWritable && !done) {
            waitingForWritable = false;
            step();
        }
    }

    @Override
    public void abort() {
        if (!done) {
            finish();
        }
    }

    private void finish() {
        done = true;
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
    }

    private StringBuilder prefix(String object) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"id\":\"").append(id).append("\",\"object\":\"").append(object)
                .append("\",\"created\":").append(created).append(",\"model\":");
        Json.quote(sb, request.model());
        return sb.append(",\"system_fingerprint\":\"sluice-mock\"");
    }

    /** Piece {@code i}, or the role-only opening chunk for {@code i == -1}. */
    private String chunkJson(int i) {
        StringBuilder sb = prefix("chat.completion.chunk").append(",\"choices\":[{\"index\":0,\"delta\":{");
        if (i < 0) {
            sb.append("\"role\":\"assistant\",\"content\":\"\"");
        } else {
            sb.append("\"content\":");
            Json.quote(sb, answer.pieces().get(i));
        }
        sb.append("},\"logprobs\":null,\"finish_reason\":null}]");
        if (request.includeUsage()) {
            sb.append(",\"usage\":null");
        }
        return sb.append('}').toString();
    }

    private String finishChunkJson() {
        StringBuilder sb = prefix("chat.completion.chunk").append(",\"choices\":[{\"index\":0,\"delta\":{},")
                .append("\"logprobs\":null,\"finish_reason\":\"").append(answer.finishReason()).append("\"}]");
        if (request.includeUsage()) {
            sb.append(",\"usage\":null");
        }
        return sb.append('}').toString();
    }

    private String usageChunkJson() {
        return usage(prefix("chat.completion.chunk").append(",\"choices\":[],")).append('}').toString();
    }

    private StringBuilder usage(StringBuilder sb) {
        return sb.append("\"usage\":{\"prompt_tokens\":").append(answer.promptTokens())
                .append(",\"completion_tokens\":").append(answer.completionTokens())
                .append(",\"total_tokens\":").append(answer.promptTokens() + answer.completionTokens())
                .append(",\"prompt_tokens_details\":{\"cached_tokens\":0}")
                .append(",\"completion_tokens_details\":{\"reasoning_tokens\":0}}");
    }

    private String completionJson() {
        StringBuilder sb = prefix("chat.completion").append(",\"choices\":[{\"index\":0,\"message\":{")
                .append("\"role\":\"assistant\",\"content\":");
        Json.quote(sb, answer.text());
        sb.append(",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"").append(answer.finishReason())
                .append("\"}],");
        return usage(sb).append('}').toString();
    }

}
