package io.sluice.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.Setting;
import io.sluice.proxy.config.SettingsStore;
import io.sluice.proxy.state.RedisLink;
import io.sluice.proxy.state.Sealer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admin changes shared by every instance (issue 19 item 4): a runtime setting changed or reset, or a field of a
 * provider edited, on one instance is published on {@code <ns>:config} and kept in the hash {@code <ns>:config}
 * (one field per setting and per provider field, so partial edits add up); the others apply it through the same code
 * as the admin API, on the admin edit thread. A setting is written to each instance's own data directory (it is that
 * instance's kept value); a provider edit is written to the {@code .env} of the instance that took it only: the
 * others keep it in memory, and Redis gives it back to any instance that starts or reconnects.
 *
 * <p>Last writer wins, by (wall-clock millis, instance, sequence). Changes holding a secret (provider keys, an
 * upstream proxy password) are sealed with {@code state.secret} ({@link Sealer}); without it they are not shared.
 * Changes made while Redis is down are kept and published on reconnection unless Redis holds a newer one.
 */
final class SharedEdits {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(SharedEdits.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NOT_SHARED = "Not shared with the other instances: the change holds a secret and state.secret"
            + " is not set.";

    private static final long RELOAD_AFTER_MILLIS = 1_000;

    /** Applies a provider field edit another instance made. */
    interface ProviderApplier {
        void apply(String name, String body);
    }

    /** A change's order: wall-clock millis, then instance id, then sequence. */
    record Version(long millis, String instance, long seq) implements Comparable<Version> {
        @Override
        public int compareTo(Version o) {
            int c = Long.compare(millis, o.millis);
            if (c == 0) {
                c = instance.compareTo(o.instance);
            }
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final RedisLink link;
    private final Sealer sealer;
    private final SettingsStore settings;
    private final ProviderApplier providers;
    private final String channel;
    private final AtomicLong seq = new AtomicLong();
    /** Field → the version in force here. */
    private final Map<String, Version> applied = new ConcurrentHashMap<>();
    /** Field → an envelope made here that Redis has not taken yet. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();

    SharedEdits(RedisLink link, String secret, SettingsStore settings, ProviderApplier providers) {
        this.link = link;
        this.sealer = secret == null ? null : new Sealer(secret);
        this.settings = settings;
        this.providers = providers;
        this.channel = link.key("config");
        link.subscribe(channel, m -> AdminEdits.executor().execute(() -> receive(m)));
        // Instances reconnecting together (Redis restarted) may read before the others pushed what they made
        // meanwhile: a second read a moment later picks that up.
        link.onReconnect(() -> {
            AdminEdits.executor().execute(this::reconcile);
            CompletableFuture.delayedExecutor(RELOAD_AFTER_MILLIS, TimeUnit.MILLISECONDS, AdminEdits.executor())
                    .execute(this::reconcile);
        });
    }

    /** Shares setting {@code s}'s value in force (or its reset); null when shared, else why not. */
    <T> String setting(Setting<T> s, boolean reset) {
        String body = reset ? null : s.json().toString();
        return publish("setting:" + s.name(), body, !reset && !s.json().equals(s.show()));
    }

    /** Shares a provider field edit ({@code {"models": [...]}} …); null when shared, else why not. */
    String provider(String name, String field, JsonNode value, boolean secret) {
        ObjectNode body = JSON.createObjectNode();
        body.set(field, value);
        return publish("provider:" + name + ":" + field, body.toString(), secret);
    }

    private String publish(String field, String body, boolean secret) {
        if (secret && sealer == null) {
            return NOT_SHARED;
        }
        Version v = new Version(System.currentTimeMillis(), link.instanceId(), seq.incrementAndGet());
        applied.put(field, v);
        String envelope = envelope(field, v, body);
        pending.put(field, envelope);
        push(field, envelope);
        return null;
    }

    private String envelope(String field, Version v, String body) {
        ObjectNode e = JSON.createObjectNode().put("f", field).put("t", v.millis()).put("i", v.instance())
                .put("n", v.seq());
        if (body != null) {
            if (sealer != null) {
                e.put("s", true).put("b", sealer.seal(body, link.key("config", field)));
            } else {
                e.put("b", body);
            }
        }
        return e.toString();
    }

    private void push(String field, String envelope) {
        link.call(c -> c.hset(channel, field, envelope)).thenRun(() -> {
            pending.remove(field, envelope);
            link.publish(channel, envelope);
        });
    }

    private void receive(String message) {
        try {
            JsonNode e = JSON.readTree(message);
            if (!link.instanceId().equals(e.path("i").asText())) {
                apply(e);
            }
        } catch (IOException | RuntimeException ex) {
            LOG.warn("state: a shared admin change could not be applied: {}", ex.toString());
        }
    }

    private static Version version(JsonNode e) {
        return new Version(e.path("t").asLong(), e.path("i").asText(), e.path("n").asLong());
    }

    /** Applies envelope {@code e} when it is newer than what is in force here; on the admin edit thread. */
    private void apply(JsonNode e) throws IOException {
        String field = e.path("f").asText();
        Version v = version(e);
        Version current = applied.get(field);
        if (current != null && current.compareTo(v) >= 0) {
            return;
        }
        String body = e.hasNonNull("b") ? e.get("b").asText() : null;
        if (body != null && e.path("s").asBoolean()) {
            body = sealer == null ? null : sealer.open(body, link.key("config", field));
            if (body == null) {
                LOG.warn("state: {} from instance {} is sealed with another state.secret (or none is set here):"
                        + " not applied", field, v.instance());
                return;
            }
        }
        applied.put(field, v);
        if (field.startsWith("setting:")) {
            Setting<?> s = settings.get(field.substring("setting:".length()));
            if (s == null) {
                return;
            }
            if (body == null) {
                s.reset();
            } else {
                set(s, body);
            }
            LOG.info("setting {} {} by the operator on instance {}", s.name(), body == null ? "reset" : "changed",
                    v.instance());
        } else if (field.startsWith("provider:") && body != null) {
            String rest = field.substring("provider:".length());
            try {
                providers.apply(rest.substring(0, rest.lastIndexOf(':')), body);
            } catch (ConfigException ex) {
                LOG.warn("state: provider edit {} from instance {} does not apply here: {}", rest, v.instance(),
                        ex.getMessage());
            }
        }
    }

    private static <T> void set(Setting<T> s, String json) throws IOException {
        s.set(s.parse(json));
    }

    /** After a (re)connection: take what is newer in Redis, push what was made here meanwhile. */
    private void reconcile() {
        link.call(c -> c.hgetall(channel)).thenAccept(stored -> AdminEdits.executor().execute(() -> {
            for (Map.Entry<String, String> f : stored.entrySet()) {
                try {
                    JsonNode e = JSON.readTree(f.getValue());
                    String mine = pending.get(f.getKey());
                    if (mine != null && version(JSON.readTree(mine)).compareTo(version(e)) > 0) {
                        continue; // pushed below
                    }
                    pending.remove(f.getKey());
                    apply(e);
                } catch (IOException | RuntimeException ex) {
                    LOG.warn("state: shared admin change {} could not be applied: {}", f.getKey(), ex.toString());
                }
            }
            pending.forEach(this::push);
        }));
    }
}
