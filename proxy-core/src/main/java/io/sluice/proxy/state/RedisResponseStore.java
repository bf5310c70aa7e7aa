package io.sluice.proxy.state;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.config.ResponseStoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@link ResponseStore} shared by every instance through Redis (DESIGN.md 6): a local {@link EmbeddedResponseStore}
 * (memory only, the same caps) answers every lookup, so nothing on the request path waits for Redis. Answers are
 * written through to Redis by this store's own thread, with the answer's remaining time to live as their Redis expiry;
 * an answer another instance stored is read into the local cache by {@link #load}, which the request waits for
 * asynchronously, only when it refers to something not held here. A delete is published, so every instance drops
 * its copy.
 *
 * <p>Keys: {@code <ns>:response:<scope hash>:<id>} (the answer, as a line of the data directory's log) and
 * {@code <ns>:response-item:<scope hash>:<item id>} (the id of the answer holding that item). The scope (the client
 * key's name) is part of every key, hashed, so an answer of another scope is absent in Redis as it is locally.
 * Redis down: answers are kept locally only (and counted as failed calls), and a reference to an answer held only
 * by another instance is not found.
 */
public final class RedisResponseStore implements ResponseStore {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(RedisResponseStore.class);

    /** KEYS[1] the answer, KEYS[2..] its items; ARGV[1] the answer, ARGV[2] its id, ARGV[3] expiry in millis. */
    static final String PUT_SCRIPT = "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])\n"
            + "for i = 2, #KEYS do redis.call('SET', KEYS[i], ARGV[2], 'PX', ARGV[3]) end\n"
            + "return 1\n";

    private final ResponseStoreConfig config;
    private final RedisLink redis;
    private final LongSupplier clock;
    private final EmbeddedResponseStore local;
    private final ExecutorService writer;
    private final String deletedChannel;

    public RedisResponseStore(ResponseStoreConfig config, RedisLink redis, LongSupplier clock) {
        this.config = config;
        this.redis = redis;
        this.clock = clock;
        this.local = new EmbeddedResponseStore(config, null, clock);
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "sluice-responses-share");
            t.setDaemon(true);
            return t;
        });
        this.deletedChannel = redis.key("responses", "deleted");
        redis.subscribe(deletedChannel, this::deleted);
    }

    /** The scope as it appears in keys: a hash, so no name (nor character) of a client key shows in Redis. */
    static String scopeHash(String scope) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String answerKey(String scope, String id) {
        return redis.key("response", scopeHash(scope), id);
    }

    private String itemKey(String scope, String itemId) {
        return redis.key("response-item", scopeHash(scope), itemId);
    }

    @Override
    public StoredResponse get(String scope, String id) {
        return local.get(scope, id);
    }

    @Override
    public StoredResponse owner(String scope, String itemId) {
        return local.owner(scope, itemId);
    }

    @Override
    public void put(StoredResponse r) {
        if (r.bytes() > config.maxResponseBytes()) {
            return;
        }
        local.put(r);
        try {
            writer.execute(() -> write(r));
        } catch (RejectedExecutionException e) {
            LOG.debug("state: a Responses answer was kept locally only (writer full or closed)");
        }
    }

    private void write(StoredResponse r) {
        long ttl = r.storedAt() + config.ttl().toMillis() - clock.getAsLong();
        if (ttl <= 0) {
            return;
        }
        String line;
        try {
            line = new String(ResponseLog.putLine(r), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            LOG.warn("state: a Responses answer could not be written: {}", e.toString());
            return;
        }
        List<String> keys = new ArrayList<>(1 + r.itemIds().size());
        keys.add(answerKey(r.scope(), r.id()));
        for (String item : r.itemIds()) {
            keys.add(itemKey(r.scope(), item));
        }
        redis.<Long>call(c -> c.eval(PUT_SCRIPT, ScriptOutputType.INTEGER, keys.toArray(String[]::new), line,
                r.id(), Long.toString(ttl)));
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public CompletionStage<Void> load(String scope, String responseId, Collection<String> itemIds) {
        if (scope == null) {
            return null;
        }
        boolean answer = responseId != null && local.get(scope, responseId) == null;
        List<String> items = new ArrayList<>();
        for (String i : itemIds) {
            if (i != null && local.owner(scope, i) == null) {
                items.add(i);
            }
        }
        if (!answer && items.isEmpty()) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        if (answer) {
            keys.add(answerKey(scope, responseId));
        }
        items.forEach(i -> keys.add(itemKey(scope, i)));
        CompletableFuture<Void> done = new CompletableFuture<>();
        redis.<List<KeyValue<String, String>>>call(c -> c.mget(keys.toArray(String[]::new))).thenCompose(values -> {
            Set<String> owners = new LinkedHashSet<>();
            for (KeyValue<String, String> kv : values) {
                if (!kv.hasValue()) {
                    continue;
                }
                if (answer && kv.getKey().equals(keys.get(0))) {
                    keep(scope, kv.getValue());
                } else if (local.get(scope, kv.getValue()) == null) {
                    owners.add(answerKey(scope, kv.getValue()));
                }
            }
            if (owners.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return redis.<List<KeyValue<String, String>>>call(c -> c.mget(owners.toArray(String[]::new)))
                    .thenAccept(found -> found.forEach(kv -> {
                        if (kv.hasValue()) {
                            keep(scope, kv.getValue());
                        }
                    }));
        }).whenComplete((v, e) -> done.complete(null)); // Redis down or failing: what is local is all there is
        return done;
    }

    /** Keeps an answer read from Redis in the local cache, when it is of {@code scope} and still alive. */
    private void keep(String scope, String line) {
        try {
            StoredResponse r = ResponseLog.parsePut(line);
            if (r.scope().equals(scope) && clock.getAsLong() - r.storedAt() < config.ttl().toMillis()) {
                local.put(r);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("state: an unreadable Responses answer in Redis: {}", e.toString());
        }
    }

    @Override
    public boolean delete(String scope, String id) {
        boolean removed = local.delete(scope, id);
        redis.call(c -> c.del(answerKey(scope, id)));
        redis.publish(deletedChannel, scope + '\n' + id);
        return removed;
    }

    /** Another instance (or this one) deleted an answer: drop the local copy. */
    private void deleted(String message) {
        int nl = message.indexOf('\n');
        if (nl >= 0) {
            local.delete(message.substring(0, nl), message.substring(nl + 1));
        }
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warn("state: Responses answers still being written to Redis at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        local.close();
    }
}
