package io.sluice.proxy.cli;

import io.sluice.proxy.config.Durations;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.ProxySettings;
import io.sluice.proxy.config.ServerConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.config.UpstreamConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code check-config} prints: the effective settings, keys masked, then warnings. */
final class ConfigSummary {

    private ConfigSummary() {
    }

    static List<String> lines(Path file, SluiceConfig cfg) {
        List<String> lines = new ArrayList<>();
        lines.add("Config OK: " + file);
        lines.add("server:   " + server(cfg.server()));
        lines.add("upstream: " + upstream(cfg.upstream()));
        lines.add("proxy:    " + proxy(cfg.upstream().proxy()));
        lines.add("access:   " + access(cfg.access()));
        lines.add("providers: " + cfg.providers().size() + " (" + cfg.enabledProviders().size() + " enabled)");
        int width = cfg.providers().stream().mapToInt(p -> p.name().length()).max().orElse(0);
        for (ProviderConfig p : cfg.providers()) {
            lines.add("  " + pad(p.name(), width) + "  " + provider(p));
        }
        for (String warning : warnings(cfg)) {
            lines.add("warning: " + warning);
        }
        return lines;
    }

    static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static String server(ServerConfig s) {
        return hostPort(s.host(), s.port())
                + ", maxBodyBytes " + s.maxBodyBytes()
                + ", maxHeaderBytes " + s.maxHeaderBytes()
                + ", readTimeout " + Durations.format(s.readTimeout())
                + ", idleTimeout " + Durations.format(s.idleTimeout())
                + ", ioThreads " + (s.ioThreads() == 0 ? "auto (" + s.effectiveIoThreads() + ")" : s.ioThreads())
                + ", shutdownGrace " + Durations.format(s.shutdownGrace());
    }

    /** {@code client keys ci (2 models, 60/min), ops; ipAllow 10.0.0.0/8; ipDeny none}: never a key. */
    private static String access(io.sluice.proxy.config.AccessConfig a) {
        StringBuilder sb = new StringBuilder();
        if (a.clientKeys().isEmpty()) {
            sb.append(Boolean.FALSE.equals(a.requireClientKey()) ? "no client keys (open relay, on purpose)"
                    : "no client keys");
        } else {
            sb.append("client keys ");
            for (int i = 0; i < a.clientKeys().size(); i++) {
                io.sluice.proxy.config.ClientKeyConfig k = a.clientKeys().get(i);
                sb.append(i == 0 ? "" : ", ").append(k.name());
                List<String> notes = new ArrayList<>();
                if (!k.models().isEmpty()) {
                    notes.add(k.models().size() + (k.models().size() == 1 ? " model" : " models"));
                }
                if (k.rateLimit() > 0) {
                    notes.add(k.rateLimit() + "/min");
                }
                if (!k.enabled()) {
                    notes.add("disabled");
                }
                if (!notes.isEmpty()) {
                    sb.append(" (").append(String.join(", ", notes)).append(')');
                }
            }
        }
        sb.append("; ipAllow ").append(a.ipAllow().isEmpty() ? "any" : join(a.ipAllow()));
        sb.append("; ipDeny ").append(a.ipDeny().isEmpty() ? "none" : join(a.ipDeny()));
        if (!a.trustedProxies().isEmpty()) {
            sb.append("; trustedProxies ").append(join(a.trustedProxies()));
        }
        return sb.toString();
    }

    private static String join(List<?> items) {
        return String.join(", ", items.stream().map(Object::toString).toList());
    }

    private static String upstream(UpstreamConfig u) {
        return "connectTimeout " + Durations.format(u.connectTimeout())
                + ", firstByteTimeout " + Durations.format(u.firstByteTimeout())
                + ", idleTimeout " + Durations.format(u.idleTimeout())
                + ", maxConnectionsPerOrigin " + u.maxConnectionsPerOrigin()
                + ", poolIdleTimeout " + Durations.format(u.poolIdleTimeout())
                + (u.insecureTls() ? ", insecureTls" : "");
    }

    /** The outbound proxies, passwords masked: {@code upstream.proxy http://u:****@h:3128; noProxy localhost}. */
    private static String proxy(ProxySettings s) {
        List<String> parts = new ArrayList<>();
        if (s.global() != null) {
            parts.add("upstream.proxy " + s.global().masked());
        } else {
            if (s.httpsProxy() != null) {
                parts.add("https targets " + s.httpsProxy().masked());
            }
            if (s.httpProxy() != null) {
                parts.add("http targets " + s.httpProxy().masked());
            }
        }
        if (!s.noProxy().entries().isEmpty()) {
            parts.add("noProxy " + String.join(", ", s.noProxy().entries()));
        }
        s.providers().forEach((name, uri) -> parts.add(name + " " + uri.masked()));
        return parts.isEmpty() ? "none (direct)" : String.join("; ", parts);
    }

    private static String provider(ProviderConfig p) {
        StringBuilder sb = new StringBuilder()
                .append("type ").append(p.type())
                .append(p.enabled() ? ", enabled" : ", disabled");
        if (p.baseUrl() != null) {
            sb.append(", baseUrl ").append(p.baseUrl());
        }
        if (!p.isMock()) {
            sb.append(", keys ").append(p.apiKeys().size());
            if (!p.apiKeys().isEmpty()) {
                sb.append(' ').append(p.maskedApiKeys());
            }
        }
        if (!p.headers().isEmpty()) {
            sb.append(", headers ").append(String.join(", ", p.headers().keySet()));
        }
        sb.append(", models ").append(p.models().isEmpty() ? "(none listed)" : String.join(", ", p.models()));
        if (p.mock() != null) {
            sb.append(", chunkDelay ").append(Durations.format(p.mock().chunkDelay()))
                    .append(", chunkWords ").append(p.mock().chunkWords());
        }
        return sb.toString();
    }

    private static List<String> warnings(SluiceConfig cfg) {
        List<String> warnings = new ArrayList<>();
        if (cfg.enabledProviders().isEmpty()) {
            warnings.add("no provider is enabled: every model request will fail");
        }
        for (ProviderConfig p : cfg.enabledProviders()) {
            if (!p.configured()) {
                warnings.add("provider " + p.name() + " is enabled but has no apiKeys (unset variable?)");
            }
        }
        if (cfg.upstream().insecureTls()) {
            warnings.add("upstream.insecureTls is true: provider certificates are not checked");
        }
        return warnings;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
