package io.sluice.proxy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.codec.dialect.anthropic.AnthropicDialect;
import io.sluice.codec.dialect.gemini.GeminiDialect;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.TokenEstimate;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.logs.RequestLogger;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.ops.Operations;

/**
 * {@code POST /v1/messages/count_tokens}: an estimate from the request's text ({@link TokenEstimate}), marked as such
 * in README only (Anthropic's response has one field). No provider is called.
 */
public final class CountTokensService {

    private final Operations ops;
    private final SluiceMetrics metrics;

    public CountTokensService(Operations ops, SluiceMetrics metrics) {
        this.ops = ops;
        this.metrics = metrics;
    }

    RequestHandler open(InboundRequest request) {
        return new Count(request, RouteFamily.COUNT_TOKENS, ops.capture(request.method().name(), request.uri(),
                request.headers()));
    }

    /**
     * {@code POST /v1beta/models/{model}:countTokens}: the same estimate for a Gemini body, {@code contents} (with
     * {@code systemInstruction} and {@code tools}) or all of it inside {@code generateContentRequest}.
     */
    RequestHandler openGemini(InboundRequest request) {
        return new Count(request, RouteFamily.GEMINI_COUNT_TOKENS, ops.capture(request.method().name(),
                request.uri(), request.headers()));
    }

    /** The generate request a countTokens body holds: itself, or its {@code generateContentRequest}. */
    static ByteBuf geminiRequest(ByteBuf body) throws JsonBody.BadBody {
        ObjectNode root = JsonBody.read(body);
        JsonNode inner = root.get("generateContentRequest");
        if (inner == null || inner.isNull()) {
            return body;
        }
        if (!inner.isObject()) {
            throw new JsonBody.BadBody("generateContentRequest: " + JsonBody.kind(inner) + " (expected: an object)",
                    "generateContentRequest");
        }
        try {
            return Unpooled.wrappedBuffer(JsonBody.MAPPER.writeValueAsBytes(inner));
        } catch (JsonProcessingException e) {
            throw new JsonBody.BadBody("generateContentRequest: " + e.getOriginalMessage(), "generateContentRequest");
        }
    }

    private final class Count extends ScannedRequest {

        Count(InboundRequest request, RouteFamily route, RequestLogger.Capture capture) {
            super(request, route, metrics, capture);
        }

        @Override
        void respond(CompositeByteBuf body, ChatRequestScanner scan, ResponseSink sink) {
            try {
                if (route == RouteFamily.GEMINI_COUNT_TOKENS) {
                    HubRequest hub = GeminiDialect.INSTANCE.readRequest(geminiRequest(body));
                    SimpleHandler.json(sink, HttpResponseStatus.OK,
                            new JsonText().begin().field("totalTokens", TokenEstimate.of(hub)).end().toString());
                    return;
                }
                HubRequest hub = AnthropicDialect.INSTANCE.readCountTokensRequest(body);
                SimpleHandler.json(sink, HttpResponseStatus.OK,
                        new JsonText().begin().field("input_tokens", TokenEstimate.of(hub)).end().toString());
            } catch (JsonBody.BadBody e) {
                SimpleHandler.error(sink, route.dialect, HttpResponseStatus.BAD_REQUEST, e.getMessage(),
                        "invalid_request", e.param());
            } catch (RequestException e) {
                sink.fail(HttpResponseStatus.BAD_REQUEST, e.getMessage(), "invalid_request");
            } catch (WorkBudgetException e) {
                SimpleHandler.tooComplex(sink, route.dialect, e);
            } finally {
                body.release();
            }
        }

        @Override
        public void sent(ByteBuf chunk) {
            if (capture != null) {
                capture.clientResponse(chunk);
            }
        }

        @Override
        void accounted(int status, long nanos) {
            releaseScanner();
            if (capture != null) {
                capture.finish(status, null, null, nanos / 1_000_000);
            }
        }
    }
}
