package io.sluice.proxy.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code access}: client keys (the file's, then {@code SLUICE_CLIENT_KEY} and {@code SLUICE_CLIENT_KEY_<N>} from the
 * environment, named after the variable) and IP rules (the file's lists, else {@code SLUICE_IP_ALLOW},
 * {@code SLUICE_IP_DENY}, {@code SLUICE_TRUSTED_PROXIES}, comma-separated).
 */
final class AccessSection {

    static final List<String> ACCESS_KEYS = List.of("clientKeys", "requireClientKey", "ipAllow", "ipDeny",
            "trustedProxies");
    static final List<String> CLIENT_KEY_KEYS = List.of("key", "keyHash", "models", "rateLimit", "enabled");
    /** Client keys from the environment alone: {@code SLUICE_CLIENT_KEY}, {@code SLUICE_CLIENT_KEY_1..}. */
    static final String CLIENT_KEY_VAR = "SLUICE_CLIENT_KEY";

    private AccessSection() {
    }

    static AccessConfig read(ConfigNode n, Map<String, String> env) {
        n.object(ACCESS_KEYS);
        List<ClientKeyConfig> keys = new ArrayList<>();
        ConfigNode keysNode = n.get("clientKeys");
        keysNode.entries("a mapping of client key name to a key or settings").forEach((name, k) -> {
            if (k.isScalar()) { // "ci: ${CI_KEY}" is shorthand for "ci: {key: ${CI_KEY}}"
                String key = k.secret().text(null);
                keys.add(Records.build(k, () -> new ClientKeyConfig(name, key, null, null, -1, true)));
                return;
            }
            k.object(CLIENT_KEY_KEYS);
            String key = k.get("key").secret().text(null);
            String hash = k.get("keyHash").text(null);
            List<String> models = k.get("models").strings();
            long rateLimit = k.get("rateLimit").intValue(-1);
            boolean enabled = k.get("enabled").bool(true);
            keys.add(Records.build(k, () -> new ClientKeyConfig(name, key, hash, models, rateLimit, enabled)));
        });
        List<String> vars = new ArrayList<>(env.keySet());
        vars.removeIf(v -> !v.equals(CLIENT_KEY_VAR) && !v.matches(CLIENT_KEY_VAR + "_[0-9]+"));
        vars.sort(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
        for (String var : vars) {
            String value = env.get(var);
            if (value != null && !value.isBlank()) {
                keys.add(Records.envBuild(var, () -> new ClientKeyConfig(var, value, null, null, -1, true)));
            }
        }
        Boolean require = n.get("requireClientKey").isAbsent() ? null : n.get("requireClientKey").bool(true);
        List<Cidr> allow = cidrs(n.get("ipAllow"), env, "SLUICE_IP_ALLOW");
        List<Cidr> deny = cidrs(n.get("ipDeny"), env, "SLUICE_IP_DENY");
        List<Cidr> trusted = cidrs(n.get("trustedProxies"), env, "SLUICE_TRUSTED_PROXIES");
        return Records.build(n, () -> new AccessConfig(keys, require, allow, deny, trusted));
    }

    /** A list of address blocks from the file, else from a comma-separated variable. */
    private static List<Cidr> cidrs(ConfigNode n, Map<String, String> env, String var) {
        List<Cidr> out = new ArrayList<>();
        List<String> listed = n.strings();
        if (listed != null) {
            for (int i = 0; i < listed.size(); i++) {
                String text = listed.get(i);
                try {
                    out.add(Cidr.parse(text));
                } catch (IllegalArgumentException e) {
                    throw ConfigException.invalid(n.path() + "[" + i + "]", text,
                            "an address or block like 10.0.0.0/8 or 2001:db8::/32; " + e.getMessage());
                }
            }
            return out;
        }
        String value = env.get(var);
        if (value == null || value.isBlank()) {
            return out;
        }
        for (String text : value.split(",")) {
            if (text.isBlank()) {
                continue;
            }
            try {
                out.add(Cidr.parse(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("environment: " + var + ": \"" + text.strip() + "\" (expected: an address"
                        + " or block like 10.0.0.0/8; " + e.getMessage() + ")", e);
            }
        }
        return out;
    }
}
