package io.sluice.proxy.schedule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One provider runtime as {@link KeyEvents} shares it: the listener of its keys and breaker, and the names its keys
 * go by in Redis ({@link #fingerprint}s, never the secrets).
 */
final class SharedKeys implements KeyScheduler.Listener, CircuitBreaker.Listener {

    static final String COOL = "cool";
    static final String AVOID = "avoid";
    static final String LOCK = "lock";
    static final String OPEN = "open";

    private final KeyEvents events;
    private final ProviderRuntime runtime;
    private final String[] fingerprints;
    private final Map<String, Integer> byFingerprint = new HashMap<>();

    SharedKeys(KeyEvents events, ProviderRuntime runtime) {
        this.events = events;
        this.runtime = runtime;
        List<String> keys = runtime.provider().apiKeys();
        this.fingerprints = new String[keys.size()];
        for (int i = 0; i < fingerprints.length; i++) {
            fingerprints[i] = fingerprint(keys.get(i));
            byFingerprint.putIfAbsent(fingerprints[i], i);
        }
    }

    /**
     * The name a key goes by in Redis: 16 hex digits of SHA-256 over a fixed label and the key. Instances configured
     * with the same secret agree on it whatever they call the key; the secret cannot be read back from it.
     */
    static String fingerprint(String secret) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("sluice-key-v1:".getBytes(StandardCharsets.US_ASCII));
            byte[] h = d.digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** The hash field of a penalty: {@code c:<fp>}, {@code a:<fp>}, {@code l:<fp>:<model>} or {@code b}. */
    static String field(String event, String fingerprint, String model) {
        return switch (event) {
            case COOL -> "c:" + fingerprint;
            case AVOID -> "a:" + fingerprint;
            case LOCK -> "l:" + fingerprint + ":" + model;
            default -> "b";
        };
    }

    ProviderRuntime runtime() {
        return runtime;
    }

    String provider() {
        return runtime.provider().name();
    }

    String fingerprint(int key) {
        return fingerprints[key];
    }

    String keyName(int key) {
        return runtime.keys().keyName(key);
    }

    // The listeners publish on the failing request's thread: a few microseconds of JSON, then Lettuce queues the
    // commands for its own I/O thread (never waiting for Redis; refused at once while it is down). No extra hop,
    // so the event leaves as soon as the penalty is in force here.

    @Override
    public void cooled(int key, long nanos, int status) {
        events.publish(this, COOL, key, null, nanos, status);
    }

    @Override
    public void avoided(int key, long nanos) {
        events.publish(this, AVOID, key, null, nanos, 0);
    }

    @Override
    public void locked(int key, String model, long nanos) {
        events.publish(this, LOCK, key, model, nanos, 0);
    }

    @Override
    public void opened(CircuitBreaker breaker, CircuitBreaker.Phase open) {
        events.publish(this, OPEN, -1, null, open.probeAt() - runtime.keys().now(), 0);
        events.unlock(this, false); // a failed probe frees the lock: the next round is anyone's
        events.scheduleProbe(this, open);
    }

    @Override
    public void closed(CircuitBreaker breaker) {
        events.publishClose(this);
    }

    /** Another instance's event: {@code fingerprint} unknown here (a key this instance does not have) is ignored. */
    void apply(String event, String fingerprint, String model, long nanos) {
        if (event.equals(OPEN)) {
            CircuitBreaker.Phase open = runtime.breaker().openShared(nanos);
            if (open != null) {
                events.scheduleProbe(this, open);
            }
            return;
        }
        Integer key = fingerprint == null ? null : byFingerprint.get(fingerprint);
        if (key == null) {
            return;
        }
        switch (event) {
            case COOL -> runtime.keys().coolShared(key, nanos);
            case AVOID -> runtime.keys().avoidShared(key, nanos);
            case LOCK -> {
                if (model != null) {
                    runtime.keys().lockShared(key, model, nanos);
                }
            }
            default -> {
                // an event of a later version: ignored
            }
        }
    }

    /** A field of the provider's hash, {@code nanos} before its deadline. */
    void applyField(String field, long nanos) {
        if (field.equals("b")) {
            apply(OPEN, null, null, nanos);
            return;
        }
        String[] parts = field.split(":", 3);
        if (parts.length < 2) {
            return;
        }
        switch (parts[0]) {
            case "c" -> apply(COOL, parts[1], null, nanos);
            case "a" -> apply(AVOID, parts[1], null, nanos);
            case "l" -> apply(LOCK, parts[1], parts.length == 3 ? parts[2] : null, nanos);
            default -> {
                // a field of a later version: ignored
            }
        }
    }

    /** Publishes every penalty in force here (after a reconnection: the others may have missed them). */
    void republish() {
        KeyScheduler keys = runtime.keys();
        long now = keys.now();
        for (int k = 0; k < keys.size(); k++) {
            long cool = keys.cooldownDeadline(k);
            if (cool != KeyState.NOT_COOLING && cool - now > 0) {
                events.publish(this, COOL, k, null, cool - now, 0);
            }
            long avoid = keys.avoidDeadline(k);
            if (avoid != KeyState.NOT_COOLING && avoid - now > 0) {
                events.publish(this, AVOID, k, null, avoid - now, 0);
            }
            for (Map.Entry<String, Long> lock : keys.modelLocks(k).entrySet()) {
                if (lock.getValue() - now > 0) {
                    events.publish(this, LOCK, k, lock.getKey(), lock.getValue() - now, 0);
                }
            }
        }
        CircuitBreaker.Phase p = runtime.breaker().phase();
        if (p.state() == CircuitBreaker.State.OPEN && p.probeAt() - now > 0) {
            events.publish(this, OPEN, -1, null, p.probeAt() - now, 0);
        }
    }
}
