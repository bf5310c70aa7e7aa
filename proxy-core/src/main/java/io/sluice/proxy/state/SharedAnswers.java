package io.sluice.proxy.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.dedup.Dedup;
import io.sluice.proxy.dedup.SharedAnswer;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dedup's answer cache shared by every instance (DESIGN.md 6): each answer an instance caches is published on
 * {@code <ns>:dedup:answers} (encoded by this class's own thread) and cached by every other instance for what is left
 * of its window, so that a repeated request is a hit wherever it lands, answered from local memory: no Redis round
 * trip on the request path. Answers in flight stay local (a request joins a flight of its own instance only). Redis
 * down: each instance caches its own answers, as without shared state; what was published meanwhile is lost, which
 * costs a miss, never a wrong answer (the signature covers the client key's name, route, provider, model and body).
 */
public final class SharedAnswers implements AutoCloseable {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(SharedAnswers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisLink redis;
    private final Dedup dedup;
    private final String channel;
    private final ExecutorService encoder;
    private final AtomicLong received = new AtomicLong();

    private SharedAnswers(RedisLink redis, Dedup dedup) {
        this.redis = redis;
        this.dedup = dedup;
        this.channel = redis.key("dedup", "answers");
        this.encoder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "sluice-dedup-share");
            t.setDaemon(true);
            return t;
        });
    }

    /** Shares {@code dedup}'s cached answers through {@code redis}; nothing when dedup is off. */
    public static SharedAnswers start(RedisLink redis, Dedup dedup) {
        SharedAnswers s = new SharedAnswers(redis, dedup);
        if (dedup.enabled()) {
            redis.subscribe(s.channel, s::received);
            dedup.share(s::publish);
        }
        return s;
    }

    /** Answers of other instances cached here. */
    public long received() {
        return received.get();
    }

    private void publish(SharedAnswer a) {
        try {
            encoder.execute(() -> {
                try {
                    redis.publish(channel, encode(redis.instanceId(), a));
                } catch (IOException e) {
                    LOG.debug("state: a dedup answer could not be encoded: {}", e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            // busy or closed: this answer stays this instance's
        }
    }

    static String encode(String from, SharedAnswer a) throws IOException {
        ObjectNode o = JSON.createObjectNode().put("from", from).put("sig", a.signature()).put("ttl", a.ttlMillis())
                .put("status", a.status()).put("full", a.full());
        ArrayNode h = o.putArray("headers");
        for (Map.Entry<String, String> e : a.headers()) {
            h.addArray().add(e.getKey()).add(e.getValue());
        }
        o.put("body", Base64.getEncoder().encodeToString(a.body()));
        return JSON.writeValueAsString(o);
    }

    private void received(String message) {
        try {
            JsonNode o = JSON.readTree(message);
            if (redis.instanceId().equals(o.path("from").asText())) {
                return; // our own: cached already
            }
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (JsonNode e : o.path("headers")) {
                headers.add(new AbstractMap.SimpleImmutableEntry<>(e.path(0).asText(), e.path(1).asText()));
            }
            dedup.accept(new SharedAnswer(o.path("sig").asText(), o.path("ttl").asLong(), o.path("status").asInt(),
                    headers, o.path("full").asBoolean(), Base64.getDecoder().decode(o.path("body").asText())));
            received.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            LOG.debug("state: an unreadable dedup answer: {}", e.toString());
        }
    }

    @Override
    public void close() {
        dedup.share(null);
        encoder.shutdownNow();
    }
}
