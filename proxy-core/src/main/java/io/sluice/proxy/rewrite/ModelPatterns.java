package io.sluice.proxy.rewrite;

import io.sluice.proxy.config.Glob;
import java.util.List;

/**
 * Model globs as the access allow-lists read them: matched against the model the client asked for, the
 * {@code provider/model} it routes to and, for a pattern without {@code /}, the provider's model alone. Empty matches
 * every model.
 */
final class ModelPatterns {

    private final Glob[] globs;
    private final boolean[] bare;

    ModelPatterns(List<String> patterns) {
        globs = new Glob[patterns.size()];
        bare = new boolean[patterns.size()];
        for (int i = 0; i < globs.length; i++) {
            globs[i] = new Glob(patterns.get(i));
            bare[i] = patterns.get(i).indexOf('/') < 0;
        }
    }

    boolean matches(String requested, String provider, String upstream) {
        if (globs.length == 0) {
            return true;
        }
        for (int i = 0; i < globs.length; i++) {
            Glob g = globs[i];
            if (g.matches(requested) || provider != null && upstream != null && g.matches(provider, upstream)
                    || upstream != null && bare[i] && g.matches(upstream)) {
                return true;
            }
        }
        return false;
    }
}
