package io.sluice.proxy.route;

import io.sluice.proxy.config.ProviderConfig;
import io.sluice.proxy.config.SluiceConfig;
import io.sluice.proxy.internal.EditDistance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model name → provider + upstream model id. Built once from the config; lookups are map reads.
 *
 * <p>Resolution order: {@code <provider>/<model>} where {@code provider} is a configured, enabled provider name
 * (the prefix is stripped); then an exact match against the model lists of enabled providers (first provider in
 * config order wins).
 */
public final class ModelRouter {

    /** A resolved route. */
    public record Route(ProviderConfig provider, String upstreamModel) {
    }

    private final Map<String, ProviderConfig> byName = new HashMap<>();
    private final Map<String, ProviderConfig> byModel = new HashMap<>();
    private final List<String> publicIds;

    public ModelRouter(SluiceConfig config) {
        List<String> ids = new ArrayList<>();
        for (ProviderConfig p : config.providers()) {
            if (!p.enabled()) {
                continue;
            }
            byName.put(p.name(), p);
            for (String m : p.models()) {
                byModel.putIfAbsent(m, p);
                ids.add(p.name() + '/' + m);
            }
        }
        this.publicIds = Collections.unmodifiableList(ids);
    }

    /** The route for {@code model}, or null when nothing matches. */
    public Route resolve(String model) {
        int slash = model.indexOf('/');
        if (slash > 0) {
            ProviderConfig p = byName.get(model.substring(0, slash));
            if (p != null && slash < model.length() - 1) {
                return new Route(p, model.substring(slash + 1));
            }
        }
        ProviderConfig p = byModel.get(model);
        return p == null ? null : new Route(p, model);
    }

    /** Every {@code provider/model} id served, in config order. */
    public List<String> modelIds() {
        return publicIds;
    }

    /** Enabled providers by name, in config order. */
    public Map<String, ProviderConfig> providers() {
        Map<String, ProviderConfig> out = new LinkedHashMap<>();
        for (String id : publicIds) {
            String name = id.substring(0, id.indexOf('/'));
            out.putIfAbsent(name, byName.get(name));
        }
        byName.forEach(out::putIfAbsent);
        return out;
    }

    /** Up to {@code max} served ids that look like {@code model}, closest first, for "did you mean" errors. */
    public List<String> closeMatches(String model, int max) {
        String needle = model.toLowerCase(Locale.ROOT);
        List<Map.Entry<String, Integer>> scored = new ArrayList<>();
        for (String id : publicIds) {
            String hay = id.toLowerCase(Locale.ROOT);
            int d = Math.min(EditDistance.between(needle, hay),
                    EditDistance.between(needle, hay.substring(hay.indexOf('/') + 1)));
            if (hay.contains(needle) || needle.contains(hay.substring(hay.indexOf('/') + 1))) {
                d = Math.min(d, 1);
            }
            if (d <= Math.max(3, needle.length() / 3)) {
                scored.add(Map.entry(id, d));
            }
        }
        scored.sort(Map.Entry.comparingByValue());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < scored.size() && i < max; i++) {
            out.add(scored.get(i).getKey());
        }
        return out;
    }
}
