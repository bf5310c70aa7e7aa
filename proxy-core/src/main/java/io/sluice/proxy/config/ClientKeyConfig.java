package io.sluice.proxy.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One client (virtual) key: what a client sends instead of a provider key.
 *
 * @param name      shown in usage, sessions, logs and metrics instead of the key itself
 * @param key       the key in plain text (usually {@code ${VAR}}), or null when {@code keyHash} is given
 * @param keyHash   the key's SHA-256 as 64 hex digits, so the file need not hold the key; null when {@code key} is
 *                  given
 * @param models    model patterns this key may use ({@code *} wildcards), matched against the model the client asks
 *                  for, {@code provider/upstream-model} and the upstream model; empty for every model
 * @param rateLimit requests per minute for this key; -1 for {@code rateLimits.perClientKey}, 0 for none
 * @param enabled   a disabled key is refused with 401, and says so
 */
public record ClientKeyConfig(String name, String key, String keyHash, List<String> models, long rateLimit,
                              boolean enabled) {

    /** Keys shorter than this are guessable; a client key is a password to every provider behind Sluice. */
    public static final int MIN_KEY_LENGTH = 16;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public ClientKeyConfig {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ConfigException.invalid("name", name, "1-64 letters, digits, '.', '_' or '-'");
        }
        key = key == null || key.isBlank() ? null : key.strip();
        keyHash = keyHash == null || keyHash.isBlank() ? null : keyHash.strip().toLowerCase(Locale.ROOT);
        if (keyHash != null && keyHash.startsWith("sha256:")) {
            keyHash = keyHash.substring(7);
        }
        if (key == null && keyHash == null) {
            throw ConfigException.missing("key", "one of key, keyHash");
        }
        if (key != null && keyHash != null) {
            throw ConfigException.at("key", "given together with keyHash (expected: one of key, keyHash)");
        }
        if (key != null && key.length() < MIN_KEY_LENGTH) {
            throw ConfigException.at("key", "a key of " + key.length() + " characters (expected: at least "
                    + MIN_KEY_LENGTH + ", e.g. from `openssl rand -hex 24`)");
        }
        if (keyHash != null && !HEX64.matcher(keyHash).matches()) {
            throw ConfigException.invalid("keyHash", keyHash, "64 hex digits, the key's SHA-256");
        }
        models = models == null ? List.of() : List.copyOf(models);
        for (String m : models) {
            if (m == null || m.isBlank()) {
                throw ConfigException.invalid("models", m, "model ids or patterns");
            }
        }
        if (rateLimit < -1 || rateLimit > 100_000_000L) {
            throw ConfigException.invalid("rateLimit", String.valueOf(rateLimit),
                    "requests per minute, 0 (no limit) to 100000000");
        }
    }

    /** The key's SHA-256 in hex, however it was configured. */
    public String sha256() {
        return keyHash != null ? keyHash : Secrets.sha256Hex(key);
    }

    /** This key's requests per minute: its own {@code rateLimit}, else {@code perClientKey}; 0 for no limit. */
    public long perMinute(long perClientKey) {
        return rateLimit >= 0 ? rateLimit : perClientKey;
    }

    /** What may be shown of the key: {@code sk-...abcd}, or {@code sha256:1a2b3c4d...} for a hashed one. */
    public String shown() {
        return key != null ? Secrets.mask(key) : "sha256:" + keyHash.substring(0, 8) + "...";
    }

    /** Like the record's, with the key masked: this string ends up in logs. */
    @Override
    public String toString() {
        return "ClientKeyConfig[name=" + name + ", key=" + shown() + ", models=" + models + ", rateLimit="
                + rateLimit + ", enabled=" + enabled + "]";
    }
}
