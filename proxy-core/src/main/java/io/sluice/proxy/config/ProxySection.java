package io.sluice.proxy.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbound proxy as the file and the environment give it: {@code upstream.proxy}, {@code upstream.noProxy},
 * {@code providers.<name>.proxy}, and the variables curl and Go read ({@code https_proxy} / {@code HTTPS_PROXY},
 * {@code http_proxy} / {@code HTTP_PROXY}, {@code all_proxy} / {@code ALL_PROXY}, {@code no_proxy} /
 * {@code NO_PROXY}; the lower-case spelling wins when both are set, as in curl). The file's keys win over the
 * variables: {@code upstream.proxy} replaces the three proxy variables ({@code none} ignores them), and
 * {@code upstream.noProxy} replaces {@code NO_PROXY}.
 */
final class ProxySection {

    private ProxySection() {
    }

    static ProxySettings read(ConfigNode upstream, ConfigNode providers, Map<String, String> env) {
        ConfigNode g = upstream.get("proxy").secret();
        String globalText = g.text(null);
        ProxyUri global = globalText == null || globalText.isBlank() ? null : ProxyUri.parse(g.path(), globalText);
        ProxyUri all = env(env, "all_proxy", "ALL_PROXY");
        ProxyUri https = env(env, "https_proxy", "HTTPS_PROXY");
        ProxyUri http = env(env, "http_proxy", "HTTP_PROXY");
        NoProxy noProxy = noProxy(upstream.get("noProxy"), env);
        Map<String, ProxyUri> own = new LinkedHashMap<>();
        providers.entries("a mapping of provider name to settings").forEach((name, n) -> {
            ConfigNode p = n.get("proxy").secret();
            String text = p.text(null);
            if (text != null && !text.isBlank()) {
                own.put(name, ProxyUri.parse(p.path(), text));
            }
        });
        return new ProxySettings(true, global, https != null ? https : all, http != null ? http : all, noProxy,
                own);
    }

    private static NoProxy noProxy(ConfigNode n, Map<String, String> env) {
        if (!n.isAbsent()) {
            if (n.isScalar()) {
                return NoProxy.parse(n.path(), n.text(null));
            }
            List<String> items = n.strings();
            return NoProxy.of(n.path(), items);
        }
        String var = env.get("no_proxy") != null ? "no_proxy" : "NO_PROXY";
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            return NoProxy.EMPTY;
        }
        try {
            return NoProxy.parse(var, v);
        } catch (ConfigException e) {
            throw new ConfigException("environment: " + e.getMessage(), e);
        }
    }

    /** The first of {@code names} set (and not blank) in {@code env}, parsed; null when none is. */
    private static ProxyUri env(Map<String, String> env, String... names) {
        for (String name : names) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                try {
                    return ProxyUri.parse(name, v);
                } catch (ConfigException e) {
                    throw new ConfigException("environment: " + e.getMessage(), e);
                }
            }
        }
        return null;
    }
}
