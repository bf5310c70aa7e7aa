package io.sluice.proxy.config;

import java.util.function.Supplier;

/**
 * Runs a record constructor for a section reader. The records' errors name keys relative to the record, so they are
 * prefixed with where the values came from: the key path in the file, or the environment variable.
 */
final class Records {

    private Records() {
    }

    /** Builds a record from the file's values under {@code n}; errors are prefixed with its path. */
    static <T> T build(ConfigNode n, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ConfigException e) {
            throw e.under(n.path());
        }
    }

    /** Builds a record from environment variables; errors name {@code var}. */
    static <T> T envBuild(String var, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (ConfigException e) {
            throw new ConfigException("environment (" + var + "): " + e.getMessage(), e);
        }
    }
}
