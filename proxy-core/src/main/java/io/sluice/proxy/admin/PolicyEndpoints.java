package io.sluice.proxy.admin;

import io.sluice.proxy.config.AccessConfig;
import io.sluice.proxy.config.ClientKeyConfig;
import io.sluice.proxy.config.IpRules;
import io.sluice.proxy.config.LiveConfig;
import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.RateLimitConfig;
import io.sluice.proxy.json.JsonText;
import io.sluice.proxy.schedule.ConcurrencyGate;
import io.sluice.proxy.schedule.ProviderRuntime;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The rules in force: who may call ({@code /api/access}: client keys, masked, and IP rules) and how much
 * ({@code /api/rate-limits}: the configured limits and each provider's limiter and concurrency gate).
 */
final class PolicyEndpoints {

    private final LiveConfig config;
    private final Supplier<IpRules> ipRules;
    private final Function<ProviderConfig, ProviderRuntime> runtimes;

    /** @param ipRules the IP rules in force (the {@code ip-filter} setting, else the config file's) */
    PolicyEndpoints(LiveConfig config, Function<ProviderConfig, ProviderRuntime> runtimes, Supplier<IpRules> ipRules) {
        this.config = config;
        this.ipRules = ipRules;
        this.runtimes = runtimes;
    }

    /** The access rules: client keys (masked, never whole), IP rules; what an operator checks after a 401 or 403. */
    String access() {
        AccessConfig a = config.current().access();
        JsonText j = new JsonText().begin().field("success", true).field("requireClientKey", a.keysRequired())
                .field("openRelay", !a.keysRequired() && !config.current().server().loopbackOnly())
                .field("adminKeyAccepted", a.keysRequired() && config.current().server().adminKey() != null)
                .array("clientKeys");
        for (ClientKeyConfig k : a.clientKeys()) {
            j.begin().field("name", k.name())
                    .field("key", k.shown())
                    .field("enabled", k.enabled()).stringArray("models", k.models())
                    .field("rateLimit", k.perMinute(config.current().rateLimits().perClientKey()))
                    .end();
        }
        IpRules ip = ipRules.get();
        return j.endArray().field("ipFilterEnabled", ip.enabled())
                .stringArray("ipAllow", ip.allow().stream().map(Object::toString).toList())
                .stringArray("ipDeny", ip.deny().stream().map(Object::toString).toList())
                .stringArray("trustedProxies", ip.trusted().stream().map(Object::toString).toList())
                .end().toString();
    }

    String rateLimits() {
        RateLimitConfig l = config.current().rateLimits();
        JsonText j = new JsonText().begin().field("success", true).field("enabled", l.any())
                .begin("perMinute").field("global", l.global()).field("perProvider", l.perProvider())
                .field("perKey", l.perKey()).field("perClientKey", l.perClientKey()).end()
                .array("providers");
        for (ProviderConfig p : config.current().enabledProviders()) {
            ProviderRuntime rt = p.isMock() ? null : runtimes.apply(p);
            if (rt == null) {
                continue;
            }
            ConcurrencyGate g = rt.gate();
            j.begin().field("name", p.name())
                    .field("perMinute", rt.limiter() == null ? 0 : rt.limiter().perMinute());
            if (g != null) {
                j.begin("gate").field("maxConcurrent", g.maxConcurrent()).field("active", g.active())
                        .field("queued", g.queued()).end();
            }
            j.end();
        }
        return j.endArray().end().toString();
    }
}
