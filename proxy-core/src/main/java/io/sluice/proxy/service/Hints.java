package io.sluice.proxy.service;

import io.sluice.proxy.access.ClientKeys;
import io.sluice.proxy.route.ModelRouter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The hints of a 404 ("did you mean ...", "enabled providers: ..."), limited to what the client key may use: a key
 * limited to some models must not learn the other models and providers from its mistakes. Runs on error paths only.
 */
final class Hints {

    static final int MAX_CLOSE_MATCHES = 5;
    /** How many candidates to rank before the allow-list filters them. */
    private static final int CANDIDATES = 64;

    private Hints() {
    }

    /** Up to {@value #MAX_CLOSE_MATCHES} served ids close to {@code model} that {@code key} may use. */
    static List<String> closeMatches(ModelRouter router, ClientKeys.Key key, String model) {
        if (unrestricted(key)) {
            return router.closeMatches(model, MAX_CLOSE_MATCHES);
        }
        List<String> out = new ArrayList<>();
        for (String id : router.closeMatches(model, CANDIDATES)) {
            if (out.size() < MAX_CLOSE_MATCHES && allowed(router, key, id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** The enabled providers {@code key} may use at least one served model of. */
    static Set<String> providers(ModelRouter router, ClientKeys.Key key) {
        if (unrestricted(key)) {
            return router.providers().keySet();
        }
        Set<String> out = new LinkedHashSet<>();
        for (ModelRouter.ModelEntry e : router.entries()) {
            ModelRouter.Route r = router.resolve(e.id());
            if (r != null && !out.contains(r.provider().name())
                    && key.allows(e.id(), r.provider().name(), r.upstreamModel())) {
                out.add(r.provider().name());
            }
        }
        return out;
    }

    private static boolean unrestricted(ClientKeys.Key key) {
        return key == null || key.models().isEmpty();
    }

    private static boolean allowed(ModelRouter router, ClientKeys.Key key, String id) {
        ModelRouter.Route r = router.resolve(id);
        return key.allows(id, r == null ? null : r.provider().name(), r == null ? null : r.upstreamModel());
    }
}
