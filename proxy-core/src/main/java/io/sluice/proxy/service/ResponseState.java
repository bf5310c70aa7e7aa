package io.sluice.proxy.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.codec.json.ChatRequestScanner;
import io.sluice.codec.json.RequestOutline;
import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.ResponseStoreConfig;
import io.sluice.proxy.exchange.HttpResponses;
import io.sluice.proxy.exchange.ResponseSink;
import io.sluice.proxy.state.EmbeddedResponseStore;
import io.sluice.proxy.state.ResponseStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * The state of the Responses API in front of every provider: a request's references expanded from the store before
 * it is routed on ({@link ResponseInput}), its answer kept after ({@link ResponseCapture}), and the stored answers
 * served ({@link StoredResponses}). Every lookup is scoped to the client key.
 */
public final class ResponseState {

    private final ResponseStoreConfig config;
    private final ResponseStore store;
    private final LongSupplier clock;

    /**
     * @param store null when answers are not stored ({@code responses.store: false})
     * @param clock epoch millis
     */
    public ResponseState(ResponseStoreConfig config, ResponseStore store, LongSupplier clock) {
        this.config = config;
        this.store = config.enabled() ? store : null;
        this.clock = clock;
    }

    /** Answers kept in memory only. */
    public static ResponseState inMemory(ResponseStoreConfig config) {
        return new ResponseState(config, new EmbeddedResponseStore(config, null, System::currentTimeMillis),
                System::currentTimeMillis);
    }

    ResponseStore store() {
        return store;
    }

    static String scope(ClientKeys.Key key) {
        return key == null ? "" : key.name();
    }

    /**
     * What a Responses request becomes: its body (the same, or rewritten with references expanded; the old one is
     * released then), the sink its answer is captured by, and the id a translated answer gets.
     */
    record Prepared(CompositeByteBuf body, boolean rewritten, ResponseCapture.Request capture, String responseId) {

        ResponseSink sink(ResponseSink client, ResponseState state) {
            return capture == null ? client : new ResponseCapture(client, state.store, capture,
                    state.config.maxResponseBytes(), state.clock);
        }
    }

    /**
     * Prepares a Responses request body, or answers it (null returned; {@code body} is then still the caller's to
     * release) when it names an answer or item that is not there.
     *
     * @param provider the provider the request goes to first
     */
    Prepared prepare(CompositeByteBuf body, ClientKeys.Key key, ProviderConfig provider, ResponseSink sink) {
        // A reference Sluice does not hold may be the provider's own when it speaks the Responses API.
        boolean passOn = ProviderConfig.DIALECT_RESPONSES.equals(provider.dialect());
        ObjectNode root = parse(body);
        if (root == null) {
            return new Prepared(body, false, null, null); // not JSON: the request's reader says why
        }
        String scope = scope(key);
        JsonNode prev = root.get("previous_response_id");
        String previous = prev != null && prev.isTextual() ? prev.textValue() : null;
        ResponseInput.Expanded e = ResponseInput.expand(root, store, scope, passOn);
        if (e.missing() != null) {
            SimpleHandler.full(sink, HttpResponses.json(HttpResponseStatus.valueOf(e.missing().status()),
                    HttpResponses.utf8(sink.alloc(), e.missing().json())));
            return null;
        }
        CompositeByteBuf out = body;
        if (e.changed()) {
            byte[] bytes = ResponseInput.bytes(root);
            out = body.alloc().compositeBuffer();
            out.addComponent(true, body.alloc().buffer(bytes.length).writeBytes(bytes));
            body.release();
        }
        JsonNode storeFlag = root.path("store");
        boolean keep = store != null && e.complete() && !(storeFlag.isBoolean() && !storeFlag.booleanValue());
        if (!keep) {
            return new Prepared(out, e.changed(), null, null);
        }
        List<String> ids = new ArrayList<>();
        ResponseInput.ids(e.input(), ids);
        JsonNode instructions = root.get("instructions");
        ResponseCapture.Request capture = new ResponseCapture.Request(scope,
                new ResponseCapture.StoredInput(ResponseInput.bytes(e.input()), ids), previous,
                instructions != null && instructions.isTextual() ? instructions.textValue() : null);
        // Used only where the answer is translated (a Responses provider's passthrough keeps its own ids), also after
        // a fallback from a Responses provider to another dialect.
        return new Prepared(out, e.changed(), capture, "resp_" + UUID.randomUUID().toString().replace("-", ""));
    }

    /** Goes on with a request once the answers it refers to are at hand. */
    interface Resume {
        /** @param scan a scan of {@code body}, released after */
        void run(CompositeByteBuf body, ChatRequestScanner scan);
    }

    /**
     * When {@code body} refers to answers a shared store must read first, holds the body, returns true and calls
     * {@code then} on the sink's event loop once they are read (or Redis failed: then they are absent); false when
     * there is nothing to wait for. A client gone meanwhile has its body released.
     */
    boolean await(CompositeByteBuf body, ClientKeys.Key key, ResponseSink sink, RequestOutline outline, Resume then) {
        if (store == null || !store.shared()) {
            return false;
        }
        ObjectNode root = parse(body);
        if (root == null) {
            return false;
        }
        JsonNode prev = root.get("previous_response_id");
        List<String> items = new ArrayList<>();
        JsonNode input = root.get("input");
        if (input != null && input.isArray()) {
            for (JsonNode item : input) {
                if (ResponseInput.isReference(item)) {
                    items.add(item.path("id").asText());
                }
            }
        }
        CompletionStage<Void> ready = store.load(scope(key), prev != null && prev.isTextual() ? prev.textValue()
                : null, items);
        if (ready == null) {
            return false;
        }
        ready.whenComplete((v, e) -> {
            try {
                sink.eventLoop().execute(() -> resume(body, sink, outline, then));
            } catch (RejectedExecutionException x) {
                body.release(); // shutting down
            }
        });
        return true;
    }

    private static void resume(CompositeByteBuf body, ResponseSink sink, RequestOutline outline, Resume then) {
        if (sink.isDone()) {
            body.release();
            return;
        }
        ChatRequestScanner scan = scan(body, outline);
        try {
            then.run(body, scan);
        } finally {
            scan.release();
        }
    }

    /** A scan of a rewritten body: its model offsets and outline (owned by the caller, who releases it). */
    static ChatRequestScanner scan(CompositeByteBuf body, RequestOutline outline) {
        ChatRequestScanner s = new ChatRequestScanner(outline);
        s.feed(body);
        s.end();
        return s;
    }

    private static ObjectNode parse(CompositeByteBuf body) {
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            JsonNode n = ResponseInput.JSON.readTree(in);
            return n instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The expanded input of a stored answer, as {@code input_items} lists it. */
    static ArrayNode inputItems(byte[] input, String responseId) {
        ArrayNode items = ResponseInput.array(input);
        String base = responseId.startsWith("resp_") ? responseId.substring(5) : responseId;
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof ObjectNode item) {
                listed(item, base, i);
            }
        }
        return items;
    }

    /** An input item in OpenAI's listed shape: typed, with an id, a message's content as parts. */
    private static void listed(ObjectNode item, String base, int index) {
        if (!item.has("type") && item.has("role")) {
            item.put("type", "message");
        }
        String type = item.path("type").asText("item");
        if (!item.path("id").isTextual()) {
            String prefix = switch (type) {
                case "message" -> "msg_";
                case "function_call" -> "fc_";
                case "function_call_output" -> "fco_";
                case "reasoning" -> "rs_";
                default -> "item_";
            };
            item.put("id", prefix + base + "_in" + index);
        }
        if (type.equals("message")) {
            JsonNode content = item.get("content");
            if (content != null && content.isTextual()) {
                boolean assistant = "assistant".equals(item.path("role").asText());
                ArrayNode parts = item.putArray("content");
                ObjectNode part = parts.addObject().put("type", assistant ? "output_text" : "input_text")
                        .put("text", content.textValue());
                if (assistant) {
                    part.putArray("annotations");
                }
            }
        }
        if ((type.equals("message") || type.equals("function_call_output")) && !item.has("status")) {
            item.put("status", "completed");
        }
    }
}
