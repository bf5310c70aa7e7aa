package io.sluice.proxy.service;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.dialect.Dialect;
import io.sluice.codec.dialect.Dialects;
import io.sluice.codec.dialect.WorkBudgetException;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.route.ModelRouter;
import io.sluice.proxy.route.Routing;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * The GitHub-Models seed's helper routes that call a model: {@code POST /v1/simple-chat} ({@code {message, model}}
 * in, the answer's text out), {@code POST /v1/proxy} ({@code {model, input, type, options}}: a chat completions or
 * Responses request, answered as such, streamed when {@code options.stream} says so) and {@code GET /v1/test-model}
 * ({@code ?model=}, or {@code POST} with {@code {model}}: one small call, {@code {working, model, response|error}}).
 *
 * <p>Each writes an ordinary chat completions (or Responses) body from its own and hands it to {@link ChatService}:
 * the same admission, routing, allow-list, translation, scheduler, retries, usage and logs as any model request,
 * counted under the helper's route.
 */
public final class HelperService {

    /** The seed's system message for {@code /v1/simple-chat}. */
    static final String SIMPLE_CHAT_SYSTEM = "You are a helpful assistant.";
    /** The seed's test call: "Hello", 10 tokens at most. */
    static final String TEST_PROMPT = "Hello";
    static final int TEST_MAX_TOKENS = 10;
    /** Errors of a test call that are the client's, not the model's: answered as errors, not {@code working:false}. */
    private static final Set<String> CLIENT_CODES = Set.of("model_not_allowed", "rate_limit_exceeded",
            "missing_api_key", "invalid_api_key");
    /** Provider headers a helper's answer keeps: the gate's report and request ids. */
    private static final String[] KEPT_HEADERS = {"x-upstream-active", "x-upstream-queue", "x-request-id"};

    private final ChatService chat;
    private final Routing routing;
    private final SluiceMetrics metrics;

    public HelperService(ChatService chat, Routing routing, SluiceMetrics metrics) {
        this.chat = chat;
        this.routing = routing;
        this.metrics = metrics;
    }

    RequestHandler open(InboundRequest request, RouteFamily route, ClientKeys.Key key, String credential) {
        return new Call(request, route, key, credential);
    }

    /** The chat request a helper's body asks for. */
    private record Plan(Dialect dialect, String model, ByteBuf body) {
    }

    /** One helper request: its own body read, then a model request answered through {@link ChatService}. */
    private final class Call implements RequestHandler {
        private final InboundRequest request;
        private final RouteFamily route;
        private final ClientKeys.Key key;
        private final String credential;
        private RequestHandler inner;
        private AnswerSink answers;

        Call(InboundRequest request, RouteFamily route, ClientKeys.Key key, String credential) {
            this.request = request;
            this.route = route;
            this.key = key;
            this.credential = credential;
        }

        @Override
        public String route() {
            return route.label();
        }

        @Override
        public Dialect dialect() {
            return inner != null ? inner.dialect() : route.dialect;
        }

        @Override
        public boolean readsBody() {
            return request.method().equals(HttpMethod.POST);
        }

        @Override
        public void respond(CompositeByteBuf body, ResponseSink sink) {
            boolean get = request.method().equals(HttpMethod.GET);
            if (!(request.method().equals(HttpMethod.POST) || get && route == RouteFamily.TEST_MODEL)) {
                release(body);
                SimpleHandler.methodNotAllowed(sink, route, request, route == RouteFamily.TEST_MODEL
                        ? "GET, POST" : "POST");
                return;
            }
            Plan plan;
            try {
                ObjectNode json = get ? query() : JsonBody.read(body);
                plan = plan(json, sink);
            } catch (JsonBody.BadBody e) {
                SimpleHandler.error(sink, route.dialect, HttpResponseStatus.BAD_REQUEST, e.getMessage(),
                        e.param() == null ? "invalid_json" : "invalid_request", e.param());
                return;
            } catch (WorkBudgetException e) {
                SimpleHandler.tooComplex(sink, route.dialect, e);
                return;
            } finally {
                release(body);
            }
            inner = chat.open(request, route, plan.dialect(), key, credential);
            inner.onChunk(plan.body());
            CompositeByteBuf whole = sink.alloc().compositeBuffer(1).addComponent(true, plan.body());
            if (route == RouteFamily.PROXY) {
                inner.respond(whole, sink); // answered as the chat or Responses request it is, streamed or not
                return;
            }
            String model = plan.model();
            boolean known = ModelRouter.invalid(model) == null && routing.router().resolve(model) != null;
            long start = System.nanoTime();
            answers = new AnswerSink(sink, a -> {
                if (!sink.isDone()) {
                    answer(sink, model, known, a, (System.nanoTime() - start) / 1_000_000);
                }
            });
            inner.respond(whole, answers);
        }

        /** {@code GET /v1/test-model?model=}: the query as the body. */
        private ObjectNode query() {
            ObjectNode o = JsonBody.MAPPER.createObjectNode();
            String model = request.query("model");
            if (model != null) {
                o.put("model", model);
            }
            return o;
        }

        private Plan plan(ObjectNode json, ResponseSink sink) throws JsonBody.BadBody {
            switch (route) {
                case SIMPLE_CHAT: {
                    String message = JsonBody.required(json, "message");
                    String model = JsonBody.required(json, "model");
                    String system = JsonBody.text(json, "system");
                    Double temperature = JsonBody.number(json, "temperature", 0, 2);
                    Integer maxTokens = JsonBody.integer(json, "max_tokens", 1, Integer.MAX_VALUE);
                    String sys = system == null ? SIMPLE_CHAT_SYSTEM : system;
                    return new Plan(Dialects.OPENAI, model, JsonBody.write(sink.alloc(), g -> {
                        g.writeStartObject();
                        g.writeStringField("model", model);
                        g.writeBooleanField("stream", false);
                        g.writeArrayFieldStart("messages");
                        if (!sys.isEmpty()) {
                            message(g, "system", sys);
                        }
                        message(g, "user", message);
                        g.writeEndArray();
                        if (temperature != null) {
                            g.writeNumberField("temperature", temperature);
                        }
                        if (maxTokens != null) {
                            g.writeNumberField("max_tokens", maxTokens);
                        }
                        g.writeEndObject();
                    }));
                }
                case TEST_MODEL: {
                    String model = JsonBody.required(json, "model");
                    return new Plan(Dialects.OPENAI, model, JsonBody.write(sink.alloc(), g -> {
                        g.writeStartObject();
                        g.writeStringField("model", model);
                        g.writeArrayFieldStart("messages");
                        message(g, "user", TEST_PROMPT);
                        g.writeEndArray();
                        g.writeNumberField("max_tokens", TEST_MAX_TOKENS);
                        g.writeEndObject();
                    }));
                }
                default:
                    return proxy(json, sink);
            }
        }

        /** {@code /v1/proxy}: {@code {model, input, type, options}} as the seed takes it. */
        private Plan proxy(ObjectNode json, ResponseSink sink) throws JsonBody.BadBody {
            String model = JsonBody.required(json, "model");
            String type = JsonBody.text(json, "type");
            boolean chatType;
            switch (type == null ? "chat" : type.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "chat": case "chat.completions": chatType = true; break;
                case "responses": case "response": case "completion": case "completions": chatType = false; break;
                default:
                    throw new JsonBody.BadBody("type: " + io.sluice.proxy.json.Text.printable(type)
                            + " (expected: chat, or responses for the Responses API)", "type");
            }
            JsonNode input = json.get("input");
            if (input == null || input.isNull()) {
                throw new JsonBody.BadBody("input: required (a string, or an array of "
                        + (chatType ? "messages" : "input items") + ")", "input");
            }
            if (input.isObject()) {
                throw new JsonBody.BadBody("input: expected a string or an array, got an object", "input");
            }
            JsonNode options = json.get("options");
            if (options != null && !options.isNull() && !options.isObject()) {
                throw new JsonBody.BadBody("options: expected an object, got " + JsonBody.kind(options), "options");
            }
            String field = chatType ? "messages" : "input";
            if (options != null && options.isObject()) {
                for (String taken : new String[] {"model", field}) {
                    if (options.has(taken)) {
                        throw new JsonBody.BadBody("options." + taken + ": not allowed (give it as "
                                + (taken.equals("model") ? "model" : "input") + ")", "options." + taken);
                    }
                }
            }
            return new Plan(chatType ? Dialects.OPENAI : Dialects.RESPONSES, model, JsonBody.write(sink.alloc(),
                    g -> {
                        g.writeStartObject();
                        g.writeStringField("model", model);
                        g.writeFieldName(field);
                        if (chatType && !input.isArray()) {
                            g.writeStartArray();
                            message(g, "user", input.asText()); // the seed: String(input) as one user message
                            g.writeEndArray();
                        } else {
                            JsonBody.MAPPER.writeTree(g, input);
                        }
                        if (options != null && options.isObject()) {
                            for (Map.Entry<String, JsonNode> e : options.properties()) {
                                g.writeFieldName(e.getKey());
                                JsonBody.MAPPER.writeTree(g, e.getValue());
                            }
                        }
                        g.writeEndObject();
                    }));
        }

        @Override
        public void clientWritable() {
            if (inner != null) {
                inner.clientWritable();
            }
        }

        @Override
        public void abort() {
            if (inner != null) {
                inner.abort();
            }
            if (answers != null) {
                answers.abort();
            }
        }

        @Override
        public void sent(ByteBuf chunk) {
            if (inner != null) {
                inner.sent(chunk);
            }
        }

        @Override
        public void finished(int status, long nanos) {
            if (inner != null) {
                inner.finished(status, nanos); // counts it under this route and accounts the model call
            } else {
                metrics.request(request.method().name(), route.label(), status, nanos);
            }
        }

        /** The helper's own answer from the chat call's. */
        private void answer(ResponseSink sink, String model, boolean known, AnswerSink.Answer a, long ms) {
            String code = a.ok() || a.error().code() == null ? "" : a.error().code();
            if (route == RouteFamily.TEST_MODEL && (a.ok() || known && !CLIENT_CODES.contains(code))) {
                JsonText j = new JsonText().begin().field("working", a.ok()).field("model", model);
                if (a.ok()) {
                    j.field("response", a.text());
                } else {
                    j.field("error", a.error().message()).field("status", a.status());
                }
                usage(j.field("latency_ms", ms), a);
                write(sink, a, j.end().toString());
                return;
            }
            if (!a.ok()) {
                FullHttpResponse res = HttpResponses.error(Dialects.OPENAI, sink.alloc(), a.error());
                if (a.retryAfterSeconds() >= 0) {
                    HttpResponses.retryAfter(res, a.retryAfterSeconds());
                }
                keep(a.headers(), res.headers());
                SimpleHandler.full(sink, res);
                return;
            }
            JsonText j = new JsonText().begin().field("message", a.text()).field("response", a.text())
                    .field("model", model).field("finish_reason", a.finishReason());
            write(sink, a, usage(j, a).end().toString());
        }

        private void write(ResponseSink sink, AnswerSink.Answer a, String json) {
            FullHttpResponse res = HttpResponses.json(HttpResponseStatus.OK, HttpResponses.utf8(sink.alloc(), json));
            keep(a.headers(), res.headers());
            SimpleHandler.full(sink, res);
        }
    }

    private static JsonText usage(JsonText j, AnswerSink.Answer a) {
        if (a.usage() != null) {
            long p = Math.max(0, a.usage().promptTokens());
            long c = Math.max(0, a.usage().completionTokens());
            j.begin("usage").field("prompt_tokens", p).field("completion_tokens", c).field("total_tokens", p + c)
                    .end();
        }
        return j;
    }

    private static void keep(HttpHeaders from, HttpHeaders to) {
        if (from == null) {
            return;
        }
        for (String name : KEPT_HEADERS) {
            String v = from.get(name);
            if (v != null) {
                to.set(name, v);
            }
        }
    }

    private static void message(JsonGenerator g, String role, String content) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeStringField("content", content);
        g.writeEndObject();
    }

    private static void release(ByteBuf body) {
        if (body != null) {
            body.release();
        }
    }
}
