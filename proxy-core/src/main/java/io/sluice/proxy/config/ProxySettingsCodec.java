package io.sluice.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The JSON of the {@code proxy} setting:
 * <pre>{@code
 * {"enabled": true, "global": "http://user:pass@proxy:3128", "httpsProxy": null, "httpProxy": null,
 *  "noProxy": ["localhost", ".internal", "10.0.0.0/8"], "providers": {"local": "none", "eu": "socks5://..."}}
 * }</pre>
 * Every field is optional (absent: unset). {@code noProxy} may be a list or one comma-separated string; the seed's
 * and the environment's spellings ({@code proxy}, {@code https_proxy}, {@code no_proxy}, ...) are read too. What
 * {@code GET} shows has every password masked; a {@code PUT} that sends such a masked URL back keeps the password
 * in force for that proxy and user.
 */
public final class ProxySettingsCodec implements Setting.Codec<ProxySettings> {

    static final List<String> FIELDS = List.of("enabled", "global", "httpsProxy", "httpProxy", "noProxy",
            "providers");
    private static final Map<String, String> SPELLINGS = Map.of("proxy", "global", "https_proxy", "httpsProxy",
            "http_proxy", "httpProxy", "no_proxy", "noProxy", "noproxy", "noProxy", "bypass", "noProxy");
    private static final int MAX_PROVIDERS = 1_000;

    private final Supplier<ProxySettings> inForce;

    /** @param inForce the value in force, whose passwords a masked one sent back stands for (null: none) */
    public ProxySettingsCodec(Supplier<ProxySettings> inForce) {
        this.inForce = inForce;
    }

    @Override
    public ProxySettings parse(JsonNode json) {
        boolean enabled = true;
        ProxyUri global = null;
        ProxyUri https = null;
        ProxyUri http = null;
        NoProxy noProxy = NoProxy.EMPTY;
        Map<String, ProxyUri> providers = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String field = SPELLINGS.getOrDefault(f.getKey(), f.getKey());
            JsonNode v = f.getValue();
            switch (field) {
                case "enabled" -> {
                    if (!v.isBoolean()) {
                        throw ConfigException.invalid("enabled", v.toString(), "true or false");
                    }
                    enabled = v.booleanValue();
                }
                case "global" -> global = uri(f.getKey(), v);
                case "httpsProxy" -> https = uri(f.getKey(), v);
                case "httpProxy" -> http = uri(f.getKey(), v);
                case "noProxy" -> noProxy = noProxy(f.getKey(), v);
                case "providers" -> providers = providers(f.getKey(), v);
                default -> throw ConfigException.at(ConfigException.render(f.getKey()), "unknown field (expected: "
                        + String.join(", ", FIELDS) + ")");
            }
        }
        ProxySettings s = new ProxySettings(enabled, global, https, http, noProxy, providers);
        return s.unmaskedFrom(inForce == null ? null : inForce.get());
    }

    private static ProxyUri uri(String field, JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ConfigException.invalid(field, v.isObject() ? new Shown("a mapping") : v.isArray()
                    ? new Shown("a list") : new Shown(v.toString()), ProxyUri.EXPECTED);
        }
        if (v.textValue().isBlank()) {
            return null;
        }
        return ProxyUri.parse(field, v.textValue());
    }

    private static NoProxy noProxy(String field, JsonNode v) {
        if (v.isNull()) {
            return NoProxy.EMPTY;
        }
        if (v.isTextual()) {
            return NoProxy.parse(field, v.textValue());
        }
        if (!v.isArray()) {
            throw ConfigException.invalid(field, v.toString(), "a list of hosts, domains or address blocks");
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw ConfigException.invalid(field + "[" + i + "]", v.get(i).toString(),
                        "a host, domain or address block");
            }
            items.add(v.get(i).textValue());
        }
        return NoProxy.of(field, items);
    }

    private static Map<String, ProxyUri> providers(String field, JsonNode v) {
        Map<String, ProxyUri> out = new LinkedHashMap<>();
        if (v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw ConfigException.invalid(field, v.toString(), "a mapping of provider name to proxy URL or none");
        }
        if (v.size() > MAX_PROVIDERS) {
            throw ConfigException.invalid(field, v.size() + " providers", "at most " + MAX_PROVIDERS);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = field + "." + e.getKey();
            ProviderConfig.checkName(at, e.getKey());
            ProxyUri p = uri(at, e.getValue());
            if (p != null) {
                out.put(e.getKey(), p);
            }
        }
        return out;
    }

    /** A value shown as it is, not quoted. */
    private record Shown(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    @Override
    public JsonNode write(ProxySettings s) {
        return json(s, ProxyUri::unmasked);
    }

    @Override
    public JsonNode show(ProxySettings s) {
        return json(s, ProxyUri::masked);
    }

    private static JsonNode json(ProxySettings s, Function<ProxyUri, String> text) {
        ObjectNode n = Setting.JSON.createObjectNode().put("enabled", s.enabled());
        n.put("global", s.global() == null ? null : text.apply(s.global()));
        n.put("httpsProxy", s.httpsProxy() == null ? null : text.apply(s.httpsProxy()));
        n.put("httpProxy", s.httpProxy() == null ? null : text.apply(s.httpProxy()));
        ArrayNode bypass = n.putArray("noProxy");
        s.noProxy().entries().forEach(bypass::add);
        ObjectNode p = n.putObject("providers");
        s.providers().forEach((name, uri) -> p.put(name, text.apply(uri)));
        return n;
    }
}
