package io.sluice.proxy.admin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.proxy.config.ConfigException;
import io.sluice.proxy.config.LiveConfig;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.ProxySettings;
import io.sluice.proxy.config.ProxyUri;
import io.sluice.proxy.json.Text;
import io.sluice.proxy.upstream.Origin;
import io.sluice.proxy.upstream.ProxyProbe;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code POST /api/settings/proxy/test}: connects through a proxy to a target and reports {@code ok}, the latency,
 * or what failed and whether the proxy or the target was at fault. The body (all optional):
 * <pre>{@code {"target": "https://api.openai.com", "provider": "openai", "proxy": "http://user:pass@h:3128"}}</pre>
 * {@code proxy} tests that proxy (or {@code none}) before it is put in force; without it the route in force is
 * tested: {@code provider}'s, or the global one. The target defaults to {@code provider}'s base URL, else the first
 * enabled provider's that has one, else {@value #DEFAULT_TARGET}.
 */
public final class ProxyTestAction implements MonitoringApi.SettingAction {

    static final String DEFAULT_TARGET = "https://api.openai.com";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LiveConfig config;
    private final Supplier<ProxySettings> settings;
    private final ProxyProbe probe;

    public ProxyTestAction(LiveConfig config, Supplier<ProxySettings> settings, ProxyProbe probe) {
        this.config = config;
        this.settings = settings;
        this.probe = probe;
    }

    @Override
    public CompletableFuture<MonitoringApi.Answer> run(String body, EventLoop loop) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (JacksonException e) {
            return bad("body: not valid JSON (expected: {\"target\", \"provider\", \"proxy\"}, each optional)");
        }
        if (json == null || !json.isObject()) {
            return bad("body: not a JSON object (expected: {\"target\", \"provider\", \"proxy\"}, each optional)");
        }
        String targetText = null;
        String providerName = null;
        String proxyText = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual() && !f.getValue().isNull()) {
                return bad(Text.printable(f.getKey()) + ": expected a string");
            }
            String v = f.getValue().isNull() ? null : f.getValue().textValue();
            switch (f.getKey()) {
                case "target", "url" -> targetText = v;
                case "provider" -> providerName = v;
                case "proxy" -> proxyText = v;
                default -> {
                    return bad(Text.printable(f.getKey()) + ": unknown field (expected: target, provider, proxy)");
                }
            }
        }
        ProviderConfig provider = null;
        if (providerName != null) {
            provider = config.current().provider(providerName).orElse(null);
            if (provider == null) {
                return bad("provider: no provider named " + Text.printable(providerName));
            }
        }
        Origin target;
        try {
            target = Origin.of(target(targetText, provider));
        } catch (URISyntaxException | RuntimeException e) {
            return bad("target: " + Text.printable(String.valueOf(targetText))
                    + " (expected: an http or https URL such as " + DEFAULT_TARGET + ")");
        }
        ProxySettings inForce = settings.get();
        ProxyUri proxy;
        String because;
        if (proxyText != null) {
            try {
                ProxyUri given = ProxyUri.parse("proxy", proxyText);
                proxy = given.passwordMasked()
                        ? new ProxySettings(true, given, null, null, null, null).unmaskedFrom(inForce).global()
                        : given;
            } catch (ConfigException e) {
                return bad(e.getMessage());
            }
            because = "the proxy given";
        } else {
            ProxySettings.Choice c = inForce.choose(provider == null ? null : provider.name(), target.tls(),
                    target.host(), target.port());
            proxy = c.proxyOrNull();
            because = c.because();
        }
        return probe.test(target, proxy == null || proxy.isNone() ? null : proxy, loop).thenApply(r -> {
            ObjectNode out = JSON.createObjectNode().put("success", true).put("ok", r.ok())
                    .put("target", r.target()).put("proxy", r.route()).put("because", because)
                    .put("latencyMs", r.latencyMs());
            if (!r.ok()) {
                out.put("error", r.error()).put("failedAt", r.failedAt());
            }
            return new MonitoringApi.Answer(HttpResponseStatus.OK, out.toString());
        });
    }

    private URI target(String text, ProviderConfig provider) throws URISyntaxException {
        String t = text;
        if (t == null && provider != null && provider.baseUrl() != null) {
            return provider.baseUrl();
        }
        if (t == null) {
            return config.current().enabledProviders().stream().map(ProviderConfig::baseUrl)
                    .filter(u -> u != null).findFirst().orElse(URI.create(DEFAULT_TARGET));
        }
        URI u = new URI(t.strip());
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
            throw new URISyntaxException(t, "not an http or https URL");
        }
        return u;
    }

    private static CompletableFuture<MonitoringApi.Answer> bad(String message) {
        return CompletableFuture.completedFuture(MonitoringApi.error(HttpResponseStatus.BAD_REQUEST, message));
    }
}
