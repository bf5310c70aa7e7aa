package io.sluice.proxy.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may use the proxy: client (virtual) keys and IP rules.
 *
 * @param clientKeys       the keys clients send; names and keys unique
 * @param requireClientKey null for the default: required exactly when keys are configured. {@code false} with keys is
 *                         refused (a key nobody has to send protects nothing), and so is {@code true} without any;
 *                         {@code false} on a non-loopback bind is the operator saying, in writing, that this is an
 *                         open relay
 * @param ipAllow          address blocks admitted; empty for all
 * @param ipDeny           address blocks refused, before the allow list
 * @param trustedProxies   peers whose {@code X-Forwarded-For} is believed
 */
public record AccessConfig(List<ClientKeyConfig> clientKeys, Boolean requireClientKey, List<Cidr> ipAllow,
                           List<Cidr> ipDeny, List<Cidr> trustedProxies) {

    public AccessConfig {
        clientKeys = clientKeys == null ? List.of() : List.copyOf(clientKeys);
        ipAllow = ipAllow == null ? List.of() : List.copyOf(ipAllow);
        ipDeny = ipDeny == null ? List.of() : List.copyOf(ipDeny);
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        Map<String, String> byHash = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (ClientKeyConfig k : clientKeys) {
            if (names.contains(k.name())) {
                throw ConfigException.invalid("clientKeys", k.name(), "unique key names");
            }
            names.add(k.name());
            String other = byHash.put(k.sha256(), k.name());
            if (other != null) {
                throw ConfigException.at("clientKeys." + k.name(), "the same key as " + other
                        + " (expected: a key of its own, so usage and limits tell clients apart)");
            }
        }
        if (Boolean.FALSE.equals(requireClientKey) && !clientKeys.isEmpty()) {
            throw ConfigException.at("requireClientKey", "false while clientKeys are configured (expected: true, or"
                    + " no clientKeys)");
        }
        if (Boolean.TRUE.equals(requireClientKey) && clientKeys.isEmpty()) {
            throw ConfigException.at("requireClientKey", "true but no clientKeys are configured, so every request would"
                    + " be refused (expected: clientKeys)");
        }
    }

    /** No keys, no rules: the defaults. */
    public static AccessConfig open() {
        return new AccessConfig(List.of(), null, List.of(), List.of(), List.of());
    }

    /** Whether model requests and {@code /v1/models} need a client key. */
    public boolean keysRequired() {
        return !clientKeys.isEmpty();
    }

    /** Whether any IP rule is configured. */
    public boolean ipRules() {
        return !ipAllow.isEmpty() || !ipDeny.isEmpty();
    }

    /**
     * Refuses to serve on a non-loopback address without client keys unless {@code requireClientKey: false} says so:
     * an exposed proxy that needs no key lets anyone spend the operator's provider keys.
     *
     * @throws ConfigException naming both ways out
     */
    public void checkExposure(ServerConfig server) {
        if (server.loopbackOnly() || keysRequired() || Boolean.FALSE.equals(requireClientKey)) {
            return;
        }
        throw ConfigException.at("access", "server.host " + server.host() + " is reachable from other machines but"
                + " no client keys are configured, so anyone could spend the provider keys (expected:"
                + " access.clientKeys, SLUICE_CLIENT_KEY, or access.requireClientKey: false to run an open relay on"
                + " purpose)");
    }
}
