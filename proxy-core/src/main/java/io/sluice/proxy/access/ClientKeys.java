package io.sluice.proxy.access;

import io.sluice.proxy.config.AccessConfig;
import io.sluice.proxy.config.ClientKeyConfig;
import io.sluice.proxy.config.RateLimitConfig;
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
import java.util.regex.Pattern;

/**
 * The client keys of one server, looked up by the SHA-256 of what the client sent. Only hashes are held, so neither
 * a heap dump nor a slow comparison gives a key away: the lookup compares digests, never the secret itself.
 */
public final class ClientKeys {

    /** The name usage and sessions show for requests made with {@code server.adminKey}. */
    public static final String ADMIN = "admin";

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    });
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** One client key as the proxy uses it. */
    public static final class Key {
        private final String name;
        private final List<String> models;
        private final List<Pattern> patterns;
        private final RateLimiter limiter;
        private final boolean enabled;

        Key(String name, List<String> models, RateLimiter limiter, boolean enabled) {
            this.name = name;
            this.models = List.copyOf(models);
            List<Pattern> p = new ArrayList<>(models.size());
            for (String m : models) {
                p.add(glob(m));
            }
            this.patterns = List.copyOf(p);
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
         * alias is admitted by its own name or by where it lands). {@code provider} and {@code upstream} may be null.
         */
        public boolean allows(String requested, String provider, String upstream) {
            if (patterns.isEmpty()) {
                return true;
            }
            String routed = provider == null || upstream == null ? null : provider + '/' + upstream;
            for (Pattern p : patterns) {
                if (p.matcher(requested).matches() || (routed != null && p.matcher(routed).matches())
                        || (upstream != null && p.matcher(upstream).matches())) {
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

    private final Map<String, Key> byHash;
    private final List<Key> keys;

    private ClientKeys(Map<String, Key> byHash, List<Key> keys) {
        this.byHash = byHash;
        this.keys = keys;
    }

    /**
     * The keys of {@code access}, each limited by its own {@code rateLimit} or else {@code limits.perClientKey}; and,
     * when keys are required and {@code adminKey} is set, the admin key under the name {@value #ADMIN}, unrestricted.
     */
    public static ClientKeys of(AccessConfig access, RateLimitConfig limits, String adminKey, LongSupplier nanos) {
        Map<String, Key> byHash = new HashMap<>();
        List<Key> keys = new ArrayList<>();
        for (ClientKeyConfig k : access.clientKeys()) {
            long perMinute = k.rateLimit() >= 0 ? k.rateLimit() : limits.perClientKey();
            Key key = new Key(k.name(), k.models(), perMinute > 0 ? new RateLimiter(perMinute, nanos) : null,
                    k.enabled());
            byHash.put(k.sha256(), key);
            keys.add(key);
        }
        if (!keys.isEmpty() && adminKey != null) {
            byHash.putIfAbsent(sha256Hex(adminKey), new Key(ADMIN, List.of(), null, true));
        }
        return new ClientKeys(Map.copyOf(byHash), Collections.unmodifiableList(keys));
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
        return byHash.get(sha256Hex(presented));
    }

    /** The SHA-256 of {@code text}'s UTF-8 bytes as 64 lower-case hex digits. */
    public static String sha256Hex(String text) {
        MessageDigest md = SHA256.get();
        md.reset();
        byte[] d = md.digest(text.getBytes(StandardCharsets.UTF_8));
        char[] out = new char[d.length * 2];
        for (int i = 0; i < d.length; i++) {
            out[2 * i] = HEX[(d[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[d[i] & 0xF];
        }
        return new String(out);
    }

    /** {@code *} matches any run of characters, everything else itself. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        int start = 0;
        for (int i = 0; i < glob.length(); i++) {
            if (glob.charAt(i) == '*') {
                re.append(Pattern.quote(glob.substring(start, i))).append(".*");
                start = i + 1;
            }
        }
        re.append(Pattern.quote(glob.substring(start)));
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
