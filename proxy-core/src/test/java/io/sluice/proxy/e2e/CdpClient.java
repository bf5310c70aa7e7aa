package io.sluice.proxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A minimal Chrome DevTools Protocol client over the JDK's own WebSocket: commands are {@code {id, method, params,
 * sessionId?}} answered by a message with the same id; anything without an id is an event, handed to the listeners.
 * Sessions are "flat" ({@code Target.attachToTarget} with {@code flatten: true}): one socket to the browser, the page's
 * commands carry its sessionId. https://chromedevtools.github.io/devtools-protocol/
 */
final class CdpClient implements AutoCloseable {

    /** A command the browser answered with an error. */
    static final class CdpException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CdpException(String message) {
            super(message);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private final WebSocket socket;
    private volatile Throwable closedBy;
    /** The last send; the next one starts when it is done. */
    private CompletableFuture<WebSocket> sends;

    private CdpClient(URI webSocketUrl) throws InterruptedException, ExecutionException, TimeoutException {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(webSocketUrl, new Listener()).get(15, TimeUnit.SECONDS);
        this.sends = CompletableFuture.completedFuture(socket);
    }

    static CdpClient connect(URI webSocketUrl) throws InterruptedException, ExecutionException, TimeoutException {
        return new CdpClient(webSocketUrl);
    }

    /**
     * Every event ({@code {method, params, sessionId?}}) from now on goes to {@code listener}, on the socket thread.
     */
    void onEvent(Consumer<JsonNode> listener) {
        listeners.add(listener);
    }

    static ObjectNode params() {
        return JSON.createObjectNode();
    }

    /** Sends a command without waiting; the future completes with its {@code result} or a {@link CdpException}. */
    CompletableFuture<JsonNode> sendAsync(String sessionId, String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params == null ? params() : params);
        if (sessionId != null) {
            msg.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        Throwable closed = closedBy;
        if (closed != null) {
            pending.remove(id);
            answer.completeExceptionally(new CdpException("DevTools connection closed: " + closed));
            return answer;
        }
        String text;
        try {
            text = JSON.writeValueAsString(msg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) { // one outstanding sendText at a time, as WebSocket requires: chain them, never block
            sends = sends.thenCompose(ws -> ws.sendText(text, true)).whenComplete((ws, e) -> {
                if (e != null) {
                    pending.remove(id);
                    answer.completeExceptionally(new CdpException("cannot send " + method + ": " + e));
                }
            }).exceptionally(e -> socket);
        }
        return answer;
    }

    /** Sends a command and waits for its result. */
    JsonNode send(String sessionId, String method, ObjectNode params) {
        try {
            return sendAsync(sessionId, method, params).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CdpException) {
                throw new CdpException(method + ": " + e.getCause().getMessage());
            }
            throw new IllegalStateException(method + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new CdpException(method + ": no answer within " + COMMAND_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdpException(method + ": interrupted");
        }
    }

    JsonNode send(String method, ObjectNode params) {
        return send(null, method, params);
    }

    private void dispatch(String text) {
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (IOException e) {
            return; // not for us
        }
        if (msg.has("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(msg.get("id").asInt());
            if (answer == null) {
                return;
            }
            if (msg.has("error")) {
                answer.completeExceptionally(new CdpException(msg.get("error").toString()));
            } else {
                answer.complete(msg.path("result"));
            }
            return;
        }
        for (Consumer<JsonNode> l : listeners) {
            l.accept(msg);
        }
    }

    private void closed(Throwable why) {
        closedBy = why;
        for (Integer id : pending.keySet()) {
            CompletableFuture<JsonNode> f = pending.remove(id);
            if (f != null) {
                f.completeExceptionally(new CdpException("DevTools connection closed: " + why));
            }
        }
    }

    @Override
    public void close() {
        closed(new IllegalStateException("closed by the test"));
        socket.abort();
    }

    /** Reassembles text messages that arrive in parts (a screenshot is hundreds of KB). */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String text = parts.toString();
                parts.setLength(0);
                dispatch(text);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed(new IllegalStateException("closed by the browser: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed(error);
        }
    }
}
