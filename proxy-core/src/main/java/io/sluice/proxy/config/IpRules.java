package io.sluice.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The IP rules in force, the runtime setting {@code ip-filter} ({@code GET/PUT /api/settings/ip-filter}, the seed's
 * endpoint), starting from {@code access.ipAllow}, {@code access.ipDeny} and {@code access.trustedProxies}.
 *
 * @param enabled whether the allow and deny lists are applied (off keeps them, unused)
 * @param allow   address blocks admitted; empty for all
 * @param deny    address blocks refused, before the allow list
 * @param trusted peers whose {@code X-Forwarded-For} is believed
 */
public record IpRules(boolean enabled, List<Cidr> allow, List<Cidr> deny, List<Cidr> trusted) {

    /** The JSON form; the seeds' allow/block-list spellings are read too. */
    public static final Setting.Codec<IpRules> CODEC = new Setting.Codec<>() {
        @Override
        public IpRules parse(JsonNode json) {
            return IpRules.parse(json);
        }

        @Override
        public JsonNode write(IpRules r) {
            ObjectNode n = Setting.JSON.createObjectNode().put("enabled", r.enabled());
            list(n.putArray("ipAllow"), r.allow());
            list(n.putArray("ipDeny"), r.deny());
            list(n.putArray("trustedProxies"), r.trusted());
            return n;
        }
    };

    private static final Map<String, String> SPELLINGS = Map.of("allow", "ipAllow", "whitelist", "ipAllow",
            "allowlist", "ipAllow", "deny", "ipDeny", "blacklist", "ipDeny", "blocklist", "ipDeny", "block", "ipDeny",
            "trusted", "trustedProxies");
    private static final int MAX_RULES = 10_000;

    public IpRules {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        trusted = List.copyOf(trusted);
    }

    /** The rules of the config file. */
    public static IpRules of(AccessConfig a) {
        return new IpRules(true, a.ipAllow(), a.ipDeny(), a.trustedProxies());
    }

    /** Whether an address is checked at all. */
    public boolean active() {
        return enabled && (!allow.isEmpty() || !deny.isEmpty());
    }

    static IpRules parse(JsonNode json) {
        boolean enabled = true;
        List<Cidr> allow = List.of();
        List<Cidr> deny = List.of();
        List<Cidr> trusted = List.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String field = SPELLINGS.getOrDefault(f.getKey(), f.getKey());
            switch (field) {
                case "enabled" -> {
                    if (!f.getValue().isBoolean()) {
                        throw ConfigException.invalid("enabled", f.getValue().toString(), "true or false");
                    }
                    enabled = f.getValue().booleanValue();
                }
                case "ipAllow" -> allow = cidrs(f.getKey(), f.getValue());
                case "ipDeny" -> deny = cidrs(f.getKey(), f.getValue());
                case "trustedProxies" -> trusted = cidrs(f.getKey(), f.getValue());
                default -> throw ConfigException.at(ConfigException.render(f.getKey()), "unknown field (expected:"
                        + " enabled, ipAllow, ipDeny, trustedProxies)");
            }
        }
        return new IpRules(enabled, allow, deny, trusted);
    }

    private static List<Cidr> cidrs(String field, JsonNode v) {
        List<Cidr> out = new ArrayList<>();
        if (v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw ConfigException.invalid(field, v.toString(), "a list of addresses or blocks like 10.0.0.0/8");
        }
        if (v.size() > MAX_RULES) {
            throw ConfigException.invalid(field, v.size() + " rules", "at most " + MAX_RULES);
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String at = field + "[" + i + "]";
            if (!e.isTextual()) {
                throw ConfigException.invalid(at, e.toString(), "an address or block like 10.0.0.0/8");
            }
            try {
                out.add(Cidr.parse(e.textValue()));
            } catch (IllegalArgumentException x) {
                throw ConfigException.invalid(at, e.textValue(), "an address or block like 10.0.0.0/8 or"
                        + " 2001:db8::/32; " + x.getMessage());
            }
        }
        return out;
    }

    private static void list(ArrayNode a, List<Cidr> cidrs) {
        cidrs.forEach(c -> a.add(c.toString()));
    }
}
