package io.sluice.proxy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.RequestException;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.codec.hub.HubRequest;
import io.sluice.codec.hub.TokenEstimate;
import io.sluice.providers.ModelLimits;
import io.sluice.proxy.access.Access;
import io.sluice.proxy.access.Admission;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.logs.RequestLogger;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.ops.Operations;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.route.Routing;
import java.util.List;

/**
 * The GitHub-Models seed's advice routes, answered from the catalog with no provider call:
 * {@code POST /v1/recommend-model} ({@link Recommender}) and {@code POST /v1/check-context} (a token estimate of a
 * text or a chat request against the model's context window and output cap). Client keys apply: a key sees and
 * checks only the models it may use.
 */
public final class AdviceService {

    /** How the estimate is made, said in every answer: it is not a tokenizer. */
    static final String ESTIMATE = "about 4 characters a token, +3 a message, +8 a tool, 1,600 an image:"
            + " an estimate, not the model's tokenizer";

    private final Admission admission;
    private final Routing routing;
    private final Operations ops;
    private final SluiceMetrics metrics;

    public AdviceService(Admission admission, Routing routing, Operations ops, SluiceMetrics metrics) {
        this.admission = admission;
        this.routing = routing;
        this.ops = ops;
        this.metrics = metrics;
    }

    RequestHandler open(InboundRequest request, RouteFamily route, ClientKeys.Key key) {
        return new Advice(request, route, key, ops.capture(request.method().name(), request.uri(),
                request.headers()));
    }

    private final class Advice extends RouteHandler {
        private final ClientKeys.Key key;
        private final RequestLogger.Capture capture;

        Advice(InboundRequest request, RouteFamily route, ClientKeys.Key key, RequestLogger.Capture capture) {
            super(request, route, metrics);
            this.key = key;
            this.capture = capture;
        }

        @Override
        public boolean readsBody() {
            return request.method().equals(HttpMethod.POST);
        }

        @Override
        public void respond(CompositeByteBuf body, ResponseSink sink) {
            try {
                if (!request.method().equals(HttpMethod.POST)) {
                    SimpleHandler.methodNotAllowed(sink, route, request, "POST");
                    return;
                }
                if (capture != null && body != null) {
                    capture.clientRequest(body);
                }
                ObjectNode json = JsonBody.read(body);
                String answer = route == RouteFamily.RECOMMEND_MODEL
                        ? new Recommender(routing.router(), key).recommend(json) : check(json, sink);
                if (answer != null) {
                    SimpleHandler.json(sink, HttpResponseStatus.OK, answer);
                }
            } catch (JsonBody.BadBody e) {
                SimpleHandler.error(sink, route.dialect, HttpResponseStatus.BAD_REQUEST, e.getMessage(),
                        e.param() == null ? "invalid_json" : "invalid_request", e.param());
            } catch (RequestException e) {
                SimpleHandler.error(sink, route.dialect, HttpResponseStatus.BAD_REQUEST, e.getMessage(),
                        "invalid_request", e.param());
            } catch (WorkBudgetException e) {
                SimpleHandler.tooComplex(sink, route.dialect, e);
            } finally {
                if (body != null) {
                    body.release();
                }
            }
        }

        /** {@code /v1/check-context}: the answer, or null after answering an error. */
        private String check(ObjectNode json, ResponseSink sink) throws JsonBody.BadBody, RequestException {
            String model = JsonBody.required(json, "model");
            String text = JsonBody.text(json, "text");
            JsonNode messages = json.get("messages");
            boolean chat = messages != null && !messages.isNull();
            if (text == null && !chat) {
                throw new JsonBody.BadBody("text: required (or messages, a chat request's)", "text");
            }
            if (text != null && chat) {
                throw new JsonBody.BadBody("text: give text or messages, not both", "text");
            }
            Integer wanted = JsonBody.integer(json, "max_tokens", 1, Integer.MAX_VALUE);
            if (wanted == null) {
                wanted = JsonBody.integer(json, "max_completion_tokens", 1, Integer.MAX_VALUE);
            }
            ModelRouter.Route target = route(model, sink);
            if (target == null) {
                return null;
            }
            long estimated;
            if (chat) {
                ByteBuf b = chatBody(json, sink);
                try {
                    HubRequest hub = Dialects.OPENAI.readRequest(b);
                    estimated = TokenEstimate.of(hub);
                } finally {
                    b.release();
                }
            } else {
                estimated = (text.length() + TokenEstimate.CHARS_PER_TOKEN - 1L) / TokenEstimate.CHARS_PER_TOKEN;
            }
            ModelLimits limits = target.provider().descriptor().limits(target.upstreamModel());
            int window = limits == null ? 0 : limits.contextWindow();
            int out = limits == null ? 0 : limits.maxOutputTokens();
            JsonText j = new JsonText().begin().field("model", model).field("provider", target.provider().name())
                    .field("upstreamModel", target.upstreamModel()).field("estimatedTokens", estimated)
                    .field("limit", window > 0 ? window : null);
            List<String> problems = new java.util.ArrayList<>();
            if (window > 0) {
                if (estimated > window) {
                    problems.add("the text is about " + ModelProfile.tokens(estimated) + " tokens; the context"
                            + " window is " + ModelProfile.tokens(window));
                } else if (wanted != null && estimated + wanted > window) {
                    problems.add("the text and max_tokens (" + ModelProfile.tokens(estimated + wanted)
                            + " tokens) pass the context window of " + ModelProfile.tokens(window));
                }
            }
            if (out > 0 && wanted != null && wanted > out) {
                problems.add("max_tokens " + ModelProfile.tokens(wanted) + " is over the model's output cap of "
                        + ModelProfile.tokens(out));
            }
            j.field("fits", window > 0 ? (Object) problems.isEmpty() : null)
                    .field("usage", window > 0 ? (Object) (Math.round(estimated * 1000.0 / window) / 10.0) : null)
                    .field("contextWindow", window > 0 ? window : null)
                    .field("maxOutputTokens", out > 0 ? out : null)
                    .field("maxTokens", wanted)
                    .field("availableOutputTokens", window > 0
                            ? (Object) Math.max(0, out > 0 ? Math.min(out, window - estimated) : window - estimated)
                            : null)
                    .stringArray("problems", problems);
            if (window <= 0) {
                j.field("note", "the context window of " + target.provider().name() + " "
                        + target.upstreamModel() + " is not in Sluice's catalog: nothing to check against");
            }
            return j.field("estimate", ESTIMATE).end().toString();
        }

        /** The route of {@code model}, or null after answering 400, 404 or 403 as a model request would. */
        private ModelRouter.Route route(String model, ResponseSink sink) {
            ModelRouter router = routing.router();
            String bad = ModelRouter.invalid(model);
            if (bad != null) {
                SimpleHandler.error(sink, route.dialect, HttpResponseStatus.BAD_REQUEST, bad + ": `"
                        + Text.printable(model) + "`", "invalid_model", "model");
                return null;
            }
            ModelRouter.Route target = router.resolve(model);
            if (target == null) {
                List<String> close = Hints.closeMatches(router, key, model);
                SimpleHandler.error(sink, route.dialect, HttpResponseStatus.NOT_FOUND, "The model `"
                        + Text.printable(model) + "` does not exist" + (close.isEmpty() ? ""
                        : "; did you mean " + String.join(", ", close) + "?"), "model_not_found", "model");
                return null;
            }
            Access.Denial no = admission.model(key, model, target.provider().name(), target.upstreamModel());
            if (no != null) {
                SimpleHandler.deny(sink, route.dialect, no);
                return null;
            }
            return target;
        }

        @Override
        public void sent(ByteBuf chunk) {
            if (capture != null) {
                capture.clientResponse(chunk);
            }
        }

        @Override
        void accounted(int status, long nanos) {
            if (capture != null) {
                capture.finish(status, null, null, nanos / 1_000_000);
            }
        }
    }

    /** A chat completions body of the check's {@code model} and {@code messages} (and tools), for the estimate. */
    private static ByteBuf chatBody(ObjectNode json, ResponseSink sink) {
        return JsonBody.write(sink.alloc(), g -> {
            g.writeStartObject();
            g.writeStringField("model", json.path("model").asText());
            g.writeFieldName("messages");
            JsonBody.MAPPER.writeTree(g, json.get("messages"));
            if (json.hasNonNull("tools")) {
                g.writeFieldName("tools");
                JsonBody.MAPPER.writeTree(g, json.get("tools"));
            }
            g.writeEndObject();
        });
    }
}
