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
import io.sluice.providers.Operation;
import io.sluice.proxy.config.MockSettings;
import io.sluice.proxy.exchange.Exchange;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.Outcome;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.exchange.UpstreamRequest;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.ops.RequestTrace;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in mock provider: answers in-process, in OpenAI's chat format, streamed one piece per
 * {@code chunkDelay} on the client's event loop, so {@code bin/sluice} works offline. Embeddings and image
 * generation are answered at once ({@link MockEmbeddings}, {@link MockImages}).
 */
public final class MockExchange implements Exchange {

    private static final AtomicLong IDS = new AtomicLong();

    private final UpstreamRequest request;
    private final ResponseSink sink;
    private final MockSettings settings;
    private final Outcome.Listener listener;
    private final String id = "chatcmpl-mock-" + IDS.incrementAndGet();
    private final long created = System.currentTimeMillis() / 1000;

    private MockAnswer answer;
    private int next = -1; // -1: role chunk not yet sent
    private ScheduledFuture<?> tick;
    private boolean waitingForWritable;
    private boolean done;

    public MockExchange(UpstreamRequest request, ResponseSink sink, MockSettings settings, Outcome.Listener listener) {
        this.request = request;
        this.sink = sink;
        this.settings = settings;
        this.listener = listener;
    }

    @Override
    public void start() {
        if (request.operation() != Operation.CHAT) {
            answerOperation();
            return;
        }
        try {
            answer = MockAnswer.of(request.upstreamModel(), request.body(), settings.chunkWords());
        } catch (IOException | RuntimeException e) {
            refuse("mock provider cannot read the request: " + e.getMessage(), "invalid_json");
            return;
        } finally {
            request.body().release();
        }
        RequestTrace trace = request.trace();
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
            ByteBuf body = HttpResponses.utf8(sink.alloc(), completionJson());
            finish();
            listener.outcome(Outcome.Committed.INSTANCE);
            sink.head(HttpResponses.json(HttpResponseStatus.OK, body));
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
            refuse(e.getMessage(), "invalid_request");
            return;
        } catch (IOException | RuntimeException e) {
            refuse("mock provider cannot read the request: " + e.getMessage(), "invalid_json");
            return;
        } finally {
            request.body().release();
        }
        ByteBuf body = HttpResponses.utf8(sink.alloc(), json);
        finish();
        listener.outcome(Outcome.Committed.INSTANCE);
        sink.head(HttpResponses.json(HttpResponseStatus.OK, body));
        sink.end(null);
    }

    /** A request a provider would refuse with 400: the request's fault, so nobody tries it again. */
    private void refuse(String message, String code) {
        finish();
        listener.outcome(new Outcome.FailedEarly(400, null, message, null,
                new Outcome.EarlyAnswer(HttpResponseStatus.BAD_REQUEST, message, code)));
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
        listener.outcome(Outcome.Committed.INSTANCE);
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
            listener.outcome(Outcome.Aborted.INSTANCE);
        }
    }

    private void finish() {
        done = true;
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
    }

    private JsonText prefix(String object) {
        return new JsonText().begin().field("id", id).field("object", object).field("created", created)
                .field("model", request.model()).field("system_fingerprint", "sluice-mock");
    }

    /** Piece {@code i}, or the role-only opening chunk for {@code i == -1}. */
    private String chunkJson(int i) {
        JsonText out = prefix("chat.completion.chunk").array("choices").beginObject().field("index", 0)
                .begin("delta");
        if (i < 0) {
            out.field("role", "assistant").field("content", "");
        } else {
            out.field("content", answer.pieces().get(i));
        }
        out.end().field("logprobs", null).field("finish_reason", null).end().endArray();
        if (request.includeUsage()) {
            out.field("usage", null);
        }
        return out.end().toString();
    }

    private String finishChunkJson() {
        JsonText out = prefix("chat.completion.chunk").array("choices").beginObject().field("index", 0)
                .begin("delta").end().field("logprobs", null).field("finish_reason", answer.finishReason()).end()
                .endArray();
        if (request.includeUsage()) {
            out.field("usage", null);
        }
        return out.end().toString();
    }

    private String usageChunkJson() {
        return usage(prefix("chat.completion.chunk").array("choices").endArray()).end().toString();
    }

    private JsonText usage(JsonText out) {
        return out.begin("usage").field("prompt_tokens", answer.promptTokens())
                .field("completion_tokens", answer.completionTokens())
                .field("total_tokens", answer.promptTokens() + answer.completionTokens())
                .begin("prompt_tokens_details").field("cached_tokens", 0).end()
                .begin("completion_tokens_details").field("reasoning_tokens", 0).end().end();
    }

    private String completionJson() {
        JsonText out = prefix("chat.completion").array("choices").beginObject().field("index", 0)
                .begin("message").field("role", "assistant").field("content", answer.text()).field("refusal", null)
                .end().field("logprobs", null).field("finish_reason", answer.finishReason()).end().endArray();
        return usage(out).end().toString();
    }
}
