package io.sluice.proxy.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.state.RedisLink;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-key scheduler state shared by every instance (issue 19 item 2, DESIGN.md 6): 429 blocks and other key
 * cooldowns, 5xx avoidance, model locks and breaker transitions made here are published on {@code <ns>:keys} the
 * moment they happen and applied by every other instance on arrival; nothing on the request path waits for Redis.
 * Keys are named by provider and a {@link SharedKeys#fingerprint fingerprint}, never by the secret.
 *
 * <p>Each penalty is also kept in the hash {@code <ns>:keys:<provider>} (field → deadline in epoch millis, the hash
 * expiring with its last deadline), so that an instance that starts, reconnects or rebuilds a provider's runtime
 * loads what the others know; on (re)connection an instance also publishes what it learnt while Redis was away.
 *
 * <p>Half-open takes one probe in the cluster: an open circuit is held everywhere; when its time comes each instance
 * tries {@code SET <ns>:probe:<provider> <instance> NX PX <open>} in the background, and only the winner lets a
 * probe through. The others stay open until the winner publishes the close (or the re-open), or until the lock
 * expires unanswered, when they try again. Redis unreachable: every instance probes for itself, as without sharing.
 */
public final class KeyEvents implements AutoCloseable {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(KeyEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keeps the later deadline of a field and stretches the hash's expiry to cover it. */
    private static final String UPSERT = "local cur = redis.call('HGET', KEYS[1], ARGV[1]) "
            + "if (not cur) or tonumber(cur) < tonumber(ARGV[2]) then "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end "
            + "local ttl = redis.call('PTTL', KEYS[1]) "
            + "if ttl == -1 or ttl < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end return 1";
    /** Deletes a lock only when this instance holds it, and the breaker's field of the provider's hash. */
    private static final String UNLOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "redis.call('DEL', KEYS[1]) end "
            + "if ARGV[2] == '1' then redis.call('HDEL', KEYS[2], 'b') end return 1";
    /** The soonest a lost probe lock is tried again. */
    private static final long MIN_RETRY_MILLIS = 10;
    /** When a reconnected instance loads the hashes a second time. */
    private static final long RELOAD_AFTER_MILLIS = 1_000;
    /** How long a deadline field outlives its deadline in the hash. */
    private static final long HASH_SLACK_MILLIS = 1_000;

    private final RedisLink link;
    private final AttemptScheduler scheduler;
    private final LongSupplier epochMillis;
    private final String channel;
    private final ScheduledExecutorService timer;
    /** Provider name → the shared view of its runtime in force (the newest adopted). */
    private final Map<String, SharedKeys> providers = new ConcurrentHashMap<>();

    public KeyEvents(RedisLink link, AttemptScheduler scheduler, LongSupplier epochMillis) {
        this.link = link;
        this.scheduler = scheduler;
        this.epochMillis = epochMillis;
        this.channel = link.key("keys");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-key-events");
            t.setDaemon(true);
            return t;
        });
        timer.execute(() -> received("{}")); // starts the thread and loads the parser before the first event
        link.subscribe(channel, this::received);
        link.onReconnect(this::reconcile);
    }

    /** Shares {@code rt}'s penalties and transitions from now on, and loads what the cluster knows of its keys. */
    void adopt(ProviderRuntime rt) {
        SharedKeys s = new SharedKeys(this, rt);
        providers.put(rt.provider().name(), s);
        rt.keys().listen(s);
        rt.breaker().listen(s);
        run(() -> load(s));
    }

    String instanceId() {
        return link.instanceId();
    }

    /** Runs {@code task} on this instance's key-events thread (off the event loops); dropped once closed. */
    void run(Runnable task) {
        try {
            timer.execute(task);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void later(Runnable task, long nanos) {
        try {
            timer.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Publishes a penalty and keeps it in the provider's hash until {@code nanos} from now. */
    void publish(SharedKeys s, String event, int key, String model, long nanos, int status) {
        long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
        JsonText j = new JsonText().begin().field("i", instanceId()).field("e", event)
                .field("p", s.provider()).field("ms", ms);
        if (key >= 0) {
            j.field("k", s.fingerprint(key)).field("n", s.keyName(key));
        }
        if (model != null) {
            j.field("m", model);
        }
        if (status > 0) {
            j.field("s", status);
        }
        link.publish(channel, j.end().toString());
        String field = SharedKeys.field(event, key < 0 ? null : s.fingerprint(key), model);
        long until = epochMillis.getAsLong() + ms;
        link.call(c -> c.<Long>eval(UPSERT, ScriptOutputType.INTEGER, new String[] {hash(s)}, field,
                Long.toString(until), Long.toString(ms + HASH_SLACK_MILLIS)));
    }

    /** The circuit closed here (or re-opened): tell the others, free the probe lock if this instance holds it. */
    void publishClose(SharedKeys s) {
        link.publish(channel, new JsonText().begin().field("i", instanceId()).field("e", "close")
                .field("p", s.provider()).end().toString());
        unlock(s, true);
    }

    void unlock(SharedKeys s, boolean closed) {
        link.call(c -> c.<Long>eval(UNLOCK, ScriptOutputType.INTEGER, new String[] {probeKey(s), hash(s)},
                instanceId(), closed ? "1" : "0"));
    }

    /** The circuit of {@code s} is open and held in {@code phase}: try for the cluster's probe when its time comes. */
    void scheduleProbe(SharedKeys s, CircuitBreaker.Phase phase) {
        later(() -> tryProbe(s, phase), phase.probeAt() - s.runtime().keys().now());
    }

    private void tryProbe(SharedKeys s, CircuitBreaker.Phase phase) {
        CircuitBreaker b = s.runtime().breaker();
        if (b.phase() != phase || providers.get(s.provider()) != s) {
            return; // closed, opened again (another schedule runs), or a newer runtime took over
        }
        long lockMs = Math.max(100, TimeUnit.NANOSECONDS.toMillis(b.openNanos()));
        link.call(c -> c.set(probeKey(s), instanceId(), SetArgs.Builder.nx().px(lockMs))).whenComplete((ok, e) -> {
            if (e != null) {
                b.release(phase); // Redis unreachable: probe for ourselves, as a single instance does
            } else if ("OK".equals(ok)) {
                if (b.release(phase)) {
                    LOG.debug("state: {} won the probe of {}", instanceId(), s.provider());
                } else {
                    unlock(s, false);
                }
            } else {
                link.call(c -> c.pttl(probeKey(s))).whenComplete((ttl, e2) -> later(() -> tryProbe(s, phase),
                        TimeUnit.MILLISECONDS.toNanos(Math.max(MIN_RETRY_MILLIS, ttl == null ? 0 : ttl))));
            }
        });
    }

    /** A message on the channel, on Lettuce's thread: applied at once (atomics only), own messages skipped. */
    private void received(String message) {
        JsonNode m;
        try {
            m = JSON.readTree(message);
        } catch (IOException e) {
            LOG.debug("state: not a key event: {}", e.toString());
            return;
        }
        if (m == null || instanceId().equals(m.path("i").asText())) {
            return;
        }
        SharedKeys s = providers.get(m.path("p").asText());
        if (s == null) {
            return; // a provider this instance does not run
        }
        String event = m.path("e").asText();
        long nanos = TimeUnit.MILLISECONDS.toNanos(m.path("ms").asLong());
        if (event.equals("close")) {
            s.runtime().breaker().closeShared();
            return;
        }
        s.apply(event, m.path("k").asText(null), m.path("m").asText(null), nanos);
    }

    /** Applies what the provider's hash holds (deadlines still ahead); on the key-events thread. */
    private void load(SharedKeys s) {
        link.call(c -> c.hgetall(hash(s))).thenAccept(fields -> {
            long now = epochMillis.getAsLong();
            fields.forEach((field, until) -> {
                long left;
                try {
                    left = Long.parseLong(until) - now;
                } catch (NumberFormatException e) {
                    return;
                }
                if (left > 0) {
                    s.applyField(field, TimeUnit.MILLISECONDS.toNanos(left));
                }
            });
        });
    }

    /** After a (re)connection: load what the others know, then publish what this instance learnt meanwhile. */
    private void reconcile() {
        // Every instance hears it (and ignores it): the publish and receive paths are warm before the first event.
        link.publish(channel, new JsonText().begin().field("i", instanceId()).field("e", "hello").end().toString());
        for (SharedKeys s : providers.values()) {
            load(s);
            s.republish();
        }
        // Instances reconnecting together (Redis restarted) may load before the others republished, and
        // subscribe after they published: a second load a moment later picks that up.
        later(() -> providers.values().forEach(this::load), TimeUnit.MILLISECONDS.toNanos(RELOAD_AFTER_MILLIS));
    }

    private String hash(SharedKeys s) {
        return link.key("keys", s.provider());
    }

    private String probeKey(SharedKeys s) {
        return link.key("probe", s.provider());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
