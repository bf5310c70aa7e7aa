package io.sluice.proxy.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean port?" for a mistyped key: the allowed key nearest in edit distance, if it is near enough. */
final class KeySuggestions {

    private static final int MAX_DISTANCE = 2;

    private KeySuggestions() {
    }

    static Optional<String> closest(String typed, List<String> allowed) {
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String candidate : allowed) {
            int d = EditDistance.between(typed.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }
}
