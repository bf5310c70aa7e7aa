package io.sluice.proxy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.InboundRequest;
import io.sluice.proxy.exchange.RequestHandler;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.metrics.SluiceMetrics;
import io.sluice.proxy.state.ResponseStore;
import io.sluice.proxy.state.StoredResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code GET /v1/responses/{id}}, {@code DELETE /v1/responses/{id}} and {@code GET /v1/responses/{id}/input_items}
 * in OpenAI's shapes, from the client key's own stored answers: another key's answer is a 404 word for word as one
 * that never existed.
 */
final class StoredResponses {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private StoredResponses() {
    }

    /** The response id and what is asked of it for a path under {@code /v1/responses/}, or null. */
    record Target(String id, boolean inputItems) {

        static Target of(String path) {
            String rest = path.startsWith("/v1/responses/") ? path.substring("/v1/responses/".length())
                    : path.startsWith("/responses/") ? path.substring("/responses/".length()) : null;
            if (rest == null || rest.isEmpty()) {
                return null;
            }
            int slash = rest.indexOf('/');
            if (slash < 0) {
                return new Target(rest, false);
            }
            String id = rest.substring(0, slash);
            return !id.isEmpty() && rest.substring(slash).equals("/input_items") ? new Target(id, true) : null;
        }
    }

    static RequestHandler open(InboundRequest request, ClientKeys.Key key, ResponseStore store,
                               SluiceMetrics metrics) {
        return new SimpleHandler(request, RouteFamily.RESPONSE_OBJECTS, metrics) {
            @Override
            void answer(ResponseSink sink) {
                Target t = Target.of(request.path());
                HttpMethod m = request.method();
                if (t == null) {
                    notFound(sink, "Unknown route: " + m + ' ' + ResponseInput.shown(request.path()));
                    return;
                }
                boolean get = m.equals(HttpMethod.GET);
                if (!get && (t.inputItems() || !m.equals(HttpMethod.DELETE))) {
                    methodNotAllowed(sink, route, request, t.inputItems() ? "GET" : "GET, DELETE");
                    return;
                }
                String scope = ResponseState.scope(key);
                CompletionStage<Void> ready = store == null ? null : store.load(scope, t.id(), List.of());
                if (ready == null) {
                    reply(sink, store, scope, t, request);
                    return;
                }
                ready.whenComplete((v, e) -> { // an answer another instance stored: read from Redis first
                    try {
                        sink.eventLoop().execute(() -> {
                            if (!sink.isDone()) {
                                reply(sink, store, scope, t, request);
                            }
                        });
                    } catch (RejectedExecutionException x) {
                        // shutting down: the connection goes with the loop
                    }
                });
            }
        };
    }

    private static void reply(ResponseSink sink, ResponseStore store, String scope, Target t,
                              InboundRequest request) {
        StoredResponse r = store == null ? null : store.get(scope, t.id());
        if (r == null) {
            notFound(sink, "Response with id '" + ResponseInput.shown(t.id()) + "' not found.");
        } else if (t.inputItems()) {
            SimpleHandler.json(sink, HttpResponseStatus.OK, list(r, request).toString());
        } else if (request.method().equals(HttpMethod.GET)) {
            SimpleHandler.json(sink, HttpResponseStatus.OK, new String(r.response(), StandardCharsets.UTF_8));
        } else {
            store.delete(scope, t.id());
            ObjectNode done = ResponseInput.JSON.createObjectNode().put("id", r.id())
                    .put("object", "response").put("deleted", true);
            SimpleHandler.json(sink, HttpResponseStatus.OK, done.toString());
        }
    }

    private static void notFound(ResponseSink sink, String message) {
        SimpleHandler.full(sink, HttpResponses.json(HttpResponseStatus.NOT_FOUND,
                HttpResponses.utf8(sink.alloc(), ResponseInput.error(message, null, null))));
    }

    /** The list page {@code limit}, {@code order} ({@code desc} by default, as OpenAI) and {@code after} ask for. */
    private static ObjectNode list(StoredResponse r, InboundRequest request) {
        ArrayNode items = ResponseState.inputItems(r.input(), r.id());
        List<JsonNode> ordered = new ArrayList<>(items.size());
        items.forEach(ordered::add);
        if (!"asc".equals(request.query("order"))) {
            Collections.reverse(ordered);
        }
        int limit = DEFAULT_LIMIT;
        String l = request.query("limit");
        if (l != null) {
            try {
                limit = Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(l.strip())));
            } catch (NumberFormatException e) {
                limit = DEFAULT_LIMIT;
            }
        }
        int from = 0;
        String after = request.query("after");
        if (after != null) {
            for (int i = 0; i < ordered.size(); i++) {
                if (after.equals(ordered.get(i).path("id").asText())) {
                    from = i + 1;
                    break;
                }
            }
        }
        int to = Math.min(ordered.size(), from + limit);
        ObjectNode page = ResponseInput.JSON.createObjectNode().put("object", "list");
        ArrayNode data = page.putArray("data");
        for (int i = from; i < to; i++) {
            data.add(ordered.get(i));
        }
        page.put("first_id", data.isEmpty() ? null : data.get(0).path("id").asText());
        page.put("last_id", data.isEmpty() ? null : data.get(data.size() - 1).path("id").asText());
        page.put("has_more", to < ordered.size());
        return page;
    }
}
