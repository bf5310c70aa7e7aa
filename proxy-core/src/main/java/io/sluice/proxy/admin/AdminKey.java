package io.sluice.proxy.admin;

import io.sluice.proxy.config.SluiceConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** The admin API's gate: whether a request's credentials carry the admin key. */
final class AdminKey {

    private AdminKey() {
    }

    /**
     * Whether the admin API answers a request carrying {@code authorization} (or {@code x-admin-key}): the admin key as
     * {@code x-admin-key}, {@code Authorization: Bearer <key>} or, for a browser, {@code Authorization: Basic} with
     * any user name and the key as password. Compared in constant time. Without an admin key, only a server bound to
     * loopback answers.
     */
    static boolean allowed(SluiceConfig config, String authorization, String adminKeyHeader) {
        String key = config.server().adminKey();
        if (key == null) {
            return config.server().loopbackOnly();
        }
        String given = adminKeyHeader != null ? adminKeyHeader
                : authorization == null ? null
                : authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip()
                : authorization.regionMatches(true, 0, "Basic ", 0, 6) ? basicPassword(authorization.substring(6))
                : null;
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                key.getBytes(StandardCharsets.UTF_8));
    }

    /** The password of HTTP Basic credentials ({@code base64(user:password)}, RFC 7617), or null when malformed. */
    private static String basicPassword(String credentials) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(credentials.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String userPass = new String(decoded, StandardCharsets.UTF_8);
        int colon = userPass.indexOf(':');
        return colon < 0 ? null : userPass.substring(colon + 1);
    }
}
