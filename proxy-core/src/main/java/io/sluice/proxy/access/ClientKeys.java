package io.sluice.proxy.access;

import io.sluice.proxy.config.AccessConfig;
import io.sluice.proxy.config.ClientKeyConfig;
import io.sluice.proxy.config.Glob;
import io.sluice.proxy.config.RateLimitConfig;
import io.sluice.proxy.config.Secrets;
import io.sluice.proxy.schedule.Limiters;
import io.sluice.proxy.schedule.RateLimiter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The client keys of one server, looked up by the SHA-256 of what the client sent. Only hashes are held, so neither
 * a heap dump nor a slow comparison gives a key away: the lookup compares digests, never the secret itself.
 */
public final class ClientKeys {

    /** The name usage and sessions show for requests made with {@code server.adminKey}. */
    public static final String ADMIN = "admin";

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ClientKeys::newDigest);
    /** Per thread: the digest, its output and a probe over it, so a lookup allocates only the key's bytes. */
    private static final ThreadLocal<Digest> PROBE = ThreadLocal.withInitial(() -> new Digest(new byte[32]));

    /** One client key as the proxy uses it. */
    public static final class Key {
        private final String name;
        private final List<String> models;
        private final List<Glob> patterns;
        /** Per pattern: no {@code /}, so it names a model whichever provider serves it. */
        private final boolean[] bare;
        private final RateLimiter limiter;
        private final boolean enabled;

        Key(String name, List<String> models, RateLimiter limiter, boolean enabled) {
            this.name = name;
            this.models = List.copyOf(models);
            List<Glob> p = new ArrayList<>(models.size());
            for (String m : models) {
                p.add(new Glob(m));
            }
            this.patterns = List.copyOf(p);
            this.bare = new boolean[models.size()];
            for (int i = 0; i < bare.length; i++) {
                bare[i] = models.get(i).indexOf('/') < 0;
            }
            this.limiter = limiter;
            this.enabled = enabled;
        }

        public String name() {
            return name;
        }

        /** The model patterns this key is limited to; empty for all models. */
        public List<String> models() {
            return models;
        }

        public boolean enabled() {
            return enabled;
        }

        /** This key's requests-per-minute limiter, or null when it has none. */
        public RateLimiter limiter() {
            return limiter;
        }

        /**
         * Whether this key may use a model: the id the client asked for, the route's {@code provider/upstream} or the
         * upstream model alone is matched by one of the patterns ({@code gpt-4o} admits {@code openai/gpt-4o}; an
         * alias is admitted by its own name or by where it lands). Only a pattern without {@code /} is matched against
         * the upstream model alone: {@code mock/*} names a provider, so it must not admit provider {@code p}'s
         * upstream model {@code mock/echo}. {@code provider} and {@code upstream} may be null.
         */
        public boolean allows(String requested, String provider, String upstream) {
            if (patterns.isEmpty()) {
                return true;
            }
            boolean routed = provider != null && upstream != null;
            for (int i = 0; i < patterns.size(); i++) { // indexed: no iterator per request
                Glob g = patterns.get(i);
                if (g.matches(requested) || (routed && g.matches(provider, upstream))
                        || (upstream != null && bare[i] && g.matches(upstream))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "ClientKey[" + name + "]";
        }
    }

    private final Map<Digest, Key> byHash;
    private final List<Key> keys;

    private ClientKeys(Map<Digest, Key> byHash, List<Key> keys) {
        this.byHash = byHash;
        this.keys = keys;
    }

    /**
     * The keys of {@code access}, each limited by its own {@code rateLimit} or else {@code limits.perClientKey}; and,
     * when keys are required and {@code adminKey} is set, the admin key under the name {@value #ADMIN}, unrestricted.
     */
    public static ClientKeys of(AccessConfig access, RateLimitConfig limits, String adminKey, LongSupplier nanos) {
        return of(access, limits, adminKey, Limiters.local(nanos));
    }

    /** {@link #of(AccessConfig, RateLimitConfig, String, LongSupplier)} with limiters shared or not. */
    public static ClientKeys of(AccessConfig access, RateLimitConfig limits, String adminKey, Limiters limiters) {
        Map<Digest, Key> byHash = new HashMap<>();
        List<Key> keys = new ArrayList<>();
        for (ClientKeyConfig k : access.clientKeys()) {
            long perMinute = k.perMinute(limits.perClientKey());
            Key key = new Key(k.name(), k.models(), limiters.limiter("client:" + k.name(), perMinute),
                    k.enabled());
            byHash.put(Digest.ofHex(k.sha256()), key);
            keys.add(key);
        }
        if (!keys.isEmpty() && adminKey != null) {
            byHash.putIfAbsent(Digest.ofHex(Secrets.sha256Hex(adminKey)), new Key(ADMIN, List.of(), null, true));
        }
        return new ClientKeys(byHash, Collections.unmodifiableList(keys));
    }

    /** Whether requests must carry one of these keys. */
    public boolean required() {
        return !keys.isEmpty();
    }

    /** The configured keys, in file order (without the admin key). */
    public List<Key> keys() {
        return keys;
    }

    /** The key {@code presented} is, or null. */
    public Key find(String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        Digest probe = PROBE.get();
        MessageDigest md = SHA256.get();
        md.reset();
        md.update(presented.getBytes(StandardCharsets.UTF_8));
        try {
            md.digest(probe.bytes, 0, probe.bytes.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e); // 32 bytes is SHA-256's size
        }
        probe.rehash();
        return byHash.get(probe);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** A SHA-256 as a map key; the per-thread probe is overwritten in place, stored ones never change. */
    private static final class Digest {
        final byte[] bytes;
        private int hash;

        Digest(byte[] bytes) {
            this.bytes = bytes;
            rehash();
        }

        static Digest ofHex(String hex) {
            byte[] b = new byte[32];
            for (int i = 0; i < 32; i++) {
                b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            }
            return new Digest(b);
        }

        void rehash() {
            // A digest is uniformly random: its first four bytes are as good a hash as any.
            hash = (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            // Digests, not secrets: a timing difference here tells nothing about any key.
            return o instanceof Digest d && java.util.Arrays.equals(d.bytes, bytes);
        }
    }
}
